"""The Reply and Escalate buttons: open a modal, and act on what the agent submits."""

from __future__ import annotations

import json

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from connectors.base import ConnectorError
from monitor.errors import InvalidTransition
from responders.slack import actions, replies
from responders.slack.blocks import ESCALATE, REPLY, case_id_of
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


def register_modals(app: App, ctx: SlackContext, guard: Guard) -> None:
    @app.action(ESCALATE, middleware=[guard])
    def open_escalate(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        slack = ctx.config.slack
        targets = (group(slack.escalation_group), slack.escalation_channel or "")
        target = " and ".join(t for t in targets if t) or "the team (no target is configured)"
        case_id = case_id_of(body["actions"][0]["block_id"])
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

    @app.action(REPLY, middleware=[guard])
    def open_reply(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        case_id = case_id_of(body["actions"][0]["block_id"])
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
    key = f"reply:{case_id}:{body['view']['id']}"
    try:
        if meta["mode"] == "send":
            connector = replies.sending_connector(
                ctx.factory, ctx.config, case_id, connector_for=ctx.connector_for
            )
            replies.send(
                ctx.factory,
                case_id,
                agent=user,
                text=text,
                key=key,
                connector=connector,
                now=ctx.now(),
            )
        else:
            replies.mark_manual(ctx.factory, case_id, agent=user, text=text, key=key, now=ctx.now())
    except InvalidTransition as exc:
        tell(client, body, f"Nothing changed: {exc}", channel=channel)
        return
    except ConnectorError as exc:
        message = f"The platform refused the reply; nothing was posted: {exc}"
        tell(client, body, message, channel=channel)
        return
    ctx.deliver()
