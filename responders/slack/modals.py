"""The Reply and Escalate buttons: open a modal, and act on what the agent submits."""

from __future__ import annotations

import json

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from monitor.errors import InvalidTransition
from responders.slack import actions, replies
from responders.slack.blocks import ESCALATE, REPLY, case_id_of, escape
from responders.slack.context import SlackContext
from responders.slack.guard import Body, Guard, tell, user_of
from responders.slack.notes import group
from responders.slack.views import (
    CONFIRM_ACTION,
    CONFIRM_BLOCK,
    ESCALATE_VIEW,
    NOTE_ACTION,
    NOTE_BLOCK,
    REPLY_TEMPLATE,
    REPLY_VIEW,
    TEXT_ACTION,
    TEXT_BLOCK,
    ReplyDraft,
    escalate_modal,
    reply_modal,
    submitted,
)


def _case_of(client: WebClient, body: Body) -> int | None:
    """The case a card button belongs to; a forged or foreign block id is refused politely."""
    try:
        return case_id_of(body["actions"][0].get("block_id"))
    except ValueError as exc:
        tell(client, body, f"Nothing changed: {exc}")
        return None


def register_modals(app: App, ctx: SlackContext, guard: Guard) -> None:
    _register_escalate(app, ctx, guard)
    _register_reply(app, ctx, guard)


def _register_escalate(app: App, ctx: SlackContext, guard: Guard) -> None:
    @app.action(ESCALATE, middleware=[guard])
    def open_escalate(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        slack = ctx.config.slack
        targets = (group(slack.escalation_group), slack.escalation_channel or "")
        target = " and ".join(t for t in targets if t) or "the team (no target is configured)"
        case_id = _case_of(client, body)
        if case_id is None:
            return
        channel = (body.get("channel") or {}).get("id")
        client.views_open(
            trigger_id=body["trigger_id"], view=escalate_modal(case_id, target, channel)
        )

    @app.view(ESCALATE_VIEW, middleware=[guard])
    def escalate(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        view, meta = body["view"], json.loads(body["view"]["private_metadata"])
        note = submitted(view, NOTE_BLOCK, NOTE_ACTION).get("value") or ""
        try:
            actions.escalate(
                ctx.factory, int(meta["case_id"]), actor=user_of(body), note=note, now=ctx.now()
            )
        except InvalidTransition as exc:
            tell(client, body, f"Nothing changed: {exc}", channel=meta.get("channel"))
            return
        ctx.deliver()


def _register_reply(app: App, ctx: SlackContext, guard: Guard) -> None:
    @app.action(REPLY, middleware=[guard])
    def open_reply(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        case_id = _case_of(client, body)
        if case_id is None:
            return
        try:
            draft = _draft(ctx, client, case_id, user_of(body), None)
        except InvalidTransition as exc:
            tell(client, body, f"Nothing changed: {exc}")
            return
        client.views_open(trigger_id=body["trigger_id"], view=reply_modal(draft))

    @app.action(REPLY_TEMPLATE, middleware=[guard])
    def pick_template(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        view = body["view"]
        meta = json.loads(view["private_metadata"])
        chosen = body["actions"][0]["selected_option"]["value"]
        draft = _draft(ctx, client, int(meta["case_id"]), user_of(body), chosen)
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=reply_modal(draft))

    @app.view(REPLY_VIEW, middleware=[guard])
    def reply(ack: Ack, body: Body, client: WebClient) -> None:
        view, meta = body["view"], json.loads(body["view"]["private_metadata"])
        text = str(submitted(view, TEXT_BLOCK, TEXT_ACTION).get("value") or "").strip()
        confirmed = bool(submitted(view, CONFIRM_BLOCK, CONFIRM_ACTION).get("selected_options"))
        text_block = next(
            b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(TEXT_BLOCK)
        )
        if not text:
            ack(response_action="errors", errors={text_block: "Write a reply first."})
            return
        if meta["mode"] == "send" and not confirmed:
            ack(response_action="errors", errors={CONFIRM_BLOCK: "Tick the box to post it."})
            return
        if meta["mode"] == "send":
            try:
                refused = replies.problem(
                    ctx.factory,
                    ctx.config,
                    int(meta["case_id"]),
                    text,
                    connector_for=ctx.connector_for,
                )
            except InvalidTransition as exc:
                refused = str(exc)
            if refused:  # checked before anything is queued; the agent edits and resubmits
                ack(response_action="errors", errors={text_block: f"Not sent: {refused}"[:150]})
                return
        ack()
        _submit_reply(ctx, client, body, meta, text)


def _draft(
    ctx: SlackContext, client: WebClient, case_id: int, user: str, template_id: str | None
) -> ReplyDraft:
    return replies.draft(
        ctx.factory,
        ctx.config,
        ctx.templates,
        case_id,
        agent_name=_first_name(client, user),
        connector_for=ctx.connector_for,
        template_id=template_id,
    )


def _first_name(client: WebClient, user: str) -> str:
    """For the `agent` template variable; a template must work without it."""
    try:
        profile = client.users_info(user=user)["user"].get("profile") or {}
    except SlackApiError:
        return ""
    name = profile.get("first_name") or profile.get("display_name") or profile.get("real_name")
    return str(name or "").split(" ")[0]


def _submit_reply(ctx: SlackContext, client: WebClient, body: Body, meta: Body, text: str) -> None:
    case_id, user, channel = int(meta["case_id"]), user_of(body), meta.get("channel")
    template = meta.get("template")
    try:
        if meta["mode"] == "send":
            queued = replies.queue(
                ctx.factory, case_id, agent=user, text=text, template=template, now=ctx.now()
            )
        else:
            key = f"reply:{case_id}:{body['view']['id']}"
            replies.mark_manual(
                ctx.factory,
                case_id,
                agent=user,
                text=text,
                key=key,
                now=ctx.now(),
                template=template,
            )
            queued = None
    except InvalidTransition as exc:
        tell(client, body, f"Nothing changed: {exc}", channel=channel)
        return
    ctx.deliver()
    if queued is None:
        return
    outcome = replies.outcome(ctx.factory, queued.key)
    if outcome is None:
        return
    if outcome.state == "sent":
        ctx.deliver()  # the thread note the reply queued
        return
    tell(client, body, _outcome_text(outcome), channel=channel)


def _outcome_text(outcome: replies.Outcome) -> str:
    """What the agent is told when the reply was not posted at once."""
    reason = escape(outcome.error or "")
    if outcome.state == "failed":
        return f"The platform refused the reply; nothing was posted: {reason}"
    if outcome.state == "unknown":
        return f"repmon cannot tell whether the reply was posted: {reason}"
    detail = f" ({reason})" if reason else ""
    return (
        f"Your reply is queued and will be posted on {escape(outcome.platform)} as soon as the "
        f"platform allows{detail}."
    )
