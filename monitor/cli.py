"""`repmon` command line (DESIGN 3.1). Exit codes: 0 ok, 1 partial failure, 2 usage/config error."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TransferSpeedColumn
from sqlalchemy.exc import SQLAlchemyError

from monitor import __version__
from monitor.app import App
from monitor.config import AppConfig, config_path, load_config, masked, secret_values
from monitor.errors import ConfigError, RepmonError, StorageError

app = typer.Typer(
    name="repmon",
    help="Listen where customers complain, rank what matters, answer it from the contact center.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="config file (default ./config.yaml or $REPMON_CONFIG)"),
]
VerboseOpt = Annotated[int, typer.Option("--verbose", "-v", count=True, help="more log output")]
FormatOpt = Annotated[str, typer.Option("--format", help="table or json")]
T = TypeVar("T")


def main() -> None:
    """Console-script entry point."""
    app()


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="print the version")] = False,
) -> None:
    if version:
        out.print(f"repmon {__version__}")
        raise typer.Exit(0)


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print `message` as plain text (it may quote a file, a config value or a driver's error:
    a `[` there is no markup) and return the exit to raise."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _load(config: Path | None, verbose: int = 0) -> AppConfig:
    from monitor.logconfig import setup_logging

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    setup_logging(verbose, secrets=secret_values(cfg))
    return cfg


@contextmanager
def _opened(cfg: AppConfig) -> Iterator[App]:
    try:
        application = App.open(cfg)
    except (StorageError, ConfigError) as exc:
        raise _fail(str(exc)) from exc
    try:
        yield application
    finally:
        application.close()


class _RunRow:
    """The `runs` row of the command in flight, if it has one yet."""

    run_id: int | None = None


@contextmanager
def _database_lost(application: App, command: str) -> Iterator[_RunRow]:
    """The database failing mid-command ends it with one line and exit 1, never a traceback:
    SQLAlchemy's error text goes on with the statement, and a traceback with whatever it held.

    Batches are stored whole with their cursors, so a rerun goes on where this one stopped.
    """
    row = _RunRow()
    try:
        yield row
    except SQLAlchemyError as exc:
        from db.session import describe_failure
        from monitor.logconfig import redact
        from monitor.runner import finish_run

        line = redact(describe_failure(application.engine, exc))
        if row.run_id is not None:
            with suppress(SQLAlchemyError):  # if the database is back already (pre-ping)
                finish_run(application, row.run_id, "failed", {}, error=line)
        raise _fail(f"repmon {command} stopped: {line}", code=1) from exc


def _check_format(fmt: str) -> None:
    if fmt not in {"table", "json"}:
        raise _fail(f"--format must be table or json, not {fmt!r}")


@app.command()
def run(
    once: Annotated[bool, typer.Option("--once", help="run one cycle and exit (for cron)")] = False,
    force: Annotated[bool, typer.Option("--force", help="poll connectors even if not due")] = False,
    connector: Annotated[
        list[str] | None, typer.Option("--connector", help="only this connector (repeatable)")
    ] = None,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Poll due connectors, score, rank, store, and deliver new cases (one cycle)."""
    if not once:
        raise _fail("use `repmon run --once` from cron; a long-running daemon is `repmon serve`")
    cfg = _load(config, verbose)
    import threading

    from monitor.runner import finish_run, run_once, start_run
    from monitor.stopping import graceful_stop
    from responders.outbox import send_pending

    with (
        _opened(cfg) as application,
        _database_lost(application, "run") as row,
        graceful_stop(threading.Event(), label="run") as stop,
    ):
        responder = _responder(cfg, application)
        run_id = row.run_id = start_run(application, "run")
        outcomes = run_once(application, force=force, only=connector or None, stop=stop)
        from monitor.daemon import sla_tick

        sla = sla_tick(application)
        if sla is not None and not stop.is_set():
            sla()
        if not stop.is_set():
            from monitor.outcomes import tick as outcomes_tick

            outcomes_tick(application)  # recovered / reopened cases after replies
        if not stop.is_set():
            from monitor.alert_store import evaluator

            evaluator(application)()  # spike and silence alerts, sent with the outbox below
        from responders.handlers import outbox_handlers

        sent = send_pending(
            application.engine,
            application.factory,
            responder,
            clock=application.clock,
            handlers=outbox_handlers(application),
            stop=stop,
        )
        failed = [o for o in outcomes if o.status == "failed"]
        stats = {o.connector: {"status": o.status, **o.result.as_dict()} for o in outcomes}
        stopped = stop.is_set()  # a signal: the rest is left for the next run (exit 1)
        status = "stopped" if stopped else "partial" if failed else "ok"
        finish_run(application, run_id, status, stats)
    from monitor.render import outbox_line, run_summary

    err.print(run_summary(outcomes))
    err.print(outbox_line(sent))
    if stopped:
        err.print("repmon run: stopped by a signal; what is left goes in the next run")
    if failed or sent.dead or stopped:
        raise typer.Exit(1)


