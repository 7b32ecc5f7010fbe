"""Storage and connector faults: SQLite "database is locked", PostgreSQL restarted between
batches and inside a batch of a running `repmon run --once`, a connector whose server never
answers. Nothing is lost, nothing stored twice, and a fault that persists is a clear error, never
a half-stored batch."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy
from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from db import session as db_session
from db.models import Case, ConnectorState, MentionRow, OutboxRow
from monitor.runner import run_once
from tests import pg
from tests.conftest import _ci
from tests.fault.test_kill_loop import Project, check_exact
from tests.processes import db_rows
from tests.responders.fakeslack import FakeSlack
from tests.support import mention, open_app

ANGRY = "Acme is the worst, awful service, I hate it"


def counts(app) -> tuple[int, int, int]:
    with app.factory() as session:
        return (
            session.scalar(select(func.count()).select_from(MentionRow)),
            session.scalar(select(func.count()).select_from(Case)),
            session.scalar(select(func.count()).select_from(OutboxRow)),
        )


def batch(prefix: str, n: int = 5):
    return [mention(f"{prefix}{i}", ANGRY, author=f"{prefix}-author{i}") for i in range(n)]


@contextlib.contextmanager
def write_lock(path: str) -> Iterator[sqlite3.Connection]:
    """Another process's view: a connection holding SQLite's write lock (BEGIN IMMEDIATE)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield other
    finally:
        with contextlib.suppress(sqlite3.Error):
            other.execute("ROLLBACK")
        other.close()


# --- SQLite: database is locked ----------------------------------------------------------------


def test_a_write_lock_held_for_a_while_is_waited_out_and_nothing_is_lost(sqlite_url, tmp_path):
    app = open_app(sqlite_url, tmp_path)
    try:
        path = sqlite_url.removeprefix("sqlite:///")
        with write_lock(path) as other:
            releaser = threading.Timer(1.0, lambda: other.execute("ROLLBACK"))
            releaser.start()
            result = app.pipeline.ingest(batch("locked"))  # blocks until the lock is released
            releaser.join()
        assert result.stored == 5 and result.cases_opened == 5
        assert counts(app) == (5, 5, 5)
    finally:
        app.close()


def test_a_lock_that_persists_is_a_clear_error_and_a_rerun_stores_everything_once(
    sqlite_url, tmp_path, monkeypatch
):
    monkeypatch.setattr(db_session, "SQLITE_BUSY_TIMEOUT_MS", 300)  # instead of 30 s
    app = open_app(sqlite_url, tmp_path)
    try:
        app.pipeline.ingest(batch("before", 2))
        path = sqlite_url.removeprefix("sqlite:///")
        with write_lock(path), pytest.raises(OperationalError, match="database is locked"):
            app.pipeline.ingest(batch("during"))
        assert counts(app) == (2, 2, 2)  # nothing of the failed batch, not even part of it
        assert app.pipeline.ingest(batch("during")).stored == 5  # the rerun
        assert app.pipeline.ingest(batch("during")).stored == 0
        assert counts(app) == (7, 7, 7)
    finally:
        app.close()


# --- A connector that never answers ------------------------------------------------------------


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A loopback port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                accepted.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/feed.xml"
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    server.close()


def test_a_connector_timing_out_keeps_its_cursor_and_the_others_still_run(
    db_url, tmp_path, black_hole
):
    feed = tmp_path / "mentions.jsonl"
    lines = [
        {"source": "x", "external_id": f"t{i}", "text": f"acme {i}", "created_at": "2026-11-20"}
        for i in range(4)
    ]
    feed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    app = open_app(
        db_url,
        tmp_path,
        connectors=[
            {"name": "slow-feed", "type": "rss", "url": black_hole, "timeout": "1s"},
            {"name": "file", "type": "file", "path": str(feed)},
        ],
    )
    try:
        with app.factory() as session:
            session.add(ConnectorState(name="slow-feed", type="rss", cursor="kept-cursor"))
            session.commit()
        outcomes = {o.connector: o for o in run_once(app, force=True)}
        assert outcomes["slow-feed"].status == "failed"
        assert "timed out" in (outcomes["slow-feed"].error or "")
        assert outcomes["file"].status == "ok" and outcomes["file"].result.stored == 4
        with app.factory() as session:
            state = session.get(ConnectorState, "slow-feed")
            assert state.cursor == "kept-cursor" and state.consecutive_failures == 1
            assert "RetriableConnectorError" in state.last_error and not state.paused
    finally:
        app.close()


# --- PostgreSQL restarted mid-run --------------------------------------------------------------


def _restart(server: pg.PostgresServer, *, down: float = 0.5) -> None:
    """Stop the server (fast: connections are cut) and start it again on the same port."""
    server._run("pg_ctl", "stop", "-D", str(server.datadir), "-m", "fast", "-w")
    time.sleep(down)
    options = f"-h {server.host} -p {server.port} -k {server.socket_dir} " + " ".join(
        f"-c {setting}" for setting in pg._SERVER_SETTINGS
    )
    server._run(
        "pg_ctl", "start", "-D", str(server.datadir), "-l", str(server.logfile),
        "-o", options, "-w", "-t", "30",
    )  # fmt: skip


