"""How long the daily report takes over a large database, on SQLite and on PostgreSQL.

    python -m benchmarks.report [--size 1000000] [--repeats 3] [--backends sqlite,postgresql]

N generated mentions (`benchmarks.generate`, 14 days ending 2026-11-22 06:00 UTC) are written
straight into a fresh database with bulk inserts, not through the pipeline: scoring a million
texts would measure the scorer, not the report. Labels, topics and priorities are assigned with
the generator's seeded proportions (45 % negative, 25 % neutral, 30 % positive; review stars
decide for reviews), and about one negative mention in three opens a case (≈14 % of mentions,
as the ingest benchmark's real pipeline does) with first responses, closes and outcomes spread
over the following hours. Then the daily report for 2026-11-21 is produced `--repeats` times
exactly as `repmon report daily --date 2026-11-21` does (aggregations, emerging phrases, four
charts, HTML, CSV), timed wall-clock; the median is reported with the split between the
database work and the files. PostgreSQL is a throwaway cluster (tests/pg.py), ANALYZEd after
the load like SQLite.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import SEED, generate  # noqa: E402
from db.models import Author, Case, MentionRow  # noqa: E402
from monitor.app import App  # noqa: E402
from monitor.config import AppConfig, parse_config  # noqa: E402
from monitor.reports import build_report, period_for, write_outputs  # noqa: E402

DAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
TARGET_SECONDS = 5.0
CHUNK = 5_000
TOPICS = ("outage", "billing", "delivery", "app", "support", "roaming")
LABEL_WEIGHTS = {"negative": 45, "neutral": 25, "positive": 30}


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def config(url: str) -> AppConfig:
    import yaml

    shipped = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data = {key: shipped[key] for key in ("brands", "scoring", "ranking", "topics", "routing")}
    data["database"] = {"url": url}
    data["reports"] = shipped["reports"]
    return parse_config(data, base_dir=ROOT, env={})


def _label(rng: random.Random, rating: int | None) -> str:
    if rating is not None:
        return "negative" if rating <= 2 else ("neutral" if rating == 3 else "positive")
    return rng.choices(list(LABEL_WEIGHTS), weights=list(LABEL_WEIGHTS.values()))[0]


def _chunks(items: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def load(engine: Engine, size: int, seed: int = SEED) -> dict[str, int]:
    """Authors, mentions and cases in bulk; returns the row counts."""
    rng = random.Random(seed + 1)
    records = list(generate(size, seed))
    authors: dict[tuple[str, str], dict[str, Any]] = {}
    for r in records:
        if "author" in r:
            key = (r["source"], r["author"])
            row = authors.setdefault(
                key,
                {
                    "source": r["source"],
                    "handle": r["author"],
                    "name": r.get("author_name"),
                    "followers": r.get("author_followers"),
                    "mentions_seen": 0,
                    "complaints_seen": 0,
                    "first_seen_at": datetime.fromisoformat(r["created_at"]),
                    "last_seen_at": datetime.fromisoformat(r["created_at"]),
                },
            )
            row["mentions_seen"] += 1
    with engine.begin() as conn:
        for chunk in _chunks(iter(authors.values()), CHUNK):
            conn.execute(insert(Author), chunk)
        ids = {
            (s, h): i for i, s, h in conn.execute(select(Author.id, Author.source, Author.handle))
        }

    def mentions() -> Iterator[dict[str, Any]]:
        for r in records:
            created = datetime.fromisoformat(r["created_at"])
            label = _label(rng, r.get("rating"))
            compound = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}[label]
            lang = (r.get("lang") or rng.choice(("en", "en", "es", "fr")))[:2]
            yield {
                "source": r["source"],
                "external_id": r["external_id"],
                "connector": "bench",
                "brand": "Acme",
                "url": r.get("url"),
                "text": r["text"],
                "title": r.get("title"),
                "author_id": ids.get((r["source"], r.get("author", ""))),
                "lang": lang,
                "rating": r.get("rating"),
                "created_at": created,
                "fetched_at": created,
                "compound": compound,
                "pos": max(compound, 0.0),
                "neu": 1 - abs(compound),
                "neg": max(-compound, 0.0),
                "label": label,
                "scorer": "bench",
                "topic": rng.choice(TOPICS) if rng.random() < 0.6 else None,
                "priority": round(rng.random(), 3) if label == "negative" else None,
            }

    with engine.begin() as conn:
        for chunk in _chunks(mentions(), CHUNK):
            conn.execute(insert(MentionRow), chunk)
    cases = 0
    with engine.begin() as conn:
        negatives = conn.execute(
            select(
                MentionRow.id,
                MentionRow.source,
                MentionRow.author_id,
                MentionRow.created_at,
                MentionRow.priority,
                MentionRow.topic,
                MentionRow.lang,
            ).where(MentionRow.label == "negative")
        ).all()
        rows = []
        for mention_id, source, author_id, created, priority, topic, lang in negatives:
            if rng.random() >= 0.33:
                continue
            opened = created + timedelta(seconds=rng.randint(5, 120))
            replied = (
                opened + timedelta(minutes=rng.lognormvariate(3.5, 1.2))
                if rng.random() < 0.75
                else None
            )
            closed = (
                (replied or opened) + timedelta(hours=rng.uniform(0.5, 30))
                if rng.random() < 0.6
                else None
            )
            rows.append(
                {
                    "brand": "Acme",
                    "source": source,
                    "author_id": author_id,
                    "mention_id": mention_id,
                    "status": "resolved" if closed else ("replied" if replied else "routed"),
                    "priority": priority or 0.3,
                    "reasons": [],
                    "factors": {},
                    "topic": topic,
                    "lang": lang,
                    "mention_count": 1,
                    "outcome": ("resolved" if rng.random() < 0.8 else "not_resolved")
                    if closed
                    else None,
                    "opened_at": opened,
                    "updated_at": opened,
                    "routed_at": opened,
                    "replied_at": replied,
                    "closed_at": closed,
                    "recovered_at": replied + timedelta(hours=6)
                    if replied and rng.random() < 0.4
                    else None,
                    "reopened_count": 0,
                }
            )
        for chunk in _chunks(iter(rows), CHUNK):
            conn.execute(insert(Case), chunk)
        cases = len(rows)
    _analyze(engine)
    return {"mentions": len(records), "authors": len(authors), "cases": cases}


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics; on PostgreSQL also the visibility map that index-only scans
    need (autovacuum keeps both current in a running system)."""
    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(statement))


