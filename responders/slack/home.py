"""Read models for App Home and `/repmon queue | stats`: what agents need at a glance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import AgentState, Case, CaseEvent, MentionRow
from monitor.cases import OPEN
from monitor.queries import queue
from monitor.ranking import RankingPolicy
from responders.assign import away_agents
from responders.slack import ledger
from responders.slack.views import case_line, home_view

QUEUE_GROUPS = {
    "unclaimed": ("new", "routed"),
    "claimed": ("claimed",),
    "replied": ("replied",),
    "escalated": ("escalated",),
    "snoozed": ("snoozed",),
}


def my_cases(
    factory: sessionmaker[Session], agent: str, *, limit: int = 25
) -> list[dict[str, Any]]:
    with factory() as session:
        rows = session.execute(
            select(Case.id, Case.priority, Case.topic, Case.status, MentionRow.text)
            .join(MentionRow, MentionRow.id == Case.mention_id)
            .where(Case.assignee == agent, Case.status.in_(OPEN))
            .order_by(Case.priority.desc(), Case.id)
            .limit(limit)
        ).all()
    items = [
        {"id": i, "priority": p, "topic": t, "status": s, "text": text} for i, p, t, s, text in rows
    ]
    return _with_links(factory, items)


def queue_counts(session: Session) -> dict[str, int]:
    by_status = dict(
        session.execute(
            select(Case.status, func.count()).where(Case.status.in_(OPEN)).group_by(Case.status)
        ).all()
    )
    return {
        name: sum(by_status.get(s, 0) for s in statuses) for name, statuses in QUEUE_GROUPS.items()
    }


def breached_open(session: Session) -> int:
    """Open cases that missed their first-response target."""
    return int(
        session.scalar(
            select(func.count(distinct(Case.id)))
            .join(CaseEvent, CaseEvent.case_id == Case.id)
            .where(Case.status.in_(OPEN), CaseEvent.action == "sla_breach")
        )
        or 0
    )


def false_positive_rates(session: Session, *, since: datetime) -> list[tuple[str, int, int]]:
    """Per connector: cases opened since `since`, and how many agents marked not relevant."""
    rows = session.execute(
        select(
            MentionRow.connector,
            func.count(Case.id),
            func.count(Case.id).filter(Case.outcome == "not_relevant"),
        )
        .join(MentionRow, MentionRow.id == Case.mention_id)
        .where(Case.opened_at >= since)
        .group_by(MentionRow.connector)
        .order_by(MentionRow.connector)
    ).all()
    return [(str(name), int(total), int(dismissed)) for name, total, dismissed in rows]


def home(factory: sessionmaker[Session], user: str, *, allowed: bool) -> dict[str, Any]:
    if not allowed:
        return home_view(allowed=False, away=False, mine=[], counts={}, breached=0, away_agents=[])
    mine = my_cases(factory, user)
    with factory() as session:
        state = session.get(AgentState, user)
        return home_view(
            allowed=True,
            away=bool(state and state.away),
            mine=mine,
            counts=queue_counts(session),
            breached=breached_open(session),
            away_agents=sorted(away_agents(session)),
        )


def queue_text(
    factory: sessionmaker[Session], *, policy: RankingPolicy, now: datetime, limit: int = 10
) -> str:
    with factory() as session:
        items = queue(session, policy=policy, now=now, limit=limit)
    if not items:
        return "The queue is empty."
    items = _with_links(factory, items)
    return f"*Top {len(items)} open cases*\n" + "\n".join(case_line(i) for i in items)


def stats_text(factory: sessionmaker[Session], *, now: datetime) -> str:
    week = now - timedelta(days=7)
    with factory() as session:
        counts = queue_counts(session)
        breaches = session.scalar(
            select(func.count())
            .select_from(CaseEvent)
            .where(CaseEvent.action == "sla_breach", CaseEvent.at >= week)
        )
        replied = session.execute(
            select(Case.opened_at, Case.replied_at).where(Case.replied_at >= week)
        ).all()
        rates = false_positive_rates(session, since=week)
    waits = sorted((r - o).total_seconds() / 60 for o, r in replied if r and o)
    median = f"{waits[len(waits) // 2]:.0f} min" if waits else "n/a"
    lines = [
        "*repmon · last 7 days*",
        "Open: " + " · ".join(f"{k} {v}" for k, v in counts.items()),
        f"First responses: {len(waits)} · median {median} · targets missed: {breaches or 0}",
    ]
    for connector, total, dismissed in rates:
        lines.append(
            f"`{connector}`: {total} cases, {dismissed} not relevant "
            f"({dismissed / total:.0%} false positives)"
        )
    return "\n".join(lines)


def _with_links(
    factory: sessionmaker[Session], items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    cards = ledger.card_locations(factory, [int(i["id"]) for i in items])
    return [
        {**i, "permalink": cards[i["id"]].permalink if i["id"] in cards else None} for i in items
    ]
