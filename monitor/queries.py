"""Read models for the CLI: the open-case queue (re-ranked by waiting time) and system status."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from db.models import Author, Case, ConnectorState, MentionRow, OutboxRow
from monitor.cases import OPEN
from monitor.intake import FOLLOW_UP_REASON
from monitor.ranking import RankingPolicy, rerank
from monitor.records import iso

#: Cases read per round trip while walking the open cases in stored-priority order.
QUEUE_PAGE = 256
#: Slack for the 4-decimal rounding of stored priorities when comparing against a bound.
_SLACK = 1e-3
Ranked = tuple[float, int, list[str], list[float]]


def queue(
    session: Session, *, policy: RankingPolicy, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Open cases, highest current priority first; waiting time is re-applied at `now`.

    Snoozed cases whose time has not come are left out. Re-ranking can raise a case stored at
    priority p to at most 1 - (1 - p)(1 - weights.waiting), so cases are read in stored-priority
    order (the status, priority index) only while an unread one could still make the top
    `limit`: a few pages instead of every open case. That bound holds while stored priorities
    came from the current weights; if a case read ranks higher without any waiting than it was
    stored (the weights were raised since), every open case is re-ranked instead.
    """
    if limit <= 0:
        return []
    top = _top_by_stored_priority(session, policy=policy, now=now, limit=limit)
    if top is None:
        rows = session.execute(_OPEN_CASES.where(Case.status.in_(OPEN))).all()
        top = sorted(_reranked(rows, policy, now), key=lambda item: (-item[0], item[1]))[:limit]
    details = _details(session, [case_id for _, case_id, _, _ in top])
    return [
        {
            "id": case_id,
            "priority": priority,
            "reasons": reasons,
            "weights": weights,
            **details[case_id],
        }
        for priority, case_id, reasons, weights in top
        if case_id in details
    ]


_OPEN_CASES = select(
    Case.id, Case.factors, Case.opened_at, Case.snoozed_until, Case.status, Case.priority
)


def _top_by_stored_priority(
    session: Session, *, policy: RankingPolicy, now: datetime, limit: int
) -> list[Ranked] | None:
    """The top `limit` read page by page in stored-priority order; None if the bound broke."""
    waiting = min(1.0, max(0.0, policy.weights.waiting))
    # One backward range of the (status, priority) index per open status, merged here: no
    # database sorts every open case first.
    streams = [
        session.execute(
            select(Case.id, Case.priority)
            .where(Case.status == status)
            .order_by(Case.priority.desc())
            .execution_options(yield_per=QUEUE_PAGE)
        )
        for status in sorted(OPEN)
    ]
    best: list[tuple[float, int, Ranked]] = []  # min-heap of (priority, -id, item)
    try:
        merged = heapq.merge(*streams, key=lambda row: -float(row.priority))
        while page := list(itertools.islice(merged, QUEUE_PAGE)):
            ceiling = 1.0 - (1.0 - float(page[0].priority)) * (1.0 - waiting)
            if len(best) >= limit and ceiling + _SLACK < best[0][0]:
                break
            ids = [row.id for row in page]
            open_ones = _OPEN_CASES.where(Case.id.in_(ids), Case.status.in_(OPEN))
            rows = session.execute(open_ones).all()
            for row in rows:
                unwaited = rerank(row.factors, waiting=timedelta(0), policy=policy).priority
                if unwaited > float(row.priority) + _SLACK:
                    return None
            for item in _reranked(rows, policy, now):
                entry = (item[0], -item[1], item)
                if len(best) < limit:
                    heapq.heappush(best, entry)
                elif entry[:2] > best[0][:2]:
                    heapq.heapreplace(best, entry)
    finally:
        for stream in streams:
            stream.close()
    return [item for *_, item in sorted(best, key=lambda e: (-e[0], -e[1]))]


def _reranked(rows: Sequence[Row[Any]], policy: RankingPolicy, now: datetime) -> Iterator[Ranked]:
    for row in rows:
        factors = row.factors
        if row.status == "snoozed" and row.snoozed_until and row.snoozed_until > now:
            continue
        created = factors.get("created_at")
        since = datetime.fromisoformat(created) if created else row.opened_at
        ranking = rerank(factors, waiting=max(now - since, timedelta(0)), policy=policy)
        reasons, weights = ranking.reasons, ranking.weights
        if factors.get("follow_up"):
            reasons, weights = [*reasons, FOLLOW_UP_REASON], [*weights, 0.0]
        yield ranking.priority, row.id, reasons, weights


