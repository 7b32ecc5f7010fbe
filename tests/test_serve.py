"""`repmon serve` as a real process: it polls, delivers, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wait_for(check, *, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def scalar(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            return int(connection.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def start(project: Path, name: str) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """Output goes to files: a full pipe would block the daemon mid-card."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REPMON_"))}
    env.pop("DATABASE_URL", None)
    out, err = project / f"{name}.out", project / f"{name}.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "serve"],
            cwd=project,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    return process, out, err


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=60)


def test_serve_polls_delivers_and_stops_on_sigterm(tmp_path: Path):
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    db = tmp_path / "repmon.db"

    first, out, err = start(tmp_path, "first")
    try:
        wait_for(lambda: scalar(db, "SELECT count(*) FROM mentions") > 300)
        wait_for(
            lambda: (
                scalar(db, "SELECT count(*) FROM outbox WHERE state != 'sent'") == 0
                and scalar(db, "SELECT count(*) FROM outbox") > 0
            )
        )
    finally:
        code = stop(first)
    assert code == 0, err.read_text()
    assert "repmon serve: stopped" in err.read_text()
    cards = out.read_text().count("case #")
    assert cards >= scalar(db, "SELECT count(*) FROM cases") > 20

    mentions = scalar(db, "SELECT count(*) FROM mentions")
    sent = scalar(db, "SELECT count(*) FROM outbox WHERE state = 'sent'")
    second, out, err = start(tmp_path, "second")
    try:
        wait_for(lambda: "jobs scheduled" in err.read_text())
        time.sleep(2)  # its start-up poll and send run now
    finally:
        code = stop(second)
    assert code == 0, err.read_text()
    assert scalar(db, "SELECT count(*) FROM mentions") == mentions
    assert scalar(db, "SELECT count(*) FROM outbox WHERE state = 'sent'") == sent
    assert "case #" not in out.read_text()  # nothing delivered twice


def test_a_stop_that_overruns_its_bound_ends_hard(tmp_path: Path):
    """A poll stuck on a silent server: SIGTERM waits `--stop-timeout`, then exits anyway."""
    import threading

    from tests.connectors.fakeserver import FakeServer, Reply
    from tests.processes import Repmon, base_config, clean_env, write_config

    release = threading.Event()
    asked = threading.Event()

    def silent(_request: object) -> Reply:
        asked.set()
        release.wait(60)
        return Reply(304)

    server = FakeServer()
    server.route("GET", "/feed.xml", silent)
    connector = {"name": "news", "type": "rss", "url": f"{server.url}/feed.xml", "timeout": "60s"}
    config = write_config(tmp_path, base_config(f"sqlite:///{tmp_path}/repmon.db", [connector]))
    args = ["serve", "--config", str(config), "--stop-timeout", "2"]
    serve = Repmon.start(tmp_path, "serve", args, env=clean_env())
    try:
        assert asked.wait(60), serve.stderr()  # the poll is in flight, waiting for the feed
        serve.process.send_signal(signal.SIGTERM)
        code = serve.wait(60)  # it must end by itself
    finally:
        release.set()
        serve.kill()
        server.close()
    assert code == 1, serve.stderr()
    assert "serve: still busy 2 s after SIGTERM; stopping hard" in serve.stderr()
