"""Post a Slack message at most once per key, even across crashes.

The ledger row is written before the post and finished after it. A row left without `ts` means
an earlier attempt may have posted: the message is looked up by the key in its metadata first,
and posted only if it is not there. Cards, thread notes, alerts and report summaries all post
through here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from responders.slack import ledger
from responders.slack.api import SlackApi

logger = logging.getLogger(__name__)


def post_once(
    factory: sessionmaker[Session],
    api: SlackApi,
    clock: Callable[[], datetime],
    key: str,
    *,
    kind: str,
    channel: str,
    text: str,
    event_type: str,
    blocks: list[dict[str, Any]] | None = None,
    thread_ts: str | None = None,
    case_id: int | None = None,
    digest: str | None = None,
) -> str:
    """The message's ts: the recorded one, the one found after a crash, or a new post's."""
    row = ledger.get(factory, key)
    if row is not None and row.ts is not None:
        return row.ts
    if row is not None:
        found = api.find(row.channel, key, since=row.started_at, thread_ts=thread_ts)
        if found:
            logger.info("slack: %s was already posted (%s); not posting again", key, found)
            ledger.finish(factory, key, ts=found, digest=None, now=clock())
            return found
    else:
        row = ledger.start(
            factory,
            key,
            case_id=case_id,
            kind=kind,
            channel=channel,
            thread_ts=thread_ts,
            now=clock(),
        )
    event_payload: dict[str, Any] = {"key": key}
    if case_id is not None:
        event_payload = {"case_id": case_id, "key": key}
    ts = api.post(
        row.channel,
        text=text,
        blocks=blocks,
        thread_ts=thread_ts,
        metadata={"event_type": event_type, "event_payload": event_payload},
    )
    ledger.finish(factory, key, ts=ts, digest=digest, now=clock())
    logger.debug("slack: posted %s in %s", key, row.channel)
    return ts
