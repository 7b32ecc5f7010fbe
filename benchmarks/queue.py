"""`repmon queue` latency over a large case history, on SQLite and PostgreSQL.

    python -m benchmarks.queue [--cases 1000000] [--db sqlite,postgresql] [--repeats 5]

Cases, their first mentions and authors are bulk-loaded straight into a migrated database
(executemany on SQLite, COPY on PostgreSQL; the pipeline would take hours for a million), with a
status mix of a long-running deployment: most cases closed, about 12 % open. Each case's stored
priority and factors are what the ranker gives for generated signals at the case's age, so the
queue re-ranks realistic data. Then, median of `--repeats`:

* the query path in-process: `monitor.queries.queue(limit=50)` in a fresh session;
* the CLI end to end: `repmon queue --limit 50 --format json` as a subprocess;
* the baseline, same run: the same CLI call against an empty database of the same backend
  (interpreter, imports, config, migrations check), so `cli - baseline` is what the data costs.

The query plan of the open-case scan (EXPLAIN) is recorded for each backend.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BACKENDS,
    Databases,
    app_config,
    child_env,
    databases,
    log,
    median,
    repmon_executable,
    stamp,
    write_config,
)
from benchmarks.generate import SEED, generate

LIMIT = 50
#: Per mille of cases in each status: a deployment that has run for a year closes most cases.
STATUS_MIX = {
    "resolved": 780,
    "dismissed": 100,
    "new": 20,
    "routed": 40,
    "claimed": 20,
    "replied": 25,
    "escalated": 5,
    "snoozed": 10,
}
CLOSED = frozenset({"resolved", "dismissed"})
AUTHORS_PER_CASE = 0.6
HISTORY = timedelta(days=365)
OPEN_WITHIN = timedelta(days=14)  # open cases are recent; closed ones span the year
CHUNK = 20_000
TEXT_POOL = 2_000
SOURCES = ("x", "reddit", "appstore", "googleplay")
URGENCY: tuple[tuple[list[str], float], ...] = (
    ([], 0.0),
    ([], 0.0),
    ([], 0.0),
    (["outage"], 0.6),
    (["cancellation threat"], 0.7),
    (["safety"], 1.0),
    (["legal threat"], 0.8),
)
AUTHOR_COLUMNS = (
    "id",
    "source",
    "handle",
    "name",
    "followers",
    "mentions_seen",
    "complaints_seen",
    "first_seen_at",
    "last_seen_at",
)
CASE_COLUMNS = (
    "id",
    "brand",
    "source",
    "author_id",
    "mention_id",
    "status",
    "priority",
    "reasons",
    "factors",
    "topic",
    "lang",
    "channel",
    "mention_count",
    "opened_at",
    "updated_at",
    "snoozed_until",
    "closed_at",
)
MENTION_COLUMNS = (
    "id",
    "source",
    "external_id",
    "connector",
    "brand",
    "url",
    "text",
    "title",
    "author_id",
    "lang",
    "rating",
    "created_at",
    "fetched_at",
    "compound",
    "pos",
    "neu",
    "neg",
    "label",
    "scorer",
    "coverage",
    "topic",
    "priority",
    "reasons",
    "case_id",
)
Row = tuple[Any, ...]


def _statuses(rng: random.Random, n: int) -> list[str]:
    names, weights = list(STATUS_MIX), list(STATUS_MIX.values())
    return rng.choices(names, weights=weights, k=n)


def generate_rows(n: int, now: datetime, seed: int) -> Iterator[tuple[str, Row]]:
    """("authors" | "cases" | "mentions", row) for n cases, authors first, deterministic."""
    from monitor.pipeline import Pipeline  # noqa: F401  (import cost outside the timings)
    from monitor.ranking import RankingPolicy, Weights, rerank

    rng = random.Random(seed)
    policy = RankingPolicy(weights=Weights(severity=1.0, reach=0.5, rating=0.8, urgency=0.7))
    texts = [(r["text"], r.get("title"), r.get("lang") or "en") for r in generate(TEXT_POOL, seed)]
    n_authors = max(1, int(n * AUTHORS_PER_CASE))
    first = now - HISTORY
    for author_id in range(1, n_authors + 1):
        source = SOURCES[author_id % len(SOURCES)]
        followers = None if source in {"appstore", "googleplay"} else int(rng.lognormvariate(5, 2))
        yield (
            "authors",
            (author_id, source, f"user{author_id}", None, followers, 2, 1, first, now),
        )
    statuses = _statuses(rng, n)
    for case_id in range(1, n + 1):
        status = statuses[case_id - 1]
        span = OPEN_WITHIN if status not in CLOSED else HISTORY
        created = now - span * rng.random()
        author_id = rng.randrange(1, n_authors + 1)
        source = SOURCES[author_id % len(SOURCES)]
        text, title, lang = texts[case_id % TEXT_POOL]
        rating = rng.choice((1, 2, 3)) if source in {"appstore", "googleplay"} else None
        names, weight = rng.choice(URGENCY)
        severity = round(rng.random() * 0.95, 4)
        followers = None if rating else int(rng.lognormvariate(5, 2))
        factors: dict[str, Any] = {
            "tier": rng.choice(("passive", "passive", "commenter", "creator")),
            "confidence": round(0.3 + rng.random() * 0.7, 3),
            "misrated": False,
            "severity": severity,
            "compound": -severity,
            "rating": rating,
            "followers": followers,
            "urgency": names,
            "urgency_factor": weight,
            "author_complaints": rng.randint(0, 4),
        }
        ranking = rerank(factors, waiting=max(now - created, timedelta(0)), policy=policy)
        factors["created_at"] = created.isoformat()
        factors["weights"] = ranking.weights
        snoozed = now + timedelta(hours=rng.choice((-3, 5))) if status == "snoozed" else None
        closed = created + timedelta(hours=rng.randint(1, 72)) if status in CLOSED else None
        yield (
            "cases",
            (
                case_id,
                "Acme",
                source,
                author_id,
                case_id,
                status,
                ranking.priority,
                ranking.reasons,
                factors,
                rng.choice(("outage", "billing", "app", "support", None)),
                lang[:2],
                "#care",
                1,
                created,
                closed or created,
                snoozed,
                closed,
            ),
        )
        yield (
            "mentions",
            (
                case_id,
                source,
                f"bench-{case_id}",
                "bench",
                "Acme",
                f"https://example.com/{source}/{case_id}",
                text,
                title,
                author_id,
                lang[:2],
                rating,
                created,
                created,
                -severity,
                0.0,
                1.0 - severity,
                severity,
                "negative",
                "vader",
                0.8,
                None,
                ranking.priority,
                ranking.reasons,
                case_id,
            ),
        )


COLUMNS = {"authors": AUTHOR_COLUMNS, "cases": CASE_COLUMNS, "mentions": MENTION_COLUMNS}


JSON_COLUMNS = frozenset({"reasons", "factors"})
TIME_COLUMNS = frozenset(
    {"first_seen_at", "last_seen_at", "opened_at", "updated_at", "snoozed_until", "closed_at"}
    | {"created_at", "fetched_at"}
)


def _converter(table: str, backend: str) -> Callable[[Row], Row]:
    """Turns a generated row into driver values: JSON text, and naive UTC text on SQLite."""
    columns = COLUMNS[table]
    json_at = [i for i, c in enumerate(columns) if c in JSON_COLUMNS]
    time_at = [i for i, c in enumerate(columns) if c in TIME_COLUMNS] if backend == "sqlite" else []

    def convert(row: Row) -> Row:
        values = list(row)
        for i in json_at:
            values[i] = json.dumps(values[i])
        for i in time_at:
            if values[i] is not None:  # SQLAlchemy's SQLite storage format
                values[i] = (
                    values[i]
                    .astimezone(UTC)
                    .replace(tzinfo=None)
                    .isoformat(sep=" ", timespec="microseconds")
                )
        return tuple(values)

    return convert


def migrate(url: str) -> None:
    from db.migrate import upgrade
    from db.session import make_engine

    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def bulk_load(url: str, n: int, now: datetime, seed: int) -> dict[str, float]:
    """Migrate, then load n cases; returns seconds per step."""
    from db.migrate import upgrade
    from db.session import make_engine

    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    timings = {"migrate_seconds": time.perf_counter() - started}
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        if url.startswith("sqlite"):
            _load_sqlite(raw.driver_connection, n, now, seed)
        else:
            _load_postgres(raw.driver_connection, n, now, seed)
        raw.commit()
    finally:
        raw.close()
    timings["load_seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    analyze(engine)
    timings["analyze_seconds"] = time.perf_counter() - started
    engine.dispose()
    return {k: round(v, 2) for k, v in timings.items()}


def analyze(engine: Any) -> None:
    """Planner statistics as a running database has them: PostgreSQL's autovacuum gathers
    them, SQLite has none unless someone runs ANALYZE (repmon does not)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.exec_driver_sql("VACUUM ANALYZE")


