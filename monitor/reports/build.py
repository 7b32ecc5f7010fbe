"""From database to files and outbox: build the report, write its files, queue its Slack post."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import repository
from db.models import OutboxRow
from db.session import transaction
from monitor.config import AppConfig
from monitor.metrics import NO_GROUP, GroupBy, outcome_metrics
from monitor.reports import queries
from monitor.reports.charts import Chart, render_charts
from monitor.reports.csvfile import render_csv
from monitor.reports.emerging import emerging_phrase
from monitor.reports.errors import ReportError
from monitor.reports.html import render_html
from monitor.reports.model import Facts, GroupOutcomes, Outcomes, Report
from monitor.reports.period import Period

logger = logging.getLogger(__name__)
TOP_POSTS = 5
PRAISE_POSTS = 3
MAIN_CHART = "volume"
TOP_GROUPS = 10  # rows of the by-agent and by-template tables (the unassigned row comes extra)


def build_report(session: Session, config: AppConfig, period: Period, *, now: datetime) -> Report:
    """Every figure of the report for `period`, computed in the database."""
    sentiment = queries.sentiment(session, period.start, period.end)
    by_lang = queries.breakdowns(session, period, "lang")
    late, unanswered = queries.sla_breaches(session, period, targets=config.routing.sla, as_of=now)
    hour, hour_count = queries.busiest_hour(session, period)
    phrase = emerging_phrase(
        session, start=period.start, end=period.end, languages=config.scoring.languages
    )
    english = sum(row.now.total for row in by_lang if row.name == "en")
    unknown = sum(row.now.total for row in by_lang if row.name == queries.UNKNOWN)
    facts = Facts(
        # Of the mentions whose language is known; undetected ones are left out of both sides.
        non_english_share=(
            (sentiment.total - english - unknown) / (sentiment.total - unknown)
            if sentiment.total - unknown > 0
            else None
        ),
        busiest_hour=hour,
        busiest_hour_count=hour_count,
        emerging_phrase=phrase.text if phrase else None,
        emerging_customers=phrase.customers if phrase else 0,
        emerging_previous=phrase.previous if phrase else 0,
        emerging_sampled=phrase.sampled if phrase else 1,
    )
    return Report(
        period=period,
        generated_at=now,
        outcomes=outcomes(session, period),
        sla_breaches=late,
        sla_unanswered=unanswered,
        unanswered_low_ratings=queries.unanswered_low_ratings(session, period),
        sentiment=sentiment,
        previous_sentiment=queries.sentiment(session, period.previous.start, period.previous.end),
        by_source=queries.breakdowns(session, period, "source"),
        by_lang=by_lang,
        themes=queries.themes(session, period, templates=template_topics(config)),
        influential=queries.top_posts(session, period, label="negative", limit=TOP_POSTS),
        praise_count=sentiment.positive,
        praise=queries.top_posts(session, period, label="positive", limit=PRAISE_POSTS),
        facts=facts,
        trend=queries.trend(session, period),
        by_agent=group_outcomes(session, period, "agent"),
        by_template=group_outcomes(session, period, "template"),
    )


def outcomes(session: Session, period: Period) -> Outcomes | None:
    """The outcome figures for the period, from monitor.metrics (the `repmon stats` numbers)."""
    rows = outcome_metrics(session, period.start, period.end)
    if not rows:
        return None
    row = rows[0]
    return Outcomes(
        opened=row.opened,
        responded=row.responded,
        closed=row.closed,
        resolved=row.resolved,
        resolution_rate=row.resolution_rate,
        replied=row.replied,
        recovered=row.recovered,
        recovery_rate=row.recovery_rate,
        first_response_median=_seconds(row.first_response_median),
        first_response_p90=_seconds(row.first_response_p90),
        reopened=row.reopened,
        reopen_rate=row.reopen_rate,
    )


def group_outcomes(
    session: Session, period: Period, by: GroupBy, *, limit: int = TOP_GROUPS
) -> list[GroupOutcomes]:
    """The `limit` agents or templates that answered most cases in the period, then the cases
    without one (NO_GROUP): a short table, since a long tail of one-case rows says little."""
    rows = outcome_metrics(session, period.start, period.end, by=by)
    named = sorted(
        (row for row in rows if row.group != NO_GROUP),
        key=lambda row: (-row.replied, row.group or ""),
    )[:limit]
    rest = [row for row in rows if row.group == NO_GROUP]
    return [
        GroupOutcomes(
            name=row.group or NO_GROUP,
            answered=row.replied,
            first_response_median=_seconds(row.first_response_median),
            resolution_rate=row.resolution_rate,
            recovery_rate=row.recovery_rate,
            reopen_rate=row.reopen_rate,
        )
        for row in named + rest
    ]


def _seconds(value: timedelta | float | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def template_topics(config: AppConfig) -> set[str]:
    """Topics that have a response template in at least one language."""
    from responders.templates import TemplateLibrary

    return {template.topic for template in TemplateLibrary.from_config(config).all()}


@dataclass(frozen=True, slots=True)
class ReportFiles:
    directory: Path
    html: Path
    csv: Path
    charts: list[Path]


def write_outputs(
    report: Report, directory: Path, *, brand: str | None = None
) -> tuple[ReportFiles, list[Chart]]:
    """`summary.html` (charts inlined), `summary.csv` and one PNG per chart in `directory`."""
    charts = render_charts(report)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        chart_paths = []
        for chart in charts:
            path = directory / chart.filename
            path.write_bytes(chart.png)
            chart_paths.append(path)
        html = directory / "summary.html"
        html.write_text(render_html(report, charts, brand=brand), encoding="utf-8")
        csv = directory / "summary.csv"
        csv.write_text(render_csv(report), encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"cannot write the report to {directory}: {exc.strerror or exc}") from exc
    return ReportFiles(directory, html, csv, chart_paths), charts


def post_key(period: Period) -> str:
    """One Slack post per report period, however often the report is run."""
    return f"report:{period.kind}:{period.start.date().isoformat()}"


def report_channel(config: AppConfig, period: Period) -> str:
    schedule = getattr(config.reports, period.kind)
    channel = schedule.channel if schedule is not None else None
    return channel or config.routing.default_channel


def queue_post(
    session: Session,
    config: AppConfig,
    report: Report,
    charts: list[Chart],
    *,
    now: datetime,
) -> str:
    """Queue the Slack post (Block Kit summary + the main chart); returns the outbox key.

    The key is unique per period, so a second run queues nothing and posts nothing.
    """
    from monitor.reports.slack import report_message

    if not config.slack.enabled:
        raise ReportError("--post sends the report to Slack: set slack.enabled: true first")
    text, blocks = report_message(report)
    main = next(chart for chart in charts if chart.name == MAIN_CHART)
    key = post_key(report.period)
    payload: dict[str, Any] = {
        "channel": report_channel(config, report.period),
        "text": text,
        "blocks": blocks,
        "chart": {
            "filename": f"repmon-{report.period.slug}-{main.name}.png",
            "title": main.title,
            "png": base64.b64encode(main.png).decode("ascii"),
        },
    }
    repository.enqueue_many(
        session, [{"key": key, "kind": "report", "case_id": None, "payload": payload}], now=now
    )
    return key


def outbox_state(session: Session, key: str) -> OutboxRow | None:
    return session.scalar(select(OutboxRow).where(OutboxRow.key == key))


def produce(
    config: AppConfig,
    factory: sessionmaker[Session],
    period: Period,
    directory: Path,
    *,
    clock: Callable[[], datetime],
    post: bool = False,
) -> tuple[Report, ReportFiles, str | None]:
    """Build, write and (with `post`) queue one report: what the CLI and the daemon run."""
    if post and not config.slack.enabled:
        raise ReportError("--post sends the report to Slack: set slack.enabled: true first")
    now = clock()
    with factory() as session:
        report = build_report(session, config, period, now=now)
    brand = config.brands[0].name if len(config.brands) == 1 else None
    files, charts = write_outputs(report, directory, brand=brand)
    key = None
    if post:
        with transaction(factory) as session:
            key = queue_post(session, config, report, charts, now=now)
    logger.info("report: %s written to %s%s", period.slug, directory, " and queued" if key else "")
    return report, files, key
