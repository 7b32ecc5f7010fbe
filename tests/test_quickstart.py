"""The README's first command, end to end through the real CLI: cards, queue, idempotent reruns."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def repmon(*args: str, cwd: Path, stdin: str | None = None, env_db: str | None = None):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REPMON_"))}
    env.pop("DATABASE_URL", None)
    if env_db:
        env["DATABASE_URL"] = env_db
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped config and sample data, as a newcomer's checkout has them."""
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    return tmp_path


def table_count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_run_once_shows_ranked_cards_and_a_second_run_adds_nothing(project: Path):
    first = repmon("run", "--once", cwd=project)
    assert first.returncode == 0, first.stderr
    db = project / "repmon.db"
    mentions, cases, outbox = (table_count(db, t) for t in ("mentions", "cases", "outbox"))
    assert mentions > 300 and cases > 20
    assert first.stdout.count("case #") >= cases  # one card per case (+ thread lines)
    assert "why:" in first.stdout

    second = repmon("run", "--once", "--force", cwd=project)
    assert second.returncode == 0, second.stderr
    assert (table_count(db, "mentions"), table_count(db, "cases"), table_count(db, "outbox")) == (
        mentions,
        cases,
        outbox,
    )
    assert "case #" not in second.stdout  # no card is delivered twice

    again = repmon("import", "samples/mentions.jsonl", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "imported 0 new mentions" in again.stderr
    assert table_count(db, "mentions") == mentions

    queue = repmon("queue", "--format", "json", "--limit", "15", cwd=project)
    assert queue.returncode == 0, queue.stderr
    items = json.loads(queue.stdout)
    assert len(items) == 15
    expected_keys = {
        "id",
        "priority",
        "reasons",
        "status",
        "source",
        "url",
        "author",
        "text",
        "lang",
        "label",
        "rating",
        "opened_at",
    }
    assert all(expected_keys <= set(item) for item in items)
    priorities = [item["priority"] for item in items]
    assert priorities == sorted(priorities, reverse=True)
    assert all(0 <= p <= 1 and item["reasons"] for p, item in zip(priorities, items, strict=True))
    assert all(item["status"] == "routed" for item in items)

    status = repmon("status", "--format", "json", cwd=project)
    assert status.returncode == 0, status.stderr
    data = json.loads(status.stdout)
    demo = data["connectors"][0]
    assert (demo["name"], demo["items"], demo["failures"]) == ("demo", mentions, 0)
    assert data["outbox"]["pending"] == 0 and data["db_revision"]


def test_run_without_once_is_a_usage_error(project: Path):
    result = repmon("run", cwd=project)
    assert result.returncode == 2
    assert "repmon run --once" in result.stderr


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ('{"text": "This is the worst service ever"}', "negative"),
        ('{"text": "Thank you, the support team was wonderful", "id": 7}', "positive"),
        ('{"text": "Nice app, but it logs me out every day.", "rating": 2}', "negative"),
        ('{"text": "Love it, great app!", "rating": 3}', "neutral"),
    ],
)
def test_score_labels_text_and_applies_the_rating_rule(project: Path, line: str, label: str):
    result = repmon("score", cwd=project, stdin=line + "\n")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["label"] == label
    assert {
        "id",
        "lang",
        "compound",
        "pos",
        "neu",
        "neg",
        "label",
        "scorer",
        "coverage",
        "confidence",
    } <= set(out)


def test_score_matches_vader_for_english_and_reports_bad_lines(project: Path):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    text = "The app keeps crashing and nobody answers. Terrible!"
    result = repmon(
        "score", cwd=project, stdin=json.dumps({"text": text, "lang": "en"}) + "\nnot json\n"
    )
    assert result.returncode == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["compound"] == round(
        SentimentIntensityAnalyzer().polarity_scores(text)["compound"], 4
    )
    assert first["scorer"] == "vader"
    assert second == {"line": 2, "error": "not valid JSON: Expecting value"}


@pytest.mark.postgres
def test_run_once_on_postgresql_stores_the_same_as_sqlite(project: Path, pg_url: str):
    upgrade = repmon("db", "upgrade", cwd=project, env_db=pg_url)
    assert upgrade.returncode == 0, upgrade.stderr
    first = repmon("run", "--once", cwd=project, env_db=pg_url)
    assert first.returncode == 0, first.stderr
    second = repmon("run", "--once", "--force", cwd=project, env_db=pg_url)
    assert second.returncode == 0 and "case #" not in second.stdout
    lite = repmon("run", "--once", cwd=project)
    assert lite.returncode == 0

    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    with engine.connect() as connection:
        pg_counts = [
            connection.execute(text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("mentions", "cases", "outbox")
        ]
    engine.dispose()
    db = project / "repmon.db"
    assert pg_counts == [table_count(db, t) for t in ("mentions", "cases", "outbox")]


def test_postgresql_database_must_be_upgraded_explicitly(project: Path, pg_url: str):
    result = repmon("run", "--once", cwd=project, env_db=pg_url)
    assert result.returncode == 2
    assert "repmon db upgrade" in result.stderr
