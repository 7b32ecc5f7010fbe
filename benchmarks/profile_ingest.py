"""Where one `repmon import` spends its time: scoring, language detection, storage, case intake.

    python -m benchmarks.profile_ingest [--size 10000] [--db sqlite|postgresql]

The real CLI command runs in this process under cProfile (its default wall clock: a CPU-time
clock costs a system call per event and distorted the shares more than load does), on a
generated file and a fresh database. The cumulative time of the pipeline's functions is grouped
into stages. cProfile slows Python code more than C code, so read the shares, not the seconds;
on a shared machine, note the load average recorded with them. A function missing from the
pipeline (renamed, say) shows as 0 rather than failing.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import databases, log, stamp
from benchmarks.generate import SEED, write_jsonl
from benchmarks.ingest import fresh_database

#: stage -> (file suffix, function) whose cumulative CPU time is the stage's; nested stages are
#: listed under their parent and subtracted from it in `breakdown`.
STAGES: dict[str, tuple[str, str]] = {
    "read and parse the file": ("connectors/filereader.py", "read"),
    "pipeline.ingest (all)": ("monitor/pipeline.py", "ingest"),
    "duplicate check": ("monitor/pipeline.py", "_drop_known"),
    "scoring (all)": ("monitor/pipeline.py", "_score"),
    "language detection": ("monitor/language.py", "detect"),
    "VADER (English)": ("monitor/scoring/vader.py", "score"),
    "pack engine (es, fr)": ("monitor/scoring/engine.py", "score"),
    "brand matching and folding": ("monitor/brands.py", "*"),
    "storage (all)": ("monitor/pipeline.py", "_store"),
    "authors upsert": ("db/repository.py", "upsert_author_values"),
    "mentions insert": ("db/repository.py", "insert_mention_values"),
    "topics, urgency, ranking": ("monitor/ranking.py", "rank"),
    "case intake (cases, events, links, outbox)": ("monitor/intake.py", "open_or_join_cases"),
}


def cumulative(stats: pstats.Stats, suffix: str, function: str) -> float:
    """Cumulative seconds of a function (or every top-level call into a module, for "*")."""
    total = 0.0
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (file, _line, name), (_cc, _nc, _tt, ct, callers) in raw.items():
        if not file.endswith(suffix):
            continue
        if function == "*":
            # Only calls from outside the module, so nested calls are not counted twice.
            if any(not caller[0].endswith(suffix) for caller in callers):
                total += sum(v[3] for c, v in callers.items() if not c[0].endswith(suffix))
        elif name == function:
            total += ct
    return total


def profile(size: int, backend: str, seed: int = SEED) -> dict[str, Any]:
    from monitor.cli import app

    with tempfile.TemporaryDirectory(prefix="repmon-prof-") as tmp, databases(Path(tmp)) as dbs:
        file = write_jsonl(dbs.workdir / f"mentions-{size}.jsonl", size, seed)
        _url, config = fresh_database(dbs, backend, "profile")
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        try:
            # Inline: a worker's analysis would be invisible to this process's profiler.
            app(
                ["import", str(file), "--workers", "0", "--config", str(config)],
                standalone_mode=False,
            )
        finally:
            profiler.disable()
        total = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    seconds = {stage: cumulative(stats, *where) for stage, where in STAGES.items()}
    scoring = seconds["scoring (all)"]
    storage = seconds["storage (all)"]
    seconds["scoring, other (tokens, rules, topics of the scorer)"] = max(
        0.0,
        scoring
        - seconds["language detection"]
        - seconds["VADER (English)"]
        - seconds["pack engine (es, fr)"]
        - seconds["brand matching and folding"],
    )
    seconds["storage, other (topics, urgency, SQL round trips, commit)"] = max(
        0.0,
        storage
        - seconds["authors upsert"]
        - seconds["mentions insert"]
        - seconds["topics, urgency, ranking"]
        - seconds["case intake (cases, events, links, outbox)"],
    )
    seconds["start-up and everything else"] = max(
        0.0, total - seconds["pipeline.ingest (all)"] - seconds["read and parse the file"]
    )
    return {
        **stamp(),
        "size": size,
        "backend": backend,
        "seconds_total": round(total, 2),
        "stages_seconds": {k: round(v, 2) for k, v in seconds.items()},
        "stages_share": {k: round(v / total, 3) for k, v in seconds.items()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="profile of one repmon import, by stage")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--db", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args(argv)
    log(f"profiling repmon import of {args.size:,} mentions on {args.db}")
    result = profile(args.size, args.db)
    width = max(map(len, result["stages_share"]))
    for stage, share in result["stages_share"].items():
        cpu = result["stages_seconds"][stage]
        print(f"{stage:<{width}} {cpu:7.2f} s {share:6.1%}")
    print(f"{'total':<{width}} {result['seconds_total']:7.2f} s")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
