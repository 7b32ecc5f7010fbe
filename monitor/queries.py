"""Read models for the CLI: the open-case queue (re-ranked by waiting time) and system status."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Author, Case, ConnectorState, MentionRow, OutboxRow
from monitor.cases import OPEN
from monitor.intake import FOLLOW_UP_REASON
from monitor.ranking import RankingPolicy, rerank
from monitor.records import iso


def queue(
    session: Session, *, policy: RankingPolicy, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """Open cases, highest current priority first; waiting time is re-applied at `now`.

    Snoozed cases whose time has not come are left out.
    """
    rows = session.execute(
        select(Case.id, Case.factors, Case.opened_at, Case.snoozed_until, Case.status).where(
            Case.status.in_(OPEN)
        )
    ).all()
    ranked: list[tuple[float, int, list[str], list[float]]] = []
    for case_id, factors, opened_at, snoozed_until, status in rows:
        if status == "snoozed" and snoozed_until and snoozed_until > now:
            continue
        created = factors.get("created_at")
        since = datetime.fromisoformat(created) if created else opened_at
        ranking = rerank(factors, waiting=max(now - since, timedelta(0)), policy=policy)
        reasons, weights = ranking.reasons, ranking.weights
        if factors.get("follow_up"):
            reasons, weights = [*reasons, FOLLOW_UP_REASON], [*weights, 0.0]
        ranked.append((ranking.priority, case_id, reasons, weights))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    top = ranked[:limit]
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
                "stale": bool(
                    enabled
                    and state is not None
                    and state.last_run_at is not None
                    and (state.last_success_at is None or now - state.last_success_at > stale_after)
                ),
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
