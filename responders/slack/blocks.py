"""Block Kit for case cards and thread notes, as pure functions; customer text is always escaped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.cases import OPEN, TRANSITIONS
from responders.cards import CardView

Block = dict[str, Any]

CLAIM, ASSIGN, REPLY, ESCALATE = "repmon_claim", "repmon_assign", "repmon_reply", "repmon_escalate"
SNOOZE, RESOLVE, DISMISS = "repmon_snooze", "repmon_resolve", "repmon_dismiss"
CASE_BLOCK = "repmon_case:"
TEXT_LIMIT = 700
SNOOZE_CHOICES = {"1h": "1 hour", "4h": "4 hours", "1d": "1 day"}
OUTCOME_CHOICES = {
    "resolved": "Resolved",
    "not_resolved": "Not resolved",
    "no_action_needed": "No action needed",
}
_BROADCAST = re.compile(r"([@＠])(channel|here|everyone|group)\b", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_ZERO_WIDTH = "\u2060"


@dataclass(frozen=True, slots=True)
class CardState:
    """What the card shows beyond CardView: who owns it and where it stands."""

    assignee: str | None = None
    snoozed_until: datetime | None = None
    outcome: str | None = None
    coverage: float | None = None
    sla_breached: bool = False


def escape(text: str) -> str:
    """Slack's control characters as entities, and broadcast words defused.

    `&`, `<`, `>` become `&amp;` `&lt;` `&gt;` (Slack's rule), so `<!channel>`, `<@U123>` and
    `<http://evil|bank>` are shown as typed; `@channel`/`@here` get an invisible joiner so no
    client turns them into a notification.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: f"{m.group(1)}{_ZERO_WIDTH}{m.group(2)}", text)


def link(url: str | None, label: str) -> str:
    """`<url|label>` for http(s) URLs only, with nothing that could end the link early."""
    if not url or not url.lower().startswith(("https://", "http://")):
        return escape(label)
    safe = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    safe = "".join(ch for ch in safe if ch.isprintable() and not ch.isspace())
    return f"<{safe}|{escape(label).replace('|', '¦')}>"


def who(actor: str) -> str:
    """A Slack user mention for Slack user IDs, plain escaped text for anything else."""
    return f"<@{actor}>" if _USER_ID.match(actor) else escape(actor)


def compact(number: int) -> str:
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if number >= limit:
            return f"{number / limit:.1f}".rstrip("0").rstrip(".") + suffix
    return str(number)


def tier(followers: int | None) -> str:
    if followers is None:
        return "reach unknown"
    if followers >= 100_000:
        return "major reach"
    if followers >= 10_000:
        return "influencer"
    if followers >= 1_000:
        return "notable"
    return "regular"


def stars(rating: int | None) -> str:
    return f"{'★' * rating}{'☆' * (5 - rating)}" if rating else ""


def slack_date(at: datetime, fmt: str = "{date_short_pretty} {time}") -> str:
    """Rendered in each reader's own time zone; the fallback is UTC."""
    return f"<!date^{int(at.timestamp())}^{fmt}|{at:%Y-%m-%d %H:%M} UTC>"


def clip(text: str, limit: int) -> tuple[str, bool]:
    flat = text.strip()
    return (flat, False) if len(flat) <= limit else (flat[: limit - 1].rstrip() + "…", True)


def quote(text: str) -> str:
    return "\n".join(">" + line for line in text.splitlines() or [""])


def status_line(card: CardView, state: CardState) -> str:
    status = card.status
    if status in {"new", "routed"}:
        line = f"Assigned to {who(state.assignee)}" if state.assignee else "Open · unclaimed"
    elif status == "claimed":
        line = f"Claimed by {who(state.assignee or '?')}"
    elif status == "replied":
        line = f"Replied{f' · {who(state.assignee)}' if state.assignee else ''}"
    elif status == "escalated":
        line = "Escalated"
    elif status == "snoozed" and state.snoozed_until:
        line = f"Snoozed until {slack_date(state.snoozed_until)}"
    elif status == "resolved":
        line = f"Closed · {OUTCOME_CHOICES.get(state.outcome or '', state.outcome or 'resolved')}"
    elif status == "dismissed":
        line = "Closed · not relevant"
    else:
        line = escape(status)
    return line + (" · :alarm_clock: first-response target missed" if state.sla_breached else "")


def reasons(card: CardView) -> list[str]:
    """The ranking's reasons, with each one's contribution when the card view has them."""
    explained = getattr(card, "explained_reasons", None)  # newer CardView: "1★ review +0.80"
    return list(explained()) if callable(explained) else list(card.reasons)


def headline(card: CardView) -> str:
    mark = "🔴" if card.priority >= 0.8 else "🟠" if card.priority >= 0.5 else "🟡"
    topic = f" · {card.topic}" if card.topic else ""
    return f"{mark} Case #{card.case_id} · priority {card.priority:.2f}{topic}"[:150]


