"""`repmon serve`: APScheduler jobs from config, the Slack app beside them, a clean stop.

Each connector is polled on its own schedule (`every` → interval, `cron` → crontab); the outbox
is sent every 10 s and SLA reminders checked every minute. Jobs coalesce, never overlap
(`max_instances=1`) and may start up to a minute late after a busy spell. SIGTERM or SIGINT
stops taking new jobs, lets the work in flight finish (a poll stops after its batch, the outbox
after its row), then closes Slack; a second signal, or the bound in monitor.stopping, stops hard.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError

from connectors.base import ConnectorSettings
from db.session import failure_reason
from monitor.app import App
from monitor.runner import poll
from responders.outbox import Responder, send_pending

logger = logging.getLogger(__name__)
OUTBOX_EVERY = timedelta(seconds=10)
SLA_EVERY = timedelta(minutes=1)
ALERTS_EVERY = timedelta(minutes=1)  # spike and silence alerts (monitor.alert_store)
MISFIRE_GRACE = 60


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    trigger: Any
    run: Callable[[], object]


def connector_trigger(settings: ConnectorSettings) -> Any:
    if settings.schedule.every is not None:
        return IntervalTrigger(seconds=settings.schedule.every.total_seconds(), timezone=UTC)
    return CronTrigger.from_crontab(settings.schedule.cron or "* * * * *", timezone=UTC)


def sla_tick(app: App) -> Callable[[], object] | None:
    """SLA reminders go to case threads, so they exist only with Slack."""
    if not app.config.slack.enabled:
        return None
    from monitor.sla import tick

    return lambda: tick(app.engine, app.factory, app.config.routing, clock=app.clock)


def jobs(app: App, responder: Responder, *, stop: threading.Event | None = None) -> list[Job]:
    """Everything the daemon runs, built from config: polls, the outbox, SLA reminders.

    `stop` (set on SIGTERM) ends a poll after its batch in flight and a send round after its row.
    """
    out = [
        Job(f"poll:{settings.name}", connector_trigger(settings), _poller(app, settings, stop))
        for settings in app.config.connectors
        if settings.enabled
    ]
    from responders.handlers import outbox_handlers

    handlers = outbox_handlers(app)
    out.append(
        Job(
            "outbox",
            IntervalTrigger(seconds=OUTBOX_EVERY.total_seconds()),
            lambda: send_pending(
                app.engine, app.factory, responder, clock=app.clock, handlers=handlers, stop=stop
            ),
        )
    )
    sla = sla_tick(app)
    if sla is not None:
        out.append(Job("sla", IntervalTrigger(seconds=SLA_EVERY.total_seconds()), sla))
    from monitor.alert_store import evaluator

    out.append(Job("alerts", IntervalTrigger(seconds=ALERTS_EVERY.total_seconds()), evaluator(app)))
    if app.config.outcomes.enabled:
        from monitor.outcomes import tick as outcomes_tick

        every = app.config.outcomes.every.total_seconds()
        out.append(Job("outcomes", IntervalTrigger(seconds=every), lambda: outcomes_tick(app)))
    out.extend(report_jobs(app))
    return out


def report_jobs(app: App) -> list[Job]:
    """One job per configured report (`reports.daily.cron`, `reports.weekly.cron`); a run at
    start-up or a second instance posts nothing twice (one outbox key per period)."""
    from monitor.reports.cli import scheduled

    planned = []
    for kind in ("daily", "weekly"):
        schedule = getattr(app.config.reports, kind)
        if schedule is not None:
            trigger = CronTrigger.from_crontab(schedule.cron, timezone=UTC)
            planned.append(Job(f"report:{kind}", trigger, partial(scheduled, app, kind)))
    return planned


def _poller(
    app: App, settings: ConnectorSettings, stop: threading.Event | None = None
) -> Callable[[], object]:
    return lambda: poll(app, settings, scheduled=True, stop=stop)


def build_scheduler(
    planned: list[Job], *, stop: threading.Event | None = None
) -> BackgroundScheduler:
    # APScheduler logs two lines per job run at INFO; repmon's own line per poll/send is enough.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    for job in planned:
        # Every job also runs once at start-up, so a restarted daemon catches up at once.
        scheduler.add_job(
            _guarded(job, stop),
            job.trigger,
            id=job.name,
            name=job.name,
            next_run_time=datetime.now(UTC),
        )
    return scheduler


def _guarded(job: Job, stop: threading.Event | None = None) -> Callable[[], None]:
    """A failing job is logged and tried again at its next time; it never stops the daemon.

    Once stopping, a job that comes due does not start.
    """

    def run() -> None:
        if stop is not None and stop.is_set():
            return
        try:
            job.run()
        except SQLAlchemyError as exc:  # one line: the statement's text says nothing more useful
            logger.error("job %s failed: database: %s", job.name, failure_reason(exc))
        except Exception:
            logger.exception("job %s failed", job.name)

    return run


def wait_for_stop(stop: threading.Event) -> None:
    """Block until `stop` is set (by the SIGTERM/SIGINT handler of monitor.stopping)."""
    while not stop.wait(1.0):
        pass


def shutdown(scheduler: BackgroundScheduler, closers: list[Callable[[], object]]) -> float:
    """Let the jobs in flight end (they see `stop` between batches), then close Slack & co.

    Returns the seconds the stop took, which is also logged. monitor.stopping bounds it.
    """
    began = time.monotonic()
    scheduler.shutdown(wait=True)
    for close in closers:
        try:
            close()
        except Exception:
            logger.exception("serve: closing %r failed", close)
    took = time.monotonic() - began
    logger.info("serve: stopped in %.1f s", took, extra={"fields": {"event": "stopped"}})
    return took
