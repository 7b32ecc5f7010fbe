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
#: The confidence of a label set by the star rating: the customer said it explicitly.
RATED_CONFIDENCE = 0.9


def confidence_of(
    compound: float, label: Label, coverage: float | None, rating_rule: bool
) -> float:
    """`confidence` from the fields it depends on (for scorers that build a `Score` once)."""
    if rating_rule:
        return RATED_CONFIDENCE
    understood = 1.0 if coverage is None else coverage
    strength = abs(compound) / 0.5
    # `min(1.0, strength)` written out (the same value, NaN included): the builtin call cost
    # more than the rest of this function, run for every mention.
    strength = strength if strength < 1.0 else 1.0
    margin = 0.5 + 0.5 * (strength if label != "neutral" else 1.0 - strength)
    return round(understood * margin, 3)


def confidence(score: Score) -> float:
    """How far to trust the label, 0–1: the share of words understood times the label's margin.

    A "neutral" on text the scorer did not understand (coverage near 0) gets a low confidence,
    so it can be told apart from a text understood to be neutral. A label set by the star
    rating is trusted: the customer said it explicitly.
    """
    return confidence_of(score.compound, score.label, score.coverage, score.rating_rule)


class Scorer(Protocol):
    """Rates one text; `lang` is a hint, `rating` a star rating (1–5) when the item has one."""

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        """The sentiment of `text`, with the rating rule applied."""
        ...


def apply_rating_rule(score: Score, rating: int | None) -> Score:
    """DESIGN 3.5: 1–2★ is negative and 3★ at best neutral, whatever the text says.

    Customers are polite in writing and honest in stars; a "nice app but logs me out" 2★ review
    is a complaint the contact center must see. A confidence already set follows the label.
    """
    if rating is None:
        return score
    if rating >= 4 and score.compound <= MISRATED_COMPOUND:
        # Five stars on an angry text: people tap the wrong star, or rate the app, not the
        # service. The text wins, and the card says so.
        return replace(score, misrated=True)
    rated = score.confidence if score.confidence is None else RATED_CONFIDENCE
    if rating <= 2 and score.label != "negative":
        return replace(score, label="negative", rating_rule=True, confidence=rated)
    if rating == 3 and score.label == "positive":
        return replace(score, label="neutral", rating_rule=True, confidence=rated)
    return score


def build_score(
    compound: float,
    pos: float,
    neu: float,
    neg: float,
    label: Label,
    *,
    lang: str,
    scorer: str,
    coverage: float | None,
    rating: int | None,
) -> Score:
    """The finished `Score`, built once: the rating rule applied and `confidence` filled.

    Same result as `apply_rating_rule` then `confidence`, without copying the frozen dataclass
    (each copy costs about a tenth of VADER's own time per text).
    """
    rating_rule = misrated = False
    if rating is not None:
        if rating >= 4 and compound <= MISRATED_COMPOUND:
            misrated = True
        elif rating <= 2 and label != "negative":
            label, rating_rule = "negative", True
        elif rating == 3 and label == "positive":
            label, rating_rule = "neutral", True
    return Score(
        compound,
        pos,
        neu,
        neg,
        label,
        lang,
        scorer,
        coverage,
        rating_rule,
        confidence_of(compound, label, coverage, rating_rule),
        misrated,
    )
