"""`repmon report daily|weekly [--date D] [--out DIR] [--post]` (DESIGN 3.1), and the daemon's
scheduled report job. Exit codes: 0 ok, 1 the Slack post failed (files written), 2 usage."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from rich.console import Console

from monitor.app import App
from monitor.reports.build import outbox_state, produce
from monitor.reports.errors import ReportError
from monitor.reports.period import Period, parse_date, period_for

logger = logging.getLogger(__name__)


def run_report(
    app: App,
    kind: str,
    *,
    date: str | None,
    out_dir: Path | None,
    post: bool,
    responder: Any,
    out: Console,
    err: Console,
) -> int:
    """Build and write the report; with `post`, queue it and deliver the outbox right away."""
    try:
        period = period_for(kind, now=app.clock(), on=parse_date(date) if date else None)
        directory = out_dir if out_dir is not None else Path("reports") / period.slug
        report, files, key = produce(
            app.config, app.factory, period, directory, clock=app.clock, post=post
        )
    except ReportError as exc:
        err.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        return 2
    out.print(f"{period.title}: {report.sentiment.total} mentions", highlight=False)
    for path in (files.html, files.csv, *files.charts):
        out.print(f"  {path}", highlight=False)
    if key is None:
        return 0
    from responders.handlers import outbox_handlers
    from responders.outbox import send_pending

    send_pending(
        app.engine,
        app.factory,
        responder,
        clock=app.clock,
        handlers=outbox_handlers(app),
    )
    with app.factory() as session:
        row = outbox_state(session, key)
        state, error, result = (
            (row.state, row.last_error, row.result) if row else (None, None, None)
        )
    if state == "sent":
        where = (result or {}).get("channel", "")
        out.print(f"posted to Slack {where} ({key}; posted once per period)", highlight=False)
        return 0
    err.print(
        f"[bold red]error:[/] the Slack post is queued but not sent ({state}): {error}; "
        "`repmon run --once` or `repmon serve` will retry it",
        soft_wrap=True,
    )
    return 1


def scheduled(app: App, kind: str) -> Period:
    """The daemon's job: last complete period, files under <config dir>/reports/, the post
    queued when Slack is on (the outbox job sends it; the key makes it once per period)."""
    period = period_for(kind, now=app.clock())
    directory = app.config.base_dir / "reports" / period.slug
    produce(
        app.config,
        app.factory,
        period,
        directory,
        clock=app.clock,
        post=app.config.slack.enabled,
    )
    return period
