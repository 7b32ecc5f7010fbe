"""The report as plain data: what the queries produce and the HTML, CSV and Slack renderers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from monitor.reports.period import Period

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class Outcomes:
    """How the contact center did with the cases opened in the period (monitor.metrics)."""

    opened: int
    responded: int
    closed: int
    resolved: int
    resolution_rate: float | None
    replied: int
    recovered: int
    recovery_rate: float | None
    first_response_median: float | None  # seconds
    first_response_p90: float | None  # seconds
    reopened: int
    reopen_rate: float | None  # reopened ÷ closed, as `repmon stats` has it


@dataclass(frozen=True, slots=True)
class GroupOutcomes:
    """One agent's or template's row of the outcome metrics (monitor.metrics) for the period.

    `answered` counts the cases first answered in the period (the recovery rate's denominator),
    so an agent who answered older cases is not ranked as idle.
    """

    name: str  # monitor.metrics.NO_GROUP for cases without an agent / template
    answered: int
    first_response_median: float | None  # seconds, over the cases opened in the period
    resolution_rate: float | None
    recovery_rate: float | None
    reopen_rate: float | None


@dataclass(frozen=True, slots=True)
class Sentiment:
    """Mention counts by label; net sentiment is (positive − negative) ÷ total, in points."""

    negative: int = 0
    neutral: int = 0
    positive: int = 0

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive

    @property
    def net(self) -> float | None:
        if not self.total:
            return None
        return round(100 * (self.positive - self.negative) / self.total, 1)

    def share(self, label: str) -> float | None:
        return getattr(self, label) / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Breakdown:
    """One source or language: its sentiment now and its volume in the previous period."""

    name: str
    now: Sentiment
    previous_total: int

    @property
    def change(self) -> int:
        return self.now.total - self.previous_total


@dataclass(frozen=True, slots=True)
class Theme:
    """A topic counted as distinct customers, against the previous period."""

    topic: str
    customers: int
    previous: int
    has_template: bool

    @property
    def change(self) -> int:
        return self.customers - self.previous


@dataclass(frozen=True, slots=True)
class Post:
    """A mention worth reading in full: the most influential complaints, praise."""

    source: str
    author: str | None
    followers: int | None
    text: str
    url: str | None
    created_at: datetime
    priority: float | None
    lang: str | None


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One day of the trend charts."""

    day: date
    by_source: dict[str, int]
    sentiment: Sentiment
    cases_opened: int
    cases_closed: int


@dataclass(frozen=True, slots=True)
class Facts:
    """ "Did you know": small observations worth a line."""

    non_english_share: float | None
    busiest_hour: int | None  # 0–23 UTC
    busiest_hour_count: int
    emerging_phrase: str | None
    emerging_customers: int
    emerging_previous: int
    emerging_sampled: int = 1  # >1: customers counted on a sample of one in this many


@dataclass(slots=True)
class Report:
    period: Period
    generated_at: datetime
    outcomes: Outcomes | None
    sla_breaches: int
    sla_unanswered: int
    unanswered_low_ratings: int
    sentiment: Sentiment
    previous_sentiment: Sentiment
    by_source: list[Breakdown]
    by_lang: list[Breakdown]
    themes: list[Theme]
    influential: list[Post]
    praise_count: int
    praise: list[Post]
    facts: Facts
    trend: list[DayPoint] = field(default_factory=list)
    by_agent: list[GroupOutcomes] = field(default_factory=list)  # top agents, unassigned last
    by_template: list[GroupOutcomes] = field(default_factory=list)  # likewise, no template last

    @property
    def net_change(self) -> float | None:
        now, before = self.sentiment.net, self.previous_sentiment.net
        return None if now is None or before is None else round(now - before, 1)

    @property
    def sources(self) -> list[str]:
        """Every source in the trend, biggest first (a stable colour order for the charts)."""
        totals: dict[str, int] = {}
        for point in self.trend:
            for source, count in point.by_source.items():
                totals[source] = totals.get(source, 0) + count
        return sorted(totals, key=lambda s: (-totals[s], s))