IMPORT_BATCH = 16_000
"""Lines (mentions) per transaction of `repmon import`. Each commit writes every page its
transaction dirtied, and a bulk import dirties the same case, author and index pages again and
again: at 100,000 mentions, 16,000 a commit spent about half the commit CPU of 4,000
(benchmarks/README.md). A crash rolls back at most this many lines; the rerun stores them."""
IMPORT_CHUNK = 4000
"""Lines analysed and stored at a time within a transaction: what sets the import's memory,
since a worker holds one chunk and the importer one more per worker."""
IMPORT_FIRST_CHUNK = 200
"""Lines of the first chunk when workers analyse ahead; each next chunk is half as big again,
up to `IMPORT_CHUNK`. Storing is the import's slower side, so the time it waits for the first
chunk's analysis (0.6 s for 4,000 lines on two CPUs, forked workers warming up) adds to the
whole import's."""


@app.command("import")
def import_(
    file: Annotated[str, typer.Argument(help="JSONL or CSV file, or - for stdin")],
    *,
    fmt: Annotated[str, typer.Option("--format", help="auto, jsonl or csv")] = "auto",
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="lines (mentions) per transaction")
    ] = IMPORT_BATCH,
    workers: Annotated[
        int,
        typer.Option(
            min=-1,
            max=64,
            help="processes scoring ahead of storage; -1 (inputs over 1 MiB): CPUs-1, 2 on 2 CPUs",
        ),
    ] = -1,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Ingest mentions from a file (DESIGN 3.4) through the same pipeline as connectors."""
    from connectors.filereader import RecordReader, guess_format
    from monitor.parallel import AheadIngest, read_batches
    from monitor.pipeline import BatchResult
    from monitor.runner import finish_run, start_run

    if fmt not in {"auto", "jsonl", "csv"}:
        raise _fail(f"--format must be auto, jsonl or csv, not {fmt!r}")
    cfg = _load(config, verbose)
    resolved = guess_format(file) if fmt == "auto" else fmt
    stream: IO[bytes]
    total: int | None = None
    if file == "-":
        stream = sys.stdin.buffer
    else:
        path = Path(file)
        try:
            stream = path.open("rb")
            total = path.stat().st_size
        except OSError as exc:
            raise _fail(f"cannot open {file}: {exc.strerror or exc}") from exc
    totals = BatchResult()
    ahead_workers = _import_workers(workers, total)
    with _opened(cfg) as application, _database_lost(application, "import") as row, stream:
        run_id = row.run_id = start_run(application, "import")
        reader = RecordReader(
            stream,
            fmt="csv" if resolved == "csv" else "jsonl",
            connector="import",
            label=file if file != "-" else "stdin",
        )
        raw = bool(ahead_workers) and resolved != "csv"  # workers parse JSON lines themselves
        progress = Progress(
            TextColumn("importing"),
            BarColumn(),
            TextColumn("{task.fields[stored]} new"),
            TransferSpeedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )

        pipeline = application.pipeline  # built (scorers loaded) before the freeze and the fork
        ahead = AheadIngest(pipeline, workers=ahead_workers, commit_every=batch_size)
        chunks = read_batches(
            reader,
            min(batch_size, IMPORT_CHUNK),
            raw=raw,
            first=IMPORT_FIRST_CHUNK if ahead_workers else None,
        )
        with _settled_for_bulk(), ahead, progress:  # workers fork before the bar starts a thread
            task = progress.add_task("import", total=total, stored=0)
            for offset, result in ahead.run(chunks):
                totals.add(result)
                progress.update(task, completed=offset, stored=totals.stored)
        finish_run(application, run_id, "ok", totals.as_dict())
    err.print(
        f"imported {totals.stored} new mentions ({totals.duplicates} already stored, "
        f"{totals.skipped} skipped as invalid, {totals.excluded} excluded as noise); "
        f"{totals.cases_opened} cases opened, {totals.cases_joined} joined"
    )
    if totals.skipped:
        raise typer.Exit(1)


BULK_GC_THRESHOLD = 200_000
"""Net new container objects between young collections during a bulk import. A chunk being
stored keeps tens of thousands alive (mentions, rows, analyses), so at 10,000 every collection
walked a live chunk, again and again: ~5 µs of the importer's CPU a mention, now ~0.2."""
AHEAD_MIN_BYTES = 1 << 20
"""Below this an import is over before forked workers would pay for themselves."""


