"""The report in Slack: a Block Kit summary in the report channel and the main chart in its
thread, each posted exactly once per period.

Both steps are written to the Slack ledger (db slack_messages) before and after they happen. On a
retry after a crash, the summary is looked up by the key in its message metadata and the chart by
its file name in the thread, so neither appears twice.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from monitor.config import AppConfig
from monitor.reports import fmt
from monitor.reports.model import Report
from responders.slack import ledger
from responders.slack.api import SlackApi
from responders.slack.blocks import clip, compact, escape, link
from responders.slack.errors import SlackRetriableError, mapped
from responders.slack.once import post_once

logger = logging.getLogger(__name__)
Block = dict[str, Any]
EVENT_TYPE = "repmon_report"


def report_message(report: Report) -> tuple[str, list[Block]]:
    """The fallback text and the blocks: outcomes first, then volume, themes, posts, facts."""
    period = report.period
    o = report.outcomes
    s = report.sentiment
    text = (
        f"{period.title}: {s.total} mentions, net sentiment {fmt.points(s.net)} "
        f"({fmt.points(report.net_change)} vs. previous)"
    )
    outcome_fields = [
        ("Resolution rate", fmt.percent(o.resolution_rate) if o else "–"),
        ("Recovery rate", fmt.percent(o.recovery_rate) if o else "–"),
        ("Reopen rate", f"{fmt.percent(o.reopen_rate)} ({o.reopened} reopened)" if o else "–"),
        (
            "First response (median / p90)",
            f"{fmt.duration(o.first_response_median)} / {fmt.duration(o.first_response_p90)}"
            if o
            else "–",
        ),
        ("SLA breaches", f"{report.sla_breaches} ({report.sla_unanswered} unanswered)"),
        ("Unanswered ≤3★ reviews", str(report.unanswered_low_ratings)),
        ("Cases opened", str(o.opened) if o else "–"),
    ]
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": period.title[:150]}},
        {
            "type": "section",
            "fields": [_field(name, value) for name, value in outcome_fields],
        },
        {
            "type": "section",
            "text": _mrkdwn(
                f"*{s.total}* mentions ({fmt.signed(s.total - report.previous_sentiment.total)} "
                f"vs. previous) · net sentiment *{fmt.points(s.net)}* "
                f"({fmt.points(report.net_change)}) · "
                + ", ".join(f"{escape(row.name)} {row.now.total}" for row in report.by_source[:5])
            ),
        },
    ]
    if report.themes:
        lines = [
            f"• {theme.customers} customers asked about *{escape(theme.topic)}*, "
            f"{fmt.signed(theme.change)} vs. previous"
            + ("" if theme.has_template else " _(no template)_")
            for theme in report.themes[:5]
        ]
        blocks.append({"type": "section", "text": _mrkdwn("*Top themes*\n" + "\n".join(lines))})
    if report.influential:
        lines = []
        for post in report.influential[:3]:
            snippet, _ = clip(post.text, 140)
            reach = f" ({compact(post.followers)} followers)" if post.followers else ""
            lines.append(
                f"• {link(post.url, snippet)} — {escape(post.author or post.source)}{reach}"
            )
        blocks.append(
            {
                "type": "section",
                "text": _mrkdwn("*Most influential negative posts*\n" + "\n".join(lines)),
            }
        )
    facts = report.facts
    did_you_know = [
        f"{fmt.percent(facts.non_english_share)} of mentions were not in English",
        f"{report.praise_count} thanks and praise",
    ]
    if facts.busiest_hour is not None:
        did_you_know.append(f"busiest hour {fmt.hour(facts.busiest_hour)}")
    if facts.emerging_phrase:
        did_you_know.append(
            f"emerging: “{escape(facts.emerging_phrase)}” ({facts.emerging_customers} customers)"
        )
    blocks.append({"type": "context", "elements": [_mrkdwn(" · ".join(did_you_know))]})
    return text, blocks


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text[:3000]}


def _field(name: str, value: str) -> Block:
    return _mrkdwn(f"*{name}*\n{value}")


class ReportPoster:
    """The outbox handler of kind `report` (responders.handlers)."""

    def __init__(
        self, api: SlackApi, factory: sessionmaker[Session], *, clock: Callable[[], datetime]
    ) -> None:
        self.api = api
        self._factory = factory
        self._clock = clock

    def __call__(self, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        channel = self.api.resolve(str(payload["channel"]))
        ts = self._summary(key, channel, payload)
        chart = payload.get("chart")
        file_id = self._chart(f"{key}:chart", channel, ts, chart) if chart else None
        return {"channel": channel, "ts": ts, "file_id": file_id}

    def _summary(self, key: str, channel: str, payload: dict[str, Any]) -> str:
        return post_once(
            self._factory,
            self.api,
            self._clock,
            key,
            kind="report",
            channel=channel,
            text=str(payload["text"]),
            event_type=EVENT_TYPE,
            blocks=list(payload["blocks"]),
        )

    def _chart(self, key: str, channel: str, thread_ts: str, chart: dict[str, Any]) -> str:
        filename = str(chart["filename"])
        row = ledger.get(self._factory, key)
        if row is not None and row.ts is not None:
            return row.ts
        if row is not None:
            found = self._find_file(channel, thread_ts, filename)
            if found:
                logger.info("slack: %s was already uploaded (%s)", filename, found)
                ledger.finish(self._factory, key, ts=found, digest=None, now=self._clock())
                return found
        else:
            ledger.start(
                self._factory,
                key,
                case_id=None,
                kind="report_chart",
                channel=channel,
                thread_ts=thread_ts,
                now=self._clock(),
            )
        with mapped("files.upload_v2"):
            response = self.api.client.files_upload_v2(
                channel=channel,
                thread_ts=thread_ts,
                file=base64.b64decode(chart["png"]),
                filename=filename,
                title=str(chart.get("title") or filename),
                alt_txt=str(chart.get("title") or filename)[:1000],
            )
        files = response.get("files") or []
        if not files:
            raise SlackRetriableError(f"files.upload_v2: no file in the answer for {filename}")
        file_id = str(files[0]["id"])
        ledger.finish(self._factory, key, ts=file_id, digest=None, now=self._clock())
        logger.info("slack: uploaded %s to %s", filename, channel)
        return file_id

    def _find_file(self, channel: str, thread_ts: str, filename: str) -> str | None:
        """A file we uploaded into the summary's thread before a crash, found by its name."""
        with mapped("conversations.replies"):
            page = self.api.client.conversations_replies(channel=channel, ts=thread_ts, limit=200)
        for message in page.get("messages") or []:
            for item in message.get("files") or []:
                if item.get("name") == filename:
                    return str(item["id"])
        return None


def report_handler(
    config: AppConfig, factory: sessionmaker[Session], clock: Callable[[], datetime]
) -> ReportPoster:
    """The handler for `repmon run --once` / `serve` / `report --post` (needs slack.enabled)."""
    from responders.slack.cli_support import build_client

    api = SlackApi(build_client(config, for_posting=True), post_interval=config.slack.post_interval)
    return ReportPoster(api, factory, clock=clock)
