"""`repmon stats`: the outcome metrics of monitor.metrics for a period, as a table or JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from rich import box
from rich.table import Table

from monitor.configtypes import parse_duration
from monitor.metrics import GROUPS, GroupBy, OutcomeMetrics

DEFAULT_PERIOD = "7d"
CAPTION = (
    "median/p90: first response of the opened cases; resolved: of closed (cases closed as not "
    "relevant or no action needed left out); recovered: of replied; reopened: against closed"
)


class StatsUsageError(ValueError):
    """Options that do not make a period or a grouping; the CLI exits with code 2."""


def period(
    *, now: datetime, span: str | None, since: str | None, until: str | None
) -> tuple[datetime, datetime]:
    """`[start, end)` from `--period` (back from now) or `--since`/`--until` (UTC).

    A bare date in `--until` includes that whole day; `--since` alone runs until now.
    """
    if span is not None and (since is not None or until is not None):
        raise StatsUsageError("use either --period or --since/--until, not both")
    if since is None and until is not None:
        raise StatsUsageError("--until needs --since")
    now = now.replace(microsecond=0)
    if since is None:
        try:
            length = parse_duration(span or DEFAULT_PERIOD)
        except ValueError as exc:
            raise StatsUsageError(f"--period: {exc}") from None
        if length <= timedelta(0):
            raise StatsUsageError("--period must be positive")
        return now - length, now
    start = _moment(since, "--since", end_of_day=False)
    end = _moment(until, "--until", end_of_day=True) if until is not None else now
    if end <= start:
        raise StatsUsageError("--until must be after --since")
    return start, end


def _moment(text: str, option: str, *, end_of_day: bool) -> datetime:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return moment + timedelta(days=1) if end_of_day else moment
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise StatsUsageError(f"{option}: expected YYYY-MM-DD or an ISO 8601 time") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_grouping(by: str | None) -> GroupBy | None:
    if by is not None and by not in GROUPS:
        raise StatsUsageError(f"--by must be one of {', '.join(GROUPS)}, not {by!r}")
    return cast("GroupBy | None", by)


def as_json(
    rows: Sequence[OutcomeMetrics], *, start: datetime, end: datetime, by: str | None
) -> list[dict[str, Any]]:
    """One object per group; durations in seconds, rates as fractions (None: nothing to rate)."""
    return [{"by": by, **row.as_dict(), "start": _iso(start), "end": _iso(end)} for row in rows]


def table(
    rows: Sequence[OutcomeMetrics], *, start: datetime, end: datetime, by: str | None
) -> Table:
    title = f"outcomes {_iso(start)} → {_iso(end)}" + (f" by {by}" if by else "")
    out = Table(
        title=title,
        title_justify="left",
        caption=CAPTION,
        caption_justify="left",
        box=box.SIMPLE_HEAD,  # ten columns: no room for side borders in 80 columns
        pad_edge=False,
        collapse_padding=True,
    )
    out.add_column(by or "all", no_wrap=True)
    for column in (
        "opened",
        "answered",
        "median",
        "p90",
        "closed",
        "resolved",
        "replied",
        "recovered",
        "reopened",
    ):
        out.add_column(column, justify="right")
    for row in rows:
        out.add_row(
            row.group if row.group is not None else "all cases",
            str(row.opened),
            str(row.responded),
            duration(row.first_response_median),
            duration(row.first_response_p90),
            str(row.closed),
            _with_rate(row.resolved, row.resolution_rate),
            str(row.replied),
            _with_rate(row.recovered, row.recovery_rate),
            _with_rate(row.reopened, row.reopen_rate),
        )
    return out


def duration(value: timedelta | None) -> str:
    """`45s`, `12m`, `3h 05m`, `2d 4h`: short enough for a table cell."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, _ = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def _with_rate(count: int, rate: float | None) -> str:
    return f"{count} ({rate:.0%})" if rate is not None else str(count)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
