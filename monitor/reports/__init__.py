"""Daily and weekly summaries: outcomes first, then volume, sentiment, themes and facts.

`build_report` aggregates in the database (GROUP BY over indexed columns), `write_outputs` renders
`summary.html`, `summary.csv` and chart PNGs, and `queue_post` puts the Slack post in the outbox.
"""

from __future__ import annotations

from monitor.reports.build import ReportFiles, build_report, queue_post, write_outputs
from monitor.reports.errors import ReportError
from monitor.reports.model import Report
from monitor.reports.period import Period, period_for

__all__ = [
    "Period",
    "Report",
    "ReportError",
    "ReportFiles",
    "build_report",
    "period_for",
    "queue_post",
    "write_outputs",
]
