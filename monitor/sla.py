"""Timers on open cases: the first-response SLA (one reminder and a recorded breach per case) and
snoozes running out. Run every minute or so by `repmon serve`; safe to run from several processes.

The clock starts when repmon opens the case; a reply (manual or sent) stops it. A snoozed case is
not reminded about while its snooze lasts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, exists, or_, select
from sqlalchemy.orm import Session, sessionmaker

from db import repository
from db.models import Case, CaseEvent
from db.session import transaction
from monitor.cases import OPEN, transition
from monitor.config import RoutingConfig, SlaTarget
from monitor.locks import try_lock

logger = logging.getLogger(__name__)
BREACH = "sla_breach"


@dataclass(slots=True)
class SlaResult:
    breached: list[int] = field(default_factory=list)
    woken: list[int] = field(default_factory=list)
    skipped_locked: bool = False


def target_for(priority: float, targets: Sequence[SlaTarget]) -> timedelta | None:
    """The target of the highest band the priority reaches; None if no band applies."""
    bands = [t for t in targets if priority >= t.min_priority]
    return max(bands, key=lambda t: t.min_priority).within if bands else None


def find_breaches(session: Session, *, targets: Sequence[SlaTarget], now: datetime) -> list[Case]:
    """Open, unanswered cases past their target that have not been flagged yet."""
    if not targets:
        return []
    earliest = now - min(t.within for t in targets)
    flagged = exists().where(CaseEvent.case_id == Case.id, CaseEvent.action == BREACH)
    candidates = session.scalars(
        select(Case)
        .where(
            Case.status.in_(OPEN),
            Case.replied_at.is_(None),
            Case.opened_at <= earliest,
            or_(Case.snoozed_until.is_(None), Case.snoozed_until <= now),
            ~flagged,
        )
        .order_by(Case.id)
    ).all()
    due = []
    for case in candidates:
        target = target_for(case.priority, targets)
        if target is not None and case.opened_at + target <= now:
            due.append(case)
    return due


def record_breaches(session: Session, *, routing: RoutingConfig, now: datetime) -> list[int]:
    """A `sla_breach` event per late case and one `reminder` outbox row (the thread ping)."""
    rows: list[dict[str, Any]] = []
    flagged: list[int] = []
    for case in find_breaches(session, targets=routing.sla, now=now):
        target = target_for(case.priority, routing.sla) or timedelta(0)
        event = CaseEvent(
            case_id=case.id,
            at=now,
            actor="repmon",
            action=BREACH,
            from_status=case.status,
            to_status=case.status,
            note=str(int(target.total_seconds())),
        )
        session.add(event)
        flagged.append(case.id)
        rows.append(
            {
                "key": f"sla:{case.id}",
                "kind": "reminder",
                "case_id": case.id,
                "payload": {"case_id": case.id},
            }
        )
    session.flush()
    repository.enqueue_many(session, rows, now=now)
    return flagged


def wake_snoozed(session: Session, *, now: datetime) -> list[int]:
    """Snoozes that ran out: back in the queue, with the card updated."""
    woken = []
    for case in session.scalars(
        select(Case).where(Case.status == "snoozed", Case.snoozed_until <= now).order_by(Case.id)
    ):
        event = transition(case, "wake", actor="repmon", at=now)
        session.add(event)
        session.flush()
        repository.enqueue_many(
            session,
            [
                {
                    "key": f"update:{case.id}:{event.id}",
                    "kind": "card_update",
                    "case_id": case.id,
                    "payload": {"case_id": case.id, "event_id": event.id},
                }
            ],
            now=now,
        )
        woken.append(case.id)
    return woken


def tick(
    engine: Engine,
    factory: sessionmaker[Session],
    routing: RoutingConfig,
    *,
    clock: Callable[[], datetime],
) -> SlaResult:
    """Wake due snoozes, then flag late cases; one process at a time."""
    result = SlaResult()
    with try_lock(engine, "sla") as held:
        if not held:
            result.skipped_locked = True
            return result
        now = clock()
        with transaction(factory) as session:
            result.woken = wake_snoozed(session, now=now)
            result.breached = record_breaches(session, routing=routing, now=now)
    if result.breached or result.woken:
        logger.info(
            "sla: %d cases missed their first-response target, %d snoozes ended",
            len(result.breached),
            len(result.woken),
        )
    return result
