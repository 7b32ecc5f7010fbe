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


MISRATED_COMPOUND = -0.5
LOW_CONFIDENCE = 0.4


def confidence(score: Score) -> float:
    """How far to trust the label, 0–1: the share of words understood times the label's margin.

    A "neutral" on text the scorer did not understand (coverage near 0) gets a low confidence,
    so it can be told apart from a text understood to be neutral. A label set by the star
    rating is trusted: the customer said it explicitly.
    """
    if score.rating_rule:
        return 0.9
    understood = 1.0 if score.coverage is None else score.coverage
    strength = min(1.0, abs(score.compound) / 0.5)
    margin = 0.5 + 0.5 * (strength if score.label != "neutral" else 1.0 - strength)
    return round(understood * margin, 3)


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
    if rating >= 4 and score.compound <= MISRATED_COMPOUND:
        # Five stars on an angry text: people tap the wrong star, or rate the app, not the
        # service. The text wins, and the card says so.
        return replace(score, misrated=True)
    if rating <= 2 and score.label != "negative":
        return replace(score, label="negative", rating_rule=True)
    if rating == 3 and score.label == "positive":
        return replace(score, label="neutral", rating_rule=True)
    return score
