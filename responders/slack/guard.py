"""Who may act on cases, and how people are told things only they should see."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)
NOT_ALLOWED = "Sorry, only repmon agents can work on cases. Nothing was changed."
Body = dict[str, Any]
Guard = Callable[..., BoltResponse | None]


def user_of(body: Body) -> str:
    return str((body.get("user") or {}).get("id") or body.get("user_id") or "")


def tell(client: WebClient, body: Body, text: str, *, channel: str | None = None) -> None:
    """An ephemeral message to whoever clicked, where they clicked (if we know where)."""
    channel = channel or (body.get("channel") or {}).get("id") or body.get("channel_id")
    if not channel:
        return
    try:
        client.chat_postEphemeral(channel=channel, user=user_of(body), text=text)
    except SlackApiError as exc:
        logger.warning("slack: could not tell %s: %s", user_of(body), exc.response.get("error"))


def agents_only(agents: frozenset[str]) -> Guard:
    """Listener middleware: non-agents get an ephemeral "not allowed" and the handler never runs.

    It answers Slack itself (a response from middleware ends the dispatch), so the click is
    acknowledged without falling through to "unhandled request".
    """

    def guard(body: Body, client: WebClient, next: Callable[[], None]) -> BoltResponse | None:
        user = user_of(body)
        if user in agents:
            next()
            return None
        logger.warning("slack: refused %s from %s: not an agent", body.get("type"), user)
        if body.get("type") == "view_submission":
            inputs = [b["block_id"] for b in body["view"]["blocks"] if b["type"] == "input"]
            errors = dict.fromkeys(inputs[:1], NOT_ALLOWED)
            return BoltResponse(
                status=200,
                body=json.dumps({"response_action": "errors", "errors": errors}),
                headers={"content-type": "application/json;charset=utf-8"},
            )
        tell(client, body, NOT_ALLOWED)
        return BoltResponse(status=200, body="")

    return guard
