"""Platform replies from the outbox (kind `reply`): each queued reply is posted at most once.

The modal queues a `replies` row (state `queued`) and an outbox row with the same key in one
transaction. This handler then:

- marks the reply `sending` (committed) before it calls the platform, so a crash mid-call is
  visible to the next attempt;
- finding a reply already `sending`, first asks the platform whether our reply is there
  (`find_reply`); a platform that cannot be asked gets `unknown` and the agent checks by hand;
- on success records the platform's id, moves the case to `replied` and queues the card update
  that posts the thread note;
- on a refusal (too long, duplicate, deleted post) or bad credentials records `failed` with the
  reason and returns `{"state": "failed", "error": ...}`: the outbox row is done (its `result`
  keeps the failure) and the platform is never called again for it. It is not left pending to
  fail again, because a pending row holds back its case's later rows (card updates, another
  reply) in the outbox; the `replies` row is the audit record, and the agent is told;
- on a rate limit puts the reply back to `queued` (nothing was posted) and re-raises with
  `reset_at`, so the outbox retries at that time; on other transient errors (timeouts, 5xx)
  keeps it `sending` — the post may have landed — and the outbox backs off.

States: queued → sending → sent | failed | unknown (and `manual` for replies agents post
themselves, recorded by responders.slack.replies).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.base import (
    FatalConnectorError,
    FindsReplies,
    ReplyRejected,
    RetriableConnectorError,
    SupportsReply,
)
from connectors.registry import build_connector
from db import repository
from db.models import Author, Case, MentionRow, Reply
from db.session import transaction
from monitor.app import App
from monitor.cases import TRANSITIONS, transition
from monitor.config import AppConfig, secret_values
from monitor.errors import ConfigError, RepmonError
from monitor.logconfig import redact
from monitor.models import Mention
from responders.slack.actions import Done, locked_case, record

logger = logging.getLogger(__name__)

KIND = "reply"
FINAL = frozenset({"sent", "failed", "unknown", "manual"})
REPLYABLE = TRANSITIONS["reply"][0] | {"snoozed"}


@dataclass(frozen=True, slots=True)
class _Queued:
    reply_id: int
    state: str
    text: str
    platform: str
    attempted_at: datetime | None
    created_at: datetime
    mention: Mention


def replied(session: Session, case: Case, agent: str, note: str, now: datetime) -> Done | None:
    """Move the case to `replied` (waking it first if snoozed) and queue its card update and
    thread note; None when the case has moved on (closed) and only the reply row is kept."""
    if case.status == "snoozed":
        session.add(transition(case, "wake", actor=agent, at=now))
    if case.status not in TRANSITIONS["reply"][0]:
        logger.info("reply: case %s is %s; reply recorded, case left as is", case.id, case.status)
        return None
    event = transition(case, "reply", actor=agent, at=now, note=note)
    case.assignee = case.assignee or agent
    return record(session, event, now=now)


def reply_enabled(config: AppConfig, connector_name: str) -> str | None:
    """Why repmon may not post through this connector now; None when it may."""
    try:
        settings = config.connector(connector_name)
    except ConfigError:
        return f"no connector named {connector_name} is configured"
    if not settings.reply.enabled:
        return f"replies are off for {connector_name} (`reply: {{enabled: true}}`)"
    return None


class PlatformReplies:
    """The outbox handler for kind `reply` (see the module docstring for the states)."""

    def __init__(self, app: App, *, connector_for: Callable[[str], Any | None]) -> None:
        self._app = app
        self._connector_for = connector_for

    def __call__(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        queued = self._load(key)
        if queued.state in FINAL:  # done before: the outbox tried the row again after a crash
            return self._result(queued.reply_id)
        name = queued.mention.connector
        why_not = reply_enabled(self._app.config, name)
        connector = self._connector_for(name) if why_not is None else None
        if why_not is None and not isinstance(connector, SupportsReply):
            why_not = f"the {name} connector cannot post replies now (see the logs)"
        if why_not is not None or not isinstance(connector, SupportsReply):
            return self._finish(queued.reply_id, "failed", why_not or "no connector")
        if queued.state == "sending":
            found, unknown = self._look(connector, queued)
            if unknown is not None:
                return self._finish(queued.reply_id, "unknown", unknown)
            if found is not None:
                logger.info("reply %s was already posted (%s); not posting again", key, found)
                return self._sent(queued.reply_id, found)
        self._begin(queued.reply_id)
        try:
            external_id = connector.reply(queued.mention, queued.text)
        except (ReplyRejected, FatalConnectorError) as exc:
            return self._finish(queued.reply_id, "failed", str(exc))
        except RetriableConnectorError as exc:
            # A rate limit is an answer: nothing was posted. Anything else may have posted.
            self._note(queued.reply_id, str(exc), back_to_queue=exc.reset_at is not None)
            raise
        except Exception as exc:
            self._note(queued.reply_id, f"{type(exc).__name__}: {exc}", back_to_queue=False)
            raise
        logger.info("reply %s posted on %s as %s", key, queued.platform, external_id)
        return self._sent(queued.reply_id, external_id)

    # --- steps -----------------------------------------------------------------------------------

    def _load(self, key: str) -> _Queued:
        with self._app.factory() as session:
            reply = session.scalars(select(Reply).where(Reply.idempotency_key == key)).first()
            if reply is None:
                raise LookupError(f"no reply is recorded under {key}")
            mention = session.get(MentionRow, reply.mention_id)
            if mention is None:
                raise LookupError(f"reply {reply.id}: its mention is gone")
            author = session.get(Author, mention.author_id) if mention.author_id else None
            return _Queued(
                reply_id=reply.id,
                state=reply.state,
                text=reply.text,
                platform=reply.platform,
                attempted_at=reply.attempted_at,
                created_at=reply.created_at,
                mention=repository.as_mention(mention, author),
            )

    def _look(self, connector: Any, queued: _Queued) -> tuple[str | None, str | None]:
        """After a crash during the platform call: (our reply's id or None, why we cannot tell).

        Transient errors propagate: the outbox tries again later, still looking first.
        """
        if not isinstance(connector, FindsReplies):
            return None, (
                f"repmon stopped while posting this reply and cannot check {queued.platform} "
                "for it: open the post and reply there yourself only if it is missing"
            )
        since = queued.attempted_at or queued.created_at
        try:
            return connector.find_reply(queued.mention, queued.text, since=since), None
        except (FatalConnectorError, ReplyRejected) as exc:
            return None, (
                f"repmon stopped while posting this reply and could not check for it ({exc}): "
                "open the post and reply there yourself only if it is missing"
            )

    def _begin(self, reply_id: int) -> None:
        with transaction(self._app.factory) as session:
            reply = session.get(Reply, reply_id)
            if reply is None:
                raise LookupError(f"reply {reply_id} is gone")
            reply.state = "sending"
            reply.attempted_at = self._app.clock()
            reply.attempts = (reply.attempts or 0) + 1

    def _redacted(self, error: str) -> str:
        """Platform errors may quote the credentials sent; agents see this text in Slack."""
        return redact(error, secret_values(self._app.config))[:2000]

    def _note(self, reply_id: int, error: str, *, back_to_queue: bool) -> None:
        with transaction(self._app.factory) as session:
            reply = session.get(Reply, reply_id)
            if reply is not None:
                reply.error = self._redacted(error)
                if back_to_queue:
                    reply.state = "queued"

    def _finish(self, reply_id: int, state: str, error: str) -> dict[str, Any]:
        """`failed` or `unknown`: recorded for the agent; the outbox row is done."""
        error = self._redacted(error)
        with transaction(self._app.factory) as session:
            reply = session.get(Reply, reply_id)
            if reply is not None:
                reply.state, reply.error = state, error
        logger.warning("reply %s %s: %s", reply_id, state, error)
        return self._result(reply_id)

    def _sent(self, reply_id: int, external_id: str) -> dict[str, Any]:
        now = self._app.clock()
        with transaction(self._app.factory) as session:
            reply = session.get(Reply, reply_id)
            if reply is None:
                raise LookupError(f"reply {reply_id} is gone")
            case = locked_case(session, reply.case_id)
            reply.state, reply.external_id, reply.sent_at = "sent", external_id, now
            replied(session, case, reply.agent, f"sent {external_id}", now)
        return self._result(reply_id)

    def _result(self, reply_id: int) -> dict[str, Any]:
        """What the outbox records as the row's result."""
        with self._app.factory() as session:
            reply = session.get(Reply, reply_id)
            if reply is None:
                return {"reply_id": reply_id, "state": "gone"}
            result: dict[str, Any] = {"reply_id": reply_id, "state": reply.state}
            if reply.external_id:
                result["external_id"] = reply.external_id
            if reply.error and reply.state != "sent":
                result["error"] = reply.error[:500]
            return result


def connectors_by_name(config: AppConfig) -> Callable[[str], Any | None]:
    """Connectors built on first use and kept; None (and a log line) if one cannot be built."""
    built: dict[str, Any | None] = {}

    def lookup(name: str) -> Any | None:
        if name not in built:
            try:
                built[name] = build_connector(config.connector(name))
            except RepmonError as exc:
                logger.warning("reply: connector %s unavailable: %s", name, exc)
                built[name] = None
        return built[name]

    return lookup


def reply_handler(app: App) -> PlatformReplies:
    """The handler `responders.handlers` registers for kind `reply`."""
    return PlatformReplies(app, connector_for=connectors_by_name(app.config))
