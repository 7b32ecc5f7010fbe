"""Terminal tables for the CLI: what a run did, the queue, and system status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from monitor.runner import PollOutcome
from monitor.textnorm import clip
from responders.outbox import SendResult


def run_summary(outcomes: Sequence[PollOutcome]) -> Table:
    table = Table(title="repmon run --once", title_justify="left")
    numbers = ("new", "duplicates", "skipped", "excluded", "cases", "joined")
    table.add_column("connector")
    table.add_column("status", overflow="fold")
    for column in numbers:
        table.add_column(column, justify="right")
    for o in outcomes:
        r = o.result
        counts = (r.stored, r.duplicates, r.skipped, r.excluded, r.cases_opened, r.cases_joined)
        status = f"failed: {o.error}" if o.error else o.status
        table.add_row(o.connector, status, *(str(n) for n in counts))
    return table


def outbox_line(sent: SendResult) -> str:
    if sent.skipped_locked:
        return "outbox: another process is sending; left to it"
    return f"outbox: {sent.sent} delivered, {sent.failed} to retry, {sent.dead} given up"


def queue_table(items: Sequence[dict[str, Any]], limit: int) -> Table:
    table = Table(title=f"open cases (top {limit})", title_justify="left", show_lines=True)
    for column in ("#", "priority", "why", "source", "author", "text", "status"):
        table.add_column(column, overflow="fold")
    for item in items:
        stars = f" {item['rating']}★" if item["rating"] else ""
        table.add_row(
            str(item["id"]),
            f"{item['priority']:.2f}",
            "\n".join(
                f"{reason} +{weight:.2f}" if weight > 0 else reason
                for reason, weight in zip(item["reasons"], item["weights"], strict=False)
            ),
            f"{item['source']}{stars} {item['lang'] or ''}",
            item["author"] or "-",
            clip(item["text"], 140),
            item["status"],
        )
    return table


def _state(connector: dict[str, Any]) -> str:
    if connector["paused"]:
        return "paused"
    if connector.get("stale"):
        return "stale"
    if not connector["enabled"]:
        return "off"
    return f"failing ×{connector['failures']}" if connector["failures"] else "ok"


def status_table(data: dict[str, Any]) -> Table:
    table = Table(title="connectors", title_justify="left")
    columns = ("name", "type", "last run", "cursor", "items", "skipped", "lag", "state", "error")
    for column in columns:
        table.add_column(column, overflow="fold")
    for c in data["connectors"]:
        lag = "-" if c["lag_seconds"] is None else f"{c['lag_seconds'] // 3600} h"
        table.add_row(
            c["name"],
            c["type"],
            c["last_run"] or "never",
            clip(c["cursor"] or "-", 24),
            str(c["items"]),
            str(c["skipped"]),
            lag,
            _state(c),
            c["last_error"] or "",
        )
    return table


def status_footer(data: dict[str, Any]) -> str:
    ob = data["outbox"]
    lines = [
        f"outbox: {ob['pending']} pending, {ob['failed_or_dead']} given up, {ob['sent']} sent · "
        f"{data['mentions']} mentions · {data['open_cases']} open cases · "
        f"schema {data['db_revision']}"
    ]
    lines += [f"needs attention: {problem}" for problem in data["needs_attention"]]
    lines += [
        f"open alert #{i['id']}: {i['kind']} · {i['scope']} since {i['opened_at']}"
        for i in data.get("incidents", [])
    ]
    return "\n".join(lines)
