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
from monitor.scoring.vader import VaderScorer

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


class EnglishScorer(VaderScorer):
    """`VaderScorer`'s exact scores plus `coverage`; the name stays "vader".

    A test pins every other field to VaderScorer's.
    """

    def _coverage(self, text: str) -> float | None:
        return english_coverage(text)


def language_scorers(thresholds: Thresholds) -> dict[str, Scorer]:
    """One scorer per supported language code."""
    scorers: dict[str, Scorer] = {"en": EnglishScorer(thresholds)}
    for code in PACK_CODES:
        scorers[code] = PackScorer(load_pack(code), thresholds)
    return scorers