def _details(session: Session, case_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not case_ids:
        return {}
    stmt = (
        select(Case, MentionRow, Author.handle)
        .join(MentionRow, MentionRow.id == Case.mention_id)
        .outerjoin(Author, Author.id == MentionRow.author_id)
        .where(Case.id.in_(case_ids))
    )
    out: dict[int, dict[str, Any]] = {}
    for case, mention, handle in session.execute(stmt):
        out[case.id] = {
            "status": case.status,
            "source": mention.source,
            "url": mention.url,
            "author": handle,
            "text": mention.text,
            "lang": mention.lang,
            "label": mention.label,
            "rating": mention.rating,
            "opened_at": iso(case.opened_at),
            "channel": case.channel,
            "topic": case.topic,
            "mentions": case.mention_count,
        }
    return out


STALE_OUTBOX = timedelta(minutes=15)


def is_stale(state: ConnectorState | None, *, now: datetime, stale_after: timedelta) -> bool:
    """Has run, but has not succeeded for `stale_after` (also used by silence alerts)."""
    return (
        state is not None
        and state.last_run_at is not None
        and (state.last_success_at is None or now - state.last_success_at > stale_after)
    )


def status(
    session: Session,
    *,
    connectors: list[tuple[str, str, bool]],
    now: datetime,
    stale_after: timedelta = timedelta(hours=6),
) -> dict[str, Any]:
    """Per-connector health, outbox backlog and totals (the DB revision is added by the caller).

    A connector is stale when it has not succeeded for `stale_after` (config
    `alerts.silence.after`); `needs_attention` is what a health check should alert on.
    """
    states = {s.name: s for s in session.scalars(select(ConnectorState))}
    rows = []
    for name, type_name, enabled in connectors:
        state = states.get(name)
        lag = (
            (now - state.newest_item_at).total_seconds() if state and state.newest_item_at else None
        )
        rows.append(
            {
                "name": name,
                "type": type_name,
                "enabled": enabled,
                "last_run": iso(state.last_run_at) if state else None,
                "last_success": iso(state.last_success_at) if state else None,
                "cursor": state.cursor if state else None,
                "items": state.items_total if state else 0,
                "last_items": state.last_items if state else 0,
                "skipped": state.skipped_total if state else 0,
                "excluded": state.excluded_total if state else 0,
                "lag_seconds": round(lag) if lag is not None else None,
                "failures": state.consecutive_failures if state else 0,
                "paused": bool(state and state.paused),
                "last_error": state.last_error if state else None,
                "stale": enabled and is_stale(state, now=now, stale_after=stale_after),
            }
        )
    by_state = select(OutboxRow.state, func.count()).group_by(OutboxRow.state)
    backlog = {state: int(n) for state, n in session.execute(by_state)}
    oldest = session.scalar(
        select(func.min(OutboxRow.created_at)).where(OutboxRow.state == "pending")
    )
    oldest_age = round((now - oldest).total_seconds()) if oldest else None
    open_cases = session.scalar(select(func.count()).select_from(Case).where(Case.status.in_(OPEN)))
    mentions = session.scalar(select(func.count()).select_from(MentionRow))
    return {
        "connectors": rows,
        "outbox": {
            "pending": backlog.get("pending", 0),
            "failed_or_dead": backlog.get("dead", 0),
            "sent": backlog.get("sent", 0),
            "oldest_pending_seconds": oldest_age,
        },
        "mentions": mentions or 0,
        "open_cases": open_cases or 0,
        "needs_attention": _needs_attention(rows, backlog, oldest_age),
    }


def _needs_attention(
    rows: list[dict[str, Any]], backlog: dict[str, int], oldest_pending: int | None
) -> list[str]:
    """Why a health check should page someone; empty when all is well."""
    problems = []
    for c in rows:
        if not c["enabled"]:
            continue
        if c["paused"]:
            problems.append(f"{c['name']}: paused after repeated fatal errors")
        elif c["failures"]:
            problems.append(f"{c['name']}: failing ({c['failures']} in a row)")
        elif c["stale"]:
            problems.append(f"{c['name']}: no successful poll recently")
    if backlog.get("dead"):
        problems.append(f"outbox: {backlog['dead']} messages given up")
    if oldest_pending is not None and oldest_pending > STALE_OUTBOX.total_seconds():
        problems.append(f"outbox: oldest pending message waiting {oldest_pending // 60} min")
    return problems
