"""`repmon import` through the real entry point on SQLite: exactly once, bad lines, kills."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "mentions.jsonl"
CREATED = "2026-11-08T10:00:00Z"


@dataclass
class Project:
    folder: Path
    config: Path
    db: Path


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """The shipped config.yaml, copied to tmp_path, with its database in tmp_path too."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    db = tmp_path / "store" / "repmon.db"
    db.parent.mkdir()
    data["database"]["url"] = f"sqlite:///{db}"
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return Project(tmp_path, config, db)


def repmon_cmd(project: Project, *args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args, "--config", str(project.config)]


def repmon(
    project: Project, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        repmon_cmd(project, *args),
        cwd=project.folder,
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


@contextlib.contextmanager
def database(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}?mode=rw"
    connection = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        yield connection
    finally:
        connection.close()


def scalar(db: Path, sql: str) -> Any:
    with database(db) as connection:
        return connection.execute(sql).fetchone()[0]


def stored_keys(db: Path) -> list[tuple[str, str]]:
    with database(db) as connection:
        return [
            tuple(row) for row in connection.execute("SELECT source, external_id FROM mentions")
        ]


def table_counts(db: Path) -> dict[str, int]:
    tables = ("mentions", "authors", "cases", "case_events", "outbox")
    return {t: scalar(db, f"SELECT count(*) FROM {t}") for t in tables}


# --- What the samples should give, worked out from the file and the config -------------------


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def expected_from(lines: list[str], exclude: list[str]) -> tuple[set[tuple[str, str]], int]:
    """(source, external_id) pairs that should be stored, and how many records are noise.

    Noise: the title or text contains one of the brand's `exclude` phrases as whole words,
    compared case- and accent-insensitively.
    """
    patterns = [re.compile(rf"(?<!\w){re.escape(fold(term))}(?!\w)") for term in exclude]
    keep: set[tuple[str, str]] = set()
    noise: set[tuple[str, str]] = set()
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        key = (record["source"].strip().lower(), str(record["external_id"]).strip())
        title = record.get("title")
        folded = fold(f"{title}. {record['text']}" if title else record["text"])
        (noise if any(p.search(folded) for p in patterns) else keep).add(key)
    return keep - noise, len(noise)


def sample_lines() -> list[str]:
    return SAMPLES.read_text(encoding="utf-8").splitlines()


def brand_exclude(project: Project) -> list[str]:
    data = yaml.safe_load(project.config.read_text(encoding="utf-8"))
    return [term for brand in data["brands"] for term in brand["exclude"]]


# --- Samples ---------------------------------------------------------------------------------


def test_importing_the_samples_stores_every_valid_line_once_and_again_adds_nothing(project):
    lines = sample_lines()
    expected, noise = expected_from(lines, brand_exclude(project))
    assert noise > 0 and len(expected) > 300  # the samples do contain noise and real mentions

    first = repmon(project, "import", str(SAMPLES))

    assert first.returncode == 0, first.stderr
    keys = stored_keys(project.db)
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == expected
    counts = table_counts(project.db)
    assert counts["cases"] > 0

    again = repmon(project, "import", str(SAMPLES))

    assert again.returncode == 0, again.stderr
    assert table_counts(project.db) == counts


def test_import_from_stdin(project):
    lines = sample_lines()[:80]
    expected, _ = expected_from(lines, brand_exclude(project))

    result = repmon(project, "import", "-", stdin=("\n".join(lines) + "\n").encode("utf-8"))

    assert result.returncode == 0, result.stderr
    assert sorted(stored_keys(project.db)) == sorted(expected)


def test_an_error_quoting_brackets_prints_them_as_they_are(project):
    """Error text is not rich markup: a file named like a style tag is printed verbatim."""
    result = repmon(project, "import", "[bold]missing[/].jsonl")

    assert result.returncode == 2
    assert "cannot open [bold]missing[/].jsonl" in result.stderr


def test_bad_lines_are_skipped_counted_and_logged_with_their_line_numbers(project):
    good = [
        {"source": "x", "external_id": f"g{i}", "text": f"acme post {i}", "created_at": CREATED}
        for i in range(5)
    ]
    lines = [
        json.dumps(good[0]),
        json.dumps(good[1]),
        '{"source": "x", "external_id": "broken", "text": "acme',  # line 3: not JSON
        json.dumps(good[2]),
        json.dumps(good[3]),
        json.dumps({"source": "x", "external_id": "no-date", "text": "acme"}),  # line 6
        json.dumps(good[4]),
        json.dumps({**good[0], "external_id": "huge", "author_followers": 2**63}),  # line 8
    ]
    path = project.folder / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = repmon(project, "import", str(path))

    assert result.returncode == 1, result.stderr
    assert sorted(stored_keys(project.db)) == sorted(("x", f"g{i}") for i in range(5))
    assert re.search(r"\b3 skipped", result.stderr), result.stderr
    assert re.search(r"line 3 skipped: not valid JSON", result.stderr), result.stderr
    assert re.search(r"line 6 skipped: created_at", result.stderr), result.stderr
    assert re.search(r"line 8 skipped: author_followers", result.stderr), result.stderr
    assert "line 1 " not in result.stderr and "line 7 " not in result.stderr


@pytest.mark.parametrize("workers", ["0", "1"], ids=["inline", "worker"])
def test_json_nested_too_deep_or_a_huge_number_skips_its_line_not_the_batch(project, workers):
    """Both make Python's JSON decoder raise something other than JSONDecodeError."""
    good = [
        json.dumps({"source": "x", "external_id": f"g{i}", "text": "acme", "created_at": CREATED})
        for i in range(3)
    ]
    deep = "[" * 100_000 + "]" * 100_000
    huge = '{"source": "x", "external_id": "n", "text": "acme", "rating": ' + "9" * 5000 + "}"
    path = project.folder / "hostile.jsonl"
    path.write_text("\n".join([good[0], deep, good[1], huge, good[2]]) + "\n", encoding="utf-8")

    result = repmon(project, "import", str(path), "--workers", workers)

    assert result.returncode == 1, result.stderr
    assert sorted(stored_keys(project.db)) == [("x", "g0"), ("x", "g1"), ("x", "g2")]
    assert "line 2 skipped: not valid JSON (nested too deeply)" in result.stderr
    assert re.search(r"line 4 skipped: not valid JSON \(.*digits", result.stderr), result.stderr
    assert re.search(r"\b2 skipped", result.stderr), result.stderr


def test_csv_import(project):
    fields = ["source", "external_id", "text", "created_at", "author", "rating", "title", "metrics"]
    rows = [
        {
            "source": "appstore",
            "external_id": "r1",
            "text": "Acme app crashes.\nEvery time.",
            "created_at": CREATED,
            "author": "kev",
            "rating": "1",
            "title": "Broken",
            "metrics": json.dumps({"helpful": 4}),
        },
        {
            "source": "x",
            "external_id": "t1",
            "text": 'acme said "soon", with a comma',
            "created_at": "2026-11-08T12:00:00+02:00",
            "author": "@ana",
            "rating": "",
            "title": "",
            "metrics": "",
        },
    ]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path = project.folder / "reviews.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")

    result = repmon(project, "import", str(path))

    assert result.returncode == 0, result.stderr
    with database(project.db) as connection:
        stored = {
            row[0]: row[1:]
            for row in connection.execute(
                "SELECT external_id, text, rating, title, metrics, created_at FROM mentions"
            )
        }
    assert set(stored) == {"r1", "t1"}
    text, rating, title, metrics, _ = stored["r1"]
    assert (text, rating, title, json.loads(metrics)) == (
        "Acme app crashes.\nEvery time.",
        1,
        "Broken",
        {"helpful": 4},
    )
    assert stored["t1"][0] == 'acme said "soon", with a comma'
    assert stored["t1"][1] is None
    assert stored["t1"][4].startswith("2026-11-08 10:00:00")


