"""Analysis ahead in worker processes (`monitor.parallel`): the same database as inline, in order,
errors surfaced, and no worker outlives a killed importer."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, text

from benchmarks.common import write_config
from benchmarks.generate import write_jsonl
from connectors.filereader import RecordReader
from db import repository
from monitor.app import App
from monitor.config import load_config
from monitor.models import Mention
from monitor.parallel import AheadIngest, available_workers, default_workers, read_batches
from monitor.pipeline import Analysis, Analyzer, BatchResult
from tests.processes import wait_for

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LINES = 3_000
BATCH = 250
#: Columns that record when this process ran, not what it decided.
WALL_CLOCK = {"fetched_at", "created_at_db"}
TABLES = {
    "mentions": "source, external_id",
    "authors": "source, handle",
    "cases": "id",
    "case_events": "id",
    "outbox": "key",
}

pytestmark = pytest.mark.skipif(available_workers() == 0, reason="needs fork (Linux)")


@dataclass
class Imported:
    results: list[BatchResult]
    tables: dict[str, list[dict[str, Any]]]
    analysed_here: int  # mentions the importing process analysed itself


def import_with(
    workers: int,
    file: Path,
    config: Path,
    *,
    batch: int = BATCH,
    raw: bool = False,
    commit_every: int = 1,
) -> Imported:
    """Import `file` in-process with a fixed clock; every batch's result and every table."""
    application = App.open(load_config(config), clock=lambda: NOW, upgrade=True)
    analyzer = application.pipeline.analyzer
    analyze = analyzer.analyze
    here = os.getpid()
    analysed_here = 0

    def counting(mention: Mention) -> Analysis | None:
        nonlocal analysed_here
        analysed_here += os.getpid() == here  # forked workers inherit this wrapper
        return analyze(mention)

    analyzer.analyze = counting  # type: ignore[method-assign]
    try:
        with file.open("rb") as stream:
            reader = RecordReader(stream, fmt="jsonl", connector="import", label=file.name)
            ahead_ingest = AheadIngest(
                application.pipeline, workers=workers, commit_every=commit_every
            )
            with ahead_ingest as ahead:
                batches = read_batches(reader, batch, raw=raw)
                results = [r for _offset, r in ahead.run(batches)]
        with application.engine.connect() as connection:
            tables = {
                table: [
                    {k: v for k, v in row._mapping.items() if k not in WALL_CLOCK}
                    for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                ]
                for table, order in TABLES.items()
            }
    finally:
        application.engine.dispose()
    return Imported(results, tables, analysed_here)


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "mentions.jsonl", LINES, seed=7)


@pytest.mark.parametrize("raw", [True, False], ids=["raw-lines", "mentions"])
def test_two_workers_store_exactly_what_the_inline_import_stores(
    generated, tmp_path, db_url, request, raw
):
    """Workers got each batch's raw lines to parse (the CLI's way for JSON Lines) or its
    mentions parsed by the importer."""
    if db_url.startswith("postgresql"):
        other_url = request.getfixturevalue("pg_database_factory")()
    else:
        other_url = f"sqlite:///{tmp_path}/b.db"
    inline = import_with(0, generated, write_config(tmp_path / "a.yaml", db_url))
    ahead = import_with(2, generated, write_config(tmp_path / "b.yaml", other_url), raw=raw)

    inline_results, inline_tables = inline.results, inline.tables
    ahead_results, ahead_tables = ahead.results, ahead.tables
    assert [r.as_dict() for r in ahead_results] == [r.as_dict() for r in inline_results]
    assert sum(r.received for r in inline_results) == LINES
    for table in TABLES:
        assert ahead_tables[table] == inline_tables[table], table
    # Every analysis came from the workers (the pipeline would quietly fill in any gap).
    assert inline.analysed_here > LINES * 0.9
    assert ahead.analysed_here == 0
    # The comparison means something: the file made cases, joins and cards.
    assert len(inline_tables["cases"]) > 50
    assert sum(r.cases_joined for r in inline_results) > 50
    assert sum(r.excluded for r in inline_results) > 0


def test_workers_bind_the_mention_columns_ahead_on_sqlite(generated, tmp_path, db_url, monkeypatch):
    """On SQLite the workers also bind created_at, metrics and raw for the insert (the test
    above shows the stored bytes are the same); PostgreSQL's insert takes plain values."""
    flags: list[bool] = []
    insert = repository.insert_mention_values

    def recording(session: Any, values: Any, *, bound_ahead: bool = False) -> Any:
        flags.append(bound_ahead)
        return insert(session, values, bound_ahead=bound_ahead)

    monkeypatch.setattr(repository, "insert_mention_values", recording)
    import_with(2, generated, write_config(tmp_path / "w.yaml", db_url), raw=True)
    assert len(flags) >= LINES // BATCH
    assert set(flags) == {db_url.startswith("sqlite")}


