"""Plain data passed between connectors, scoring, ranking and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Label = Literal["negative", "neutral", "positive"]


@dataclass(slots=True)
class Mention:
    """One post, comment or review about a brand, as a connector normalises it (DESIGN 3.3)."""

    source: str
    external_id: str
    text: str
    created_at: datetime
    connector: str = ""
    url: str | None = None
    author: str | None = None
    author_name: str | None = None
    author_followers: int | None = None
    lang: str | None = None
    rating: int | None = None
    title: str | None = None
    in_reply_to: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] | None = None


@dataclass(slots=True)
class Batch:
    """What one `fetch` returns: the items and the cursor to resume after them.

    `more` tells the pipeline that the source has further items right now (a large file, another
    page within the run's budget); the cursor is still saved after each batch.
    """

    mentions: list[Mention]
    cursor: str | None
    more: bool = False
    skipped: int = 0


ScoreValues = tuple[
    float, float, float, float, Label, str, str, float | None, bool, float | None, bool
]


@dataclass(slots=True, frozen=True)
class Score:
    """Sentiment of one text (DESIGN 3.5); `coverage` is the share of words the scorer knew."""

    compound: float
    pos: float
    neu: float
    neg: float
    label: Label
    lang: str
    scorer: str
    coverage: float | None = None
    rating_rule: bool = False
    confidence: float | None = None
    misrated: bool = False

    def values(self) -> ScoreValues:
        """Every field in declaration order, so `Score(*score.values()) == score`: the plain
        form a worker process sends (pickling the frozen dataclass costs more to rebuild)."""
        return (
            self.compound,
            self.pos,
            self.neu,
            self.neg,
            self.label,
            self.lang,
            self.scorer,
            self.coverage,
            self.rating_rule,
            self.confidence,
            self.misrated,
        )

    def columns(self) -> dict[str, Any]:
        """The score as the `mentions` table stores it (new mentions and edited reviews)."""
        return {
            "compound": self.compound,
            "pos": self.pos,
            "neu": self.neu,
            "neg": self.neg,
            "label": self.label,
            "scorer": self.scorer,
            "coverage": self.coverage,
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `repmon score` output, rounded for humans."""
        out: dict[str, Any] = {
            "lang": self.lang,
            "compound": round(self.compound, 4),
            "pos": round(self.pos, 3),
            "neu": round(self.neu, 3),
            "neg": round(self.neg, 3),
            "label": self.label,
            "scorer": self.scorer,
        }
        if self.coverage is not None:
            out["coverage"] = round(self.coverage, 3)
        if self.confidence is not None:
            out["confidence"] = round(self.confidence, 3)
        if self.rating_rule:
            out["rating_rule"] = True
        if self.misrated:
            out["misrated"] = True
        return out
