"""One entry point for every benchmark: run them, print a table, merge benchmarks/results.json.

    python -m benchmarks [--only ingest,queue,cards,memory,report] [--db sqlite,postgresql]
                         [--size tiny|small|full] [--out benchmarks/results.json]

`tiny` is a smoke run (seconds, figures meaningless), `small` a few minutes, `full` the sizes the
README quotes (a million cases, a million-line import; about an hour on 2 cores). One
PostgreSQL cluster is started for the run (tests/pg.py) and removed at the end. Each benchmark
replaces its own entry in results.json, per backend; the others are kept.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks import cards, ingest, memory, queue
from benchmarks.common import BACKENDS, RESULTS, Databases, databases, log, machine, merge_results
from benchmarks.generate import SEED

NAMES = ("ingest", "queue", "cards", "memory", "report")
SIZES: dict[str, dict[str, dict[str, Any]]] = {
    "tiny": {
        "ingest": {"sizes": [300], "repeats": 1},
        "queue": {"cases": 2_000, "repeats": 1, "exhaustive_repeats": 1},
        "cards": {"cards": 5, "repeats": 2, "paced": False},
        "memory": {"sizes": [300]},
    },
    "small": {
        "ingest": {"sizes": [10_000], "repeats": 3},
        "queue": {"cases": 100_000, "repeats": 5, "exhaustive_repeats": 3},
        "cards": {"cards": 100, "repeats": 9, "paced": True},
        "memory": {"sizes": [10_000, 100_000]},
    },
    "full": {
        "ingest": {"sizes": [10_000, 100_000], "repeats": 3},
        "queue": {"cases": 1_000_000, "repeats": 5, "exhaustive_repeats": 3},
        "cards": {"cards": 500, "repeats": 9, "paced": True},
        "memory": {"sizes": [10_000, 100_000, 1_000_000]},
    },
}
Row = tuple[str, str, str, str, str, str]


def run_ingest(dbs: Databases, backends: list[str], size: str, command: str) -> dict[str, Any]:
    opts = SIZES[size]["ingest"]
    return {
        b: ingest.run(
            dbs, b, sizes=opts["sizes"], repeats=opts["repeats"], seed=SEED, command=command
        )
        for b in backends
    }


def run_queue(dbs: Databases, backends: list[str], size: str, command: str) -> dict[str, Any]:
    return queue.run(dbs, backends, **SIZES[size]["queue"])


def run_cards(dbs: Databases, backends: list[str], size: str, command: str) -> dict[str, Any]:
    return cards.run(dbs, backends, **SIZES[size]["cards"])


def run_memory(dbs: Databases, backends: list[str], size: str, command: str) -> dict[str, Any]:
    return memory.run(dbs, backends, **SIZES[size]["memory"])


#: Mentions for the daily report benchmark (benchmarks/report.py) at each size, and repeats.
REPORT_SIZES = {"tiny": (2_000, 1), "small": (100_000, 3), "full": (1_000_000, 3)}


def run_report(dbs: Databases, backends: list[str], size: str, command: str) -> dict[str, Any]:
    """benchmarks/report.py is written separately: used when present (through its
    `run_backend(backend, size, repeats, workdir)`), reported as missing otherwise."""
    try:
        module = importlib.import_module("benchmarks.report")
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks.report":
            raise
        return {"skipped": "benchmarks/report.py is not there yet"}
    runner = getattr(module, "run_backend", None)
    if not callable(runner):
        return {"skipped": "benchmarks/report.py has no run_backend(backend, size, repeats, dir)"}
    mentions, repeats = REPORT_SIZES[size]
    results = {}
    for backend in backends:
        workdir = dbs.workdir / f"report-{backend}"
        workdir.mkdir(exist_ok=True)
        results[backend] = runner(backend, mentions, repeats, workdir)
    return results


RUNNERS: dict[str, Callable[[Databases, list[str], str, str], dict[str, Any]]] = {
    "ingest": run_ingest,
    "queue": run_queue,
    "cards": run_cards,
    "memory": run_memory,
    "report": run_report,
}


def _f(value: Any, spec: str = ",.0f", suffix: str = "") -> str:
    return "–" if value is None else f"{value:{spec}}{suffix}"


def summary_rows(name: str, results: dict[str, Any]) -> list[Row]:
    """(benchmark, backend, figure, value, baseline in the same run, ratio) for the table."""
    rows: list[Row] = []
    if "skipped" in results:
        return [(name, "", "skipped", str(results["skipped"]), "", "")]
    for backend, r in results.items():
        if not isinstance(r, dict):
            continue
        if name == "ingest":
            for s in r["sizes"]:
                rows.append(
                    (
                        name,
                        backend,
                        f"{s['size']:,} mentions: import mentions/s",
                        _f(s["pipeline_mentions_per_s"]),
                        f"raw VADER {_f(s['vader_texts_per_s'])} texts/s "
                        f"(repmon's port {_f(s.get('port_texts_per_s'))})",
                        _f(s["ratio"], ".2f"),
                    )
                )
        elif name == "queue":
            rows.append(
                (
                    name,
                    backend,
                    f"{r['cases']:,} cases ({r['open_cases']:,} open): queue query",
                    _f(r["query_seconds_median"] * 1000, ",.0f", " ms"),
                    "re-rank every open case "
                    + _f((r["baseline_exhaustive_seconds_median"] or 0) * 1000, ",.0f", " ms"),
                    _f(r["ratio_query_to_exhaustive"], ".3f"),
                )
            )
            rows.append(
                (
                    name,
                    backend,
                    "`repmon queue --limit 50` end to end",
                    _f(r["cli_seconds_median"], ".2f", " s"),
                    f"empty db {_f(r['baseline_cli_empty_db_seconds_median'], '.2f', ' s')}",
                    _f(r["ratio_cli_to_baseline"], ".2f"),
                )
            )
        elif name == "cards":
            rows.append(
                (
                    name,
                    backend,
                    "one new case → card posted (median)",
                    _f(r["single_latency_ms_median"], ".0f", " ms"),
                    f"p90 {_f(r['single_latency_ms_p90'], '.0f', ' ms')}",
                    "",
                )
            )
            rows.append(
                (
                    name,
                    backend,
                    f"burst of {r['cards']}: cards/s",
                    _f(r["cards_per_s"], ",.1f"),
                    f"raw chat.postMessage {_f(r['baseline_raw_posts_per_s'])}/s",
                    _f(r["ratio"], ".3f"),
                )
            )
        elif name == "memory":
            base = r["baseline_one_line_peak_rss_mib"]
            langid = r.get("baseline_langid_peak_rss_mib")
            baseline = f"1-line import {base:.0f} MiB"
            if langid:
                baseline += f" ({langid:.0f} MiB if it loads py3langid)"
            for s in r["sizes"]:
                rows.append(
                    (
                        name,
                        backend,
                        f"{s['size']:,} lines: import peak RSS",
                        _f(s["peak_rss_mib"], ".0f", " MiB"),
                        baseline,
                        _f(s["peak_rss_mib"] / base, ".2f"),
                    )
                )
        elif name == "report" and "seconds" in r:
            rows.append(
                (
                    name,
                    backend,
                    f"{r.get('size', 0):,} mentions: daily report",
                    _f(r["seconds"], ".2f", " s"),
                    f"database {_f(r.get('database_seconds'), '.2f', ' s')}, "
                    f"files {_f(r.get('files_seconds'), '.2f', ' s')}",
                    "",
                )
            )
        else:
            for key, value in r.items():
                if isinstance(value, int | float) and not isinstance(value, bool):
                    rows.append((name, backend, key, _f(value, ",.3g"), "", ""))
    return rows


def print_table(console: Console, rows: list[Row], title: str) -> None:
    table = Table(title=title)
    for column, justify in (
        ("benchmark", "left"),
        ("db", "left"),
        ("figure (median)", "left"),
        ("value", "right"),
        ("baseline, same run", "left"),
        ("ratio", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*row)
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--only", default=",".join(NAMES), help="comma-separated benchmarks")
    parser.add_argument("--db", default=",".join(BACKENDS), help="sqlite,postgresql")
    parser.add_argument("--size", choices=tuple(SIZES), default="small")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    names = [n for n in args.only.split(",") if n]
    backends = [b for b in args.db.split(",") if b]
    if unknown := set(names) - set(NAMES):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if unknown := set(backends) - set(BACKENDS):
        parser.error(f"unknown --db: {', '.join(sorted(unknown))}")
    command = " ".join(["python -m benchmarks", *(sys.argv[1:] if argv is None else argv)])
    rows: list[Row] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="repmon-bench-") as tmp, databases(Path(tmp)) as dbs:
        for name in names:
            log(f"== {name} ({args.size}) on {', '.join(backends)}")
            results = RUNNERS[name](dbs, backends, args.size, command)
            if "skipped" not in results:
                for value in results.values():
                    if isinstance(value, dict):
                        value.setdefault("run_size", args.size)
                        value.setdefault("command", command)
                merge_results(name, results, args.out)
            rows += summary_rows(name, results)
        postgres = dbs.postgres_version()
    info = machine()
    title = (
        f"repmon benchmarks, size {args.size}: {info['nproc']} CPUs {info['cpu']}, "
        f"Python {info['python']}, SQLite {info['sqlite']}"
        + (f", PostgreSQL {postgres}" if postgres else "")
        + f"; {time.perf_counter() - started:.0f} s"
    )
    print_table(Console(width=max(Console().width, 150)), rows, title)
    print(f"results merged into {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
