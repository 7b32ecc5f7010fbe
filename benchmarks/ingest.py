"""Ingest throughput of `repmon import` against raw vaderSentiment, measured in the same run.

    python -m benchmarks.ingest [--sizes 10000,100000] [--repeats 3] [--db sqlite,postgresql]

For each size a deterministic file is generated (`benchmarks.generate`) into a temporary
directory, then, `--repeats` times, interleaved so that machine drift affects both alike:

* repmon's English scorer alone, `FastAnalyzer().polarity_scores` (a result-identical port of
  vaderSentiment's; `port_speedup` says how much faster than the library it is on these texts);
* raw VADER: `SentimentIntensityAnalyzer().polarity_scores` over the same texts (title + ". " +
  text when there is a title, as the pipeline scores them), already in memory, in this process;
* the pipeline: the real CLI, `repmon import FILE --config CFG`, in a fresh subprocess against a
  fresh SQLite database, wall-clock; the child's peak RSS comes from `os.wait4`;
* a re-import of the same file into that database (every line is a duplicate);
* raw VADER in two forked processes at once, each over all the texts: with the one-process
  time, `two_process_capacity` says how much throughput the machine's CPUs give together (2.0
  for two free cores, less when the host shares them: 1.37–2.0 between runs on the VM of
  benchmarks/README.md). The import runs three processes on those CPUs, the baseline one.

The subprocess start-up (interpreter, imports, config, migrations, models) is measured by
importing a one-line file the same way; its median is subtracted, and the un-subtracted figures
are reported too. Every figure is the median of the repeats; the ratio (pipeline mentions/s ÷
raw VADER texts/s) is what is compared against the target, since both sides move with the machine.
The same ratio in CPU seconds (`ratio_cpu`) is reported too: it is steadier when other work
shares the machine (on PostgreSQL it leaves out the server's own CPU time).
Results are merged into benchmarks/results.json under "ingest", one entry per backend.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BACKENDS,
    RESULTS,
    Databases,
    child_env,
    databases,
    machine,
    merge_results,
    repmon_executable,
    stamp,
    write_config,
)
from benchmarks.common import (
    median as _median,
)
from benchmarks.generate import SEED, full_text, write_jsonl

TARGET_RATIO = 0.7
_SUMMARY = re.compile(
    r"imported (?P<stored>\d+) new mentions \((?P<duplicates>\d+) already stored, "
    r"(?P<skipped>\d+) skipped as invalid, (?P<excluded>\d+) excluded as noise\); "
    r"(?P<opened>\d+) cases opened, (?P<joined>\d+) joined".replace(" ", r"\s+")
)
ONE_LINE = {
    # With a `lang` hint: the probe pays only what every import pays (interpreter, imports,
    # config, migrations, scorers). Models loaded on demand (py3langid, only for texts the word
    # votes cannot place) stay in the measured run, so the subtraction never flatters it.
    "source": "x",
    "external_id": "1",
    "text": "@acmehelp no internet since this morning in Austin, is there an outage?",
    "lang": "en",
    "created_at": "2026-11-21T10:00:00+00:00",
    "author": "startup_probe",
    "author_followers": 10,
}


@dataclass(slots=True)
class ChildRun:
    """One `repmon import` subprocess."""

    seconds: float
    cpu_seconds: float
    max_rss_kib: int
    summary: dict[str, int]


@dataclass(slots=True)
class SizeResult:
    size: int
    file_bytes: int
    vader_seconds: list[float] = field(default_factory=list)
    vader_cpu_seconds: list[float] = field(default_factory=list)
    port_seconds: list[float] = field(default_factory=list)
    pair_seconds: list[float] = field(default_factory=list)
    import_runs: list[ChildRun] = field(default_factory=list)
    reimport_runs: list[ChildRun] = field(default_factory=list)
    scorers: dict[str, int] = field(default_factory=dict)


def fresh_database(dbs: Databases, backend: str, name: str) -> tuple[str, Path]:
    """A new empty database and a config for it; PostgreSQL's is migrated here, untimed."""
    url = dbs.url(backend, name)
    if backend != "sqlite":
        from benchmarks.queue import migrate

        migrate(url)
    return url, write_config(dbs.workdir / f"{name}-{backend}.yaml", url)


