"""Modals and the App Home tab as pure Block Kit builders; handlers only open or publish them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from responders.slack.blocks import Block, clip, escape, link, quote

REPLY_VIEW, ESCALATE_VIEW = "repmon_reply", "repmon_escalate"
REPLY_TEMPLATE, OPEN_POST = "repmon_reply_template", "repmon_open_post"
TEXT_BLOCK, TEXT_ACTION = "reply_text", "text"
CONFIRM_BLOCK, CONFIRM_ACTION = "reply_confirm", "confirm"
NOTE_BLOCK, NOTE_ACTION = "escalate_note", "note"
NOT_AGENT = (
    "You are not a repmon agent. Ask an admin to add your Slack user ID to `slack.agents` "
    "or a routing rule's `agents`."
)


@dataclass(frozen=True, slots=True)
class ReplyDraft:
    """What the reply modal shows for one case."""

    case_id: int
    mode: str  # "send": repmon posts it after the agent confirms; "manual": copy and open
    reason: str | None  # why not "send"
    source: str
    author: str | None
    url: str | None
    original: str
    templates: Sequence[tuple[str, str]]  # (id, title)
    selected: str | None
    text: str
    channel: str | None = None
    rules: str | None = None  # the platform's limits, when repmon posts ("send")


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def metadata(**values: Any) -> str:
    return json.dumps(values, separators=(",", ":"))


def reply_modal(draft: ReplyDraft) -> Block:
    """Template picker, editable text, and either a confirm box (send) or copy-and-open (manual)."""
    who = escape(f"@{draft.author}") if draft.author else "the author"
    blocks: list[Block] = [
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"Case #{draft.case_id} · {escape(draft.source)} · {who} · "
                    f"{link(draft.url, 'open post')}",
                }
            ],
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": quote(escape(clip(draft.original, 500)[0]))},
        },
    ]
    if draft.templates:
        options = [{"text": _plain(title), "value": tid} for tid, title in draft.templates]
        picker: Block = {
            "type": "static_select",
            "action_id": REPLY_TEMPLATE,
            "placeholder": _plain("Template"),
            "options": options,
        }
        chosen = next((o for o in options if o["value"] == draft.selected), None)
        if chosen:
            picker["initial_option"] = chosen
        blocks.append({"type": "actions", "block_id": "reply_template", "elements": [picker]})
    blocks.append(
        {
            # A new block id per template, so Slack shows the new text instead of keeping the old.
            "type": "input",
            "block_id": f"{TEXT_BLOCK}:{draft.selected or 'none'}",
            "label": _plain("Reply"),
            "element": {
                "type": "plain_text_input",
                "action_id": TEXT_ACTION,
                "multiline": True,
                "initial_value": draft.text,
                "max_length": 3000,
            },
            "hint": _plain("Edit freely. Nothing is posted until you submit."),
        }
    )
    if draft.mode == "send":
        if draft.rules:
            blocks.append(
                {
                    "type": "context",
                    "block_id": "reply_rules",
                    "elements": [{"type": "mrkdwn", "text": escape(draft.rules)}],
                }
            )
        blocks.append(
            {
                "type": "input",
                "block_id": CONFIRM_BLOCK,
                "label": _plain("Confirm"),
                "element": {
                    "type": "checkboxes",
                    "action_id": CONFIRM_ACTION,
                    "options": [
                        {
                            "text": _plain(
                                f"I checked this reply: post it publicly on {draft.source}"
                            ),
                            "value": "yes",
                        }
                    ],
                },
            }
        )
        submit = "Send reply"
    else:
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"repmon will not post this on {escape(draft.source)} "
                    f"({escape(draft.reason or 'replies are off')}). Copy the text, reply on the "
                    "post yourself, then press *Mark as replied*.",
                },
            }
        )
        if draft.url and draft.url.startswith(("https://", "http://")):
            blocks.append(
                {
                    "type": "actions",
                    "block_id": "reply_open",
                    "elements": [
                        {
                            "type": "button",
                            "action_id": OPEN_POST,
                            "text": _plain("Open the post"),
                            "url": draft.url,
                        }
                    ],
                }
            )
        submit = "Mark as replied"
    return {
        "type": "modal",
        "callback_id": REPLY_VIEW,
        "title": _plain(f"Reply · case #{draft.case_id}"[:24]),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "blocks": blocks,
        "private_metadata": metadata(
            case_id=draft.case_id, mode=draft.mode, channel=draft.channel, template=draft.selected
        ),
    }


def escalate_modal(case_id: int, target: str, channel: str | None) -> Block:
    return {
        "type": "modal",
        "callback_id": ESCALATE_VIEW,
        "title": _plain("Escalate"),
        "submit": _plain("Escalate"),
        "close": _plain("Cancel"),
        "private_metadata": metadata(case_id=case_id, channel=channel),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"Escalate case #{case_id} to {target}."},
            },
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "optional": True,
                "label": _plain("Note"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": NOTE_ACTION,
                    "multiline": True,
                    "max_length": 1000,
                },
            },
        ],
    }


def submitted(view: Mapping[str, Any], block_prefix: str, action: str) -> Any:
    """A submitted input's state, whatever suffix its block id carries."""
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        if block_id == block_prefix or block_id.startswith(block_prefix + ":"):
            return actions.get(action) or {}
    return {}


def home_view(
    *,
    allowed: bool,
    away: bool,
    mine: Sequence[Mapping[str, Any]],
    counts: Mapping[str, int],
    breached: int,
    away_agents: Sequence[str],
) -> Block:
    """The agent's own open cases and the team's queue."""
    if not allowed:
        return {
            "type": "home",
            "blocks": [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": NOT_AGENT,
                    },
                }
            ],
        }
    state = "away (no new assignments)" if away else "available"
    blocks: list[Block] = [
        {"type": "header", "text": _plain("repmon")},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"You are *{state}* · `/repmon away` · `/repmon back`"}
            ],
        },
        {"type": "header", "text": _plain(f"Your open cases ({len(mine)})")},
    ]
    if not mine:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "Nothing open. 🎉"}})
    for item in mine[:25]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": case_line(item)}})
    total = sum(counts.values())
    summary = " · ".join(f"{name} {n}" for name, n in counts.items() if n) or "empty"
    team = [f"*{total} open* · {summary}", f"First-response target missed: {breached}"]
    if away_agents:
        team.append("Away: " + ", ".join(f"<@{a}>" for a in away_agents))
    blocks += [
        {"type": "header", "text": _plain("Team queue")},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(team)}},
    ]
    return {"type": "home", "blocks": blocks}


def case_line(item: Mapping[str, Any]) -> str:
    """`#12 · 0.83 · billing · claimed — text…` with a link to the card when there is one."""
    label = f"#{item['id']}"
    head = link(item.get("permalink"), label) if item.get("permalink") else label
    text = escape(clip(" ".join(str(item.get("text") or "").split()), 90)[0])
    topic = f" · {escape(item['topic'])}" if item.get("topic") else ""
    return f"{head} · {item['priority']:.2f}{topic} · {item['status']} — {text}"
