"""Which scorer answers for which language; adding a language means adding a pack.

English is scored by vaderSentiment itself (`VaderScorer`, compound untouched), wrapped only to
report `coverage`. Every other language is VADER's algorithm (`engine.PackScorer`) over a
`LanguagePack`: to add one, write `monitor/scoring/packs/<code>.py` defining `PACK` and list the
code in `packs.PACK_CODES` — nothing here changes (see packs/README.md).
"""

from __future__ import annotations

import re

from monitor.language import text_words
from monitor.models import Score
from monitor.scoring.base import Scorer, Thresholds, apply_rating_rule
from monitor.scoring.engine import PackScorer
from monitor.scoring.packs import PACK_CODES, load_pack
from monitor.scoring.packs.emoji import EMOJI_RANGES, emoji_valences
from monitor.scoring.packs.en import known_words
from monitor.scoring.vader import VaderScorer

_EMOJI = re.compile(f"[{EMOJI_RANGES}]")


def english_coverage(text: str) -> float:
    """Share of words and emoji VADER understands (lexicon, negators, boosters, stopwords)."""
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

    It builds the `Score` once rather than copying VaderScorer's with `coverage` added, which
    costs a tenth of VADER's own time; a test pins every other field to VaderScorer's.
    """

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        raw = self._analyzer.polarity_scores(text)
        compound = float(raw["compound"])
        result = Score(
            compound=compound,
            pos=float(raw["pos"]),
            neu=float(raw["neu"]),
            neg=float(raw["neg"]),
            label=self._thresholds.label(compound),
            lang=lang or "en",
            scorer=self.name,
            coverage=english_coverage(text),
        )
        return apply_rating_rule(result, rating)


def language_scorers(thresholds: Thresholds) -> dict[str, Scorer]:
    """One scorer per supported language code."""
    scorers: dict[str, Scorer] = {"en": EnglishScorer(thresholds)}
    for code in PACK_CODES:
        scorers[code] = PackScorer(load_pack(code), thresholds)
    return scorers