def run_import(repmon: Path, file: Path, config: Path, workdir: Path) -> ChildRun:
    """Run `repmon import` and return its wall-clock time, peak RSS and summary line."""
    env = child_env()
    log = workdir / "child.log"
    with log.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(
            [str(repmon), "import", str(file), "--config", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            cwd=workdir,
            env=env,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    output = log.read_text(encoding="utf-8", errors="replace")
    match = _SUMMARY.search(output)
    if child.returncode != 0 or match is None:
        raise SystemExit(f"repmon import {file} failed ({child.returncode}):\n{output[-3000:]}")
    summary = {key: int(value) for key, value in match.groupdict().items()}
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(seconds, cpu, int(usage.ru_maxrss), summary)


def time_vader(texts: list[str], *, port: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds for `polarity_scores` over every text (analyzer built beforehand):
    vaderSentiment's own, or with `port` repmon's result-identical `FastAnalyzer`."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from monitor.scoring.vader import FastAnalyzer

    analyzer = FastAnalyzer() if port else SentimentIntensityAnalyzer()
    score = analyzer.polarity_scores
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        score(text)
    return time.perf_counter() - started, time.process_time() - cpu


def time_vader_pair(texts: list[str]) -> float:
    """Wall seconds for two forked processes running raw VADER over every text at once
    (analyzers built before the clock starts): against `time_vader`, what two processes get
    out of the machine together."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    context = multiprocessing.get_context("fork")
    ready = context.Barrier(3)

    def score_all() -> None:
        score = SentimentIntensityAnalyzer().polarity_scores
        ready.wait()
        for text in texts:
            score(text)

    workers = [context.Process(target=score_all) for _ in range(2)]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    if any(worker.exitcode for worker in workers):
        raise RuntimeError("a VADER process of the two-process baseline failed")
    return elapsed


def scorer_counts(url: str) -> dict[str, int]:
    """How many stored mentions each (language, scorer) pair handled, for the record."""
    from sqlalchemy import text

    from db.session import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT coalesce(lang, '?'), scorer, count(*) FROM mentions "
                "GROUP BY 1, 2 ORDER BY 1, 2"
            )
        ).all()
    engine.dispose()
    return {f"{lang}:{scorer}": count for lang, scorer, count in rows}


def measure_startup(
    repmon: Path, dbs: Databases, backend: str, repeats: int
) -> tuple[list[ChildRun], list[ChildRun]]:
    """`repmon import` of one line: into a fresh database, and again into the same one."""
    workdir = dbs.workdir
    probe = workdir / "one.jsonl"
    probe.write_text(json.dumps(ONE_LINE, ensure_ascii=False) + "\n", encoding="utf-8")
    fresh: list[ChildRun] = []
    again: list[ChildRun] = []
    for _ in range(repeats):
        url, config = fresh_database(dbs, backend, "startup")
        fresh.append(run_import(repmon, probe, config, workdir))
        again.append(run_import(repmon, probe, config, workdir))
        dbs.drop(url)
    return fresh, again


def measure_size(
    repmon: Path, dbs: Databases, backend: str, size: int, repeats: int, seed: int
) -> SizeResult:
    workdir = dbs.workdir
    file = write_jsonl(workdir / f"mentions-{size}.jsonl", size, seed)
    with file.open(encoding="utf-8") as lines:
        texts = [full_text(json.loads(line)) for line in lines]
    result = SizeResult(size=size, file_bytes=file.stat().st_size)
    for attempt in range(repeats):
        wall, cpu = time_vader(texts)
        result.vader_seconds.append(wall)
        result.vader_cpu_seconds.append(cpu)
        result.port_seconds.append(time_vader(texts, port=True)[0])
        result.pair_seconds.append(time_vader_pair(texts))
        url, config = fresh_database(dbs, backend, f"bench_{size}")
        result.import_runs.append(run_import(repmon, file, config, workdir))
        result.reimport_runs.append(run_import(repmon, file, config, workdir))
        if attempt == 0:
            result.scorers = scorer_counts(url)
        dbs.drop(url)
        print(
            f"  {backend} {size:>7} #{attempt + 1}: vader {result.vader_seconds[-1]:.2f} s, "
            f"import {result.import_runs[-1].seconds:.2f} s, "
            f"re-import {result.reimport_runs[-1].seconds:.2f} s",
            file=sys.stderr,
            flush=True,
        )
    file.unlink()
    return result


def _rate(items: int, seconds: float) -> float | None:
    """Items per second, or None when start-up subtraction leaves nothing measurable."""
    return round(items / seconds, 1) if seconds > 0 else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 3) if numerator and denominator else None


def summarize(
    result: SizeResult, startup: float, startup_again: float, startup_cpu: float
) -> dict[str, Any]:
    """Medians and the ratio for one size."""
    n = result.size
    vader_rate = n / _median(result.vader_seconds)
    wall = _median([r.seconds for r in result.import_runs])
    rewall = _median([r.seconds for r in result.reimport_runs])
    pipeline_rate = _rate(n, wall - startup)
    pipeline_rate_raw = _rate(n, wall)
    cpu_rate = _rate(n, _median([r.cpu_seconds for r in result.import_runs]) - startup_cpu)
    per_repeat = [
        _ratio(_rate(n, r.seconds - startup), n / v)
        for r, v in zip(result.import_runs, result.vader_seconds, strict=True)
    ]
    return {
        "size": n,
        "file_bytes": result.file_bytes,
        "vader_texts_per_s": round(vader_rate, 1),
        # What the English scorer runs (same scores): how much of the ratio is the port's.
        "port_texts_per_s": round(n / _median(result.port_seconds), 1),
        "port_speedup": round(_median(result.vader_seconds) / _median(result.port_seconds), 2),
        # Two processes' raw VADER throughput over one's: the CPU the machine really had.
        "two_process_capacity": round(
            2 * _median(result.vader_seconds) / _median(result.pair_seconds), 2
        ),
        "pipeline_seconds_median": round(wall, 3),
        "pipeline_mentions_per_s": pipeline_rate,
        "pipeline_mentions_per_s_with_startup": pipeline_rate_raw,
        "ratio": _ratio(pipeline_rate, vader_rate),
        "ratio_with_startup": _ratio(pipeline_rate_raw, vader_rate),
        "ratio_per_repeat": per_repeat,
        # The same ratio in CPU seconds (child user+sys vs this process): steadier when other
        # work shares the machine, since waiting for a core is not counted.
        "ratio_cpu": _ratio(cpu_rate, n / _median(result.vader_cpu_seconds)),
        "peak_rss_mib": round(_median([r.max_rss_kib for r in result.import_runs]) / 1024, 1),
        "reimport_seconds_median": round(rewall, 3),
        # None when the re-import is within the start-up's own spread (small files).
        "reimport_mentions_per_s": _rate(n, rewall - startup_again),
        "reimport_mentions_per_s_with_startup": _rate(n, rewall),
        "reimport_peak_rss_mib": round(
            _median([r.max_rss_kib for r in result.reimport_runs]) / 1024, 1
        ),
        "import_summary": result.import_runs[0].summary,
        "reimport_summary": result.reimport_runs[0].summary,
        "scorers": result.scorers,
        "raw": {
            "vader_seconds": [round(s, 3) for s in result.vader_seconds],
            "vader_cpu_seconds": [round(s, 3) for s in result.vader_cpu_seconds],
            "port_seconds": [round(s, 3) for s in result.port_seconds],
            "vader_two_processes_seconds": [round(s, 3) for s in result.pair_seconds],
            "import_cpu_seconds": [round(r.cpu_seconds, 3) for r in result.import_runs],
            "import_seconds": [round(r.seconds, 3) for r in result.import_runs],
            "import_max_rss_kib": [r.max_rss_kib for r in result.import_runs],
            "reimport_seconds": [round(r.seconds, 3) for r in result.reimport_runs],
            "reimport_max_rss_kib": [r.max_rss_kib for r in result.reimport_runs],
        },
    }


def print_table(report: dict[str, Any]) -> None:
    start = report["startup"]
    print(
        f"start-up (1-line import): fresh db {start['fresh_db_seconds_median']:.2f} s, "
        f"existing db {start['existing_db_seconds_median']:.2f} s, "
        f"peak RSS {start['peak_rss_mib']:.0f} MiB"
    )
    header = (
        f"{'mentions':>9} {'VADER/s':>9} {'pipe/s':>9} {'ratio':>6} {'pipe/s*':>9} {'ratio*':>6} "
        f"{'cpu ratio':>9} {'RSS MiB':>8} {'re-imp/s':>9} {'2-proc':>6}"
    )
    print(header)
    print("-" * len(header))
    columns = (
        ("vader_texts_per_s", 9, ".0f"),
        ("pipeline_mentions_per_s", 9, ".0f"),
        ("ratio", 6, ".2f"),
        ("pipeline_mentions_per_s_with_startup", 9, ".0f"),
        ("ratio_with_startup", 6, ".2f"),
        ("ratio_cpu", 9, ".2f"),
        ("peak_rss_mib", 8, ".0f"),
        ("reimport_mentions_per_s", 9, ".0f"),
        ("two_process_capacity", 6, ".2f"),
    )
    for row in report["sizes"]:
        cells = [
            f"{'n/a':>{width}}" if row[key] is None else f"{row[key]:>{width}{spec}}"
            for key, width, spec in columns
        ]
        print(f"{row['size']:>9} " + " ".join(cells))
    print(
        f"medians of {report['repeats']}; * = start-up included; ratio = pipeline mentions/s ÷ raw "
        f"VADER texts/s (target ≥ {TARGET_RATIO}); 2-proc = two raw VADER processes' "
        "throughput over one's"
    )


def run(
    dbs: Databases, backend: str, *, sizes: list[int], repeats: int, seed: int, command: str
) -> dict[str, Any]:
    """The whole ingest benchmark on one backend: start-up probe, then each size."""
    repmon = repmon_executable()
    print(f"{backend}: start-up probe ×{repeats}", file=sys.stderr, flush=True)
    fresh, again = measure_startup(repmon, dbs, backend, repeats)
    startup = _median([r.seconds for r in fresh])
    startup_again = _median([r.seconds for r in again])
    startup_cpu = _median([r.cpu_seconds for r in fresh])
    rows = []
    for size in sizes:
        print(f"{backend}: size {size}", file=sys.stderr, flush=True)
        measured = measure_size(repmon, dbs, backend, size, repeats, seed)
        rows.append(summarize(measured, startup, startup_again, startup_cpu))
    return {
        "command": command,
        **stamp(),
        "backend": backend,
        "machine": machine(),
        "repeats": repeats,
        "seed": seed,
        "target_ratio": TARGET_RATIO,
        "startup": {
            "fresh_db_seconds_median": round(startup, 3),
            "existing_db_seconds_median": round(startup_again, 3),
            "peak_rss_mib": round(_median([r.max_rss_kib for r in fresh]) / 1024, 1),
            "fresh_db_cpu_seconds_median": round(startup_cpu, 3),
            "fresh_db_seconds": [round(r.seconds, 3) for r in fresh],
            "existing_db_seconds": [round(r.seconds, 3) for r in again],
        },
        "sizes": rows,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="repmon import throughput vs raw VADER")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated mention counts")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--db", default="sqlite", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    backends = [b for b in args.db.split(",") if b]
    if unknown := set(backends) - set(BACKENDS):
        parser.error(f"unknown --db {', '.join(sorted(unknown))}")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    command = " ".join(["python -m benchmarks.ingest", *(argv or sys.argv[1:])])
    reports = {}
    with tempfile.TemporaryDirectory(prefix="repmon-bench-") as tmp, databases(Path(tmp)) as dbs:
        for backend in backends:
            reports[backend] = run(
                dbs, backend, sizes=sizes, repeats=args.repeats, seed=args.seed, command=command
            )
    merge_results("ingest", reports, args.out)
    for backend, report in reports.items():
        print(f"== {backend}")
        print_table(report)
    print(f"results merged into {args.out} (ingest)")


if __name__ == "__main__":
    main()
