"""English scoring with vaderSentiment's algorithm, so scores match the library's exactly.

`FastAnalyzer.polarity_scores` is the library's `polarity_scores` with the same arithmetic in
the same order; it only stops redoing work per word: vaderSentiment lower-cases every word of
the text again for each lexicon word it scores (`_negation_check`, `_special_idioms_check`),
rebuilds the text one character at a time to find emoji, and scans its negation list for each
neighbour (quadratic in the text's length: 0.7 s for a 19,000-character post, 3.5 ms here).
That made VADER itself most of the cost of an English mention. The port is checked against the
library on every test sentence and on generated and random texts
(tests/scoring/test_vader_port.py), and is used only with the vaderSentiment release it was
written from (or not at all with REPMON_VADER_LIBRARY=1).
"""

from __future__ import annotations

import math
import os
import string
from collections.abc import Callable
from importlib import metadata
from itertools import compress
from typing import Any

from vaderSentiment import vaderSentiment as _vader
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.models import Score
from monitor.scoring.base import Thresholds, build_score

#: The vaderSentiment release `FastAnalyzer` reproduces; any other uses the library's own code.
PORTED_VERSION = "3.3.2"
_BOOSTERS: dict[str, float] = _vader.BOOSTER_DICT
_SPECIAL: dict[str, float] = _vader.SPECIAL_CASES
_NEGATE = frozenset(_vader.NEGATE)
_N_SCALAR: float = _vader.N_SCALAR
_C_INCR: float = _vader.C_INCR
#: Words of the multi-word idioms and boosters ("the shit", "kind of"): tokens never contain a
#: space, so a phrase can only match when each of its words is one of these.
_PHRASE_WORDS = frozenset(
    word for key in (*_SPECIAL, *_BOOSTERS) if " " in key for word in key.split(" ")
)
_PUNCTUATION = string.punctuation
#: Tokens remembered before the caches are emptied: the words that make most of any text, and
#: about 4.5 MB per process when full (both caches, their tokens included), whatever the input.
_TOKEN_CACHE_LIMIT = 1 << 14
#: Longer tokens are not remembered, so the caches stay small.
_CACHED_TOKEN_CHARS = 32


#: (neg, neu, pos, compound): `polarity_scores` as a tuple, for callers that read every field.
Scores = tuple[float, float, float, float]


#: Set to 1 to score with vaderSentiment's own (slower) code, e.g. to rule the port out.
LIBRARY_ENV = "REPMON_VADER_LIBRARY"


def _is_ported() -> bool:
    if os.environ.get(LIBRARY_ENV) == "1":
        return False
    try:
        return metadata.version("vaderSentiment") == PORTED_VERSION
    except metadata.PackageNotFoundError:
        return False


class FastAnalyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """vaderSentiment's analyzer with a faster, result-identical `polarity_scores`."""

    def __init__(self, *, token_counts: Callable[[str], int] | None = None) -> None:
        super().__init__()
        self._lexicon: dict[str, float] = self.lexicon
        # Only one-character keys can match: the library looks emoji up one character at a time.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        # Each emoji → " " + its description: the library's rewrite up to whitespace (see
        # `_describe_emoji`).
        self._described = {key: f" {self.emojis[key]}" for key in self._emoji_chars}
        #: Words `sentiment_valence` scores: in the lexicon and not a booster (a booster scores 0).
        self._scored = frozenset(self._lexicon).difference(_BOOSTERS)
        # Per raw token, worked out once: its word (the token without surrounding punctuation)
        # lower-cased, and `token_counts` of the token.
        self._lowers: dict[str, str] = {}
        self._counts: dict[str, int] = {}
        self._token_counts = token_counts
        # `_describe_emoji` replaces one emoji after another, which is the library's rewrite
        # only if no description holds an emoji itself: true of the ported release, checked.
        self._ported = _is_ported() and self._emoji_chars.isdisjoint(
            "".join(self._described.values())
        )

    def polarity_scores(self, text: Any) -> dict[str, float]:
        if not self._ported or not isinstance(text, str):
            return super().polarity_scores(text)  # type: ignore[no-any-return]
        return _as_dict(self._polarity(text))

    def polarity_and_counts(self, text: str) -> tuple[dict[str, float], int | None]:
        """`polarity_scores(text)` and the sum of `token_counts` over `text.split()`, taken
        from the split that scores it, so a caller need not split the text again.

        The counts are None when the port did not split `text` itself: its emoji were
        rewritten to their descriptions first, or the library's own code scores.
        """
        if not self._ported or not isinstance(text, str) or self._has_emoji(text):
            return self.polarity_scores(text), None
        scores, counts = self.scores_and_counts(text)
        return _as_dict(scores), counts

    def scores_and_counts(self, text: str) -> tuple[Scores, int | None]:
        """`polarity_scores(text)` as a tuple (no dict to build and read back), and the sum of
        `token_counts` over `text.split()`, from the split that scores it when it can.

        A text with emoji is scored with them described in words, and counted as written.
        The counts are None when the library's own code scores.
        """
        if not self._ported or not isinstance(text, str):
            raw = self.polarity_scores(text)
            return (raw["neg"], raw["neu"], raw["pos"], raw["compound"]), None
        tokens = text.split()
        lower, counts = self._split(tokens)
        if self._has_emoji(text):
            text = self._describe_emoji(text)
            tokens = text.split()
            lower = self._split(tokens)[0]
        return self._scores(tokens, lower, text), counts

    def _has_emoji(self, text: str) -> bool:
        # No emoji character is ASCII: `isascii` rules most texts out without a set lookup
        # per character.
        return not text.isascii() and not self._emoji_chars.isdisjoint(text)

    def _polarity(self, text: str) -> Scores:
        if self._has_emoji(text):
            text = self._describe_emoji(text)
        # The library splits `text.strip()`: `split()` drops the same surrounding whitespace,
        # and stripping it changes no "!" or "?" count of `_score_valence`.
        tokens = text.split()
        return self._scores(tokens, self._split(tokens)[0], text)

    def _scores(self, tokens: list[str], lower: list[str], text: str) -> Scores:
        sentiments = self._sentiments(tokens, lower)
        if "but" in lower:
            # The library lower-cases its words again: a no-op on `lower` for finding "but".
            sentiments = self._but_check(lower, sentiments)
        return _score_valence(sentiments, text)

    def _describe_emoji(self, text: str) -> str:
        """The library's emoji → description rewrite (before its `strip`), up to whitespace.

        The library puts a space before a description unless it starts the text or follows a
        space; this puts one before every description. Only whitespace differs, which neither
        `split()` nor the "!" and "?" counts of `_score_valence` can see. Each emoji the text
        holds is replaced at once (a text has few): `str.translate` over the text costs more.
        """
        for char in self._emoji_chars.intersection(text):
            text = text.replace(char, self._described[char])
        return text

    def _split(self, tokens: list[str]) -> tuple[list[str], int]:
        """The lower-cased words of `SentiText.words_and_emoticons` of the text of `tokens`,
        and the sum of `token_counts` (0 without it), from the token cache."""
        try:
            lower = list(map(self._lowers.__getitem__, tokens))
        except KeyError:
            return self._learn(tokens)
        if self._token_counts is None:
            return lower, 0
        # Every cached token is in both caches.
        return lower, sum(map(self._counts.__getitem__, tokens))

    def _learn(self, tokens: list[str]) -> tuple[list[str], int]:
        """`_split` for tokens not all cached yet: works them out, caching the short ones."""
        lowers_of, counts_of = self._lowers, self._counts
        if len(lowers_of) >= _TOKEN_CACHE_LIMIT:
            lowers_of.clear()
            counts_of.clear()
        token_counts = self._token_counts
        lower: list[str] = []
        counts = 0
        for token in tokens:
            word_lower = lowers_of.get(token)
            if word_lower is None:
                stripped = token.strip(_PUNCTUATION)  # `SentiText._strip_punc_if_word`
                word_lower = (token if len(stripped) <= 2 else stripped).lower()
                count = 0 if token_counts is None else token_counts(token)
                if len(token) <= _CACHED_TOKEN_CHARS:  # a long one is a URL or junk: rare
                    lowers_of[token] = word_lower
                    counts_of[token] = count
            else:
                count = counts_of[token]
            lower.append(word_lower)
            counts += count
        return lower, counts

    def _sentiments(self, tokens: list[str], lower: list[str]) -> list[float]:
        """The valence of each word: `polarity_scores`' loop and `sentiment_valence`.

        Words neither in the lexicon nor boosters score 0 (an int, as in the library); only
        the others, found with C-level `compress`, go through the Python rules.

        The library asks whether its words are in capitals; the raw `tokens` are asked
        instead, which answer alike: a word is its token or the token without surrounding
        ASCII punctuation, and `isupper` looks only at cased characters.
        """
        lexicon = self._lexicon
        count = len(lower)
        # `_is_cap_diff(words)` looks at every word: worked out only once an upper-case word
        # needs it, which most texts never do.
        is_cap_diff: bool | None = None
        sentiments: list[float] = [0] * count
        for i in compress(range(count), map(self._scored.__contains__, lower)):
            item_lower = lower[i]
            if i < count - 1 and item_lower == "kind" and lower[i + 1] == "of":
                continue
            base = lexicon[item_lower]
            valence = base
            if item_lower == "no" and i != count - 1 and lower[i + 1] in lexicon:
                valence = 0.0
            if (
                (i > 0 and lower[i - 1] == "no")
                or (i > 1 and lower[i - 2] == "no")
                or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor"))
            ):
                valence = base * _N_SCALAR
            if tokens[i].isupper():
                if is_cap_diff is None:
                    is_cap_diff = _is_cap_diff(tokens)
                if is_cap_diff:
                    valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
            # `sentiment_valence`'s loop over the three words before (its start_i 0, 1, 2),
            # unrolled: each one not in the lexicon may boost the valence (`_scalar` gives any
            # word but a booster 0.0, and most skip the call), then negation is checked. The
            # valence gets + 0.0 even so, which turns a -0.0 into 0.0 as in the library.
            if i > 0 and (before := lower[i - 1]) not in lexicon:
                s = _scalar(tokens, lower, i - 1, valence, 0) if before in _BOOSTERS else 0.0
                valence = valence + s
                if before in _NEGATE or "n't" in before:  # `_negation` at start_i 0
                    valence = valence * _N_SCALAR
            if i > 1 and (before := lower[i - 2]) not in lexicon:
                s = _scalar(tokens, lower, i - 2, valence, 1) if before in _BOOSTERS else 0.0
                valence = _negation(valence + s, lower, 1, i)
            if i > 2 and (before := lower[i - 3]) not in lexicon:
                s = _scalar(tokens, lower, i - 3, valence, 2) if before in _BOOSTERS else 0.0
                valence = _negation(valence + s, lower, 2, i)
                valence = _special_idioms(valence, lower, i)
            if i > 0 and lower[i - 1] == "least":  # `_least` changes nothing otherwise
                valence = self._least(valence, lower, i)
            sentiments[i] = valence
        return sentiments

    def _least(self, valence: float, lower: list[str], i: int) -> float:
        """vaderSentiment's `_least_check`."""
        if i > 0 and lower[i - 1] == "least" and "least" not in self._lexicon:
            if i > 1:
                if lower[i - 2] != "at" and lower[i - 2] != "very":
                    valence = valence * _N_SCALAR
            else:
                valence = valence * _N_SCALAR
        return valence


