"""Public replies from the reply modal: drafted from templates, queued only on an agent's say-so.

repmon posts a reply itself only when the platform's connector supports replies, its config
says `reply: {enabled: true}`, the post can be answered through the API (X: it mentions the
brand account), and the agent ticked the confirm box. Otherwise the agent copies the text,
replies on the platform, and repmon records "replied manually" with the post's link.

A confirmed reply is checked against the platform's limits, then recorded (`replies`, state
`queued`) together with an outbox row of kind `reply` in one transaction; responders.platform
posts it, once, and moves the case to `replied`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from connectors.base import ChecksReplies, SupportsReply
from db import repository
from db.models import Author, Case, MentionRow, Reply
from db.repository import as_mention
from db.session import transaction
from monitor.config import AppConfig
from monitor.errors import ConfigError, InvalidTransition
from monitor.models import Mention
from responders.platform import KIND, REPLYABLE, replied
from responders.slack.actions import Done, locked_case
from responders.slack.views import ReplyDraft
from responders.templates import TemplateLibrary

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Queued:
    """A reply waiting in the outbox under `key`."""

    reply_id: int
    key: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where a queued reply stands, for what the agent is told right after submitting."""

    state: str
    platform: str
    external_id: str | None
    error: str | None


def reply_mode(
    config: AppConfig, connector: Any, connector_name: str, mention: Mention | None = None
) -> tuple[str, str | None]:
    """("send", None) when repmon may post; else ("manual", why not)."""
    try:
        settings = config.connector(connector_name)
    except ConfigError:  # imported mentions, or a connector removed from config since
        return "manual", f"no connector named {connector_name} is configured"
    if connector is None or not isinstance(connector, SupportsReply):
        return "manual", f"the {settings.type} connector cannot post replies"
    if not settings.reply.enabled:
        return "manual", f"replies are off for {connector_name} (`reply: {{enabled: true}}`)"
    if mention is not None and isinstance(connector, ChecksReplies):
        problem = connector.reply_problem(mention, None)
        if problem:
            return "manual", problem
    return "send", None


def reply_key(case_id: int, text: str) -> str:
    """One key per case and text: a double submit or a retry can never post the same reply twice."""
    return f"reply:{case_id}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def draft(
    factory: sessionmaker[Session],
    config: AppConfig,
    templates: TemplateLibrary,
    case_id: int,
    *,
    agent_name: str,
    connector_for: Callable[[str], Any],
    template_id: str | None = None,
) -> ReplyDraft:
    """The modal's content: the case's templates, one rendered with the case's variables."""
    with factory() as session:
        case, mention, author = _load(session, case_id)
        if case.status not in REPLYABLE:
            raise InvalidTransition(f"case {case_id} is {case.status}: cannot reply")
        variables = {
            "name": (author.name or author.handle) if author else "",
            "author": author.handle if author else "",
            "brand": case.brand or (config.brands[0].name if config.brands else ""),
            "topic": case.topic or "",
            "case_id": case.id,
            "reference": f"RM-{case.id}",
            "agent": agent_name,
            "source": mention.source,
            "url": mention.url or "",
            "rating": mention.rating or "",
        }
        platform_mention = as_mention(mention, author)
        handle = author.handle if author else None
        topic, lang, channel = case.topic, case.lang, case.channel
    choices = templates.choices(topic, lang)
    chosen = templates.get(template_id) if template_id else None
    chosen = chosen if chosen in choices else (choices[0] if choices else None)
    body = templates.render(chosen, variables) if chosen else ""
    connector = connector_for(platform_mention.connector)
    mode, reason = reply_mode(config, connector, platform_mention.connector, platform_mention)
    rules = connector.reply_rules() if isinstance(connector, ChecksReplies) else None
    return ReplyDraft(
        case_id=case_id,
        mode=mode,
        reason=reason,
        source=platform_mention.source,
        author=handle,
        url=platform_mention.url,
        original=platform_mention.text,
        templates=[(t.id, t.title) for t in choices],
        selected=chosen.id if chosen else None,
        text=body,
        channel=channel,
        rules=rules if mode == "send" else None,
    )


