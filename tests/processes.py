"""Helpers for tests that run `repmon` as real processes: start, wait, read their JSON logs."""

from __future__ import annotations

import itertools
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy
import yaml
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]


def wait_for(check: Callable[[], object], *, seconds: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"not reached in {seconds:g} s: {what or check}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def write_config(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def base_config(database_url: str, connectors: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "database": {"url": database_url},
        "brands": [{"name": "Acme", "keywords": ["acme", "@acmehelp"], "exclude": ["acme jobs"]}],
        "connectors": connectors,
        "topics": {"billing": ["refund", "charge"], "outage": ["outage", "down"]},
        "ranking": {"min_priority": 0.3},
    }


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without credentials or config pointers, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "REPMON_", "PG", "X_", "REDDIT_", "GOOGLE_"))
        and k != "DATABASE_URL"
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@dataclass
class Repmon:
    """One `python -m monitor ...` process; stdout and stderr go to files (a pipe could fill)."""

    name: str
    process: subprocess.Popen[bytes]
    out: Path
    err: Path

    @classmethod
    def start(cls, folder: Path, name: str, args: list[str], *, env: dict[str, str]) -> Repmon:
        out, err = folder / f"{name}.out", folder / f"{name}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "monitor", *args],
                cwd=folder,
                env=env,
                stdout=stdout,
                stderr=stderr,
            )
        return cls(name, process, out, err)

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def log(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far (REPMON_LOG_FORMAT=json)."""
        entries = []
        for line in self.stderr().splitlines():
            if line.startswith("{"):
                try:
                    entries.append(json.loads(line))
                except json.JSONDecodeError:  # the last line may be half written
                    continue
        return entries

    def events(self, event: str) -> list[dict[str, Any]]:
        return [e for e in self.log() if e.get("event") == event]

    def wait(self, seconds: float = 60) -> int:
        return self.process.wait(timeout=seconds)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


def assert_polls_never_overlap(*instances: Repmon) -> int:
    """From the poll lines of every process: per connector, each poll ends before the next.

    A poll's `started` is taken after its lock is held and `finished` before it is released.
    Returns how many polls that held the lock were seen.
    """
    spans: dict[str, list[tuple[datetime, datetime, str]]] = {}
    for instance in instances:
        for entry in instance.events("poll"):
            if entry["status"] == "locked":
                continue
            start = datetime.fromisoformat(entry["started"])
            end = datetime.fromisoformat(entry["finished"])
            spans.setdefault(entry["connector"], []).append((start, end, instance.name))
    for connector, polls in spans.items():
        polls.sort()
        for (_, end, who), (start, _, other) in itertools.pairwise(polls):
            assert start >= end, f"{connector}: {other} polled while {who} still was"
    return sum(len(polls) for polls in spans.values())


def db_rows(db: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """Rows from the project's database: a SQLite file (read-only), or a URL (PostgreSQL)."""
    if isinstance(db, str):
        engine = sqlalchemy.create_engine(db, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(sqlalchemy.text(sql))]
        finally:
            engine.dispose()
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()