def card_blocks(card: CardView, state: CardState) -> list[Block]:
    """The whole card; actions only while the case is open, each only if its state allows it."""
    author = f"@{card.author}" if card.author else "unknown author"
    reach = (
        f"{compact(card.followers)} followers · {tier(card.followers)}"
        if card.followers is not None
        else tier(None)
    )
    where = link(card.url, f"{card.source} post")
    rating = f" · {stars(card.rating)}" if card.rating else ""
    body, clipped = clip(card.text, TEXT_LIMIT)
    quoted = quote(escape(body))
    if clipped:
        quoted += "\n" + (link(card.url, "read the whole post") if card.url else "(text shortened)")
    if card.title:
        quoted = f"*{escape(clip(card.title, 150)[0])}*\n{quoted}"
    confidence = f" · confidence {state.coverage:.0%}" if state.coverage is not None else ""
    facts = (
        f"{card.lang or 'language unknown'} · {card.label} {card.compound:+.2f}{confidence}"
        f" · topic {escape(card.topic) if card.topic else 'none'}"
        f" · posted {slack_date(card.created_at, '{ago}')}"
        + (f" · {card.mention_count} posts" if card.mention_count > 1 else "")
    )
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline(card)}},
        _mrkdwn(f"*{where}* · {escape(author)} ({reach}){rating}"),
        _mrkdwn(quoted),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": facts}]},
        _mrkdwn("*Why:* " + escape(" · ".join(reasons(card)) or "ranked above the threshold")),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": status_line(card, state)}]},
    ]
    elements = _actions(card, state)
    if elements:
        blocks.append(
            {"type": "actions", "block_id": f"{CASE_BLOCK}{card.case_id}", "elements": elements}
        )
    return blocks


def _allowed(action: str, status: str) -> bool:
    return status in TRANSITIONS[action][0]


def _actions(card: CardView, state: CardState) -> list[Block]:
    status, value = card.status, str(card.case_id)
    if status not in OPEN:
        return []
    out: list[Block] = []
    if _allowed("claim", status) and not state.assignee:
        out.append(_button("Claim", CLAIM, value, style="primary"))
    assign: Block = {
        "type": "users_select",
        "action_id": ASSIGN,
        "placeholder": {"type": "plain_text", "text": "Assign…"},
    }
    if state.assignee:
        assign["initial_user"] = state.assignee
    out.append(assign)
    if _allowed("reply", status):
        out.append(_button("Reply", REPLY, value))
    if _allowed("escalate", status):
        out.append(_button("Escalate", ESCALATE, value))
    if _allowed("snooze", status):
        out.append(_select("Snooze…", SNOOZE, value, SNOOZE_CHOICES))
    out.append(_select("Resolve…", RESOLVE, value, OUTCOME_CHOICES))
    dismiss = _button("Not relevant", DISMISS, value, style="danger")
    dismiss["confirm"] = {
        "title": _plain("Not relevant?"),
        "text": _plain("This closes the case and counts it as a false positive of its source."),
        "confirm": _plain("Not relevant"),
        "deny": _plain("Keep it"),
    }
    out.append(dismiss)
    return out


def card_fallback(card: CardView) -> str:
    """The notification text (mrkdwn too, so escaped as well)."""
    text, _ = clip(" ".join(card.text.split()), 120)
    return escape(f"Case #{card.case_id} ({card.priority:.2f}) on {card.source}: {text}")


def follow_up_text(card: CardView) -> str:
    """A later post by the same author, for the case's thread."""
    text, clipped = clip(card.text, TEXT_LIMIT)
    more = f"\n{link(card.url, 'read the whole post')}" if clipped and card.url else ""
    author = escape(f"@{card.author}" if card.author else "The author")
    head = f"{author} posted again ({card.label} {card.compound:+.2f}, {link(card.url, 'open')})"
    return f"{head}:\n{quote(escape(text))}{more}"


def case_id_of(block_id: object) -> int:
    """The case an action belongs to, from the card's actions block id.

    Anything else (a forged or truncated payload) is a ValueError the handlers turn into a
    polite "nothing changed"; an id no database column can hold is one too.
    """
    if not isinstance(block_id, str) or not block_id.startswith(CASE_BLOCK):
        raise ValueError(f"not a repmon card action: {str(block_id)[:80]!r}")
    digits = block_id[len(CASE_BLOCK) :]
    if not (digits.isascii() and digits.isdigit() and 0 < int(digits) < 2**63):
        raise ValueError(f"not a repmon case id: {digits[:80]!r}")
    return int(digits)


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}


def _button(label: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "text": _plain(label),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _select(label: str, action_id: str, value: str, choices: dict[str, str]) -> Block:
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain(label),
        "options": [
            {"text": _plain(text), "value": f"{value}:{key}"} for key, text in choices.items()
        ],
    }
