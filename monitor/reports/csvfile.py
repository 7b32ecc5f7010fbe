"""`summary.csv`: every figure of the report as one tidy row (section, name, value, previous,
change), for spreadsheets and BI tools."""

from __future__ import annotations

import csv
import io
from typing import Any

from monitor.reports.model import Report

HEADER = ("period", "start", "end", "section", "name", "value", "previous", "change")
# Per agent / template: the `agent` (`template`) row holds the cases answered, then one row each.
GROUP_FIGURES = ("first_response_median", "resolution_rate", "recovery_rate", "reopen_rate")


def render_csv(report: Report) -> str:
    rows: list[tuple[str, str, Any, Any, Any]] = []
    outcomes = report.outcomes
    if outcomes is not None:
        for name in (
            "opened",
            "responded",
            "closed",
            "resolved",
            "resolution_rate",
            "replied",
            "recovered",
            "recovery_rate",
            "first_response_median",
            "first_response_p90",
            "reopened",
            "reopen_rate",
        ):
            value = getattr(outcomes, name)
            rows.append(("outcomes", name, _round(value), "", ""))
    rows.append(("outcomes", "sla_breaches", report.sla_breaches, "", ""))
    rows.append(("outcomes", "sla_breaches_unanswered", report.sla_unanswered, "", ""))
    rows.append(("outcomes", "unanswered_low_ratings", report.unanswered_low_ratings, "", ""))
    now, before = report.sentiment, report.previous_sentiment
    rows.append(("volume", "mentions", now.total, before.total, now.total - before.total))
    for label in ("negative", "neutral", "positive"):
        a, b = getattr(now, label), getattr(before, label)
        rows.append(("sentiment", label, a, b, a - b))
    rows.append(("sentiment", "net", now.net, before.net, report.net_change))
    for section, breakdowns in (("source", report.by_source), ("language", report.by_lang)):
        for part in breakdowns:
            rows.append((section, part.name, part.now.total, part.previous_total, part.change))
            for label in ("negative", "neutral", "positive"):
                rows.append((f"{section}_{label}", part.name, getattr(part.now, label), "", ""))
    for section, groups in (("agent", report.by_agent), ("template", report.by_template)):
        for group in groups:
            rows.append((section, group.name, group.answered, "", ""))
            for name in GROUP_FIGURES:
                rows.append((f"{section}_{name}", group.name, _round(getattr(group, name)), "", ""))
    for theme in report.themes:
        rows.append(("theme_customers", theme.topic, theme.customers, theme.previous, theme.change))
    rows.append(("praise", "positive_mentions", report.praise_count, "", ""))
    facts = report.facts
    rows.append(("facts", "non_english_share", _round(facts.non_english_share), "", ""))
    rows.append(("facts", "busiest_hour_utc", facts.busiest_hour, "", ""))
    rows.append(("facts", "busiest_hour_mentions", facts.busiest_hour_count, "", ""))
    if facts.emerging_phrase:
        rows.append(
            (
                "facts",
                f"emerging_phrase:{facts.emerging_phrase}",
                facts.emerging_customers,
                facts.emerging_previous,
                facts.emerging_customers - facts.emerging_previous,
            )
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    period = report.period
    prefix = (period.kind, period.start.isoformat(), period.end.isoformat())
    for row in rows:
        writer.writerow((*prefix, *("" if v is None else v for v in row)))
    return buffer.getvalue()


def _round(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value