def problem(
    factory: sessionmaker[Session],
    config: AppConfig,
    case_id: int,
    text: str,
    *,
    connector_for: Callable[[str], Any],
) -> str | None:
    """Checked at submit, before anything is queued: may repmon post this text, and if not, why.

    `reply.enabled` may have changed since the modal opened, and the text was edited.
    """
    with factory() as session:
        _, mention, author = _load(session, case_id)
        platform_mention = as_mention(mention, author)
    connector = connector_for(platform_mention.connector)
    mode, reason = reply_mode(config, connector, platform_mention.connector, platform_mention)
    if mode != "send":
        return f"repmon cannot post this reply: {reason}"
    if isinstance(connector, ChecksReplies):
        return connector.reply_problem(platform_mention, text)
    return None


def queue(
    factory: sessionmaker[Session],
    case_id: int,
    *,
    agent: str,
    text: str,
    template: str | None,
    now: datetime,
) -> Queued | None:
    """Record the reply and its outbox row together; None if this text is already queued or sent.

    A reply that failed may be sent again (after the agent fixed its cause): it gets a new key.
    """
    base = reply_key(case_id, text)
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        earlier = session.scalars(
            select(Reply.state).where(
                Reply.case_id == case_id,
                (Reply.idempotency_key == base) | Reply.idempotency_key.like(f"{base}:%"),
            )
        ).all()
        if any(state not in ("failed", "unknown") for state in earlier):
            return None
        if case.status not in REPLYABLE:
            raise InvalidTransition(f"case {case_id} is {case.status}: cannot reply")
        key = f"{base}:{len(earlier) + 1}" if earlier else base
        mention = _mention(session, case)
        row = _reply(case, mention, agent=agent, text=text, key=key, state="queued", now=now)
        row.template = template
        session.add(row)
        session.flush()
        repository.enqueue_many(
            session,
            [{"key": key, "kind": KIND, "case_id": case.id, "payload": {"reply_id": row.id}}],
            now=now,
        )
        return Queued(row.id, key)


def outcome(factory: sessionmaker[Session], key: str) -> Outcome | None:
    with factory() as session:
        row = session.scalars(select(Reply).where(Reply.idempotency_key == key)).first()
        if row is None:
            return None
        return Outcome(row.state, row.platform, row.external_id, row.error)


def mark_manual(
    factory: sessionmaker[Session],
    case_id: int,
    *,
    agent: str,
    text: str,
    key: str,
    now: datetime,
    template: str | None = None,
) -> Done | None:
    """The agent replied on the platform themselves; None if this submit was seen already."""
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        if session.scalar(select(Reply.id).where(Reply.idempotency_key == key)) is not None:
            return None
        if case.status not in REPLYABLE:
            raise InvalidTransition(f"case {case_id} is {case.status}: cannot reply")
        mention = _mention(session, case)
        row = _reply(case, mention, agent=agent, text=text, key=key, state="manual", now=now)
        row.template = template
        session.add(row)
        return replied(session, case, agent, f"manual {mention.url or ''}".rstrip(), now)


def _reply(
    case: Case, mention: MentionRow, *, agent: str, text: str, key: str, state: str, now: datetime
) -> Reply:
    return Reply(
        idempotency_key=key,
        case_id=case.id,
        mention_id=mention.id,
        agent=agent,
        text=text,
        platform=mention.source,
        state=state,
        created_at=now,
        sent_at=now if state == "manual" else None,
        attempts=0,
    )


def _mention(session: Session, case: Case) -> MentionRow:
    mention = session.get(MentionRow, case.mention_id)
    if mention is None:
        raise InvalidTransition(f"case {case.id} has no mention")
    return mention


def _load(session: Session, case_id: int) -> tuple[Case, MentionRow, Author | None]:
    case = session.get(Case, case_id)
    if case is None:
        raise InvalidTransition(f"case {case_id} does not exist")
    mention = _mention(session, case)
    author = session.get(Author, mention.author_id) if mention.author_id else None
    return case, mention, author
