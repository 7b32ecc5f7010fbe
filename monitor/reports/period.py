"""The time range a report covers: one UTC day, or one ISO week (Monday to Sunday), and the one
before it, so every figure can be compared with the previous period of the same length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from monitor.reports.errors import ReportError

Kind = Literal["daily", "weekly"]
KINDS: tuple[Kind, ...] = ("daily", "weekly")
#: How many periods the trend charts show, ending with the reported one.
TREND_DAYS = {"daily": 7, "weekly": 28}


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in UTC."""

    kind: Kind
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def previous(self) -> Period:
        return Period(self.kind, self.start - self.length, self.start)

    @property
    def trend_start(self) -> datetime:
        """Where the per-day charts begin (a week of days for daily, four weeks for weekly)."""
        return self.end - timedelta(days=TREND_DAYS[self.kind])

    @property
    def label(self) -> str:
        """`2026-11-21` for a day, `2026-W47` for a week."""
        if self.kind == "daily":
            return self.start.date().isoformat()
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def title(self) -> str:
        if self.kind == "daily":
            return f"Daily report, {self.start:%A %d %B %Y}"
        last = (self.end - timedelta(days=1)).date()
        return f"Weekly report, {self.label} ({self.start:%d %b} – {last:%d %b %Y})"

    @property
    def slug(self) -> str:
        """`daily-2026-11-21`: the default output folder and part of the outbox key."""
        return f"{self.kind}-{self.start.date().isoformat()}"


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportError(f"--date wants YYYY-MM-DD, not {value!r}") from None


def period_for(kind: str, *, now: datetime, on: date | None = None) -> Period:
    """The period containing `on`, or else the last complete one before `now`.

    Without a date a report is about a finished period: yesterday, or last week. With one, the
    day itself, or the Monday-to-Sunday week that contains it.
    """
    if kind not in KINDS:
        raise ReportError(f"report kind must be daily or weekly, not {kind!r}")
    today = now.astimezone(UTC).date()
    if kind == "daily":
        day = on if on is not None else today - timedelta(days=1)
        start = datetime.combine(day, time(), tzinfo=UTC)
        return Period("daily", start, start + timedelta(days=1))
    anchor = on if on is not None else today - timedelta(days=7)
    monday = anchor - timedelta(days=anchor.weekday())
    start = datetime.combine(monday, time(), tzinfo=UTC)
    return Period("weekly", start, start + timedelta(days=7))
