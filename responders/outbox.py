"""The outbox sender: delivers pending rows one by one, records the result, retries with backoff.

A row is marked sent in the same transaction that claimed it, right after delivery. A crash
between the two can deliver a row twice; Slack delivery therefore looks up its own earlier
message by the row's key before posting (responders.slack), and the console only prints.

Several senders (two `serve` instances, a Slack action, a cron run) may work at once. On
PostgreSQL they share the rows: one sender per case at a time (advisory lock), one per row
(`FOR UPDATE SKIP LOCKED`); claims are locks, so they end with a dead sender's connection. On
SQLite one sender works at a time (file lock). Either way a case's rows go out in id order, and
a row that waits or fails holds back the rows of its case queued after it.

Rows of kind `card`, `card_update`, `reminder` and `thread` go to the responder (Slack or the
console). Any other kind (platform replies, reports, alerts) goes to its handler in `handlers`
(built by responders.handlers.outbox_handlers); a handler gets the row's key and payload,
returns what to record as the result, and must make its own side effect idempotent on the key,
for the same reason as above.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Case, OutboxRow
from monitor.cases import transition
from monitor.locks import try_lock
from monitor.logconfig import redact
from responders.cards import CardView, card_view

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
#: A row is given up (state `dead`) only after MAX_ATTEMPTS failures AND this long since it
#: was queued: an outage of Slack or a platform for hours must not turn cards into dead rows.
GIVE_UP_AFTER = timedelta(hours=24)


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
    held_elsewhere: int = 0  # cases or rows another sender had claimed (PostgreSQL)
    stopped: bool = False


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
    stop: threading.Event | None = None,
) -> SendResult:
    """Deliver due rows, each case's rows in id order, until done or `stop` is set.

    PostgreSQL: any number of processes send at once and share the rows. A case is claimed with
    a session advisory lock and each of its rows with `SELECT … FOR UPDATE SKIP LOCKED`; both
    end with the claimant's connection, so a killed sender's rows are free again at once.
    SQLite: one sender at a time (a file lock); the others skip the round.
    """
    sender = _Sender(
        factory,
        responder,
        handlers=handlers or {},
        clock=clock,
        per_case_locks=engine if engine.dialect.name == "postgresql" else None,
        stop=stop,
    )
    if sender.per_case_locks is not None:
        sender.send_due(limit)
        return sender.result
    with try_lock(engine, "outbox") as held:
        if not held:
            sender.result.skipped_locked = True
            logger.info("outbox: another process is sending; skipped")
        else:
            sender.send_due(limit)
    return sender.result


@dataclass
class _Sender:
    """One round of sending; `result` counts what it did."""

    factory: sessionmaker[Session]
    responder: Responder
    handlers: Mapping[str, Handler]
    clock: Callable[[], datetime]
    per_case_locks: Engine | None
    stop: threading.Event | None
    result: SendResult = field(default_factory=SendResult)

    def send_due(self, limit: int) -> None:
        with self.factory() as session:
            due = session.execute(
                select(OutboxRow.id, OutboxRow.case_id)
                .where(OutboxRow.state == "pending", OutboxRow.next_attempt_at <= self.clock())
                .order_by(OutboxRow.id)
                .limit(limit)
            ).all()
        cases_done: set[int] = set()
        for row_id, case_id in due:
            if self._stopping():
                return
            if case_id is None:
                self.send_one(row_id)
            elif case_id not in cases_done:
                cases_done.add(case_id)
                self.send_case(case_id)

    def send_case(self, case_id: int) -> None:
        """A case's rows go out in id order by one sender, so a note never precedes its card.

        A row that is not due yet, or fails now, holds back the rows queued after it.
        """
        with self._case_claim(case_id) as held:
            if not held:
                self.result.held_elsewhere += 1
                return
            with self.factory() as session:
                rows = session.scalars(
                    select(OutboxRow.id)
                    .where(OutboxRow.case_id == case_id, OutboxRow.state == "pending")
                    .order_by(OutboxRow.id)
                ).all()
            for row_id in rows:
                if self._stopping() or not self.send_one(row_id):
                    return

    def _case_claim(self, case_id: int) -> AbstractContextManager[bool]:
        if self.per_case_locks is None:
            return nullcontext(True)  # SQLite: this process is the only sender
        return try_lock(self.per_case_locks, f"outbox:case:{case_id}")

    def _stopping(self) -> bool:
        if self.stop is not None and self.stop.is_set():
            self.result.stopped = True
            return True
        return False

    def send_one(self, row_id: int) -> bool:
        """Claim, deliver and record one row; True when it is done (here or elsewhere).

        The claim is a row lock held by the transaction that records the result, so no other
        sender can take the row while this one is alive, and the row is free again if it dies.
        """
        now = self.clock()
        with self.factory() as session, session.begin():
            row = session.scalars(
                select(OutboxRow).where(OutboxRow.id == row_id).with_for_update(skip_locked=True)
            ).one_or_none()
            if row is None:
                self.result.held_elsewhere += 1
                return False
            if row.state != "pending":
                return True
            if row.next_attempt_at > now:
                return False
            payload, kind, key = dict(row.payload), row.kind, row.key
            card = None
            if kind in RESPONDER_KINDS:
                with self.factory() as reader:
                    card = card_view(reader, int(payload["case_id"]), payload.get("mention_id"))
            try:
                delivered = _deliver(
                    kind, key, payload, card, responder=self.responder, handlers=self.handlers
                )
            except Exception as exc:
                _record_failure(row, exc, self.clock(), self.result)
                return False
            _record_sent(
                session, row, delivered, via=row_via(kind, self.responder), now=self.clock()
            )
        self.result.sent += 1
        via = row_via(kind, self.responder)
        logger.info(
            "outbox: sent %s %s via %s",
            kind,
            key,
            via,
            extra={"fields": {"event": "send", "kind": kind, "key": key, "via": via}},
        )
        return True


def _record_sent(
    session: Session, row: OutboxRow, delivered: dict[str, Any], *, via: str, now: datetime
) -> None:
    row.state = "sent"
    row.sent_at = now
    row.attempts += 1
    row.result = {**delivered, "via": via}
    if row.kind == "card" and row.case_id is not None:
        # Read now, not from before the delivery: the responder may have routed the case.
        case = session.get(Case, row.case_id, populate_existing=True)
        if case is not None and case.status == "new":
            session.add(transition(case, "route", actor="repmon", at=now, note=case.channel))


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


def _record_failure(row: OutboxRow, exc: Exception, now: datetime, result: SendResult) -> None:
    row.attempts += 1
    # Masks the config's secrets too (set at start-up by setup_logging), whatever their shape.
    row.last_error = redact(f"{type(exc).__name__}: {exc}")[:2000]
    reset_at = getattr(exc, "reset_at", None)
    if isinstance(reset_at, datetime) and reset_at > now:
        # A rate limit says exactly when to come back, and is never a reason to give up.
        row.next_attempt_at = reset_at
        result.failed += 1
    elif row.attempts >= MAX_ATTEMPTS and now - row.created_at >= GIVE_UP_AFTER:
        row.state = "dead"
        result.dead += 1
    else:
        row.next_attempt_at = now + backoff(row.attempts)
        result.failed += 1
    logger.warning(
        "outbox: %s %s failed (attempt %d): %s",
        row.kind,
        row.key,
        row.attempts,
        row.last_error,
        extra={"fields": {"event": "send", "kind": row.kind, "key": row.key, "failed": True}},
    )