# --- Killed mid-way --------------------------------------------------------------------------

KILL_LINES = 20_000
KILL_BATCH = 200
MIN_PRIORITY = 0.3  # ranking.min_priority in the shipped config.yaml


def write_kill_input(path: Path) -> list[str]:
    """Mostly short positive posts (cheap); one complaint in 25, from 600 authors (cases, joins)."""
    t0 = datetime(2026, 11, 8, 6, tzinfo=UTC)
    ids = []
    with path.open("w", encoding="utf-8") as stream:
        for i in range(KILL_LINES):
            record: dict[str, Any] = {
                "source": "x",
                "external_id": f"kill-{i}",
                "created_at": (t0 + timedelta(seconds=20 * i)).isoformat(),
                "lang": "en",
            }
            if i % 25 == 0:
                record["text"] = (
                    f"@acmehelp internet down for two days, worst service ever, refund me ({i})"
                )
                record["author"] = f"angry{(i // 25) % 600}"
                record["author_followers"] = 500
            else:
                record["text"] = f"acme fibre is great #{i}"
            stream.write(json.dumps(record) + "\n")
            ids.append(record["external_id"])
    return ids


def committed_rows(db: Path) -> int:
    """Rows another process has committed so far; 0 while the database or table does not exist."""
    if not db.exists():
        return 0
    try:
        with database(db, read_only=True) as connection:
            return int(connection.execute("SELECT count(*) FROM mentions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def assert_consistent(db: Path) -> None:
    """Whatever was committed is whole: mentions unique, one case and one card per opener."""
    with database(db) as connection:

        def one(sql: str) -> int:
            return int(connection.execute(sql).fetchone()[0])

        def column(sql: str) -> set[Any]:
            return {row[0] for row in connection.execute(sql)}

        keys = "SELECT count(DISTINCT source || ':' || external_id) FROM mentions"
        assert one("SELECT count(*) FROM mentions") == one(keys)
        dangling = (
            "SELECT count(*) FROM mentions m LEFT JOIN cases c ON c.id = m.case_id "
            "WHERE m.case_id IS NOT NULL AND c.id IS NULL"
        )
        assert one(dangling) == 0, "a mention points at a case that does not exist"
        cases = one("SELECT count(*) FROM cases")
        assert one("SELECT count(DISTINCT mention_id) FROM cases") == cases, "a mention, 2 cases"
        linked = (
            "SELECT count(*) FROM cases c JOIN mentions m ON m.id = c.mention_id "
            "WHERE m.case_id = c.id"
        )
        assert one(linked) == cases, "a case's first mention is not linked to it"
        twice = (
            "SELECT count(*) FROM (SELECT author_id FROM cases WHERE author_id IS NOT NULL "
            "GROUP BY author_id HAVING count(*) > 1)"
        )
        assert one(twice) == 0, "an author has two open cases"
        cards = column("SELECT key FROM outbox WHERE key LIKE 'card:%'")
        assert cards == {f"card:{i}" for i in column("SELECT id FROM cases")}
        caseless = (
            f"SELECT count(*) FROM mentions WHERE priority >= {MIN_PRIORITY} AND case_id IS NULL"
        )
        assert one(caseless) == 0, "a ranked complaint was stored without its case"


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.15, 0.45, 0.75], ids=["early", "middle", "late"])
def test_import_killed_mid_way_then_rerun_stores_every_line_exactly_once(project, fraction):
    source = project.folder / "big.jsonl"
    ids = write_kill_input(source)
    target = int(KILL_LINES * fraction)
    stderr_log = project.folder / "killed.stderr"

    with stderr_log.open("wb") as stderr:
        process = subprocess.Popen(
            repmon_cmd(project, "import", str(source), "--batch-size", str(KILL_BATCH)),
            cwd=project.folder,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 60
            while (seen := committed_rows(project.db)) < target:
                assert process.poll() is None, (
                    f"import ended (exit {process.returncode}) before {target} rows: "
                    + stderr_log.read_text(errors="replace")
                )
                assert time.monotonic() < deadline, f"only {seen} rows committed after 60 s"
                time.sleep(0.01)  # polling interval; the loop above is the synchronisation
            process.send_signal(signal.SIGKILL)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    partial = committed_rows(project.db)
    assert target <= partial < KILL_LINES
    assert partial % KILL_BATCH == 0  # whole batches only: one transaction each
    assert_consistent(project.db)

    rerun = repmon(project, "import", str(source), "--batch-size", str(KILL_BATCH))

    assert rerun.returncode == 0, rerun.stderr
    assert f"imported {KILL_LINES - partial} new mentions" in " ".join(rerun.stderr.split())
    with database(project.db) as connection:
        stored = [row[0] for row in connection.execute("SELECT external_id FROM mentions")]
    assert len(stored) == len(set(stored)) == KILL_LINES
    assert set(stored) == set(ids)
    assert_consistent(project.db)
    assert scalar(project.db, "SELECT count(*) FROM cases") > 0
    assert scalar(project.db, "SELECT count(*) FROM outbox WHERE key LIKE 'card:%'") == scalar(
        project.db, "SELECT count(*) FROM cases"
    )
