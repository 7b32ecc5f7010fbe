"""`repmon run --once` and `repmon import` killed with SIGKILL at random points, round after
round, each kill followed by a rerun; after every rerun the counts are exact: every mention
stored once, one case per complaining author, one Slack card per case and one thread reply per
follow-up (counted on the fake Slack, by each message's idempotency key).

Size: REPMON_FAULT_ROUNDS (default 8, what CI runs); the full size is 100 rounds:

    REPMON_FAULT_ROUNDS=100 python -m pytest tests/fault/test_kill_loop.py

REPMON_FAULT_SEED picks the kill points (default fixed, so CI is repeatable).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.processes import db_rows
from tests.responders.fakeslack import TOKEN, FakeSlack

ROUNDS = int(os.environ.get("REPMON_FAULT_ROUNDS", "8"))
SEED = int(os.environ.get("REPMON_FAULT_SEED", "20261122"))
FIRST_WINDOW = 1.5
"""Seconds: the first kill of each command falls between 0.2 s and this; later ones before 80 %
of how long that command's last complete rerun took (start-up to last Slack post), so kills land
inside runs on slow and fast machines alike."""
NEW_AUTHORS, FOLLOW_UPS, NOISE = 6, 3, 40
ROOT = Path(__file__).resolve().parents[2]
COMPLAINT = "@acmehelp internet down for two days, worst service ever, refund me now"
FOLLOW_UP = "@acmehelp still down, awful, worst service, I hate this, nobody answers"


class Project:
    """A repmon project folder (config, input feed) on SQLite, or on `db_url` when given."""

    def __init__(self, folder: Path, fake: FakeSlack, *, db_url: str | None = None) -> None:
        self.folder = folder
        self.db: Path | str = db_url or folder / "repmon.db"
        self.feed = folder / "feed.jsonl"
        self.feed.write_text("", encoding="utf-8")
        self.config = folder / "config.yaml"
        config = {
            "database": {"url": db_url or f"sqlite:///{self.db}"},
            "brands": [{"name": "Acme", "keywords": ["acme", "@acmehelp"]}],
            "connectors": [
                {"name": "feed", "type": "file", "path": str(self.feed), "batch_size": 20}
            ],
            "slack": {
                "enabled": True,
                "bot_token": "${SLACK_BOT_TOKEN}",
                "base_url": fake.url,
                "post_interval": 0,
            },
        }
        self.config.write_text(yaml.safe_dump(config), encoding="utf-8")
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REPMON_"))},
            "SLACK_BOT_TOKEN": TOKEN,
        }
        self.ids: list[str] = []
        self.cases = 0
        self.follow_ups = 0
        self.clock = datetime.now(UTC) - timedelta(hours=3)

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "monitor", *args, "--config", str(self.config)]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), cwd=self.folder, env=self.env, capture_output=True, text=True,
            timeout=300, check=False,
        )  # fmt: skip

    def killed(self, rng: random.Random, window: float, *args: str) -> bool:
        """Start a command and SIGKILL it at a random point; True if it was still running."""
        process = subprocess.Popen(
            self.command(*args), cwd=self.folder, env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + rng.uniform(0.2, window)
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.005)  # waiting for the kill point, not for a result
            alive = process.poll() is None
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        return alive

    def records(self, round_no: int) -> list[dict[str, Any]]:
        """One round of input: new complainers, follow-ups from last round's, positive noise."""
        out = []

        def add(text: str, author: str, followers: int) -> None:
            self.clock += timedelta(seconds=7)
            external_id = f"r{round_no}-{len(out)}"
            self.ids.append(external_id)
            out.append(
                {
                    "source": "x",
                    "external_id": external_id,
                    "text": f"{text} ({external_id})",
                    "created_at": self.clock.isoformat(),
                    "author": author,
                    "author_followers": followers,
                    "lang": "en",
                }
            )

        for i in range(NEW_AUTHORS):
            add(COMPLAINT, f"angry-r{round_no}-{i}", 5000)
        self.cases += NEW_AUTHORS
        if round_no > 0:
            for i in range(FOLLOW_UPS):
                add(FOLLOW_UP, f"angry-r{round_no - 1}-{i}", 5000)
            self.follow_ups += FOLLOW_UPS
        for i in range(NOISE):
            add("acme fibre is great, love it, thank you", f"fan{round_no}-{i}", 10)
        return out