@contextmanager
def _settled_for_bulk() -> Iterator[None]:
    """For a long import: start-up built big long-lived data (lexicons, language models,
    compiled statements) and each batch makes many short-lived objects. Freeze the former so
    collections stop walking it (forked workers then also keep sharing its pages) and collect
    less often; reference counting still frees almost everything at once."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(BULK_GC_THRESHOLD, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _import_workers(requested: int, size: int | None) -> int:
    from monitor.parallel import available_workers, default_workers

    if requested >= 0:
        return requested if available_workers() else 0
    small = size is not None and size < AHEAD_MIN_BYTES
    return 0 if small else default_workers()


@app.command()
def score(
    file: Annotated[
        str, typer.Argument(help="JSONL with text, optional lang, rating, id; - for stdin")
    ] = "-",
    config: ConfigOpt = None,
) -> None:
    """Score texts: JSONL in, one JSON object out per line (DESIGN 3.5)."""
    from monitor.scoring import build_scorer

    path = config_path(config)
    if config is None and not path.exists():
        scorer = build_scorer(["en", "es", "fr"])
    else:
        cfg = _load(config)
        scorer = build_scorer(
            cfg.scoring.languages,
            negative_threshold=cfg.scoring.negative_threshold,
            positive_threshold=cfg.scoring.positive_threshold,
        )
    try:
        source = sys.stdin if file == "-" else open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise _fail(f"cannot open {file}: {exc.strerror or exc}") from exc
    errors = 0
    with source:
        for number, line in enumerate(source, start=1):
            if not line.strip():
                continue
            try:
                result = _score_line(scorer.score, line)
            except ValueError as exc:
                errors += 1
                result = {"line": number, "error": str(exc)}
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    if errors:
        raise typer.Exit(1)


def _score_line(score_fn: Callable[..., Any], line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ValueError("expected an object with a string `text`")
    rating = obj.get("rating")
    if rating is not None and (
        not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5
    ):
        raise ValueError("rating must be an integer from 1 to 5")
    lang = obj.get("lang") if isinstance(obj.get("lang"), str) else None
    result = score_fn(obj["text"], lang=lang, rating=rating)
    return {"id": obj.get("id"), **result.as_dict()}


@app.command()
def queue(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    fmt: FormatOpt = "table",
    config: ConfigOpt = None,
) -> None:
    """Open cases, highest priority first, with the reasons for their rank."""
    from monitor.queries import queue as queue_query
    from monitor.ranking import RankingPolicy

    _check_format(fmt)
    cfg = _load(config)
    with _opened(cfg) as application, application.factory() as session:
        items = queue_query(
            session,
            policy=RankingPolicy.from_config(cfg.ranking),
            now=application.clock(),
            limit=limit,
        )
    if fmt == "json":
        sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return
    from monitor.render import queue_table

    out.print(queue_table(items, limit))


@app.command()
def stats(
    *,
    period: Annotated[
        str | None, typer.Option("--period", help="the last 7d, 24h, 4w, … (default 7d)")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD or ISO time")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="YYYY-MM-DD (whole day) or ISO time")
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="brand, source, agent or template")] = None,
    brand: Annotated[str | None, typer.Option("--brand", help="only this brand")] = None,
    fmt: FormatOpt = "table",
    config: ConfigOpt = None,
) -> None:
    """First-response time, resolution, recovery and reopen rates (monitor.metrics)."""
    from monitor.metrics import outcome_metrics
    from monitor.stats_view import StatsUsageError, as_json, check_grouping, table
    from monitor.stats_view import period as stats_period

    _check_format(fmt)
    cfg = _load(config)
    with _opened(cfg) as application, application.factory() as session:
        try:
            grouping = check_grouping(by)
            start, end = stats_period(
                now=application.clock(), span=period, since=since, until=until
            )
        except StatsUsageError as exc:
            raise _fail(str(exc)) from exc
        rows = outcome_metrics(session, start, end, by=grouping, brand=brand)
    if fmt == "json":
        data = as_json(rows, start=start, end=end, by=by)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(table(rows, start=start, end=end, by=by))


@app.command()
def status(fmt: FormatOpt = "table", config: ConfigOpt = None) -> None:
    """Per-connector health, outbox backlog and schema revision; exit 1 if something needs care."""
    from db.migrate import current_revision
    from monitor.queries import status as status_query

    _check_format(fmt)
    cfg = _load(config)
    with _opened(cfg) as application, application.factory() as session:
        data = status_query(
            session,
            connectors=[(c.name, c.type, c.enabled) for c in cfg.connectors],
            now=application.clock(),
            stale_after=cfg.alerts.silence.after,
        )
        data["db_revision"] = current_revision(application.engine)
        from monitor.alert_store import open_incidents

        data["incidents"] = open_incidents(session)  # spike/silence alerts not over yet
    attention = bool(data["needs_attention"])
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        from monitor.render import status_footer, status_table

        out.print(status_table(data))
        out.print(status_footer(data))
    if attention:
        raise typer.Exit(1)


@app.command()
def report(
    kind: Annotated[str, typer.Argument(help="daily or weekly")],
    *,
    date: Annotated[
        str | None, typer.Option("--date", help="a day in the period, YYYY-MM-DD (UTC)")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="folder (default ./reports/<kind>-<date>/)")
    ] = None,
    post: Annotated[bool, typer.Option("--post", help="also post it to Slack, once")] = False,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 0,
) -> None:
    """Write summary.html, chart PNGs and summary.csv for a day or week; --post sends it."""
    from monitor.reports.cli import run_report

    cfg = _load(config, verbose)
    with _opened(cfg) as application:
        code = run_report(
            application,
            kind,
            date=date,
            out_dir=out_dir,
            post=post,
            responder=_responder(cfg, application) if post else None,
            out=out,
            err=err,
        )
    if code:
        raise typer.Exit(code)


@app.command()
def serve(
    http: Annotated[
        str | None,
        typer.Option("--http", help="serve Slack over HTTP on HOST:PORT instead of Socket Mode"),
    ] = None,
    stop_timeout: Annotated[
        float,
        typer.Option("--stop-timeout", min=1, help="seconds SIGTERM may take before a hard stop"),
    ] = 30.0,
    config: ConfigOpt = None,
    verbose: VerboseOpt = 1,
) -> None:
    """Run continuously: connector polls, outbox and SLA jobs, and the Slack app."""
    import threading

    from monitor.daemon import build_scheduler, jobs, shutdown, wait_for_stop
    from monitor.stopping import graceful_stop

    cfg = _load(config, verbose)
    stopping = graceful_stop(threading.Event(), label="serve", bound=stop_timeout)
    with _opened(cfg) as application, _database_lost(application, "serve"), stopping as stop:
        responder = _responder(cfg, application)
        runtime = None
        if cfg.slack.enabled:
            runtime = _start_slack(cfg, application, responder, http)
        elif http:
            raise _fail("--http serves the Slack app: set slack.enabled: true first")
        scheduler = build_scheduler(jobs(application, responder, stop=stop), stop=stop)
        scheduler.start()
        err.print(f"repmon serve: {len(scheduler.get_jobs())} jobs scheduled; Ctrl-C to stop")
        try:
            wait_for_stop(stop)
        finally:
            stop.set()  # jobs in flight end after their batch or row; nothing new starts
            shutdown(scheduler, [runtime.stop] if runtime is not None else [])
    err.print("repmon serve: stopped")


def _start_slack(cfg: AppConfig, application: App, responder: Any, http: str | None) -> Any:
    from responders.slack.cli_support import parse_listen, start
    from responders.slack.context import SlackContext

    try:
        ctx = SlackContext.from_app(application, responder=responder)
        return start(ctx, http=parse_listen(http) if http else None)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc


@app.command("templates")
def templates(
    action: Annotated[str, typer.Argument(help="check")] = "check",
    config: ConfigOpt = None,
) -> None:
    """`repmon templates check`: render every response template in every language."""
    if action != "check":
        raise _fail(f"unknown action {action!r}: use `repmon templates check`")
    from responders.templates import check_templates

    cfg = _load(config)
    report = check_templates(cfg)
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    for error in report.errors:
        err.print(f"[bold red]error:[/] {escape(error)}", soft_wrap=True)
    out.print(f"{report.rendered} renders checked, {len(report.errors)} problems")
    if report.errors:
        raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None) -> None:
    """Apply Alembic migrations up to the newest revision."""

    cfg = _load(config)
    with _opened_upgrade(cfg) as revision:
        out.print(f"database at revision {revision}")


@contextmanager
def _opened_upgrade(cfg: AppConfig) -> Iterator[str | None]:
    from db import migrate

    try:
        application = App.open(cfg, upgrade=True)
    except (StorageError, RepmonError) as exc:
        raise _fail(str(exc)) from exc
    try:
        yield migrate.current_revision(application.engine)
    finally:
        application.close()


@config_app.command("check")
def config_check(config: ConfigOpt = None) -> None:
    """Validate config and env vars; print the effective config with secrets masked."""
    import yaml

    cfg = _load(config)
    out.print(f"# {cfg.path} is valid", highlight=False)
    out.print(yaml.safe_dump(masked(cfg), sort_keys=False, allow_unicode=True), highlight=False)


def _responder(cfg: AppConfig, application: App) -> Any:
    """Slack when it is enabled, else cards printed to the console."""
    if cfg.slack.enabled:
        from responders.slack.cli_support import build_responder

        try:
            return build_responder(cfg, application.factory, application.clock)
        except ConfigError as exc:
            raise _fail(str(exc)) from exc
    from responders.console import ConsoleResponder

    return ConsoleResponder(out)
