"""One polling cycle: each due connector fetched until caught up, each batch stored atomically."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.exc import SQLAlchemyError

from connectors.base import (
    ConnectorError,
    ConnectorSettings,
    FatalConnectorError,
    RetriableConnectorError,
)
from connectors.records import storable
from connectors.registry import build_connector
from db import repository
from db.models import ConnectorState, Run
from db.session import transaction
from monitor.app import App
from monitor.config import secret_values
from monitor.locks import try_lock
from monitor.logconfig import redact
from monitor.pipeline import BatchResult, CursorUpdate
from monitor.stopping import stop_requested

logger = logging.getLogger(__name__)
MAX_BATCHES_PER_POLL = 10_000
PAUSE_AFTER_FATAL = 3


@dataclass(slots=True)
class PollOutcome:
    connector: str
    status: str  # ok | failed | locked | paused | not_due | stopped
    result: BatchResult = field(default_factory=BatchResult)
    error: str | None = None
    batches: int = 0
    trace: BaseException | None = field(default=None, repr=False)  # an unexpected error


def is_due(
    settings: ConnectorSettings,
    state: ConnectorState | None,
    now: datetime,
    *,
    scheduled: bool = False,
) -> bool:
    """Due when never run, or its `every` has elapsed, or its cron fired since the last run.

    `scheduled`: the daemon's scheduler already fired this poll on the connector's schedule,
    so only a platform's rate-limit reset can still hold it back.
    """
    if state is None or state.last_run_at is None:
        return True
    if state.retry_at is not None and now < state.retry_at:
        return False  # the platform asked us to wait (rate limit reset)
    if scheduled:
        return True
    schedule = settings.schedule
    if schedule.every is not None:
        return now - state.last_run_at >= schedule.every
    trigger = CronTrigger.from_crontab(schedule.cron or "* * * * *", timezone="UTC")
    fire = trigger.get_next_fire_time(None, state.last_run_at)
    return fire is not None and fire <= now


def poll(
    app: App,
    settings: ConnectorSettings,
    *,
    force: bool = False,
    scheduled: bool = False,
    stop: threading.Event | None = None,
) -> PollOutcome:
    """Fetch and store until the connector has nothing more; one process per connector.

    `stop` is checked between batches: a stopping process ends the poll after the batch in
    flight (each batch is stored with its cursor, so the next poll goes on from there).
    Exactly one log line per poll, whatever its outcome.
    """
    outcome = PollOutcome(settings.name, "ok")
    started = finished = datetime.now(UTC)
    with try_lock(app.engine, f"connector:{settings.name}") as held:
        if held:
            started = datetime.now(UTC)
            _poll_held(app, settings, outcome, force=force, scheduled=scheduled, stop=stop)
            finished = datetime.now(UTC)
        else:
            outcome.status = "locked"
    _log_poll(outcome, started, finished)
    return outcome


def _poll_held(
    app: App,
    settings: ConnectorSettings,
    outcome: PollOutcome,
    *,
    force: bool,
    scheduled: bool,
    stop: threading.Event | None,
) -> None:
    with app.factory() as session:
        state = session.get(ConnectorState, settings.name)
        cursor = state.cursor if state else None
        paused = bool(state and state.paused)
        due = force or is_due(settings, state, app.clock(), scheduled=scheduled)
    if paused and not force:
        outcome.status = "paused"
        return
    if not due:
        outcome.status = "not_due"
        return
    try:
        connector = build_connector(settings)
        for _ in range(MAX_BATCHES_PER_POLL):
            if stop_requested(stop):
                outcome.status = "stopped"  # not recorded as a run: it is due again at once
                return
            batch = connector.fetch(cursor)
            update = CursorUpdate(settings.name, settings.type, batch.cursor)
            outcome.result.add(
                app.pipeline.ingest(
                    [storable(m) for m in batch.mentions], cursor=update, skipped=batch.skipped
                )
            )
            outcome.batches += 1
            cursor = batch.cursor
            if not batch.more:
                break
    except ConnectorError as exc:
        _fail(app, settings, outcome, exc)
        return
    except SQLAlchemyError:
        raise  # storage trouble stops the run: nothing else can be stored either
    except Exception as exc:
        # A bug in one connector must not stop the others; it is recorded like a failure.
        outcome.trace = exc
        _fail(app, settings, outcome, ConnectorError(f"unexpected {type(exc).__name__}: {exc}"))
        return
    _record_success(app, settings, outcome.result)


def _fail(app: App, settings: ConnectorSettings, outcome: PollOutcome, exc: ConnectorError) -> None:
    outcome.status = "failed"
    outcome.error = redact(str(exc), secret_values(app.config))
    _record_failure(app, settings, exc)


def _log_poll(outcome: PollOutcome, started: datetime, finished: datetime) -> None:
    """The one line a poll writes; in JSON its fields carry the timings and counts as data."""
    fields: dict[str, Any] = {
        "event": "poll",
        "connector": outcome.connector,
        "status": outcome.status,
        "started": started.isoformat(),
        "finished": finished.isoformat(),
        "seconds": round((finished - started).total_seconds(), 3),
        "batches": outcome.batches,
        **outcome.result.as_dict(),
    }
    extra = {"fields": fields}
    name = outcome.connector
    if outcome.status == "failed" and outcome.trace is not None:
        logger.error(
            "poll %s: unexpected error: %s",
            name,
            outcome.error,
            exc_info=outcome.trace,
            extra=extra,
        )
    elif outcome.status == "failed":
        logger.warning("poll %s: failed: %s", name, outcome.error, extra=extra)
    elif outcome.status == "locked":
        logger.info("poll %s: skipped: locked by another process", name, extra=extra)
    elif outcome.status in ("paused", "not_due"):
        logger.debug("poll %s: %s", name, outcome.status.replace("_", " "), extra=extra)
    else:
        counts = outcome.result.as_dict()
        verb = "stopped after the batch in flight" if outcome.status == "stopped" else "ok"
        logger.info("poll %s: %s, %s", name, verb, _counts(counts), extra=extra)


def _counts(counts: dict[str, Any]) -> str:
    return " ".join(f"{key}={value}" for key, value in counts.items())


def _record_success(app: App, settings: ConnectorSettings, result: BatchResult) -> None:
    now = app.clock()
    with transaction(app.factory) as session:
        state = repository.connector_state(session, settings.name, settings.type)
        state.last_run_at = state.last_success_at = now
        state.last_items = result.stored
        state.consecutive_failures = 0
        state.last_error = None
        state.paused = False
        state.retry_at = None


def _record_failure(app: App, settings: ConnectorSettings, exc: ConnectorError) -> None:
    now = app.clock()
    with transaction(app.factory) as session:
        state = repository.connector_state(session, settings.name, settings.type)
        state.last_run_at = state.last_error_at = now
        state.last_error = redact(f"{type(exc).__name__}: {exc}", secret_values(app.config))[:2000]
        state.consecutive_failures += 1
        state.retry_at = exc.reset_at if isinstance(exc, RetriableConnectorError) else None
        fatal = isinstance(exc, FatalConnectorError)
        if fatal and state.consecutive_failures >= PAUSE_AFTER_FATAL and not state.paused:
            state.paused = True  # reported once, here; later cycles skip it quietly
            logger.error(
                "connector %s paused after %d fatal errors",
                settings.name,
                state.consecutive_failures,
            )


def start_run(app: App, command: str) -> int:
    with transaction(app.factory) as session:
        run = Run(command=command, started_at=app.clock(), status="running")
        session.add(run)
        session.flush()
        return run.id


def finish_run(
    app: App, run_id: int, status: str, stats: dict[str, Any], error: str | None = None
) -> None:
    """Close the run's row; `error` is stored redacted, since `status` and Slack show it later."""
    with transaction(app.factory) as session:
        run = session.get(Run, run_id)
        if run is not None:
            run.finished_at = app.clock()
            run.status = status
            run.stats = stats
            run.error = None if error is None else redact(error, secret_values(app.config))


def run_once(
    app: App,
    *,
    force: bool = False,
    only: list[str] | None = None,
    on_poll: Callable[[PollOutcome], None] | None = None,
    stop: threading.Event | None = None,
) -> list[PollOutcome]:
    """Poll every enabled (and due) connector; one failing connector does not stop the others.

    Once `stop` is set, the poll in flight ends after its batch and the rest are left for
    the next run.
    """
    outcomes = []
    for settings in app.config.connectors:
        if not settings.enabled or (only and settings.name not in only):
            continue
        if stop_requested(stop):
            break
        outcome = poll(app, settings, force=force, stop=stop)
        outcomes.append(outcome)
        if on_poll:
            on_poll(outcome)
    return outcomes