def check_exact(project: Project, fake: FakeSlack) -> dict[str, int]:
    stored = [r[0] for r in db_rows(project.db, "SELECT external_id FROM mentions")]
    assert len(stored) == len(set(stored)) == len(project.ids), "a mention lost or doubled"
    assert set(stored) == set(project.ids)
    cases = db_rows(project.db, "SELECT id FROM cases")
    assert len(cases) == project.cases, "cases: one per complaining author"
    states = Counter(r[0] for r in db_rows(project.db, "SELECT state FROM outbox"))
    assert set(states) == {"sent"}, states
    cards = db_rows(project.db, "SELECT key FROM outbox WHERE kind = 'card'")
    assert sorted(k for (k,) in cards) == sorted(f"card:{i}" for (i,) in cases)
    threads = db_rows(project.db, "SELECT key FROM outbox WHERE kind = 'thread'")
    assert len(threads) == project.follow_ups
    # What Slack shows: each message carries its key; no key twice, none missing.
    keys = [
        m["metadata"]["event_payload"]["key"]
        for messages in fake.messages.values()
        for m in messages
        if m.get("metadata")
    ]
    doubled = [k for k, n in Counter(keys).items() if n > 1]
    assert doubled == [], f"posted twice: {doubled}"
    assert sorted(k for k in keys if k.startswith("card:")) == sorted(k for (k,) in cards)
    assert len([k for k in keys if k.startswith("mention:")]) == project.follow_ups
    return {"mentions": len(stored), "cases": len(cases), "threads": len(threads)}


@pytest.mark.slow
def test_runs_and_imports_killed_at_random_points_then_rerun_lose_and_double_nothing(tmp_path):
    fake = FakeSlack().start()
    rng = random.Random(SEED)
    project = Project(tmp_path, fake)
    killed_alive = 0
    durations: list[float] = []
    last = {"run": FIRST_WINDOW, "import": FIRST_WINDOW}  # a complete run of each, in seconds
    try:
        for round_no in range(ROUNDS):
            records = project.records(round_no)
            lines = "".join(json.dumps(r) + "\n" for r in records)
            if round_no % 2 == 0:  # new lines for the file connector, then `run --once` killed
                with project.feed.open("a", encoding="utf-8") as stream:
                    stream.write(lines)
                killed_alive += project.killed(rng, last["run"], "run", "--once", "--force")
            else:  # a file for `repmon import`, killed, imported again, then sent by a run
                chunk = tmp_path / f"chunk{round_no}.jsonl"
                chunk.write_text(lines, encoding="utf-8")
                args = ("import", str(chunk), "--batch-size", "15")
                killed_alive += project.killed(rng, last["import"], *args)
                started = time.monotonic()
                rerun = project.run(*args)
                last["import"] = 0.8 * (time.monotonic() - started)
                assert rerun.returncode == 0, rerun.stderr
            started = time.monotonic()
            rerun = project.run("run", "--once", "--force")
            durations.append(time.monotonic() - started)
            last["run"] = 0.8 * durations[-1]
            assert rerun.returncode == 0, rerun.stderr
            figures = check_exact(project, fake)
    finally:
        fake.close()
    # The kill points must really fall inside runs, not after them, or this proves nothing.
    assert killed_alive >= ROUNDS / 2, f"only {killed_alive}/{ROUNDS} kills hit a running process"
    print(
        f"\nkill loop: {ROUNDS} rounds, {killed_alive} killed mid-run, final {figures}, "
        f"rerun took {min(durations):.1f}-{max(durations):.1f} s"
    )
