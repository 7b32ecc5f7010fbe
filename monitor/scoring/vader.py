"""English scoring with vaderSentiment, unchanged, so scores match the library's exactly."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.models import Score
from monitor.scoring.base import Thresholds, apply_rating_rule


class VaderScorer:
    """vaderSentiment's `polarity_scores`, labelled by the configured thresholds."""

    name = "vader"

    def __init__(self, thresholds: Thresholds | None = None) -> None:
        self._analyzer = SentimentIntensityAnalyzer()
        self._thresholds = thresholds or Thresholds()

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
        )
        return apply_rating_rule(result, rating)