def _load_sqlite(connection: Any, n: int, now: datetime, seed: int) -> None:
    buffers: dict[str, list[Row]] = {name: [] for name in COLUMNS}
    statements = {
        name: f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        for name, cols in COLUMNS.items()
    }

    def flush(name: str) -> None:
        connection.executemany(statements[name], buffers[name])
        buffers[name].clear()

    convert = {name: _converter(name, "sqlite") for name in COLUMNS}
    for table, row in generate_rows(n, now, seed):
        if table != "authors" and buffers["authors"]:
            flush("authors")  # cases and mentions reference authors
        buffers[table].append(convert[table](row))
        if len(buffers[table]) >= CHUNK:
            if table == "mentions":
                flush("cases")  # mentions.case_id references cases
            flush(table)
    for name in ("authors", "cases", "mentions"):
        flush(name)


def _load_postgres(connection: Any, n: int, now: datetime, seed: int) -> None:
    rows = generate_rows(n, now, seed)
    cursor = connection.cursor()
    pending: dict[str, list[Row]] = {"cases": [], "mentions": []}

    convert = {name: _converter(name, "postgresql") for name in COLUMNS}

    def copy(name: str, batch: list[Row]) -> None:
        with cursor.copy(f"COPY {name} ({', '.join(COLUMNS[name])}) FROM STDIN") as writer:
            for row in batch:
                writer.write_row(convert[name](row))
        batch.clear()

    authors: list[Row] = []
    for table, row in rows:
        if table == "authors":
            authors.append(row)
            if len(authors) >= CHUNK:
                copy("authors", authors)
            continue
        pending[table].append(row)
        if len(pending["mentions"]) >= CHUNK:
            copy("authors", authors)
            copy("cases", pending["cases"])
            copy("mentions", pending["mentions"])
    copy("authors", authors)
    copy("cases", pending["cases"])
    copy("mentions", pending["mentions"])
    for table in COLUMNS:  # ids were given explicitly: move the sequences past them
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def status_counts(url: str) -> dict[str, int]:
    from sqlalchemy import text

    from db.session import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT status, count(*) FROM cases GROUP BY status"))
        counts = {str(s): int(c) for s, c in rows}
    engine.dispose()
    return dict(sorted(counts.items()))


