"""What agents do to cases from Slack, as plain functions: one transaction, one audit event, and
one outbox row that brings the card and its thread up to date (responders.slack.sender)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from db import repository
from db.models import Case, CaseEvent
from db.session import transaction
from monitor.cases import transition
from monitor.errors import InvalidTransition
from responders.assign import assign_case

SNOOZES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "1d": timedelta(days=1)}


@dataclass(frozen=True, slots=True)
class Done:
    """What an action did, for the handler's answer."""

    case_id: int
    event_id: int
    status: str


def locked_case(session: Session, case_id: int) -> Case:
    """The case, held against concurrent actions until the transaction ends.

    PostgreSQL locks the row; SQLite takes its write lock first with a no-op UPDATE, so two
    agents clicking Claim at once are serialised and the second sees the first's claim.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            update(Case).where(Case.id == case_id).values(updated_at=Case.updated_at),
            execution_options={"synchronize_session": False},
        )
    case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise InvalidTransition(f"case {case_id} does not exist")
    return case


def record(session: Session, event: CaseEvent, *, now: datetime) -> Done:
    """Store the event and ask the sender to bring Slack up to date for its case."""
    session.add(event)
    session.flush()
    repository.enqueue_many(
        session,
        [
            {
                "key": f"update:{event.case_id}:{event.id}",
                "kind": "card_update",
                "case_id": event.case_id,
                "payload": {"case_id": event.case_id, "event_id": event.id},
            }
        ],
        now=now,
    )
    return Done(event.case_id, event.id, event.to_status)


def act(
    factory: sessionmaker[Session],
    case_id: int,
    action: str,
    *,
    actor: str,
    now: datetime,
    note: str | None = None,
    snooze_until: datetime | None = None,
    outcome: str | None = None,
) -> Done:
    """Apply one state-machine action (InvalidTransition if the case's state does not allow it)."""
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        event = transition(
            case,
            action,
            actor=actor,
            at=now,
            note=note,
            snooze_until=snooze_until,
            outcome=outcome,
        )
        return record(session, event, now=now)


def claim(factory: sessionmaker[Session], case_id: int, *, agent: str, now: datetime) -> Done:
    return act(factory, case_id, "claim", actor=agent, now=now)


def assign(
    factory: sessionmaker[Session], case_id: int, *, actor: str, assignee: str, now: datetime
) -> Done:
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        if case.assignee == assignee:
            raise InvalidTransition(f"case {case_id} is already assigned to that agent")
        return record(session, assign_case(case, assignee, actor=actor, at=now), now=now)


def escalate(
    factory: sessionmaker[Session], case_id: int, *, actor: str, note: str, now: datetime
) -> Done:
    return act(factory, case_id, "escalate", actor=actor, now=now, note=note.strip() or None)


def snooze(
    factory: sessionmaker[Session], case_id: int, *, actor: str, choice: str, now: datetime
) -> Done:
    try:
        until = now + SNOOZES[choice]
    except KeyError:
        raise InvalidTransition(f"unknown snooze {choice!r}") from None
    return act(
        factory,
        case_id,
        "snooze",
        actor=actor,
        now=now,
        snooze_until=until,
        note=until.isoformat(),
    )


def resolve(
    factory: sessionmaker[Session], case_id: int, *, actor: str, outcome: str, now: datetime
) -> Done:
    return act(factory, case_id, "resolve", actor=actor, now=now, outcome=outcome, note=outcome)


def dismiss(factory: sessionmaker[Session], case_id: int, *, actor: str, now: datetime) -> Done:
    """Not relevant: closes the case and counts against its connector's precision."""
    return act(factory, case_id, "dismiss", actor=actor, now=now)
