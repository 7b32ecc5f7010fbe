"""`/repmon queue | stats | away | back` and the App Home tab."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from db.session import transaction
from responders.assign import set_away
from responders.slack import home
from responders.slack.context import SlackContext
from responders.slack.guard import Guard

logger = logging.getLogger(__name__)
COMMAND = "/repmon"
USAGE = (
    "`/repmon queue` the top open cases · `/repmon stats` the last 7 days · "
    "`/repmon away` no new assignments for you · `/repmon back` available again"
)


def run_command(ctx: SlackContext, user: str, text: str) -> str:
    """The answer to one `/repmon …` (the caller has checked that `user` is an agent)."""
    verb = (text or "").strip().split(" ")[0].lower()
    if verb == "queue":
        return home.queue_text(ctx.factory, policy=ctx.policy, now=ctx.now())
    if verb == "stats":
        return home.stats_text(ctx.factory, now=ctx.now())
    if verb in {"away", "back"}:
        with transaction(ctx.factory) as session:
            changed = set_away(session, user, away=verb == "away", now=ctx.now())
        if verb == "away":
            return (
                "You are away: no new cases will be assigned to you. `/repmon back` to return."
                if changed
                else "You were already away."
            )
        return (
            "Welcome back: you are in the assignment rotation again."
            if changed
            else "You were already available."
        )
    return USAGE


def publish_home(ctx: SlackContext, client: WebClient, user: str) -> None:
    view = home.home(ctx.factory, user, allowed=user in ctx.agents)
    try:
        client.views_publish(user_id=user, view=view)
    except SlackApiError as exc:
        logger.warning("slack: could not publish App Home: %s", exc.response.get("error"))


def register_commands(app: App, ctx: SlackContext, guard: Guard) -> None:
    @app.command(COMMAND, middleware=[guard])
    def command(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        user = str(body.get("user_id"))
        respond(text=run_command(ctx, user, str(body.get("text") or "")), response_type="ephemeral")
        if (body.get("text") or "").strip().lower() in {"away", "back"}:
            publish_home(ctx, client, user)

    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(ctx, client, str(event.get("user")))