def explain(url: str) -> dict[str, list[str]]:
    """Plans, as the backend prints them, of the queue's statements: the stored-priority walk
    (one per open status), and the every-open-case read of the exhaustive path."""
    from sqlalchemy import select

    from db.models import Case
    from db.session import make_engine
    from monitor.cases import OPEN

    engine = make_engine(url)
    statements = {
        "walk (per status)": select(Case.id, Case.priority)
        .where(Case.status == "new")
        .order_by(Case.priority.desc()),
        "every open case": select(
            Case.id, Case.factors, Case.opened_at, Case.snoozed_until, Case.status
        ).where(Case.status.in_(sorted(OPEN))),
    }
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    plans = {}
    with engine.connect() as connection:
        for name, stmt in statements.items():
            compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
            rows = connection.exec_driver_sql(prefix + str(compiled)).all()
            plans[name] = [" ".join(str(cell) for cell in row) for row in rows]
    engine.dispose()
    return plans


def time_query(url: str, repeats: int, exhaustive_repeats: int) -> dict[str, Any]:
    """In-process `queries.queue(limit=50)`, each in a fresh session, and the baseline: every
    open case re-ranked (the query path before the stored-priority walk), checked equal."""
    from sqlalchemy import select

    from db.models import Case
    from monitor.app import App
    from monitor.cases import OPEN
    from monitor.config import parse_config
    from monitor.queries import queue
    from monitor.ranking import rerank

    with tempfile.TemporaryDirectory() as tmp:
        application = App.open(parse_config(app_config(url), base_dir=Path(tmp), env={}))
    policy = application.pipeline.policy
    now = application.clock()
    seconds: list[float] = []
    exhaustive: list[float] = []
    items: list[dict[str, Any]] = []
    top: list[tuple[float, int]] = []
    try:
        for _ in range(repeats):
            with application.factory() as session:
                started = time.perf_counter()
                items = queue(session, policy=policy, now=now, limit=LIMIT)
                seconds.append(time.perf_counter() - started)
        for _ in range(exhaustive_repeats):
            with application.factory() as session:
                started = time.perf_counter()
                rows = session.execute(
                    select(
                        Case.id, Case.factors, Case.opened_at, Case.snoozed_until, Case.status
                    ).where(Case.status.in_(OPEN))
                ).all()
                ranked = []
                for case_id, factors, opened, snoozed, status in rows:
                    if status == "snoozed" and snoozed and snoozed > now:
                        continue
                    since = datetime.fromisoformat(factors["created_at"]) if factors else opened
                    waiting = max(now - since, timedelta(0))
                    ranked.append(
                        (rerank(factors, waiting=waiting, policy=policy).priority, case_id)
                    )
                top = sorted(ranked, key=lambda item: (-item[0], item[1]))[:LIMIT]
                exhaustive.append(time.perf_counter() - started)
    finally:
        application.close()
    same = [(i["priority"], i["id"]) for i in items] == top if exhaustive_repeats else None
    return {
        "seconds": seconds,
        "returned": len(items),
        "exhaustive_seconds": exhaustive,
        "same_as_exhaustive": same,
    }


