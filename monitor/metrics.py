"""Outcome metrics per brand, source, agent or template, aggregated in the database.

What each number means (the reports and `repmon stats` print these, so the definitions live here):

- **opened**: cases opened in `[start, end)`. **responded**: of those, cases with a first
  response (`replied_at`, manual or sent, at any time). **first response** median and p90:
  `replied_at - opened_at` over the responded ones, to the second, by the nearest-rank method
  (the smallest time within which at least 50% / 90% of them were answered: a time some case
  really took, the same on SQLite and PostgreSQL).
- **closed**: cases whose (latest) close falls in `[start, end)`, *except* those closed as
  "not relevant" (dismissed) or "no action needed": those were never a customer problem to
  resolve, so they count in **dismissed** and in neither side of the resolution rate.
  **resolved**: of the closed, outcome `resolved` or `recovered` (the outcome loop closed it).
  **resolution rate** = resolved / closed.
- **replied**: cases first replied in `[start, end)`. **recovered**: of those, cases the
  outcome loop marked recovered (`recovered_at`, whenever it happened). **recovery rate** =
  recovered / replied.
- **reopened**: cases whose latest reopen falls in `[start, end)`. **reopen rate** = reopened
  / closed (a case reopened and not closed again in the window is not in `closed`, so a short
  window can exceed 1).
- Groups: **brand** and **source** of the case; **agent** is the case's assignee, who is the
  agent who claimed it or, if nobody did, the one who first replied (responders.slack.replies);
  **template** is `replies.template` of the case's first sent or manual reply. Cases without a
  value are grouped under `NO_GROUP`. A rate is None when its denominator is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    func,
    null,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from db.models import Case, Reply

GroupBy = Literal["brand", "source", "agent", "template"]
GROUPS: tuple[str, ...] = ("brand", "source", "agent", "template")
NO_GROUP = "(none)"
RESOLVED_OUTCOMES = ("resolved", "recovered")
DISMISSED_OUTCOMES = ("not_relevant", "no_action_needed")
ANSWERED_REPLY_STATES = ("sent", "manual")


@dataclass(frozen=True, slots=True)
class OutcomeMetrics:
    """One row of outcome metrics; see the module docstring for each definition."""

    group: str | None  # the brand/source/agent/template value; None = all cases
    opened: int
    responded: int
    first_response_median: timedelta | None
    first_response_p90: timedelta | None
    closed: int
    resolved: int
    resolution_rate: float | None
    replied: int
    recovered: int
    recovery_rate: float | None
    reopened: int
    reopen_rate: float | None
    dismissed: int = 0  # closed as not relevant / no action needed: outside `closed`

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: durations in seconds."""
        return {
            "group": self.group,
            "opened": self.opened,
            "responded": self.responded,
            "first_response_median_seconds": _seconds(self.first_response_median),
            "first_response_p90_seconds": _seconds(self.first_response_p90),
            "closed": self.closed,
            "resolved": self.resolved,
            "resolution_rate": self.resolution_rate,
            "dismissed": self.dismissed,
            "replied": self.replied,
            "recovered": self.recovered,
            "recovery_rate": self.recovery_rate,
            "reopened": self.reopened,
            "reopen_rate": self.reopen_rate,
        }


class seconds_between(FunctionElement[int]):
    """Whole seconds from the first timestamp to the second, computed by the database."""

    type = BigInteger()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400.0) AS INTEGER)"


@compiles(seconds_between)
def _seconds_default(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS BIGINT)"


def outcome_metrics(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    by: GroupBy | None = None,
    brand: str | None = None,
) -> list[OutcomeMetrics]:
    """Metrics for `[start, end)`: one row (group None) or one per group value, sorted.

    A handful of aggregate queries over indexed timestamp ranges; only the first-response
    percentiles rank rows, and they do it with window functions in the database.
    """
    if by is not None and by not in GROUPS:
        raise ValueError(f"cannot group by {by!r}: choose one of {', '.join(GROUPS)}")
    rows: dict[str | None, dict[str, Any]] = {}

    def put(values: Iterable[Any], *names: str) -> None:
        for group, *numbers in values:
            key = None if by is None else (group if group is not None else NO_GROUP)
            row = rows.setdefault(key, {})
            for name, number in zip(names, numbers, strict=True):
                row[name] = row.get(name, 0) + int(number or 0)

    put(session.execute(_opened(start, end, by, brand)), "opened", "responded")
    put(session.execute(_closed(start, end, by, brand)), "closed", "resolved", "dismissed")
    put(session.execute(_replied(start, end, by, brand)), "replied", "recovered")
    put(session.execute(_reopened(start, end, by, brand)), "reopened")
    percentiles = {
        (None if by is None else (g if g is not None else NO_GROUP)): (median, p90)
        for g, median, p90 in session.execute(_percentiles(start, end, by, brand))
    }
    if by is None:
        rows.setdefault(None, {})
    return [_metrics(group, rows[group], percentiles.get(group)) for group in _order(rows)]


def _order(rows: dict[str | None, dict[str, Any]]) -> list[str | None]:
    return sorted(rows, key=lambda g: (g == NO_GROUP, g or ""))


