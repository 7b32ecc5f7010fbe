"""Which scorer answers for which language; adding a language means adding a pack.

English is scored by vaderSentiment's algorithm (`VaderScorer` over `vader.FastAnalyzer`, a port
whose scores equal the library's bit for bit), wrapped only to report `coverage`. Every other
language is VADER's algorithm (`engine.PackScorer`) over a `LanguagePack`: to add one, write
`monitor/scoring/packs/<code>.py` defining `PACK` and list the code in `packs.PACK_CODES` —
nothing here changes (see packs/README.md).
"""

from __future__ import annotations

import re

from monitor.language import text_words
from monitor.scoring.base import Scorer, Thresholds
from monitor.scoring.engine import PackScorer
from monitor.scoring.packs import PACK_CODES, load_pack
from monitor.scoring.packs.emoji import EMOJI_RANGES, emoji_valences
from monitor.scoring.packs.en import known_words
from monitor.scoring.vader import FastAnalyzer, Scores, VaderScorer

_EMOJI = re.compile(f"[{EMOJI_RANGES}]")


def english_coverage(text: str) -> float:
    """Share of words and emoji VADER understands (lexicon, negators, boosters, stopwords).

    The words come from `text_words`, cached: language detection has just split this text.
    """
    words = text_words(text)
    hits = sum(map(known_words().__contains__, words))
    total = len(words)
    if not text.isascii():
        emoji = emoji_valences()
        found = sum(map(emoji.__contains__, _EMOJI.findall(text)))
        hits, total = hits + found, total + found
    return round(hits / total, 4) if total else 0.0


#: `_token_counts` packs a token's known words and words as known << _TOTAL_BITS | total, so
#: one C-level `sum` adds both up over a text (no text has 2**32 words).
_TOTAL_BITS = 32
_TOTAL_MASK = (1 << _TOTAL_BITS) - 1


def _token_counts(token: str) -> int:
    """`english_coverage`'s two counts for one whitespace-free token, packed.

    Summed over `text.split()` they are the text's own counts: no word, URL, @handle or
    emoji that `english_coverage` finds spans whitespace, and lower-casing (final sigma
    included) does not look across it either. So `EnglishScorer` can count while VADER splits.
    """
    words = text_words(token)
    known = sum(map(known_words().__contains__, words))
    total = len(words)
    if not token.isascii():
        found = sum(map(emoji_valences().__contains__, _EMOJI.findall(token)))
        known, total = known + found, total + found
    return known << _TOTAL_BITS | total


class EnglishScorer(VaderScorer):
    """`VaderScorer`'s exact scores plus `coverage`; the name stays "vader".

    Coverage is counted per token in VADER's own split (`_token_counts`, remembered with
    the token), not by splitting the text again (a text with emoji is counted as written,
    before VADER describes them). A test pins every other field to
    VaderScorer's, and coverage to `english_coverage`.
    """

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        super().__init__(thresholds, analyzer=FastAnalyzer(token_counts=_token_counts))

    def _scores(self, text: str) -> tuple[Scores, float | None]:
        scores, counts = self._analyzer.scores_and_counts(text)
        if counts is None:  # the library's code scored: count separately
            return scores, english_coverage(text)
        known, total = counts >> _TOTAL_BITS, counts & _TOTAL_MASK
        return scores, round(known / total, 4) if total else 0.0


def language_scorers(thresholds: Thresholds) -> dict[str, Scorer]:
    """One scorer per supported language code."""
    scorers: dict[str, Scorer] = {"en": EnglishScorer(thresholds)}
    for code in PACK_CODES:
        scorers[code] = PackScorer(load_pack(code), thresholds)
    return scorers
