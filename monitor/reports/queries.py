"""The report's aggregations, each one GROUP BY statement over an indexed time range.

Nothing here loads the period's mentions into Python: counts come back per (day, source, label)
and the like, so a day of a million mentions costs a few index range scans. Mentions are read
by `created_at` (indexed, also with `label`), cases by `opened_at` (indexed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from db.base import UTCDateTime
from db.models import Author, Case, MentionRow
from monitor.config import SlaTarget
from monitor.metrics import seconds_between
from monitor.reports.model import LABELS, Breakdown, DayPoint, Post, Sentiment, Theme
from monitor.reports.period import Period

UNKNOWN = "unknown"


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def day_of(session: Session, column: Any) -> ColumnElement[str]:
    """`YYYY-MM-DD` of a UTC timestamp column (SQLite stores UTC text, PostgreSQL timestamptz)."""
    if _dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column)


def hour_of(session: Session, column: Any) -> ColumnElement[str]:
    """`00`–`23`, the UTC hour of a timestamp column."""
    if _dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", column), "HH24")
    return func.strftime("%H", column)


def _in(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def sentiment(session: Session, start: datetime, end: datetime) -> Sentiment:
    rows = session.execute(
        select(MentionRow.label, func.count())
        .where(_in(MentionRow.created_at, start, end))
        .group_by(MentionRow.label)
    ).all()
    counts = {label: int(n) for label, n in rows if label in LABELS}
    return Sentiment(**counts)


def breakdowns(session: Session, period: Period, dimension: str) -> list[Breakdown]:
    """Volume and sentiment per source or per language, with last period's volume."""
    column = MentionRow.source if dimension == "source" else MentionRow.lang
    key = func.coalesce(column, UNKNOWN)
    now: dict[str, dict[str, int]] = {}
    for name, label, n in session.execute(
        select(key, MentionRow.label, func.count())
        .where(_in(MentionRow.created_at, period.start, period.end))
        .group_by(key, MentionRow.label)
    ):
        if label in LABELS:
            now.setdefault(name, {})[label] = int(n)
    before = {
        name: int(n)
        for name, n in session.execute(
            select(key, func.count())
            .where(_in(MentionRow.created_at, period.previous.start, period.previous.end))
            .group_by(key)
        )
    }
    rows = [
        Breakdown(name, Sentiment(**labels), before.get(name, 0)) for name, labels in now.items()
    ]
    rows += [
        Breakdown(name, Sentiment(), total) for name, total in before.items() if name not in now
    ]
    return sorted(rows, key=lambda r: (-r.now.total, -r.previous_total, r.name))


def themes(session: Session, period: Period, *, templates: set[str]) -> list[Theme]:
    """Topics by distinct customers (one angry author posting ten times is one customer)."""

    def customers(start: datetime, end: datetime) -> dict[str, int]:
        return {
            str(topic): int(n)
            for topic, n in session.execute(
                select(MentionRow.topic, func.count(MentionRow.author_id.distinct()))
                .where(_in(MentionRow.created_at, start, end), MentionRow.topic.is_not(None))
                .group_by(MentionRow.topic)
            )
        }

    now = customers(period.start, period.end)
    before = customers(period.previous.start, period.previous.end)
    found = [
        Theme(topic, now.get(topic, 0), before.get(topic, 0), topic in templates)
        for topic in set(now) | set(before)
    ]
    return sorted(found, key=lambda t: (-t.customers, -t.change, t.topic))


def top_posts(session: Session, period: Period, *, label: str, limit: int) -> list[Post]:
    """The posts of one label with the widest reach (followers), then the highest priority."""
    followers = func.coalesce(Author.followers, -1)
    stmt = (
        select(MentionRow, Author.handle, Author.followers)
        .outerjoin(Author, Author.id == MentionRow.author_id)
        .where(MentionRow.label == label, _in(MentionRow.created_at, period.start, period.end))
        .order_by(followers.desc(), func.coalesce(MentionRow.priority, -1.0).desc(), MentionRow.id)
        .limit(limit)
    )
    return [
        Post(
            source=m.source,
            author=handle,
            followers=count,
            text=m.text,
            url=m.url,
            created_at=m.created_at,
            priority=m.priority,
            lang=m.lang,
        )
        for m, handle, count in session.execute(stmt)
    ]