@pytest.fixture
def own_pg() -> Iterator[pg.PostgresServer]:
    """A cluster of this test's own: restarting the shared one would hurt other tests."""
    if pg.find_bindir() is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed"
        if _ci():  # the policy of tests/conftest.py's pg_server: CI must run these tests
            pytest.fail(f"{message}, and CI is set: PostgreSQL tests must run in CI", pytrace=False)
        pytest.skip(message)
    with pg.running_server() as server:
        yield server


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_restarted_between_batches_the_next_batch_recovers(own_pg, tmp_path):
    url = own_pg.create_database("restart")
    app = open_app(url, tmp_path)
    try:
        assert app.pipeline.ingest(batch("one")).stored == 5
        own_pg._run("pg_ctl", "stop", "-D", str(own_pg.datadir), "-m", "fast", "-w")
        with pytest.raises(OperationalError):  # down: a clear error, nothing half-stored
            app.pipeline.ingest(batch("two"))
        _restart_after_stop(own_pg)
        # The pool's connections died with the server; pre-ping replaces them.
        assert app.pipeline.ingest(batch("two")).stored == 5
        _restart(own_pg)  # and a restart between two batches, with no failed call in between
        assert app.pipeline.ingest(batch("three")).stored == 5
        assert app.pipeline.ingest(batch("two") + batch("three")).stored == 0
        assert counts(app) == (15, 15, 15)
    finally:
        app.close()


def _restart_after_stop(server: pg.PostgresServer) -> None:
    options = f"-h {server.host} -p {server.port} -k {server.socket_dir} " + " ".join(
        f"-c {setting}" for setting in pg._SERVER_SETTINGS
    )
    server._run(
        "pg_ctl", "start", "-D", str(server.datadir), "-l", str(server.logfile),
        "-o", options, "-w", "-t", "30",
    )  # fmt: skip


def _blocking_insert(url: str, external_id: str) -> sqlalchemy.Connection:
    """An open transaction holding an uncommitted mention with this id: whoever inserts the
    same id waits on it (the unique index) until it ends. A restart ends it, uncommitted."""
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    conn = engine.connect()
    conn.begin()
    now = datetime.now(UTC)
    values = {
        "source": "x", "external_id": external_id, "connector": "blocker", "text": "blocker",
        "created_at": now, "fetched_at": now, "compound": 0.0, "pos": 0.0, "neu": 1.0,
        "neg": 0.0, "label": "neutral", "scorer": "blocker",
    }  # fmt: skip
    conn.execute(insert(MentionRow).values(**values))
    return conn


def _wait_for_lock_wait(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until a backend waits on a lock inside an INSERT INTO mentions: the run is in its batch."""
    sql = (
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO mentions%'"
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended without reaching the blocked batch"
        if db_rows(url, sql)[0][0] >= 1:
            return
        time.sleep(0.05)
    pytest.fail("the run never waited inside the blocked batch")


@pytest.mark.postgres
@pytest.mark.slow
def test_postgresql_restarted_inside_a_batch_of_a_running_run_loses_and_doubles_nothing(
    own_pg, tmp_path
):
    """`repmon run --once` (a real process) is held inside its third batch of the round, with
    two batches committed before it; the server restarts under it. The run may fail (exit 1);
    the rerun leaves every mention stored once, one case per complainer, every card sent once."""
    fake = FakeSlack().start()
    url = own_pg.create_database("midrun")
    project = Project(tmp_path, fake, db_url=url)
    blocker: sqlalchemy.Connection | None = None
    try:
        upgrade = project.run("db", "upgrade")  # PostgreSQL is never upgraded implicitly
        assert upgrade.returncode == 0, upgrade.stderr
        with project.feed.open("a", encoding="utf-8") as stream:  # a first, undisturbed round
            stream.writelines(json.dumps(r) + "\n" for r in project.records(0))
        first = project.run("run", "--once", "--force")
        assert first.returncode == 0, first.stderr
        before = check_exact(project, fake)["mentions"]
        records = project.records(1)  # 49 lines: batches of 20, 20 and 9
        assert len(records) > 40
        blocker = _blocking_insert(url, records[-1]["external_id"])  # in the third batch
        with project.feed.open("a", encoding="utf-8") as stream:
            stream.writelines(json.dumps(r) + "\n" for r in records)
        log = (tmp_path / "inflight.log").open("wb")
        process = subprocess.Popen(
            project.command("run", "--once", "--force"), cwd=tmp_path, env=project.env,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for_lock_wait(url, process)
            stored = db_rows(url, "SELECT count(*) FROM mentions")[0][0]
            assert before < stored < before + len(records), "not mid-run: batches before it"
            _restart(own_pg)
            code = process.wait(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
            log.close()
        output = (tmp_path / "inflight.log").read_text(encoding="utf-8")
        assert code in (0, 1), output
        # The lost database is one clear line naming it: no traceback, no mention text (SQL
        # parameters), which used to reach stderr at CRITICAL.
        assert [r["text"] for r in records if r["text"] in output] == [], output
        assert "Traceback" not in output and "[parameters" not in output, output
        if code == 1:
            assert output.strip().splitlines() == [
                f"error: repmon run stopped: database {url}: AdminShutdown: terminating "
                "connection due to administrator command"
            ], output
        rerun = project.run("run", "--once", "--force")
        assert rerun.returncode == 0, rerun.stderr
        figures = check_exact(project, fake)
        assert figures["mentions"] == before + len(records)
        assert project.run("run", "--once", "--force").returncode == 0  # and once more: no change
        assert check_exact(project, fake) == figures
    finally:
        if blocker is not None:
            with contextlib.suppress(sqlalchemy.exc.SQLAlchemyError):
                blocker.close()
            blocker.engine.dispose()
        fake.close()
