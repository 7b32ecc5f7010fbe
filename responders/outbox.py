"""The outbox sender: delivers pending rows one by one, records the result, retries with backoff.

A row is marked sent in its own transaction right after delivery. A crash between the two can
deliver a row twice; Slack delivery therefore looks up its own earlier message by the row's key
before posting (responders.slack), and the console only prints.

Rows of kind `card`, `card_update`, `reminder` and `thread` go to the responder (Slack or the
console). Any other kind (platform replies, reports, alerts) goes to its handler in `handlers`
(built by responders.handlers.outbox_handlers); a handler gets the row's key and payload,
returns what to record as the result, and must make its own side effect idempotent on the key,
for the same reason as above.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Case, OutboxRow
from db.session import transaction
from monitor.cases import transition
from monitor.locks import try_lock
from responders.cards import CardView, card_view

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


class Responder(Protocol):
    name: str

    def send_card(self, card: CardView) -> dict[str, Any]: ...

    def send_thread(self, card: CardView) -> dict[str, Any]: ...


class Handler(Protocol):
    def __call__(self, key: str, payload: dict[str, Any]) -> dict[str, Any]: ...


# card_update and reminder re-sync the card and post its pending notes (responders.slack.sender).
RESPONDER_KINDS = frozenset({"card", "thread", "card_update", "reminder"})


@dataclass(slots=True)
class SendResult:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped_locked: bool = False


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 1 h."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def send_pending(
    engine: Engine,
    factory: sessionmaker[Session],
    responder: Responder,
    *,
    clock: Callable[[], datetime],
    limit: int = 500,
    handlers: Mapping[str, Handler] | None = None,
) -> SendResult:
    """Deliver due rows in id order; only one process sends at a time."""
    result = SendResult()
    with try_lock(engine, "outbox") as held:
        if not held:
            result.skipped_locked = True
            logger.info("outbox: another process is sending; skipped")
            return result
        with factory() as session:
            due = session.scalars(
                select(OutboxRow.id)
                .where(OutboxRow.state == "pending", OutboxRow.next_attempt_at <= clock())
                .order_by(OutboxRow.id)
                .limit(limit)
            ).all()
        for row_id in due:
            _send_one(
                factory,
                row_id,
                responder=responder,
                handlers=handlers or {},
                clock=clock,
                result=result,
            )
    return result


def _send_one(
    factory: sessionmaker[Session],
    row_id: int,
    *,
    responder: Responder,
    handlers: Mapping[str, Handler],
    clock: Callable[[], datetime],
    result: SendResult,
) -> None:
    with factory() as session:
        row = session.get(OutboxRow, row_id)
        if row is None or row.state != "pending":
            return
        payload = dict(row.payload)
        kind, key = row.kind, row.key
        card = None
        if kind in RESPONDER_KINDS:
            card = card_view(session, int(payload["case_id"]), payload.get("mention_id"))
    try:
        delivered = _deliver(kind, key, payload, card, responder=responder, handlers=handlers)
    except Exception as exc:
        _record_failure(factory, row_id, exc, clock(), result)
        return
    now = clock()
    with transaction(factory) as session:
        row = session.get(OutboxRow, row_id)
        if row is None:
            return
        row.state = "sent"
        row.sent_at = now
        row.attempts += 1
        row.result = {**delivered, "via": row_via(kind, responder)}
        if kind == "card" and row.case_id is not None:
            case = session.get(Case, row.case_id)
            if case is not None and case.status == "new":
                session.add(transition(case, "route", actor="repmon", at=now, note=case.channel))
    result.sent += 1
    logger.info("outbox: sent %s %s via %s", kind, key, row_via(kind, responder))


def row_via(kind: str, responder: Responder) -> str:
    return responder.name if kind in RESPONDER_KINDS else kind


def _deliver(
    kind: str,
    key: str,
    payload: dict[str, Any],
    card: CardView | None,
    *,
    responder: Responder,
    handlers: Mapping[str, Handler],
) -> dict[str, Any]:
    if kind in RESPONDER_KINDS:
        if card is None:
            raise LookupError(f"case {payload.get('case_id')} no longer exists")
        return responder.send_thread(card) if kind == "thread" else responder.send_card(card)
    handler = handlers.get(kind)
    if handler is None:
        raise LookupError(f"no handler registered for outbox kind {kind!r}")
    return handler(key, payload)


def _record_failure(
    factory: sessionmaker[Session], row_id: int, exc: Exception, now: datetime, result: SendResult
) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxRow, row_id)
        if row is None:
            return
        row.attempts += 1
        row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        reset_at = getattr(exc, "reset_at", None)
        if isinstance(reset_at, datetime) and reset_at > now:
            # A rate limit says exactly when to come back, and is never a reason to give up.
            row.next_attempt_at = reset_at
            result.failed += 1
        elif row.attempts >= MAX_ATTEMPTS:
            row.state = "dead"
            result.dead += 1
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            result.failed += 1
        logger.warning(
            "outbox: %s %s failed (attempt %d): %s", row.kind, row.key, row.attempts, row.last_error
        )