def _metrics(
    group: str | None, counts: dict[str, int], percentiles: tuple[Any, Any] | None
) -> OutcomeMetrics:
    median, p90 = percentiles or (None, None)
    closed, replied = counts.get("closed", 0), counts.get("replied", 0)
    resolved, recovered = counts.get("resolved", 0), counts.get("recovered", 0)
    reopened = counts.get("reopened", 0)
    return OutcomeMetrics(
        group=group,
        opened=counts.get("opened", 0),
        responded=counts.get("responded", 0),
        first_response_median=_delta(median),
        first_response_p90=_delta(p90),
        closed=closed,
        resolved=resolved,
        resolution_rate=_rate(resolved, closed),
        replied=replied,
        recovered=recovered,
        recovery_rate=_rate(recovered, replied),
        reopened=reopened,
        reopen_rate=_rate(reopened, closed),
        dismissed=counts.get("dismissed", 0),
    )


# --- the queries -------------------------------------------------------------------------------


def _grouped(
    columns: list[ColumnElement[Any]],
    by: GroupBy | None,
    brand: str | None,
    *where: ColumnElement[bool],
) -> Select[Any]:
    """SELECT <group>, columns FROM cases [JOIN first reply] WHERE … GROUP BY <group>."""
    group = _group_column(by)
    stmt = select(group if group is not None else null().label("g"), *columns).select_from(Case)
    if by == "template":
        first = _first_replies()
        stmt = stmt.outerjoin(first, first.c.case_id == Case.id).outerjoin(
            Reply, Reply.id == first.c.reply_id
        )
    conditions = list(where)
    if brand is not None:
        conditions.append(Case.brand == brand)
    stmt = stmt.where(and_(*conditions))
    return stmt if group is None else stmt.group_by(group)


def _group_column(by: GroupBy | None) -> ColumnElement[Any] | None:
    if by is None:
        return None
    columns: dict[str, ColumnElement[Any]] = {
        "brand": Case.brand.expression,
        "source": Case.source.expression,
        "agent": Case.assignee.expression,
        "template": Reply.template.expression,
    }
    return columns[by].label("g")


def _first_replies() -> Any:
    """Each case's first answered reply (the lowest id among sent/manual ones)."""
    return (
        select(Reply.case_id, func.min(Reply.id).label("reply_id"))
        .where(Reply.state.in_(ANSWERED_REPLY_STATES))
        .group_by(Reply.case_id)
        .subquery("first_reply")
    )


def _in(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _opened(start: datetime, end: datetime, by: GroupBy | None, brand: str | None) -> Select[Any]:
    return _grouped(
        [func.count(Case.id), func.count(Case.replied_at)],
        by,
        brand,
        _in(Case.opened_at, start, end),
    )


def _closed(start: datetime, end: datetime, by: GroupBy | None, brand: str | None) -> Select[Any]:
    dismissed = Case.outcome.in_(DISMISSED_OUTCOMES)
    return _grouped(
        [
            func.count(Case.id).filter(~dismissed),
            func.count(Case.id).filter(Case.outcome.in_(RESOLVED_OUTCOMES)),
            func.count(Case.id).filter(dismissed),
        ],
        by,
        brand,
        _in(Case.closed_at, start, end),
        Case.status.in_(("resolved", "dismissed")),
    )


def _replied(start: datetime, end: datetime, by: GroupBy | None, brand: str | None) -> Select[Any]:
    return _grouped(
        [func.count(Case.id), func.count(Case.recovered_at)],
        by,
        brand,
        _in(Case.replied_at, start, end),
    )


def _reopened(start: datetime, end: datetime, by: GroupBy | None, brand: str | None) -> Select[Any]:
    return _grouped([func.count(Case.id)], by, brand, _in(Case.reopened_at, start, end))


def _percentiles(
    start: datetime, end: datetime, by: GroupBy | None, brand: str | None
) -> Select[Any]:
    """Nearest-rank median and p90 of first-response seconds per group, ranked in SQL.

    The k-th smallest of n is the p-th percentile for k = ceil(p·n/100), computed as the
    integer division (p·n + 99) // 100 so both databases agree.
    """
    durations = _grouped(
        [seconds_between(Case.opened_at, Case.replied_at).label("d")],
        by,
        brand,
        _in(Case.opened_at, start, end),
        Case.replied_at.is_not(None),
    ).group_by(None)
    inner = durations.subquery("durations")
    ranked = select(
        inner.c.g,
        inner.c.d,
        func.row_number().over(partition_by=inner.c.g, order_by=inner.c.d).label("k"),
        func.count().over(partition_by=inner.c.g).label("n"),
    ).subquery("ranked")
    median = (50 * ranked.c.n + 99) // 100
    p90 = (90 * ranked.c.n + 99) // 100
    return select(
        ranked.c.g,
        func.max(case((ranked.c.k == median, ranked.c.d))),
        func.max(case((ranked.c.k == p90, ranked.c.d))),
    ).group_by(ranked.c.g)


def _delta(seconds: Any) -> timedelta | None:
    return None if seconds is None else timedelta(seconds=int(seconds))


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None