def _scalar(
    tokens: list[str], lower: list[str], before: int, valence: float, start_i: int
) -> float:
    """vaderSentiment's `scalar_inc_dec` of the booster at `before`, damped by its distance
    as `sentiment_valence` does (boosters are rare: `is_cap_diff` is not kept). Capitals are
    read from the tokens, as in `FastAnalyzer._sentiments`."""
    scalar = _BOOSTERS[lower[before]]
    if valence < 0:
        scalar *= -1
    if tokens[before].isupper() and _is_cap_diff(tokens):
        if valence > 0:
            scalar += _C_INCR
        else:
            scalar -= _C_INCR
    if start_i and scalar != 0:
        scalar = scalar * (0.95 if start_i == 1 else 0.9)
    return scalar


def _is_cap_diff(words: list[str]) -> bool:
    """vaderSentiment's `allcap_differential`: some of the words, not all, are in capitals."""
    count = len(words)
    return 0 < count - sum(map(str.isupper, words)) < count


def _negation(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """vaderSentiment's `_negation_check` over the lower-cased words (its `negated([word])`
    of one lower-cased word is `word in _NEGATE or "n't" in word`, written out: it runs for
    most neighbours of a scored word)."""
    if start_i == 0:
        if lower[i - 1] in _NEGATE or "n't" in lower[i - 1]:
            valence = valence * _N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif lower[i - 2] in _NEGATE or "n't" in lower[i - 2]:
            valence = valence * _N_SCALAR
    elif (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
        lower[i - 1] == "so" or lower[i - 1] == "this"
    ):
        valence = valence * 1.25
    elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
        pass
    elif lower[i - 3] in _NEGATE or "n't" in lower[i - 3]:
        valence = valence * _N_SCALAR
    return valence


def _special_idioms(valence: float, lower: list[str], i: int) -> float:
    """vaderSentiment's `_special_idioms_check` (called with i > 2)."""
    if (
        lower[i - 2] not in _PHRASE_WORDS
        and lower[i - 1] not in _PHRASE_WORDS
        and lower[i] not in _PHRASE_WORDS
    ):
        return valence  # every phrase below has one of these three words
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in _SPECIAL:
            valence = _SPECIAL[seq]
            break
    count = len(lower)
    if count - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in _SPECIAL:
            valence = _SPECIAL[zeroone]
    if count - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in _SPECIAL:
            valence = _SPECIAL[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in _BOOSTERS:
            valence = valence + _BOOSTERS[n_gram]
    return valence


class VaderScorer:
    """vaderSentiment's `polarity_scores` (as `FastAnalyzer`), labelled by the thresholds."""

    name = "vader"

    def __init__(
        self, thresholds: Thresholds | None = None, *, analyzer: FastAnalyzer | None = None
    ) -> None:
        self._analyzer = analyzer or FastAnalyzer()
        self._thresholds = thresholds or Thresholds()

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        (neg, neu, pos, compound), coverage = self._scores(text)
        return build_score(
            compound,
            pos,
            neu,
            neg,
            self._thresholds.label(compound),
            lang=lang or "en",
            scorer=self.name,
            coverage=coverage,
            rating=rating,
        )

    def _scores(self, text: str) -> tuple[Scores, float | None]:
        """VADER's scores and the share of words understood, which plain VADER does not say
        (see EnglishScorer)."""
        return self._analyzer.scores_and_counts(text)[0], None


def _as_dict(scores: Scores) -> dict[str, float]:
    """`Scores` as the library's `polarity_scores` dict (same keys, same order)."""
    neg, neu, pos, compound = scores
    return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}


def _score_valence(sentiments: list[float], text: str) -> Scores:
    """vaderSentiment's `score_valence` (with `_punctuation_emphasis`, `_sift_sentiment_scores`
    and `normalize`), the same operations in the same order."""
    if not sentiments:
        return (0.0, 0.0, 0.0, 0.0)
    sum_s = float(sum(sentiments))
    ep_count = text.count("!")
    ep_count = 4 if ep_count > 4 else ep_count  # `min(ep_count, 4)`: the builtin costs more
    qm_count = text.count("?")
    qm_amplifier: float = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct_emph_amplifier = ep_count * 0.292 + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    compound = _normalize(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    neu_count = sentiments.count(0)
    for sentiment_score in filter(None, sentiments):
        if sentiment_score > 0:
            pos_sum += float(sentiment_score) + 1
        elif sentiment_score < 0:
            neg_sum += float(sentiment_score) - 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct_emph_amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return (
        round(math.fabs(neg_sum / total), 3),
        round(math.fabs(neu_count / total), 3),
        round(math.fabs(pos_sum / total), 3),
        round(compound, 4),
    )


def _normalize(score: float, alpha: float = 15) -> float:
    """vaderSentiment's `normalize`."""
    norm_score = score / math.sqrt((score * score) + alpha)
    if norm_score < -1.0:
        return -1.0
    if norm_score > 1.0:
        return 1.0
    return norm_score
