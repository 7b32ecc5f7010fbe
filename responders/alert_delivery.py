"""The outbox handler for kind `alert`: spike and silence alerts to Slack, or to the console.

In Slack the first row of an incident (`alert:{id}:open`) posts the alert in `alerts.channel`
(default: `routing.default_channel`); every later row (`…:note:{n}`, `…:ack`, `…:closed`) is a
reply in its thread, and the alert itself is updated to show the incident as it is now. Each
post is written to the ledger (slack_messages) before and after it is made and carries its key
in Slack metadata, so a retry after a crash finds the earlier message instead of posting twice.
Without Slack the alert is printed, which is idempotent enough for a terminal.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from rich.console import Console
from rich.markup import escape as rich_escape
from rich.panel import Panel
from sqlalchemy.orm import Session, sessionmaker

from monitor.alert_store import incident_view
from monitor.alerts import human
from monitor.config import AppConfig
from monitor.textnorm import clip
from responders.outbox import Handler
from responders.slack import ledger
from responders.slack.alert_blocks import alert_blocks, alert_fallback, note_text
from responders.slack.api import SlackApi
from responders.slack.errors import SlackRetriableError
from responders.slack.once import post_once

logger = logging.getLogger(__name__)
Clock = Callable[[], datetime]
EVENT_TYPE = "repmon_alert"


class SlackAlerts:
    """Posts an incident's alert once and threads everything after it under that message."""

    def __init__(
        self, api: SlackApi, factory: sessionmaker[Session], *, channel: str, clock: Clock
    ) -> None:
        self.api = api
        self._factory = factory
        self._channel = channel
        self._clock = clock

    def __call__(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        incident_id = int(payload["incident_id"])
        incident = incident_view(self._factory, incident_id)
        blocks = alert_blocks(incident)
        parent_key = f"alert:{incident_id}:open"
        if payload["event"] == "open":
            channel = self.api.resolve(self._channel)
            ts = self._post_once(
                key,
                channel=channel,
                thread_ts=None,
                text=alert_fallback(incident),
                blocks=blocks,
                digest=_digest(blocks),
            )
            self._sync(parent_key, blocks)  # it changed while an earlier attempt was failing
            return {"channel": channel, "ts": ts}
        parent = ledger.get(self._factory, parent_key)
        if parent is None or parent.ts is None:
            raise SlackRetriableError(f"incident {incident_id}: its alert is not posted yet")
        ts = self._post_once(
            key,
            channel=parent.channel,
            thread_ts=parent.ts,
            text=note_text(incident, payload),
            blocks=None,
        )
        self._sync(parent_key, blocks)
        return {"channel": parent.channel, "ts": ts, "thread_ts": parent.ts}

    def _sync(self, parent_key: str, blocks: list[dict[str, Any]]) -> None:
        """Show the incident as it is now in the alert message (only when that changed)."""
        row = ledger.get(self._factory, parent_key)
        if row is None or row.ts is None:
            return
        digest = _digest(blocks)
        if row.digest == digest:
            return
        text = next((b["text"]["text"] for b in blocks if b["type"] == "header"), "repmon alert")
        self.api.update(row.channel, row.ts, text=text, blocks=blocks)
        ledger.update(self._factory, parent_key, digest=digest)

    def _post_once(
        self,
        key: str,
        *,
        channel: str,
        thread_ts: str | None,
        text: str,
        blocks: list[dict[str, Any]] | None,
        digest: str | None = None,
    ) -> str:
        return post_once(
            self._factory,
            self.api,
            self._clock,
            key,
            kind="alert",
            channel=channel,
            text=text,
            event_type=EVENT_TYPE,
            blocks=blocks,
            thread_ts=thread_ts,
            digest=digest,
        )


class ConsoleAlerts:
    """Without Slack: each alert and its follow-ups printed to the terminal."""

    def __init__(self, factory: sessionmaker[Session], console: Console | None = None) -> None:
        self._factory = factory
        self.console = console or Console(highlight=False, soft_wrap=False)

    def __call__(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        incident = incident_view(self._factory, int(payload["incident_id"]))
        event = payload["event"]
        title = rich_escape(f"alert #{incident['id']} · {incident['kind']} · {incident['scope']}")
        if event == "open":
            self.console.print(Panel(self._body(incident), title=title, title_align="left"))
        else:
            self.console.print(f"  ↳ {title}: {rich_escape(self._line(incident, payload))}")
        return {"printed": event}

    @staticmethod
    def _body(incident: dict[str, Any]) -> str:
        details = incident["details"]
        if incident["kind"] == "silence":
            return rich_escape(f"{incident['connector']}: {incident['reason']}")
        lines = [
            f"{incident['first_count']} negative mentions in {details.get('window')} "
            f"(usually {incident['baseline_mean']:.1f} ± {incident['baseline_std']:.1f})",
        ]
        phrases = details.get("phrases") or []
        if phrases:
            lines.append("phrases: " + ", ".join(p["text"] for p in phrases))
        lines += [f"- {clip(s['text'], 120)}" for s in details.get("samples") or []]
        return rich_escape("\n".join(lines))

    @staticmethod
    def _line(incident: dict[str, Any], payload: dict[str, Any]) -> str:
        event = payload["event"]
        if event == "note":
            return f"+{payload.get('new', 0)} negative posts"
        if event == "ack":
            return f"acknowledged by {payload.get('by')}"
        lasted = incident.get("time_to_recover")
        span = human_seconds(lasted) if lasted is not None else "?"
        return f"over after {span}"


def _digest(blocks: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(blocks, sort_keys=True).encode()).hexdigest()


def human_seconds(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return human(timedelta(minutes=minutes))


def alert_handler(config: AppConfig, factory: sessionmaker[Session], clock: Clock) -> Handler:
    """Slack when it is enabled (its client built on first use), else the console."""
    if not config.slack.enabled:
        return ConsoleAlerts(factory)
    built: list[SlackAlerts] = []

    def handle(key: str, payload: dict[str, Any]) -> dict[str, Any]:
        if not built:
            from responders.slack.cli_support import build_client

            api = SlackApi(
                build_client(config, for_posting=True), post_interval=config.slack.post_interval
            )
            channel = config.alerts.channel or config.routing.default_channel
            built.append(SlackAlerts(api, factory, channel=channel, clock=clock))
        return built[0](key, payload)

    return handle
