"""The Slack side of the outbox: keeps each case's card, thread and escalations in line with the DB.

Every outbox kind for a case (`card`, `card_update`, `reminder`, …) means "make Slack show this
case as it is now": post the card if it is missing, `chat.update` it if its content changed, and
post a thread note for each audit event that has none yet. Each message is written to the
ledger before and after it is posted and carries its key in Slack metadata, so a retry after a
crash finds the earlier message in the channel history instead of posting it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Case, CaseEvent, MentionRow
from db.session import transaction
from monitor.cases import transition
from monitor.config import RoutingConfig
from responders.assign import auto_assign
from responders.cards import CardView, card_view
from responders.slack import ledger
from responders.slack.api import SlackApi
from responders.slack.blocks import CardState, card_blocks, card_fallback, follow_up_text
from responders.slack.errors import SlackRateLimited, SlackRetriableError
from responders.slack.notes import NOTE_ACTIONS, Audience, escalation_text, note_text
from responders.slack.once import post_once

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Posted:
    channel: str
    ts: str


class SlackResponder:
    """The outbox Responder for Slack (`send_card` for every case-level kind, `send_thread`)."""

    name = "slack"

    def __init__(
        self,
        api: SlackApi,
        factory: sessionmaker[Session],
        *,
        routing: RoutingConfig,
        audience: Audience,
        clock: Clock,
    ) -> None:
        self.api = api
        self._factory = factory
        self._routing = routing
        self._default = routing.default_channel
        self._audience = audience
        self._clock = clock
        self._blocked_until: datetime | None = None

    # --- the outbox protocol -----------------------------------------------------------------

    def send_card(self, card: CardView) -> dict[str, Any]:
        return self._guarded(lambda: self.sync(card.case_id))

    def send_thread(self, card: CardView) -> dict[str, Any]:
        return self._guarded(lambda: self._follow_up(card))

    # --- what each does ----------------------------------------------------------------------

    def sync(self, case_id: int) -> dict[str, Any]:
        """Post or refresh the card, then post the notes it is missing."""
        view, state = self._prepare(case_id)
        parent = self._ensure_card(view, state)
        notes = self._post_notes(case_id, parent)
        return {"channel": parent.channel, "ts": parent.ts, "notes": notes}

    def _follow_up(self, card: CardView) -> dict[str, Any]:
        parent_row = ledger.get(self._factory, f"card:{card.case_id}")
        if parent_row is None or parent_row.ts is None:
            raise SlackRetriableError(f"case {card.case_id}: its card is not posted yet")
        parent = Posted(parent_row.channel, parent_row.ts)
        key = f"mention:{self._mention_id(card)}"
        ts = self._ensure_message(
            key,
            case_id=card.case_id,
            kind="mention",
            channel=parent.channel,
            thread_ts=parent.ts,
            text=follow_up_text(card),
            event_type="repmon_note",
        )
        view, state = self._prepare(card.case_id)
        self._ensure_card(view, state)
        return {"channel": parent.channel, "ts": ts, "thread_ts": parent.ts}

    def _guarded(self, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """While Slack's Retry-After runs, fail fast instead of calling again."""
        now = self._clock()
        if self._blocked_until is not None and now < self._blocked_until:
            wait = (self._blocked_until - now).total_seconds()
            raise SlackRateLimited(
                "slack: still rate limited", retry_after=wait, reset_at=self._blocked_until
            )
        try:
            return work()
        except SlackRateLimited as exc:
            self._blocked_until = exc.reset_at = self._clock() + exc.wait()
            raise

    def _prepare(self, case_id: int) -> tuple[CardView, CardState]:
        """Route a new case (and auto-assign it if its rule says so); read what the card shows."""
        now = self._clock()
        with transaction(self._factory) as session:
            case = session.get(Case, case_id)
            if case is None:
                raise LookupError(f"case {case_id} no longer exists")
            if case.status == "new":
                session.add(transition(case, "route", actor="repmon", at=now, note=case.channel))
                event = auto_assign(session, case, routing=self._routing, now=now)
                if event is not None:
                    session.add(event)
            session.flush()
            view = card_view(session, case_id)
            if view is None:
                raise LookupError(f"case {case_id} has no mention")
            coverage = session.scalar(
                select(MentionRow.coverage).where(MentionRow.id == case.mention_id)
            )
            breached = session.scalar(
                select(CaseEvent.id)
                .where(CaseEvent.case_id == case_id, CaseEvent.action == "sla_breach")
                .limit(1)
            )
            state = CardState(
                assignee=case.assignee,
                snoozed_until=case.snoozed_until,
                outcome=case.outcome,
                coverage=coverage,
                sla_breached=breached is not None,
            )
        return view, state

    def _ensure_card(self, view: CardView, state: CardState) -> Posted:
        key = f"card:{view.case_id}"
        blocks = card_blocks(view, state)
        text = card_fallback(view)
        digest = hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()
        row = ledger.get(self._factory, key)
        if row is None or row.ts is None:
            channel = row.channel if row else self.api.resolve(view.channel or self._default)
            ts = self._ensure_message(
                key,
                case_id=view.case_id,
                kind="card",
                channel=channel,
                thread_ts=None,
                text=text,
                blocks=blocks,
                digest=digest,
                event_type="repmon_card",
            )
            row = ledger.get(self._factory, key)
            if row is None:  # pragma: no cover - just written
                raise LookupError(key)
            if row.permalink is None:
                self._remember_permalink(key, channel, ts)
        if row.ts is None:  # pragma: no cover - _ensure_message always sets it
            raise LookupError(key)
        if row.digest != digest:
            self.api.update(row.channel, row.ts, text=text, blocks=blocks)
            ledger.update(self._factory, key, digest=digest)
        return Posted(row.channel, row.ts)

    def _ensure_message(
        self,
        key: str,
        *,
        case_id: int,
        kind: str,
        channel: str,
        thread_ts: str | None,
        text: str,
        event_type: str,
        blocks: list[dict[str, Any]] | None = None,
        digest: str | None = None,
    ) -> str:
        """Post once (responders.slack.once); the metadata also names the case."""
        return post_once(
            self._factory,
            self.api,
            self._clock,
            key,
            kind=kind,
            channel=channel,
            text=text,
            event_type=event_type,
            blocks=blocks,
            thread_ts=thread_ts,
            case_id=case_id,
            digest=digest,
        )

    def _post_notes(self, case_id: int, parent: Posted) -> int:
        with self._factory() as session:
            events = session.scalars(
                select(CaseEvent)
                .where(CaseEvent.case_id == case_id, CaseEvent.action.in_(NOTE_ACTIONS))
                .order_by(CaseEvent.id)
            ).all()
        done = ledger.keys_for_case(self._factory, case_id)
        posted = 0
        for event in events:
            key = f"note:{event.id}"
            if key not in done:
                text = note_text(event.action, event.actor, event.note, self._audience)
                self._ensure_message(
                    key,
                    case_id=case_id,
                    kind="note",
                    channel=parent.channel,
                    thread_ts=parent.ts,
                    text=text,
                    event_type="repmon_note",
                )
                posted += 1
            escalation = f"escalation:{event.id}"
            if (
                event.action == "escalate"
                and self._audience.escalation_channel
                and escalation not in done
            ):
                channel = self.api.resolve(self._audience.escalation_channel)
                link = self._card_link(case_id)
                self._ensure_message(
                    escalation,
                    case_id=case_id,
                    kind="escalation",
                    channel=channel,
                    thread_ts=None,
                    text=escalation_text(case_id, event.actor, event.note, link),
                    event_type="repmon_escalation",
                )
        return posted

    def _card_link(self, case_id: int) -> str | None:
        row = ledger.get(self._factory, f"card:{case_id}")
        return row.permalink if row else None

    def _remember_permalink(self, key: str, channel: str, ts: str) -> None:
        try:
            link = self.api.permalink(channel, ts)
        except SlackRetriableError as exc:  # only a convenience for links: never fail a post
            logger.warning("slack: no permalink for %s: %s", key, exc)
            return
        ledger.update(self._factory, key, permalink=link)

    def _mention_id(self, card: CardView) -> int:
        """The follow-up mention a thread row is about."""
        if card.mention_id is None:
            raise LookupError(f"case {card.case_id}: the thread row names no mention")
        return card.mention_id
