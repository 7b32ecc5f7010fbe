"""`repmon serve`'s scheduler as built from a config: one trigger per connector schedule, and job
defaults that keep a busy or paused daemon from piling runs up (coalesce, no overlap, bounded
lateness)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import OperationalError

from monitor.daemon import MISFIRE_GRACE, Job, build_scheduler, jobs
from responders.console import ConsoleResponder
from tests.support import open_app


def test_each_connector_gets_its_own_trigger_and_every_job_the_safe_defaults(sqlite_url, tmp_path):
    (tmp_path / "a.jsonl").touch()
    app = open_app(
        sqlite_url,
        tmp_path,
        connectors=[
            {"name": "a", "type": "file", "path": "a.jsonl", "schedule": {"every": "2m"}},
            {"name": "b", "type": "file", "path": "a.jsonl", "schedule": {"cron": "*/5 * * * *"}},
            {"name": "c", "type": "file", "path": "a.jsonl", "enabled": False},
            {"name": "d", "type": "file", "path": "a.jsonl"},  # the default: every 5 minutes
        ],
        reports={"daily": {"cron": "0 8 * * *"}},
    )
    planned = {job.name: job for job in jobs(app, ConsoleResponder(None))}

    assert {"poll:a", "poll:b", "poll:d", "outbox", "alerts", "report:daily"} <= set(planned)
    assert "poll:c" not in planned  # disabled connectors are not polled at all
    every = planned["poll:a"].trigger
    assert isinstance(every, IntervalTrigger) and every.interval == timedelta(minutes=2)
    default = planned["poll:d"].trigger
    assert isinstance(default, IntervalTrigger) and default.interval == timedelta(minutes=5)
    cron = planned["poll:b"].trigger
    assert isinstance(cron, CronTrigger)
    after = datetime(2026, 11, 22, 12, 1, tzinfo=UTC)
    assert cron.get_next_fire_time(None, after) == datetime(2026, 11, 22, 12, 5, tzinfo=UTC)

    scheduler = build_scheduler(list(planned.values()))
    scheduler.start(paused=True)  # jobs get their defaults when added; paused, none runs
    try:
        added = scheduler.get_jobs()
        assert sorted(job.id for job in added) == sorted(planned)
        for job in added:
            defaults = (job.coalesce, job.max_instances, job.misfire_grace_time)
            assert defaults == (True, 1, MISFIRE_GRACE) and MISFIRE_GRACE == 60, job
        assert scheduler.get_job("poll:b").trigger is cron
    finally:
        scheduler.shutdown(wait=False)
        app.close()


def test_a_job_failing_on_the_database_logs_one_line_without_the_statement(caplog):
    cause = Exception("connection to server lost\nDETAIL: Key (text)=(my card 4111) exists.")
    error = OperationalError("INSERT INTO mentions (text) VALUES (?)", ("my card 4111",), cause)

    def broken() -> None:
        raise error

    def bug() -> None:
        raise RuntimeError("a bug")

    scheduler = build_scheduler(
        [
            Job("poll x", IntervalTrigger(minutes=5), broken),
            Job("sla", IntervalTrigger(minutes=1), bug),
        ]
    )
    with caplog.at_level(logging.ERROR, logger="monitor.daemon"):
        for job in scheduler.get_jobs():
            job.func()  # the guarded job: it never raises

    database, other = caplog.records
    assert (
        database.getMessage() == "job poll x failed: database: Exception: connection to server lost"
    )
    assert database.exc_info is None
    assert "4111" not in caplog.text and "INSERT" not in caplog.text
    assert other.getMessage() == "job sla failed" and other.exc_info is not None  # a bug: traceback
