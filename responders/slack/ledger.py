"""The record of Slack messages repmon posted: written before and after each post, so a crash in
between is recognised on retry and the earlier message is looked up instead of posted twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import SlackMessage
from db.session import transaction


def get(factory: sessionmaker[Session], key: str) -> SlackMessage | None:
    with factory() as session:
        return session.get(SlackMessage, key)


def keys_for_case(factory: sessionmaker[Session], case_id: int) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(SlackMessage.key).where(SlackMessage.case_id == case_id)))


def start(
    factory: sessionmaker[Session],
    key: str,
    *,
    case_id: int | None,
    kind: str,
    channel: str,
    thread_ts: str | None,
    now: datetime,
) -> SlackMessage:
    """Note that a post is about to happen (committed before Slack is called)."""
    with transaction(factory) as session:
        row = session.get(SlackMessage, key)
        if row is None:
            row = SlackMessage(
                key=key,
                case_id=case_id,
                kind=kind,
                channel=channel,
                thread_ts=thread_ts,
                started_at=now,
            )
            session.add(row)
        return row


def finish(
    factory: sessionmaker[Session],
    key: str,
    *,
    ts: str,
    digest: str | None,
    now: datetime,
    permalink: str | None = None,
) -> SlackMessage:
    """Slack accepted the message (or we found it): remember where it is."""
    with transaction(factory) as session:
        row = session.get(SlackMessage, key)
        if row is None:
            raise LookupError(f"no slack message {key!r} was started")
        row.ts, row.digest, row.posted_at = ts, digest, row.posted_at or now
        if permalink:
            row.permalink = permalink
        return row


def update(factory: sessionmaker[Session], key: str, **values: str | None) -> None:
    """Change the digest or permalink of a posted message."""
    with transaction(factory) as session:
        row = session.get(SlackMessage, key)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)


def card_locations(factory: sessionmaker[Session], case_ids: list[int]) -> dict[int, SlackMessage]:
    """Where the cards of these cases are (for links in App Home and slash commands)."""
    if not case_ids:
        return {}
    keys = [f"card:{case_id}" for case_id in case_ids]
    with factory() as session:
        rows = session.scalars(select(SlackMessage).where(SlackMessage.key.in_(keys)))
        return {row.case_id: row for row in rows if row.case_id is not None and row.ts}
