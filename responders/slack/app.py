"""The Bolt app: handlers acknowledge at once, check the user is an agent, then call plain code."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import SecretStr
from slack_bolt import Ack, App
from slack_sdk import WebClient

from monitor.errors import InvalidTransition
from responders.slack import actions
from responders.slack.blocks import ASSIGN, CLAIM, DISMISS, RESOLVE, SNOOZE, case_id_of
from responders.slack.commands import register_commands
from responders.slack.context import SlackContext
from responders.slack.guard import Body, Guard, agents_only, tell, user_of
from responders.slack.modals import register_modals
from responders.slack.views import OPEN_POST

logger = logging.getLogger(__name__)


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


def build_app(
    ctx: SlackContext,
    *,
    socket_mode: bool,
    process_before_response: bool = False,
    token_verification: bool = True,
) -> App:
    """Socket Mode needs no signing secret; HTTP mode verifies every request's signature."""
    app = App(  # the client carries the bot token
        signing_secret=None if socket_mode else _secret(ctx.config.slack.signing_secret),
        client=ctx.client,
        process_before_response=process_before_response,
        request_verification_enabled=not socket_mode,
        token_verification_enabled=token_verification,
        logger=logging.getLogger("responders.slack.bolt"),
    )
    guard = agents_only(ctx.agents)
    _register_card_actions(app, ctx, guard)
    register_modals(app, ctx, guard)
    register_commands(app, ctx, guard)
    from responders.slack.alert_actions import register_alert_actions

    register_alert_actions(app, ctx, guard)  # Acknowledge on spike/silence alerts
    return app


def _on_case(
    ctx: SlackContext, body: Body, client: WebClient, work: Callable[[int, str, Body], object]
) -> None:
    """Run one card action; a refused one is explained to the agent only."""
    action = body["actions"][0]
    try:
        work(case_id_of(action.get("block_id")), user_of(body), action)
    except (InvalidTransition, ValueError) as exc:
        tell(client, body, f"Nothing changed: {exc}")
        return
    ctx.deliver()


def _choice(action: Body) -> str:
    option = action.get("selected_option")
    return str((option or {}).get("value") or "").partition(":")[2]


def _register_card_actions(app: App, ctx: SlackContext, guard: Guard) -> None:
    factory = ctx.factory

    @app.action(CLAIM, middleware=[guard])
    def claim(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        _on_case(
            ctx,
            body,
            client,
            lambda case, user, _: actions.claim(factory, case, agent=user, now=ctx.now()),
        )

    @app.action(ASSIGN, middleware=[guard])
    def assign(ack: Ack, body: Body, client: WebClient) -> None:
        ack()

        def work(case: int, user: str, action: Body) -> object:
            assignee = str(action.get("selected_user") or "")
            if assignee not in ctx.agents:
                raise InvalidTransition(f"<@{assignee}> is not a repmon agent")
            return actions.assign(factory, case, actor=user, assignee=assignee, now=ctx.now())

        _on_case(ctx, body, client, work)

    @app.action(SNOOZE, middleware=[guard])
    def snooze(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        _on_case(
            ctx,
            body,
            client,
            lambda case, user, action: actions.snooze(
                factory, case, actor=user, choice=_choice(action), now=ctx.now()
            ),
        )

    @app.action(RESOLVE, middleware=[guard])
    def resolve(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        _on_case(
            ctx,
            body,
            client,
            lambda case, user, action: actions.resolve(
                factory, case, actor=user, outcome=_choice(action), now=ctx.now()
            ),
        )

    @app.action(DISMISS, middleware=[guard])
    def dismiss(ack: Ack, body: Body, client: WebClient) -> None:
        ack()
        _on_case(
            ctx,
            body,
            client,
            lambda case, user, _: actions.dismiss(factory, case, actor=user, now=ctx.now()),
        )

    @app.action(OPEN_POST)
    def open_post(ack: Ack) -> None:
        ack()  # a link button: Slack opens the URL, we only acknowledge