def time_cli(repmon: Path, config: Path, workdir: Path, repeats: int) -> tuple[list[float], int]:
    """`repmon queue --limit 50 --format json` end to end; also how many cases it printed."""
    seconds: list[float] = []
    shown = 0
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run(
            [repmon, "queue", "--limit", str(LIMIT), "--format", "json", "--config", config],
            cwd=workdir,
            env=child_env(),
            capture_output=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        seconds.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"repmon queue failed ({done.returncode}):\n{done.stderr.decode()}")
        shown = len(json.loads(done.stdout))
    return seconds, shown


def measure_backend(
    dbs: Databases,
    backend: str,
    *,
    cases: int,
    repeats: int,
    seed: int,
    exhaustive_repeats: int,
) -> dict[str, Any]:
    repmon = repmon_executable()
    now = datetime.now(UTC)
    empty_url = dbs.url(backend, "queue_empty")
    empty_config = write_config(dbs.workdir / f"queue-empty-{backend}.yaml", empty_url)
    migrate(empty_url)
    url = dbs.url(backend, "queue")
    log(f"queue/{backend}: loading {cases:,} cases")
    load = bulk_load(url, cases, now, seed)
    log(f"queue/{backend}: loaded in {load['load_seconds']:.1f} s")
    config = write_config(dbs.workdir / f"queue-{backend}.yaml", url)
    baseline, _ = time_cli(repmon, empty_config, dbs.workdir, repeats)
    timed = time_query(url, repeats, exhaustive_repeats)
    query = timed["seconds"]
    cli, shown = time_cli(repmon, config, dbs.workdir, repeats)
    counts = status_counts(url)
    result: dict[str, Any] = {
        **stamp(),
        "cases": cases,
        "statuses": counts,
        "open_cases": sum(v for k, v in counts.items() if k not in CLOSED),
        "load": load,
        "limit": LIMIT,
        "returned": timed["returned"],
        "cli_shown": shown,
        "query_seconds_median": round(median(query), 4),
        "baseline_exhaustive_seconds_median": (
            round(median(timed["exhaustive_seconds"]), 4) if exhaustive_repeats else None
        ),
        "ratio_query_to_exhaustive": (
            round(median(query) / median(timed["exhaustive_seconds"]), 4)
            if exhaustive_repeats
            else None
        ),
        "same_as_exhaustive": timed["same_as_exhaustive"],
        "cli_seconds_median": round(median(cli), 4),
        "baseline_cli_empty_db_seconds_median": round(median(baseline), 4),
        "cli_minus_baseline_seconds": round(median(cli) - median(baseline), 4),
        "ratio_cli_to_baseline": round(median(cli) / median(baseline), 3),
        "plan": explain(url),
        "raw": {
            "query_seconds": [round(s, 4) for s in query],
            "exhaustive_seconds": [round(s, 4) for s in timed["exhaustive_seconds"]],
            "cli_seconds": [round(s, 4) for s in cli],
            "baseline_seconds": [round(s, 4) for s in baseline],
        },
    }
    dbs.drop(url)
    dbs.drop(empty_url)
    log(
        f"queue/{backend}: query {result['query_seconds_median']:.3f} s, "
        f"cli {result['cli_seconds_median']:.3f} s (empty db {median(baseline):.3f} s)"
    )
    return result


def run(
    dbs: Databases,
    backends: list[str],
    *,
    cases: int,
    repeats: int,
    exhaustive_repeats: int = 3,
    seed: int = SEED,
) -> dict[str, Any]:
    return {
        backend: measure_backend(
            dbs,
            backend,
            cases=cases,
            repeats=repeats,
            seed=seed,
            exhaustive_repeats=exhaustive_repeats,
        )
        for backend in backends
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="repmon queue latency over many cases")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", default=",".join(BACKENDS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--exhaustive-repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    backends = [b for b in args.db.split(",") if b]
    with tempfile.TemporaryDirectory(prefix="repmon-bench-") as tmp, databases(Path(tmp)) as dbs:
        results = run(
            dbs,
            backends,
            cases=args.cases,
            repeats=args.repeats,
            exhaustive_repeats=args.exhaustive_repeats,
            seed=args.seed,
        )
    out = io.StringIO()
    json.dump(results, out, indent=2)
    print(out.getvalue())


if __name__ == "__main__":
    main()
