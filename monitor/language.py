"""Language of a mention: the platform's hint, then word votes, then py3langid, then the default.

py3langid is unreliable on one to three words ("merci" came out "es"), and it costs as much as
VADER per post plus a second to load. Words from the language packs (stopwords, lexicon, slang
and a few markers such as "merci", "gracias", "thanks") vote first: on short texts any clear
winner decides; on longer texts a clear lead in telling words does; the rest go to py3langid.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import filterfalse
from typing import Any

_lock = threading.Lock()

#: Texts of at most this many words are "short": votes decide, py3langid only breaks ties.
SHORT_WORDS = 3
#: On a short text with no decisive vote, py3langid must be this sure to beat the default.
SHORT_MIN_PROBABILITY = 0.5
#: A longer text skips py3langid when the leader has this many votes and LONG_MARGIN times the
#: runner-up's (votes of words shared by languages are split, so these are telling words).
LONG_MIN_VOTES = 2.0
LONG_MARGIN = 1.5
#: Votes are counted over at most this many words (a 100 KB post needs no more).
MAX_VOTING_WORDS = 200

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
#: `_WORD` without apostrophes: what a letter is, here and in `_letter_runs`.
_LETTERS = re.compile(r"[^\W\d_]+")
_NOISE = re.compile(r"(?:https?://|www\.)\S+|@\w+")
#: `_NOISE` in text without "://" or "www.": its @handles, found four times as fast.
_HANDLE = re.compile(r"@\w+")

# Votes are counted in 1/_UNIT points and packed into one int, _BITS per language, so that
# adding up a text's votes is one C-level sum(); MAX_VOTING_WORDS × 3 × _UNIT fits in _BITS.
_UNIT = 12
_BITS = 16
_MASK = (1 << _BITS) - 1


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """Word → packed votes: exact spellings overlaid on accent-folded ones (at half weight)."""

    lookup: dict[str, int]
    folded: dict[str, int]
    #: Every configured language has words; else a landslide could only be among some of them.
    complete: bool
    fold: Callable[[str], str]


@lru_cache(maxsize=32)
def text_words(text: str) -> tuple[str, ...]:
    """Lowercase words of `text` without URLs and @handles.

    Cached because the pipeline asks twice in a row for the same text: detection here, then
    English coverage in the scorer.
    """
    # Noise is removed before lower-casing: "WWW." is not a link to `_NOISE`.
    if "://" in text or "www." in text:
        text = _NOISE.sub(" ", text)
    elif "@" in text:
        text = _HANDLE.sub(" ", text)
    return _letter_runs(text.lower())


def _separators() -> bytes:
    """`bytes.translate` table for Latin-1 text: a letter (as `_LETTERS` sees it) or an
    apostrophe stays, anything else becomes a space."""
    return bytes(
        code if code == ord("'") or _LETTERS.fullmatch(chr(code)) else ord(" ")
        for code in range(256)
    )


_SEPARATORS = _separators()
#: A letter (as `_LETTERS` sees it) outside Latin-1.
_LETTER_BEYOND_LATIN1 = re.compile(r"[^\W\d_\x00-\xff]")


def _letter_runs(lower: str) -> tuple[str, ...]:
    """`_WORD.findall(lower)` at about half the cost, for text whose letters are all Latin-1
    (English, Spanish, French, with or without emoji or "€"); other text takes the regex.

    A word is a run of letters, single apostrophes joining them. One `bytes.translate` turns
    every other character into a space (one beyond Latin-1, a non-letter here, is encoded as
    "?" first), so `str.split` returns the runs of letters and apostrophes: those are the
    words, unless an apostrophe starts or ends a run or doubles, left to the regex too.
    """
    if not lower.isascii() and _LETTER_BEYOND_LATIN1.search(lower):
        return tuple(_WORD.findall(lower))
    marked = lower.encode("latin-1", "replace").translate(_SEPARATORS).decode("latin-1")
    if "'" in marked and (
        " '" in marked
        or "' " in marked
        or "''" in marked
        or marked.startswith("'")
        or marked.endswith("'")
    ):
        return tuple(_WORD.findall(lower))
    return tuple(marked.split())


def normalize_hint(hint: object) -> str | None:
    """`en-US`, `EN`, `es_419` → `en`, `en`, `es`; junk (a platform's payload may put anything
    here, even an object) → None."""
    if not hint or not isinstance(hint, str):
        return None
    code = hint.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if len(code) == 2 and code.isalpha() else None


#: `normalize_hint` of the few hint strings platforms send, remembered (most mentions have one).
_hint_code = lru_cache(maxsize=256)(normalize_hint)


class LanguageDetector:
    """Detects among the configured languages only; the model ships inside py3langid."""

    def __init__(self, languages: Sequence[str], *, default: str = "en") -> None:
        self.languages = [code.lower() for code in languages]
        self.default = default if default in self.languages else self.languages[0]
        self._identifier: Any = None
        self._words: _Vocabulary | None = None
        self._shifts = [_BITS * index for index in range(len(self.languages))]

    def _model(self) -> Any:
        if self._identifier is None:
            with _lock:
                if self._identifier is None:
                    from py3langid.langid import MODEL_FILE, LanguageIdentifier

                    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                    identifier.set_languages(self.languages)
                    self._identifier = identifier
        return self._identifier

    def _vocabulary(self) -> _Vocabulary:
        if self._words is None:
            with _lock:
                if self._words is None:
                    self._words = self._build_vocabulary()
        return self._words

    def _build_vocabulary(self) -> _Vocabulary:
        """Votes per word: its weight for each language that has it, shared out among them
        ("de" is Spanish and French: half a vote each), so only telling words add up."""
        # Imported here: monitor.scoring imports this module.
        from monitor.scoring.packs import PACK_CODES, detection_words, fold

        exact: dict[str, list[float]] = {}
        folded: dict[str, list[float]] = {}
        complete = True
        for index, code in enumerate(self.languages):
            if code != "en" and code not in PACK_CODES:
                complete = False
                continue
            for word, weight in detection_words(code).items():
                votes = exact.setdefault(word, [0.0] * len(self.languages))
                votes[index] = max(votes[index], weight)
                loose = folded.setdefault(fold(word), [0.0] * len(self.languages))
                loose[index] = max(loose[index], weight / 2)

        def pack(votes: list[float]) -> int:
            share = _UNIT / sum(1 for vote in votes if vote)
            return sum(round(vote * share) << (_BITS * i) for i, vote in enumerate(votes))

        packed_folded = {word: pack(votes) for word, votes in folded.items()}
        return _Vocabulary(
            lookup=packed_folded | {word: pack(votes) for word, votes in exact.items()},
            folded=packed_folded,
            complete=complete,
            fold=fold,
        )

    def vote(self, words: Sequence[str]) -> list[float]:
        """Votes per configured language for lowercase `words`."""
        total = self._tally(words, "".join(words).isascii())
        return [((total >> shift) & _MASK) / _UNIT for shift in self._shifts]

    def _tally(self, words: Sequence[str], ascii_only: bool) -> int:
        """The packed votes of `words` (see `_UNIT`): one C-level pass over a dict, then the
        accented words not found, unless `ascii_only` says there are none."""
        vocabulary = self._words or self._vocabulary()
        if len(words) > MAX_VOTING_WORDS:
            words = words[:MAX_VOTING_WORDS]
        lookup = vocabulary.lookup
        total: int = sum(filter(None, map(lookup.get, words)))
        if ascii_only:
            return total
        # Accents typed where the packs have none, or wrongly: the non-ASCII words not found
        # fall back on their folded spellings (folding an ASCII word changes nothing).
        missing = [word for word in filterfalse(str.isascii, words) if word not in lookup]
        if missing:
            total += sum(filter(None, map(vocabulary.folded.get, map(vocabulary.fold, missing))))
        return total

    def detect(self, text: str, hint: str | None = None) -> str:
        """The platform's own language field wins when it is one of ours."""
        if hint:
            code = _hint_code(hint) if type(hint) is str else normalize_hint(hint)
            if code in self.languages:
                return code
        if len(self.languages) == 1:
            return self.default
        words = text_words(text)
        if sum(map(len, words[:3])) < 3:
            return self.default
        return self._decide(text, words)

    def _decide(self, text: str, words: Sequence[str]) -> str:
        """Votes, then py3langid (restricted to our languages), then the default."""
        total = self._tally(words, text.isascii())
        totals = [((total >> shift) & _MASK) / _UNIT for shift in self._shifts]
        ordered = sorted(totals)
        best, runner_up = ordered[-1], ordered[-2]
        if len(words) <= SHORT_WORDS:
            if best > runner_up:
                return self.languages[totals.index(best)]
            leaders = [
                code for code, total in zip(self.languages, totals, strict=True) if total == best
            ]
            return self._classify(text, leaders if best > 0 else self.languages)
        landslide = best >= LONG_MIN_VOTES and best >= LONG_MARGIN * runner_up
        if landslide and self._vocabulary().complete:
            return self.languages[totals.index(best)]
        if "@" in text or "://" in text or "www." in text:
            text = _NOISE.sub(" ", text)
        lang, _ = self._model().classify(text)
        return str(lang) if lang in self.languages else self.default

    def _classify(self, text: str, candidates: Sequence[str]) -> str:
        """py3langid's best among `candidates`; the default instead when it is a candidate too
        and py3langid is unsure."""
        for lang, probability in self._model().rank(text):
            if lang in candidates:
                if probability >= SHORT_MIN_PROBABILITY or self.default not in candidates:
                    return str(lang)
                break
        return self.default
