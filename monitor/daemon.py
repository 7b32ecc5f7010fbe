"""`repmon serve`: APScheduler jobs from config, the Slack app beside them, a clean stop.

Each connector is polled on its own schedule (`every` → interval, `cron` → crontab); the outbox
is sent every 10 s and SLA reminders checked every minute. Jobs coalesce, never overlap
(`max_instances=1`) and may start up to a minute late after a busy spell. SIGTERM or SIGINT
stops taking new jobs, lets the batch in flight finish, then closes Slack.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from connectors.base import ConnectorSettings
from monitor.app import App
from monitor.runner import poll
from responders.outbox import Responder, send_pending

logger = logging.getLogger(__name__)
OUTBOX_EVERY = timedelta(seconds=10)
SLA_EVERY = timedelta(minutes=1)
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


def jobs(app: App, responder: Responder) -> list[Job]:
    """Everything the daemon runs, built from config: polls, the outbox, SLA reminders."""
    out = [
        Job(f"poll:{settings.name}", connector_trigger(settings), _poller(app, settings))
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
                app.engine, app.factory, responder, clock=app.clock, handlers=handlers
            ),
        )
    )
    sla = sla_tick(app)
    if sla is not None:
        out.append(Job("sla", IntervalTrigger(seconds=SLA_EVERY.total_seconds()), sla))
    return out


def _poller(app: App, settings: ConnectorSettings) -> Callable[[], object]:
    return lambda: poll(app, settings, scheduled=True)


def build_scheduler(planned: list[Job]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE},
    )
    for job in planned:
        # Every job also runs once at start-up, so a restarted daemon catches up at once.
        scheduler.add_job(
            _guarded(job), job.trigger, id=job.name, name=job.name, next_run_time=datetime.now(UTC)
        )
    return scheduler


def _guarded(job: Job) -> Callable[[], None]:
    """A failing job is logged and tried again at its next time; it never stops the daemon."""

    def run() -> None:
        try:
            job.run()
        except Exception:
            logger.exception("job %s failed", job.name)

    return run


def wait_for_stop(stop: threading.Event) -> None:
    """Block until SIGTERM or SIGINT (or `stop` is set by someone else)."""

    def handle(signum: int, _frame: FrameType | None) -> None:
        logger.info("serve: %s received, stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
