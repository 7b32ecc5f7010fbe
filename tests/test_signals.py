"""SIGTERM in the middle of a big poll: the batch in flight finishes, the process exits on its
own, and the database agrees with the cursor, so the next run stores exactly the rest.

The fourth batch is made slow on purpose (a few 19,000-character posts take vaderSentiment's own
code seconds; `REPMON_VADER_LIBRARY=1` makes repmon use it instead of its faster port), so
a signal sent once the first three batches are stored lands inside a known batch: one signal
lets it finish (400 stored), two roll it back (300 stored), whatever the machine's load.
"""

from __future__ import annotations

import json
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.processes import Repmon, base_config, clean_env, wait_for, write_config

LINES = 3000
BATCH = 100
MIN_PRIORITY = 0.3
ANGRY = "@acmehelp internet down for two days, worst service ever, refund me"
SLOW_BATCH = range(3 * BATCH, 4 * BATCH)
BEFORE_SLOW = SLOW_BATCH.start
LONG_POST = "acme fibre is great, thanks for the quick fix at home. " * 340


def write_input(path: Path) -> list[str]:
    """Mostly short happy posts (cheap); one complaint in 25, from 100 authors (cases, joins)."""
    t0 = datetime(2026, 11, 8, 6, tzinfo=UTC)
    ids = []
    with path.open("w", encoding="utf-8") as stream:
        for i in range(LINES):
            record = {
                "source": "x",
                "external_id": f"big-{i}",
                "created_at": (t0 + timedelta(seconds=20 * i)).isoformat(),
                "lang": "en",
                "text": f"acme fibre is great #{i}",
            }
            if i in SLOW_BATCH and i % 10 == 0:
                record["text"] = f"{LONG_POST}#{i}"
            if i % 25 == 0:
                record.update(
                    text=f"{ANGRY} ({i})", author=f"angry{(i // 25) % 100}", author_followers=500
                )
            stream.write(json.dumps(record) + "\n")
            ids.append(record["external_id"])
    return ids


class Project:
    """A config with one `file` connector over a big JSONL file, on SQLite or PostgreSQL."""

    def __init__(self, folder: Path, db_url: str) -> None:
        self.folder = folder
        self.ids = write_input(folder / "big.jsonl")
        self.db_url = db_url
        connector = {"name": "big", "type": "file", "path": "big.jsonl", "batch_size": BATCH}
        data = base_config("${DATABASE_URL}", [connector])
        data["ranking"] = {"min_priority": MIN_PRIORITY}
        self.config = write_config(folder, data)
        # The slow batch is slow because vaderSentiment's own code takes time quadratic in a
        # post's length; the port repmon uses by default takes milliseconds.
        self.env = clean_env(
            DATABASE_URL=db_url, REPMON_LOG_FORMAT="json", REPMON_VADER_LIBRARY="1"
        )
        self.engine = create_engine(db_url)
        assert self.start("upgrade", "db", "upgrade").wait() == 0

    def start(self, name: str, *args: str) -> Repmon:
        return Repmon.start(self.folder, name, [*args, "--config", str(self.config)], env=self.env)

    def scalar(self, sql: str) -> int:
        try:
            with self.engine.connect() as connection:
                return int(connection.execute(text(sql)).scalar() or 0)
        except Exception:  # tables not there yet
            return 0

    def stored(self) -> int:
        return self.scalar("SELECT count(*) FROM mentions")

    def assert_consistent(self) -> None:
        """Whole batches only; every case has its first mention and its card row."""
        assert self.stored() % BATCH == 0
        cases = self.scalar("SELECT count(*) FROM cases")
        cards = self.scalar("SELECT count(*) FROM outbox WHERE kind = 'card'")
        assert cards == cases
        linked = self.scalar(
            "SELECT count(*) FROM cases c JOIN mentions m ON m.id = c.mention_id "
            "WHERE m.case_id = c.id"
        )
        assert linked == cases
        caseless = self.scalar(
            f"SELECT count(*) FROM mentions WHERE priority >= {MIN_PRIORITY} AND case_id IS NULL"
        )
        assert caseless == 0

    def rerun_stores_exactly_the_rest(self, partial: int) -> None:
        rerun = self.start("rerun", "run", "--once", "-v")
        assert rerun.wait(300) == 0, rerun.stderr()
        (poll,) = rerun.events("poll")
        # The cursor was exactly where the stored batches end: nothing read twice or skipped.
        assert (poll["status"], poll["received"], poll["stored"]) == (
            "ok",
            LINES - partial,
            LINES - partial,
        )
        with self.engine.connect() as connection:
            ids = connection.execute(text("SELECT external_id FROM mentions")).scalars().all()
        assert len(ids) == len(set(ids)) == LINES and set(ids) == set(self.ids)
        self.assert_consistent()

    def close(self) -> None:
        self.engine.dispose()


@pytest.fixture
def project(db_url, tmp_path):
    made = Project(tmp_path, db_url)
    yield made
    made.close()


def interrupt(project: Project, process: Repmon, *, signals: int = 1) -> int:
    """Signal `process` inside the slow batch; what it had stored before exiting."""
    try:
        wait_for(lambda: project.stored() >= BEFORE_SLOW, what="the batches before the slow one")
        process.process.send_signal(signal.SIGTERM)
        if signals == 2:  # Python runs one handler for signals that arrive together
            wait_for(lambda: "SIGTERM received" in process.stderr(), what="the first handled")
            process.process.send_signal(signal.SIGTERM)
        process.wait(120)  # no kill: it has to end by itself
    finally:
        process.kill()
    return project.stored()


@pytest.mark.slow
def test_sigterm_stops_run_once_after_the_batch_in_flight(project):
    run = project.start("run", "run", "--once", "-v")

    partial = interrupt(project, run)

    assert run.process.returncode == 1, run.stderr()  # stopped early: the rest is left to do
    assert "SIGTERM received" in run.stderr() and "stopped by a signal" in run.stderr()
    (poll,) = run.events("poll")
    assert poll["status"] == "stopped" and poll["stored"] == partial == SLOW_BATCH.stop
    project.assert_consistent()
    project.rerun_stores_exactly_the_rest(partial)


@pytest.mark.slow
def test_sigterm_stops_serve_cleanly_mid_poll(project):
    serve = project.start("serve", "serve")

    partial = interrupt(project, serve)

    assert serve.process.returncode == 0, serve.stderr()
    assert "serve: stopped in" in serve.stderr()
    (poll,) = [e for e in serve.events("poll") if e["status"] != "not_due"]
    assert poll["status"] == "stopped" and poll["stored"] == partial == SLOW_BATCH.stop
    project.assert_consistent()
    project.rerun_stores_exactly_the_rest(partial)


@pytest.mark.slow
def test_a_second_sigterm_stops_at_once_and_rolls_the_batch_back(project):
    run = project.start("run", "run", "--once", "-v")

    partial = interrupt(project, run, signals=2)

    assert run.process.returncode == 1, run.stderr()
    assert "second SIGTERM; stopping hard" in run.stderr()
    assert partial == BEFORE_SLOW  # the slow batch in flight was rolled back whole
    project.assert_consistent()
    project.rerun_stores_exactly_the_rest(partial)
