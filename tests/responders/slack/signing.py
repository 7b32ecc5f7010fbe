"""Signed Slack requests for the Bolt app: interactivity payloads, slash commands and events."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

SECRET = "test-signing-secret"
FORM = "application/x-www-form-urlencoded"


def headers(
    body: str, *, secret: str = SECRET, timestamp: int | None = None, content_type: str = FORM
) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body)
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": signature,
    }


def request(body: str, **options: Any) -> BoltRequest:
    return BoltRequest(body=body, headers={k: [v] for k, v in headers(body, **options).items()})


def interaction(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def block_action(
    action: dict[str, Any],
    *,
    user: str,
    channel: str = "CCARE0001",
    message_ts: str = "1.1",
    view: dict[str, Any] | None = None,
) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T0001"},
        "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A0001",
        "trigger_id": "trigger-1",
        "actions": [{"action_ts": "1795000000.1", **action}],
    }
    if view is not None:
        payload["view"] = view
        payload["container"] = {"type": "view", "view_id": view["id"]}
    else:
        payload["channel"] = {"id": channel}
        payload["container"] = {"type": "message", "channel_id": channel, "message_ts": message_ts}
        payload["message"] = {"ts": message_ts}
        payload["response_url"] = "http://127.0.0.1:9/unused"
    return interaction(payload)


def button(action_id: str, case_id: int, **kwargs: Any) -> str:
    return block_action(
        {
            "type": "button",
            "action_id": action_id,
            "block_id": f"repmon_case:{case_id}",
            "value": str(case_id),
        },
        **kwargs,
    )


def select(action_id: str, case_id: int, choice: str, **kwargs: Any) -> str:
    return block_action(
        {
            "type": "static_select",
            "action_id": action_id,
            "block_id": f"repmon_case:{case_id}",
            "selected_option": {"value": f"{case_id}:{choice}"},
        },
        **kwargs,
    )


def pick_user(case_id: int, selected: str, **kwargs: Any) -> str:
    return block_action(
        {
            "type": "users_select",
            "action_id": "repmon_assign",
            "block_id": f"repmon_case:{case_id}",
            "selected_user": selected,
        },
        **kwargs,
    )


def submission(view: dict[str, Any], values: dict[str, dict[str, Any]], *, user: str) -> str:
    """A view_submission for an opened modal, with `values` as {block_id: {action_id: state}}."""
    return interaction(
        {
            "type": "view_submission",
            "team": {"id": "T0001"},
            "user": {"id": user, "team_id": "T0001"},
            "api_app_id": "A0001",
            "view": {**view, "state": {"values": values}},
        }
    )


def command(text: str, *, user: str, response_url: str) -> str:
    return urlencode(
        {
            "command": "/repmon",
            "text": text,
            "user_id": user,
            "team_id": "T0001",
            "channel_id": "CCARE0001",
            "response_url": response_url,
            "trigger_id": "t-1",
        }
    )


def event(event: dict[str, Any]) -> str:
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0001",
            "api_app_id": "A0001",
            "event": event,
            "event_id": "Ev1",
            "event_time": 1795000000,
        }
    )
