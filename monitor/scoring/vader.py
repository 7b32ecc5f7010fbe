"""English scoring with vaderSentiment, unchanged, so scores match the library's exactly."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.models import Score
from monitor.scoring.base import Thresholds, build_score


class VaderScorer:
    """vaderSentiment's `polarity_scores`, labelled by the configured thresholds."""

    name = "vader"

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self._analyzer = SentimentIntensityAnalyzer()
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
