"""Block Kit for spike and silence alerts, as pure functions; customer text is always escaped.

The alert message shows the incident as it is now (it is updated in place when someone
acknowledges it, when its thread gets new posts and when it is over); later posts, the
acknowledgement and the recovery are thread replies under it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from monitor.alerts import human
from responders.slack.blocks import Block, clip, escape, link, quote, slack_date, who

ACK = "repmon_alert_ack"
INCIDENT_BLOCK = "repmon_incident:"
SAMPLE_LIMIT = 280


def incident_id_of(block_id: str) -> int:
    """The incident an Acknowledge click belongs to, from its actions block id."""
    if not block_id.startswith(INCIDENT_BLOCK):
        raise ValueError(f"not a repmon alert action: {block_id!r}")
    return int(block_id[len(INCIDENT_BLOCK) :])


def _since(start: datetime, end: datetime) -> str:
    minutes = max(0, round((end - start).total_seconds() / 60))
    return human(timedelta(minutes=minutes)) if minutes else "under a minute"


def headline(incident: dict[str, Any]) -> str:
    over = incident["state"] != "open"
    if incident["kind"] == "silence":
        mark = "✅ Over" if over else "🔕 Silence"
    else:
        mark = "✅ Over" if over else "🚨 Spike"
    return f"{mark} · {incident['scope']}"[:150]


def summary(incident: dict[str, Any]) -> str:
    """One line saying what is wrong (mrkdwn, escaped)."""
    details = incident.get("details") or {}
    if incident["kind"] == "silence":
        return f"*{escape(incident['connector'] or '?')}* {escape(incident.get('reason') or '')}."
    window = details.get("window", "window")
    return (
        f"*{incident['first_count']}* negative mentions of *{escape(incident['scope'])}* in "
        f"{window} (usually {incident['baseline_mean']:.1f} ± {incident['baseline_std']:.1f}; "
        f"alert above {incident['threshold']:.1f}). So far {incident['mention_count']} posts, "
        f"peak {incident['peak_count']} per {window}."
    )


def phrases_line(phrases: list[dict[str, Any]]) -> str:
    if not phrases:
        return "*Top phrases:* none shared by two customers yet"
    shown = " · ".join(f"“{escape(p['text'])}” ({p['customers']})" for p in phrases)
    return f"*Top phrases:* {shown}"


def sample_text(sample: dict[str, Any]) -> str:
    """One quoted post: who, where, and the text (clipped, escaped)."""
    author = f"@{sample['author']}" if sample.get("author") else "someone"
    where = link(sample.get("url"), str(sample.get("source") or "post"))
    stars = f" · {sample['rating']}★" if sample.get("rating") else ""
    text, _ = clip(str(sample.get("text") or ""), SAMPLE_LIMIT)
    return f"{escape(author)} on {where}{stars}:\n{quote(escape(text))}"


def status_line(incident: dict[str, Any]) -> str:
    opened: datetime = incident["opened_at"]
    parts = [f"Opened {slack_date(opened)}"]
    if incident.get("acknowledged_at"):
        by = who(incident.get("acknowledged_by") or "?")
        parts.append(f"acknowledged by {by} after {_since(opened, incident['acknowledged_at'])}")
    if incident.get("recovered_at"):
        parts.append(f"over after {_since(opened, incident['recovered_at'])}")
    return " · ".join(parts)


def alert_blocks(incident: dict[str, Any]) -> list[Block]:
    """The alert message; the Acknowledge button stays until someone clicks it or it is over."""
    details = incident.get("details") or {}
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline(incident)}},
        _mrkdwn(summary(incident)),
    ]
    if incident["kind"] == "spike":
        blocks.append(_mrkdwn(phrases_line(details.get("phrases") or [])))
        for sample in details.get("samples") or []:
            blocks.append(_mrkdwn(sample_text(sample)))
    elif details.get("last_error"):
        error, _ = clip(str(details["last_error"]), 300)
        blocks.append(_mrkdwn(f"*Last error:* {escape(error)}"))
    blocks.append({"type": "context", "elements": [_mrkdwn_el(status_line(incident))]})
    if incident["state"] == "open" and not incident.get("acknowledged_at"):
        blocks.append(
            {
                "type": "actions",
                "block_id": f"{INCIDENT_BLOCK}{incident['id']}",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Acknowledge"},
                        "action_id": ACK,
                        "value": str(incident["id"]),
                        "style": "primary",
                    }
                ],
            }
        )
    return blocks


def alert_fallback(incident: dict[str, Any]) -> str:
    return escape(headline(incident))


def note_text(incident: dict[str, Any], payload: dict[str, Any]) -> str:
    """A thread reply: what the evaluation that queued `payload` saw."""
    event = payload["event"]
    if event == "ack":
        return f"{who(str(payload.get('by') or '?'))} acknowledged this alert."
    if event == "closed":
        if incident["kind"] == "silence":
            return f"{escape(incident['connector'] or '?')} is back: returning items again."
        details = incident.get("details") or {}
        return (
            f"Back to normal: {payload.get('window_count', 0)} negative mentions in the last "
            f"{details.get('window', 'window')}. {incident['mention_count']} posts in all, "
            f"peak {incident['peak_count']}."
        )
    lines = [
        f"+{payload.get('new', 0)} negative posts "
        f"({payload.get('window_count', 0)} in the last window)."
    ]
    if payload.get("phrases"):
        lines.append(phrases_line(payload["phrases"]))
    lines += [sample_text(s) for s in payload.get("samples") or []]
    return "\n".join(lines)[:3000]


def _mrkdwn(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _mrkdwn_el(text: str) -> Block:
    return {"type": "mrkdwn", "text": text[:3000]}