def sla_breaches(
    session: Session, period: Period, *, targets: Sequence[SlaTarget], as_of: datetime
) -> tuple[int, int]:
    """(late, of which still unanswered) among the cases opened in the period.

    The first-response clock (monitor.sla) runs from opening to the first reply; closing a
    case without a reply stops it too. A case with no reply yet is late once `as_of` is past
    its target.
    """
    if not targets:
        return 0, 0
    bands = sorted(targets, key=lambda t: t.min_priority, reverse=True)
    target = case(
        *[(Case.priority >= t.min_priority, t.within.total_seconds()) for t in bands],
        else_=None,
    )
    stopped = func.coalesce(Case.replied_at, Case.closed_at)
    waited = func.coalesce(
        seconds_between(Case.opened_at, stopped),
        seconds_between(Case.opened_at, literal(as_of, UTCDateTime())),
    )
    late = and_(target.is_not(None), waited > target)
    row = session.execute(
        select(
            func.count().filter(late),
            func.count().filter(and_(late, stopped.is_(None))),
        ).where(_in(Case.opened_at, period.start, period.end))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def unanswered_low_ratings(session: Session, period: Period) -> int:
    """Reviews of 3★ or less in the period that nobody has answered (or that opened no case)."""
    stmt = (
        select(func.count())
        .select_from(MentionRow)
        .outerjoin(Case, Case.id == MentionRow.case_id)
        .where(
            _in(MentionRow.created_at, period.start, period.end),
            MentionRow.rating <= 3,
            or_(MentionRow.case_id.is_(None), Case.replied_at.is_(None)),
        )
    )
    return int(session.scalar(stmt) or 0)


def busiest_hour(session: Session, period: Period) -> tuple[int | None, int]:
    hour = hour_of(session, MentionRow.created_at)
    row = session.execute(
        select(hour, func.count().label("n"))
        .where(_in(MentionRow.created_at, period.start, period.end))
        .group_by(hour)
        .order_by(func.count().desc(), hour)
        .limit(1)
    ).first()
    return (int(row[0]), int(row[1])) if row else (None, 0)


def trend(session: Session, period: Period) -> list[DayPoint]:
    """Per day from `period.trend_start` to the end: volume by source, sentiment, cases."""
    start, end = period.trend_start, period.end
    sources: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[str, int]] = {}
    # One range query per day rather than GROUP BY a date expression: no per-row date function,
    # the same SQL on both databases, and each day is a plain `created_at` index range.
    day_start = start
    while day_start < end:
        key = day_start.date().isoformat()
        by_source, by_label = sources.setdefault(key, {}), labels.setdefault(key, {})
        for source, label, n in session.execute(
            select(MentionRow.source, MentionRow.label, func.count())
            .where(_in(MentionRow.created_at, day_start, day_start + timedelta(days=1)))
            .group_by(MentionRow.source, MentionRow.label)
        ):
            by_source[source] = by_source.get(source, 0) + int(n)
            if label in LABELS:
                by_label[label] = by_label.get(label, 0) + int(n)
        day_start += timedelta(days=1)
    opened_day = day_of(session, Case.opened_at)
    opened: dict[str, int] = {
        when: int(n)
        for when, n in session.execute(
            select(opened_day, func.count())
            .where(_in(Case.opened_at, start, end))
            .group_by(opened_day)
        )
    }
    closed_day = day_of(session, Case.closed_at)
    closed: dict[str, int] = {
        when: int(n)
        for when, n in session.execute(
            select(closed_day, func.count())
            .where(_in(Case.closed_at, start, end))
            .group_by(closed_day)
        )
    }
    points = []
    current: date = start.date()
    while current < end.date():  # periods start and end at midnight UTC
        key = current.isoformat()
        points.append(
            DayPoint(
                day=current,
                by_source=sources.get(key, {}),
                sentiment=Sentiment(**labels.get(key, {})),
                cases_opened=int(opened.get(key, 0)),
                cases_closed=int(closed.get(key, 0)),
            )
        )
        current += timedelta(days=1)
    return points