def stored_keys(config: Path) -> list[tuple[str, str]]:
    application = App.open(load_config(config), upgrade=False)
    with application.engine.connect() as connection:
        rows = connection.execute(text("SELECT source, external_id FROM mentions")).all()
    application.engine.dispose()
    return [(source, external_id) for source, external_id in rows]


def stored_count(config: Path) -> int:
    application = App.open(load_config(config), upgrade=False)
    with application.engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM mentions")).scalar_one()
    application.engine.dispose()
    return int(count)


@pytest.mark.parametrize("workers", [0, 2])
def test_batches_grouped_in_one_transaction_store_what_a_commit_per_batch_stores(
    generated, tmp_path, workers
):
    """A bulk import commits every `commit_every` lines, not every batch: the same rows and the
    same per-batch results, in a quarter of the commits, each result handed out only once its
    batch is committed (another connection sees it)."""
    expected = import_with(
        0, generated, write_config(tmp_path / "a.yaml", f"sqlite:///{tmp_path}/a.db")
    )
    url = f"sqlite:///{tmp_path}/b.db"
    application = App.open(
        load_config(write_config(tmp_path / "b.yaml", url)), clock=lambda: NOW, upgrade=True
    )
    commits: list[int] = []
    event.listen(application.engine, "commit", lambda _connection: commits.append(1))
    observer = create_engine(url)
    results: list[BatchResult] = []
    visible: list[int] = []
    try:
        with generated.open("rb") as stream:
            reader = RecordReader(stream, fmt="jsonl", connector="import", label="g")
            with AheadIngest(
                application.pipeline, workers=workers, commit_every=4 * BATCH
            ) as ahead:
                for _offset, result in ahead.run(read_batches(reader, BATCH, raw=bool(workers))):
                    results.append(result)
                    with observer.connect() as connection:
                        visible.append(
                            connection.execute(text("SELECT count(*) FROM mentions")).scalar_one()
                        )
        with application.engine.connect() as connection:
            mentions = [
                {k: v for k, v in row._mapping.items() if k not in WALL_CLOCK}
                for row in connection.execute(
                    text(f"SELECT * FROM mentions ORDER BY {TABLES['mentions']}")
                )
            ]
    finally:
        application.engine.dispose()
        observer.dispose()

    assert [r.as_dict() for r in results] == [r.as_dict() for r in expected.results]
    assert mentions == expected.tables["mentions"]
    batches = LINES // BATCH
    assert [r.received for r in results][:batches] == [BATCH] * batches
    assert len(commits) == batches // 4
    stored_so_far = [sum(r.stored for r in results[: i + 1]) for i in range(len(results))]
    assert all(seen >= stored for seen, stored in zip(visible, stored_so_far, strict=True))
    # The first result of a group arrives with the whole group committed, not before.
    assert visible[0] == stored_so_far[3] > stored_so_far[0]


@pytest.mark.parametrize(("commit_every", "committed"), [(1, 7), (3 * BATCH, 6)])
def test_a_worker_error_fails_the_import_and_keeps_the_batches_committed_before(
    generated, tmp_path, monkeypatch, commit_every, committed
):
    """The analyzer is broken for one text of batch 7 (in the workers too: they are forked after
    this). One commit a batch keeps batches 0-6; a commit every three batches keeps 0-5 (the
    open transaction, batches 6-7, is rolled back whole)."""
    lines = generated.read_text(encoding="utf-8").splitlines(keepends=True)
    before = tmp_path / "before.jsonl"
    before.write_text("".join(lines[: committed * BATCH]), encoding="utf-8")
    expected_config = write_config(tmp_path / "e.yaml", f"sqlite:///{tmp_path}/e.db")
    import_with(0, before, expected_config)
    marker = "POISON-PILL"
    poisoned = 7 * BATCH + 3
    lines[poisoned] = lines[poisoned].replace('"text": "', f'"text": "{marker} ', 1)
    generated.write_text("".join(lines), encoding="utf-8")
    analyze = Analyzer.analyze

    def broken(self: Analyzer, mention: Any) -> Any:
        if mention.text.startswith(marker):
            raise RuntimeError("analyzer bug")
        return analyze(self, mention)

    monkeypatch.setattr(Analyzer, "analyze", broken)
    config = write_config(tmp_path / "c.yaml", f"sqlite:///{tmp_path}/c.db")

    with pytest.raises(RuntimeError, match="analyzer bug"):
        import_with(2, generated, config, raw=True, commit_every=commit_every)

    # The batches committed before, in order; nothing of the poisoned batch or after it.
    assert stored_count(config) == stored_count(expected_config) > (committed - 1) * BATCH


