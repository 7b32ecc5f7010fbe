"""The scorer interface and the two rules every scorer shares: labels and star ratings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from monitor.models import Label, Score


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Compound cut-offs for labels; VADER's authors recommend ±0.05."""

    negative: float = -0.05
    positive: float = 0.05

    def label(self, compound: float) -> Label:
        if compound <= self.negative:
            return "negative"
        if compound >= self.positive:
            return "positive"
        return "neutral"


class Scorer(Protocol):
    """Rates one text; `lang` is a hint, `rating` a star rating (1–5) when the item has one."""

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        """The sentiment of `text`, with the rating rule applied."""
        ...


def apply_rating_rule(score: Score, rating: int | None) -> Score:
    """DESIGN 3.5: 1–2★ is negative and 3★ at best neutral, whatever the text says.

    Customers are polite in writing and honest in stars; a "nice app but logs me out" 2★ review
    is a complaint the contact center must see.
    """
    if rating is None:
        return score
    if rating <= 2 and score.label != "negative":
        return replace(score, label="negative", rating_rule=True)
    if rating == 3 and score.label == "positive":
        return replace(score, label="neutral", rating_rule=True)
    return score
