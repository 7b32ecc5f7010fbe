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
_TOKEN_CACHE_LIMIT = 1 << 16
#: Longer tokens are not remembered, so the cache stays small (at most about 2 MB).
_CACHED_TOKEN_CHARS = 32


#: Set to 1 to score with vaderSentiment's own (slower) code, e.g. to rule the port out.
LIBRARY_ENV = "REPMON_VADER_LIBRARY"


def _is_ported() -> bool:
    if os.environ.get(LIBRARY_ENV) == "1":
        return False
    try:
        return metadata.version("vaderSentiment") == PORTED_VERSION
    except metadata.PackageNotFoundError:
        return False


def _negated(word_lower: str) -> bool:
    """vaderSentiment's `negated([word])` for one already lower-cased word."""
    return word_lower in _NEGATE or "n't" in word_lower


class FastAnalyzer(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """vaderSentiment's analyzer with a faster, result-identical `polarity_scores`."""

    def __init__(self) -> None:
        super().__init__()
        self._lexicon: dict[str, float] = self.lexicon
        # Only one-character keys can match: the library looks emoji up one character at a time.
        self._emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        #: Words `sentiment_valence` scores: in the lexicon and not a booster (a booster scores 0).
        self._scored = frozenset(self._lexicon).difference(_BOOSTERS)
        self._tokens: dict[str, str] = {}  # raw token → token without surrounding punctuation
        self._ported = _is_ported()

    def polarity_scores(self, text: Any) -> dict[str, float]:
        if not self._ported or not isinstance(text, str):
            return super().polarity_scores(text)  # type: ignore[no-any-return]
        if not self._emoji_chars.isdisjoint(text):
            text = self._describe_emoji(text)
        text = text.strip()
        words, lower = self._split(text)
        sentiments = self._sentiments(words, lower)
        if "but" in lower:
            sentiments = self._but_check(words, sentiments)
        return _score_valence(sentiments, text)

    def _describe_emoji(self, text: str) -> str:
        """The library's emoji → description rewrite (before its `strip`)."""
        emojis = self.emojis
        parts: list[str] = []
        prev_space = True
        for char in text:
            if char in emojis:
                if not prev_space:
                    parts.append(" ")
                parts.append(emojis[char])
                prev_space = False
            else:
                parts.append(char)
                prev_space = char == " "
        return "".join(parts)

    def _split(self, text: str) -> tuple[list[str], list[str]]:
        """`SentiText.words_and_emoticons` and the same words lower-cased."""
        words = self._stripped(text.split())
        return words, list(map(str.lower, words))

    def _stripped(self, tokens: list[str]) -> list[str]:
        """`SentiText._strip_punc_if_word` of each token, short tokens cached."""
        cache = self._tokens
        try:
            return list(map(cache.__getitem__, tokens))
        except KeyError:
            pass
        if len(cache) >= _TOKEN_CACHE_LIMIT:
            cache.clear()
        words: list[str] = []
        for token in tokens:
            word = cache.get(token)
            if word is None:
                stripped = token.strip(_PUNCTUATION)
                word = token if len(stripped) <= 2 else stripped
                if len(token) <= _CACHED_TOKEN_CHARS:  # a long one is a URL or junk: rare
                    cache[token] = word
            words.append(word)
        return words

    def _sentiments(self, words: list[str], lower: list[str]) -> list[float]:
        """The valence of each word: `polarity_scores`' loop and `sentiment_valence`.

        Words neither in the lexicon nor boosters score 0 (an int, as in the library); only
        the others, found with C-level `compress`, go through the Python rules.
        """
        lexicon = self._lexicon
        count = len(words)
        is_cap_diff = 0 < count - sum(map(str.isupper, words)) < count
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
            if is_cap_diff and words[i].isupper():
                valence = valence + _C_INCR if valence > 0 else valence - _C_INCR
            for start_i in range(3):
                before = i - (start_i + 1)
                if before < 0:
                    break
                if lower[before] in lexicon:
                    continue
                s = self._scalar(words[before], lower[before], valence, is_cap_diff)
                if start_i and s != 0:
                    s = s * (0.95 if start_i == 1 else 0.9)
                valence = valence + s
                valence = _negation(valence, lower, start_i, i)
                if start_i == 2:
                    valence = _special_idioms(valence, lower, i)
            sentiments[i] = self._least(valence, lower, i)
        return sentiments

    @staticmethod
    def _scalar(word: str, word_lower: str, valence: float, is_cap_diff: bool) -> float:
        """vaderSentiment's `scalar_inc_dec`."""
        scalar = 0.0
        booster = _BOOSTERS.get(word_lower)
        if booster is not None:
            scalar = booster
            if valence < 0:
                scalar *= -1
            if word.isupper() and is_cap_diff:
                if valence > 0:
                    scalar += _C_INCR
                else:
                    scalar -= _C_INCR
        return scalar

    def _least(self, valence: float, lower: list[str], i: int) -> float:
        """vaderSentiment's `_least_check`."""
        if i > 0 and lower[i - 1] == "least" and "least" not in self._lexicon:
            if i > 1:
                if lower[i - 2] != "at" and lower[i - 2] != "very":
                    valence = valence * _N_SCALAR
            else:
                valence = valence * _N_SCALAR
        return valence


def _negation(valence: float, lower: list[str], start_i: int, i: int) -> float:
    """vaderSentiment's `_negation_check` over the lower-cased words."""
    if start_i == 0:
        if _negated(lower[i - 1]):
            valence = valence * _N_SCALAR
    elif start_i == 1:
        if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
            valence = valence * 1.25
        elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
            pass
        elif _negated(lower[i - 2]):
            valence = valence * _N_SCALAR
    elif (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
        lower[i - 1] == "so" or lower[i - 1] == "this"
    ):
        valence = valence * 1.25
    elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
        pass
    elif _negated(lower[i - 3]):
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

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self._analyzer = FastAnalyzer()
        self._polarity = self._analyzer.polarity_scores
        self._thresholds = thresholds or Thresholds()

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        raw = self._polarity(text)
        compound = raw["compound"]
        return build_score(
            compound,
            raw["pos"],
            raw["neu"],
            raw["neg"],
            self._thresholds.label(compound),
            lang=lang or "en",
            scorer=self.name,
            coverage=self._coverage(text),
            rating=rating,
        )

    def _coverage(self, text: str) -> float | None:
        """Share of words understood; plain VADER does not say (see EnglishScorer)."""
        return None


def _score_valence(sentiments: list[float], text: str) -> dict[str, float]:
    """vaderSentiment's `score_valence` (with `_punctuation_emphasis`, `_sift_sentiment_scores`
    and `normalize`), the same operations in the same order."""
    if not sentiments:
        return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    sum_s = float(sum(sentiments))
    ep_count = text.count("!")
    ep_count = min(ep_count, 4)
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
    return {
        "neg": round(math.fabs(neg_sum / total), 3),
        "neu": round(math.fabs(neu_count / total), 3),
        "pos": round(math.fabs(pos_sum / total), 3),
        "compound": round(compound, 4),
    }


def _normalize(score: float, alpha: float = 15) -> float:
    """vaderSentiment's `normalize`."""
    norm_score = score / math.sqrt((score * score) + alpha)
    if norm_score < -1.0:
        return -1.0
    if norm_score > 1.0:
        return 1.0
    return norm_score
