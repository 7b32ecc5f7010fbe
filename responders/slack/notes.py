"""Thread notes: one line per audit event saying who did what, so the channel sees the history.

Events carry small structured notes written by responders.slack.actions and monitor.sla:
`assign` "U02" or "U02 round_robin", `snooze` an ISO time, `resolve` the outcome, `reply`
"manual <url>" or "sent <platform id>", `sla_breach` the target in seconds, `escalate` free text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from responders.slack.blocks import OUTCOME_CHOICES, escape, link, quote, slack_date, who

NOTE_ACTIONS = frozenset(
    {
        "claim",
        "assign",
        "reply",
        "escalate",
        "snooze",
        "wake",
        "resolve",
        "dismiss",
        "reopen",
        "sla_breach",
    }
)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who is pinged by escalations and SLA reminders (Slack user-group ids, a channel)."""

    oncall_group: str | None = None
    escalation_group: str | None = None
    escalation_channel: str | None = None


def group(group_id: str | None) -> str:
    return f"<!subteam^{group_id}>" if group_id else ""


def duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes / 60
    return f"{hours:g} h" if hours < 48 else f"{hours / 24:g} days"


_SIMPLE = {
    "claim": "{by} claimed the case.",
    "wake": "The snooze is over: the case is back in the queue.",
    "dismiss": "{by} marked the case not relevant (counted as a false positive).",
    "reopen": "{by} reopened the case.",
}


def note_text(action: str, actor: str, note: str | None, audience: Audience) -> str:
    """The thread line for one event; anything typed by a person is escaped."""
    by, text = who(actor), note or ""
    if action in _SIMPLE:
        return _SIMPLE[action].format(by=by)
    render = _RENDERERS.get(action)
    return render(by, text, audience) if render else f"{by}: {escape(action)}"


def _assign(by: str, text: str, audience: Audience) -> str:
    assignee, _, how = text.partition(" ")
    via = f" ({how.replace('_', ' ')})" if how else ""
    return f"{by} assigned the case to {who(assignee)}{via}."


def _reply(by: str, text: str, audience: Audience) -> str:
    mode, _, detail = text.partition(" ")
    if mode == "manual":
        return f"{by} replied manually ({link(detail, 'see the post')})."
    return f"{by} replied publicly through repmon (reply id {escape(detail)})."


def _escalate(by: str, text: str, audience: Audience) -> str:
    targets = (group(audience.escalation_group), _channel(audience.escalation_channel))
    target = " ".join(t for t in targets if t)
    said = "\n" + quote(escape(text)) if text else ""
    return f"{by} escalated the case{f' to {target}' if target else ''}.{said}"


def _snooze(by: str, text: str, audience: Audience) -> str:
    until = _when(text)
    return f"{by} snoozed the case until {slack_date(until) if until else escape(text)}."


def _resolve(by: str, text: str, audience: Audience) -> str:
    return f"{by} closed the case: {OUTCOME_CHOICES.get(text, escape(text) or 'resolved')}."


def _sla_breach(by: str, text: str, audience: Audience) -> str:
    target = duration(float(text)) if text.replace(".", "", 1).isdigit() else escape(text)
    ping = group(audience.oncall_group)
    return f"{ping + ' ' if ping else ''}:alarm_clock: No first response within {target}."


_RENDERERS: dict[str, Callable[[str, str, Audience], str]] = {
    "assign": _assign,
    "reply": _reply,
    "escalate": _escalate,
    "snooze": _snooze,
    "resolve": _resolve,
    "sla_breach": _sla_breach,
}


def escalation_text(case_id: int, actor: str, note: str | None, card_link: str | None) -> str:
    """The message in the escalation channel, pointing at the card."""
    said = "\n" + quote(escape(note)) if note else ""
    target = link(card_link, f"case #{case_id}") if card_link else f"case #{case_id}"
    return f":rotating_light: {who(actor)} escalated {target}.{said}"


def _channel(channel: str | None) -> str:
    if not channel:
        return ""
    return f"<#{channel}>" if not channel.startswith("#") else escape(channel)


def _when(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else None