def measure(app: App, out: Path, repeats: int) -> dict[str, Any]:
    period = period_for("daily", now=NOW, on=DAY)
    runs = []
    for index in range(repeats):
        started = time.perf_counter()
        with app.factory() as session:
            report = build_report(session, app.config, period, now=NOW)
        built = time.perf_counter()
        write_outputs(report, out / f"run{index}")
        done = time.perf_counter()
        runs.append({"total": done - started, "database": built - started, "files": done - built})
        log(f"  run {index + 1}: {runs[-1]['total']:.2f} s (database {runs[-1]['database']:.2f} s)")
    return {
        "seconds": round(statistics.median(r["total"] for r in runs), 2),
        "database_seconds": round(statistics.median(r["database"] for r in runs), 2),
        "files_seconds": round(statistics.median(r["files"] for r in runs), 2),
        "mentions_in_day": report.sentiment.total,
        "runs": runs,
    }


def run_backend(backend: str, size: int, repeats: int, workdir: Path) -> dict[str, Any]:
    from contextlib import ExitStack

    with ExitStack() as stack:
        if backend == "sqlite":
            url = f"sqlite:///{workdir / f'report-bench-{size}.db'}"
            version = None
        else:
            from tests import pg

            server = stack.enter_context(pg.running_server())
            url = server.create_database("report_bench")
            version = None
        app = App.open(config(url), clock=lambda: NOW, upgrade=True)
        stack.callback(app.close)
        if backend == "postgresql":
            with app.engine.connect() as conn:
                version = conn.execute(text("SHOW server_version")).scalar()
        with app.factory() as session:
            stored = session.scalar(select(func.count()).select_from(MentionRow))
        started = time.perf_counter()
        if stored == size:  # a SQLite file kept from an earlier run with --workdir
            log(f"{backend}: reusing the {size:,} mentions already loaded")
            with app.factory() as session:
                counts = {
                    "mentions": size,
                    "authors": session.scalar(select(func.count()).select_from(Author)) or 0,
                    "cases": session.scalar(select(func.count()).select_from(Case)) or 0,
                }
        else:
            log(f"{backend}: loading {size:,} mentions")
            counts = load(app.engine, size)
        load_seconds = time.perf_counter() - started
        log(f"{backend}: loaded {counts} in {load_seconds:.0f} s; timing the daily report")
        result = measure(app, workdir / backend, repeats)
        return {
            "backend": backend,
            "server_version": version,
            "size": size,
            **counts,
            "load_seconds": round(load_seconds, 1),
            **result,
            "target_seconds": TARGET_SECONDS,
            "met": result["seconds"] < TARGET_SECONDS,
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    parser.add_argument(
        "--workdir", type=Path, help="keep the SQLite database here and reuse it next time"
    )
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="repmon-report-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for backend in args.backends.split(","):
            results.append(run_backend(backend.strip(), args.size, args.repeats, workdir))
    summary = {
        "benchmark": "report",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "results": results,
    }
    text_out = json.dumps(summary, indent=2, default=str)
    if args.out:
        args.out.write_text(text_out + "\n", encoding="utf-8")
    print(text_out)


if __name__ == "__main__":
    main()
