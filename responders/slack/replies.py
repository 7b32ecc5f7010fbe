"""Public replies from the reply modal: drafted from templates, posted only on an agent's say-so.

repmon posts a reply itself only when the platform's connector supports replies, its config
says `reply: {enabled: true}`, and the agent ticked the confirm box. Otherwise the agent copies
the text, replies on the platform, and repmon records "replied manually" with the post's link.
A send is recorded before the platform is called and never retried automatically.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from connectors.base import ConnectorError, SupportsReply
from db.models import Author, Case, MentionRow, Reply
from db.session import transaction
from monitor.cases import TRANSITIONS, transition
from monitor.config import AppConfig
from monitor.errors import ConfigError, InvalidTransition
from monitor.models import Mention
from responders.slack.actions import Done, locked_case, record
from responders.slack.views import ReplyDraft
from responders.templates import TemplateLibrary

logger = logging.getLogger(__name__)
REPLYABLE = TRANSITIONS["reply"][0] | {"snoozed"}


def reply_mode(config: AppConfig, connector: Any, connector_name: str) -> tuple[str, str | None]:
    """("send", None) when repmon may post; else ("manual", why not)."""
    try:
        settings = config.connector(connector_name)
    except ConfigError:  # imported mentions, or a connector removed from config since
        return "manual", f"no connector named {connector_name} is configured"
    if connector is None or not isinstance(connector, SupportsReply):
        return "manual", f"the {settings.type} connector cannot post replies"
    reply = getattr(settings, "reply", None)
    if not getattr(reply, "enabled", False):
        return "manual", f"replies are off for {connector_name} (`reply: {{enabled: true}}`)"
    return "send", None


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
        connector_name, source, url, text = (
            mention.connector,
            mention.source,
            mention.url,
            mention.text,
        )
        handle = author.handle if author else None
        topic, lang, channel = case.topic, case.lang, case.channel
    choices = templates.choices(topic, lang)
    chosen = templates.get(template_id) if template_id else None
    chosen = chosen if chosen in choices else (choices[0] if choices else None)
    body = templates.render(chosen, variables) if chosen else ""
    mode, reason = reply_mode(config, connector_for(connector_name), connector_name)
    return ReplyDraft(
        case_id=case_id,
        mode=mode,
        reason=reason,
        source=source,
        author=handle,
        url=url,
        original=text,
        templates=[(t.id, t.title) for t in choices],
        selected=chosen.id if chosen else None,
        text=body,
        channel=channel,
    )


def sending_connector(
    factory: sessionmaker[Session],
    config: AppConfig,
    case_id: int,
    *,
    connector_for: Callable[[str], Any],
) -> SupportsReply:
    """Checked again at submit time: `reply.enabled` may have changed since the modal opened."""
    with factory() as session:
        _, mention, _ = _load(session, case_id)
        name = mention.connector
    connector = connector_for(name)
    mode, reason = reply_mode(config, connector, name)
    if mode != "send" or not isinstance(connector, SupportsReply):
        raise InvalidTransition(f"repmon cannot post this reply: {reason}")
    return connector


def mark_manual(
    factory: sessionmaker[Session], case_id: int, *, agent: str, text: str, key: str, now: Any
) -> Done | None:
    """The agent replied on the platform themselves; None if this submit was seen already."""
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        if _seen(session, key):
            return None
        mention = _mention(session, case)
        session.add(_reply(case, mention, agent=agent, text=text, key=key, state="manual", now=now))
        return _replied(session, case, agent, f"manual {mention.url or ''}".rstrip(), now)


def send(
    factory: sessionmaker[Session],
    case_id: int,
    *,
    agent: str,
    text: str,
    key: str,
    connector: SupportsReply,
    now: Any,
) -> Done | None:
    """Post the reply through the connector, once; ConnectorError tells the agent why not."""
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        if _seen(session, key):
            return None
        if case.status not in REPLYABLE:
            raise InvalidTransition(f"case {case_id} is {case.status}: cannot reply")
        mention = _mention(session, case)
        session.add(
            _reply(case, mention, agent=agent, text=text, key=key, state="sending", now=now)
        )
        author = session.get(Author, mention.author_id) if mention.author_id else None
        platform_mention = _as_mention(mention, author)
    try:
        external_id = connector.reply(platform_mention, text)
    except ConnectorError as exc:
        with transaction(factory) as session:
            row = session.query(Reply).filter(Reply.idempotency_key == key).one()
            row.state, row.error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        raise
    with transaction(factory) as session:
        case = locked_case(session, case_id)
        row = session.query(Reply).filter(Reply.idempotency_key == key).one()
        row.state, row.external_id, row.sent_at = "sent", external_id, now
        return _replied(session, case, agent, f"sent {external_id}", now)


def _as_mention(row: MentionRow, author: Author | None) -> Mention:
    """The stored mention in the connector API's shape (DESIGN 3.3), for `reply()`."""
    return Mention(
        source=row.source,
        external_id=row.external_id,
        text=row.text,
        created_at=row.created_at,
        connector=row.connector,
        url=row.url,
        author=author.handle if author else None,
        author_name=author.name if author else None,
        lang=row.lang,
        rating=row.rating,
        title=row.title,
        in_reply_to=row.in_reply_to,
        metrics=dict(row.metrics or {}),
        raw=row.raw,
    )


def _replied(session: Session, case: Case, agent: str, note: str, now: Any) -> Done:
    if case.status == "snoozed":
        session.add(transition(case, "wake", actor=agent, at=now))
    event = transition(case, "reply", actor=agent, at=now, note=note)
    case.assignee = case.assignee or agent
    return record(session, event, now=now)


def _reply(
    case: Case, mention: MentionRow, *, agent: str, text: str, key: str, state: str, now: Any
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
    )


def _seen(session: Session, key: str) -> bool:
    return session.query(Reply.id).filter(Reply.idempotency_key == key).first() is not None


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
