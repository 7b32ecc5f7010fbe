"""Peak memory of `repmon import` against the size of its input, on SQLite and PostgreSQL.

    python -m benchmarks.memory [--sizes 10000,100000,1000000] [--db sqlite,postgresql]

Each size is a generated file (benchmarks.generate) imported by the real CLI in a subprocess
into a fresh database; the child's peak RSS comes from `os.wait4`. The baseline, same run, is
the same command on a one-line file: what the interpreter, imports and scorers take before any
input is read. Memory that does not grow with the input is the target (the reader streams 1,000
lines per batch), so the figure to read is `growth_mib` from the one-line import. One run per
size: peak RSS does not depend on load from other processes the way time does.

A second one-line import, of a text the word votes cannot place, loads py3langid's model
(`baseline_langid_peak_rss_mib`): a one-time cost that any import pays once a single such text
comes up, however long the file. The generated 10k and 100k files hold no such text and the 1M
file exactly one, so without this row the model's load reads as growth with the input size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BACKENDS,
    Databases,
    databases,
    log,
    merge_results,
    read_results,
    repmon_executable,
    stamp,
)
from benchmarks.generate import SEED, write_jsonl
from benchmarks.ingest import ONE_LINE, fresh_database, run_import

#: No language hint, and words that vote for no language clearly: detection needs py3langid.
LANGID_LINE = {key: value for key, value in ONE_LINE.items() if key != "lang"} | {
    "external_id": "2",
    "text": "@acmehelp Pago 600 megas y me llegan 36. 😡",
}


def needs_langid(text: str) -> bool:
    """Whether detecting `text` loads py3langid (the word votes may come to place it one day)."""
    from monitor.language import LanguageDetector

    detector = LanguageDetector(["en", "es", "fr"])
    asked: list[bool] = []

    def model() -> object:
        asked.append(True)
        raise LookupError

    detector._model = model  # type: ignore[method-assign]
    with contextlib.suppress(LookupError):
        detector.detect(text)
    return bool(asked)


def measure_backend(
    dbs: Databases, backend: str, files: dict[int, Path], probe: Path, langid_probe: Path
) -> dict[str, Any]:
    repmon = repmon_executable()
    url, config = fresh_database(dbs, backend, "memory_probe")
    baseline = run_import(repmon, probe, config, dbs.workdir)
    dbs.drop(url)
    base_mib = baseline.max_rss_kib / 1024
    url, config = fresh_database(dbs, backend, "memory_langid")
    langid_mib = run_import(repmon, langid_probe, config, dbs.workdir).max_rss_kib / 1024
    dbs.drop(url)
    rows = []
    for size, file in files.items():
        url, config = fresh_database(dbs, backend, f"memory_{size}")
        started = time.perf_counter()
        child = run_import(repmon, file, config, dbs.workdir)
        dbs.drop(url)
        mib = child.max_rss_kib / 1024
        rows.append(
            {
                "size": size,
                "file_mib": round(file.stat().st_size / 2**20, 1),
                "peak_rss_mib": round(mib, 1),
                "growth_mib": round(mib - base_mib, 1),
                "seconds": round(time.perf_counter() - started, 2),
                "stored": child.summary["stored"],
            }
        )
        log(f"memory/{backend}: {size:,} lines → peak RSS {mib:.0f} MiB")
    return {
        **stamp(),
        "baseline_one_line_peak_rss_mib": round(base_mib, 1),
        "baseline_langid_peak_rss_mib": round(langid_mib, 1),
        "sizes": rows,
    }


def run(
    dbs: Databases, backends: list[str], *, sizes: list[int], seed: int = SEED
) -> dict[str, Any]:
    probe = dbs.workdir / "memory-one.jsonl"
    probe.write_text(json.dumps(ONE_LINE, ensure_ascii=False) + "\n", encoding="utf-8")
    langid_probe = dbs.workdir / "memory-langid.jsonl"
    if not needs_langid(str(LANGID_LINE["text"])):
        log("memory: the py3langid probe's text no longer needs py3langid; pick another")
    langid_probe.write_text(json.dumps(LANGID_LINE, ensure_ascii=False) + "\n", encoding="utf-8")
    files = {}
    for size in sizes:
        log(f"memory: generating {size:,} mentions")
        files[size] = write_jsonl(dbs.workdir / f"memory-{size}.jsonl", size, seed)
    try:
        return {
            backend: measure_backend(dbs, backend, files, probe, langid_probe)
            for backend in backends
        }
    finally:
        for file in files.values():
            file.unlink(missing_ok=True)


def add_sizes(results: dict[str, Any], path: Path) -> None:
    """Merge rows into results.json by size, keeping the other sizes already recorded (a
    million-line import is run on its own, after the other sizes)."""
    stored = read_results(path).get("memory", {})
    merged = {}
    for backend, entry in results.items():
        old = stored.get(backend, {})
        sizes = {row["size"]: row for row in old.get("sizes", [])}
        sizes.update({row["size"]: row for row in entry["sizes"]})
        merged[backend] = {**old, **entry, "sizes": [sizes[s] for s in sorted(sizes)]}
    merge_results("memory", merged, path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="peak RSS of repmon import vs input size")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--db", default=",".join(BACKENDS))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--add-to", type=Path, help="merge these sizes into this results.json")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    backends = [b for b in args.db.split(",") if b]
    with tempfile.TemporaryDirectory(prefix="repmon-bench-") as tmp, databases(Path(tmp)) as dbs:
        results = run(dbs, backends, sizes=sizes, seed=args.seed)
    if args.add_to:
        add_sizes(results, args.add_to)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