def children_of(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid …; comm may contain spaces, so split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_die_with_a_killed_importer(generated, tmp_path):
    big = write_jsonl(tmp_path / "big.jsonl", 4 * LINES, seed=8)  # long enough to be killed
    config = write_config(tmp_path / "k.yaml", f"sqlite:///{tmp_path}/k.db")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "monitor",
            "import",
            str(big),
            "--workers",
            "2",
            "--config",
            str(config),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(children_of(process.pid)) >= 2, seconds=60, what="two workers")
        workers = children_of(process.pid)
        time.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        wait_for(lambda: not any(alive(pid) for pid in workers), seconds=10, what="workers gone")
    finally:
        if process.poll() is None:
            process.kill()
        for pid in children_of(process.pid):
            os.kill(pid, signal.SIGKILL)


def test_bad_lines_parsed_by_workers_are_counted_and_logged_once_with_their_line_numbers(
    generated, tmp_path, caplog
):
    lines = generated.read_text(encoding="utf-8").splitlines(keepends=True)
    bad = {5: "{not json\n", 260: '{"source": "x"}\n', 1001: "[1, 2]\n"}
    for index, line in bad.items():
        lines.insert(index, line)
    generated.write_text("".join(lines), encoding="utf-8")
    inline_config = write_config(tmp_path / "e.yaml", f"sqlite:///{tmp_path}/e.db")
    expected = import_with(0, generated, inline_config, raw=True)  # the same batches: lines
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="connectors.filereader"):
        ahead = import_with(
            2, generated, write_config(tmp_path / "c.yaml", f"sqlite:///{tmp_path}/c.db"), raw=True
        )

    assert sum(r.skipped for r in ahead.results) == len(bad)
    assert sum(r.received for r in ahead.results) == LINES + len(bad)
    for table in TABLES:
        assert ahead.tables[table] == expected.tables[table], table
    assert ahead.analysed_here == 0
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert [message.split(":")[0] for message in skipped] == [
        f"{generated.name} line {index + 1} skipped" for index in sorted(bad)
    ]


def test_a_reimport_analyses_nothing_already_stored(generated, tmp_path, monkeypatch):
    """Workers look stored keys up before analysing (the rerun of an interrupted import reads
    the file from the start): the analyzer is broken for every stored mention, yet the rerun
    succeeds. Lines dropped as noise were not stored, so they are analysed again."""
    config = write_config(tmp_path / "c.yaml", f"sqlite:///{tmp_path}/c.db")
    first = import_with(2, generated, config, raw=True)
    stored = set(stored_keys(config))
    assert len(stored) > LINES * 0.9
    analyze = Analyzer.analyze

    def broken(self: Analyzer, mention: Any) -> Any:
        if (mention.source, mention.external_id) in stored:
            raise RuntimeError("analysed again")
        return analyze(self, mention)

    monkeypatch.setattr(Analyzer, "analyze", broken)
    again = import_with(2, generated, config, raw=True)

    assert set(stored_keys(config)) == stored
    assert sum(r.duplicates for r in again.results) == len(stored)
    assert sum(r.excluded for r in again.results) == sum(r.excluded for r in first.results) > 0
    assert again.analysed_here == 0


@pytest.mark.parametrize(("cpus", "workers"), [(1, 1), (2, 2), (3, 2), (4, 3), (8, 7)])
def test_default_workers_keep_every_cpu_busy_and_one_for_storing(monkeypatch, cpus, workers):
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cpus)))
    assert default_workers() == workers


@pytest.mark.parametrize("raw", [True, False], ids=["raw-lines", "mentions"])
def test_batches_start_small_and_grow_to_the_batch_size_reading_every_line_once(generated, raw):
    """The storing process waits for the first batch's analysis: it starts small."""
    with generated.open("rb") as stream:
        reader = RecordReader(stream, fmt="jsonl", connector="import", label=generated.name)
        batches = list(read_batches(reader, 500, raw=raw, first=50))
    parsed = [
        work.batch.parse()[0] if not isinstance(work.batch, list) else work.batch
        for work in batches
    ]
    sizes = [len(mentions) for mentions in parsed]
    # Half as many again each time, then the batch size; the last holds what is left.
    assert sizes == [50, 76, 115, 173, 260, 391, 500, 500, 500, 435]
    assert sum(sizes) == LINES
    ids = [m.external_id for mentions in parsed for m in mentions]
    assert len(set(ids)) == LINES
    offsets = [work.tag for work in batches]
    assert offsets == sorted(offsets) and offsets[-1] == generated.stat().st_size


def test_without_a_first_size_every_batch_has_the_batch_size(generated):
    with generated.open("rb") as stream:
        reader = RecordReader(stream, fmt="jsonl", connector="import", label=generated.name)
        sizes = [len(work.batch.parse()[0]) for work in read_batches(reader, 1000, raw=True)]
    # (an empty last batch when the file ends on a batch boundary: EOF shows on the next read)
    assert [size for size in sizes if size] == [1000, 1000, 1000]
