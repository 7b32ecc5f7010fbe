"""Engines and sessions: SQLite tuned for one writer at a time, PostgreSQL through psycopg 3."""

from __future__ import annotations

import json
import json.encoder
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 16 * 1024
"""Page cache per SQLite connection (SQLite's default is 2 MiB). A batch of new mentions dirties
pages all over the indexes; past 2 MiB SQLite spills them to the WAL before the commit and reads
them back: at 100,000 mentions, 16 MiB cut an import's page reads from 4 to 0.8 and its writes
from 5.7 to 4.2 per mention (more gave nothing). Filled only as pages are used."""
REASON_MAX_CHARS = 300


#: `json.dumps`' own C encoder with its default settings, built once (`json.dumps` builds one
#: per call, most of its cost for the small dicts and lists stored per mention). Without
#: `check_circular`: stored values come from JSON or from repmon, never circular.
_encode: Callable[[Any, int], Iterable[str]] | None = (
    None
    if json.encoder.c_make_encoder is None  # type: ignore[attr-defined]
    else json.encoder.c_make_encoder(  # type: ignore[attr-defined]
        None,  # markers: no circularity check
        json.JSONEncoder().default,  # raises TypeError for what JSON cannot hold, as dumps does
        json.encoder.encode_basestring_ascii,
        None,  # indent
        ": ",
        ", ",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
)


def dump_json(value: Any) -> str:
    """`json.dumps(value)`: the same text through its encoder built once, and no call at all
    for None (SQLAlchemy stores None in a JSON column as JSON null; most mentions carry None in
    `raw` and `reasons`)."""
    if value is None:
        return "null"
    if _encode is None:  # pragma: no cover - Pythons without json's C accelerator
        return json.dumps(value)
    return "".join(_encode(value, 0))


class _PipelineExitNoise(logging.Filter):
    """Drop psycopg's "error ignored terminating <Pipeline>" warning.

    psycopg logs it only when ending a pipeline fails while another error is already on its way
    out, such as the lost connection db.repository's fast path then raises (and the CLI reports
    in one line): the same failure, said twice and at length.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.msg != "error ignored terminating %r: %s" or not isinstance(args, tuple):
            return True
        return not args or "Pipeline" not in type(args[0]).__name__


logging.getLogger("psycopg").addFilter(_PipelineExitNoise())


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with WAL, foreign keys and a busy timeout on SQLite; pre-ping on PostgreSQL.

    `hide_parameters`: SQLAlchemy's error text and echo log lines would otherwise quote the
    bound values, i.e. customers' mention text, into tracebacks and logs.
    """
    kwargs.setdefault("json_serializer", dump_json)
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # A small statement cache: every batch size makes a different multi-row INSERT, and the
        # driver's default of 128 cached statements grew memory with the size of the input.
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "cached_statements": 16}
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def describe_failure(engine: Engine, exc: SQLAlchemyError) -> str:
    """One line for an operator: which database (password hidden) and the driver's reason."""
    where = engine.url.render_as_string(hide_password=True)
    return f"database {where}: {failure_reason(exc)}"


def failure_reason(exc: SQLAlchemyError) -> str:
    """The driver's error class and the first line of its message.

    Never SQLAlchemy's own text, which goes on with the statement and (without
    `hide_parameters`) its values, nor PostgreSQL's DETAIL line, which quotes the failing row.
    """
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    lines = str(cause).strip().splitlines()
    reason = lines[0].strip() if lines else ""
    if len(reason) > REASON_MAX_CHARS:
        reason = reason[: REASON_MAX_CHARS - 1] + "…"
    return f"{type(cause).__name__}: {reason or 'no reason given'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # A negative size is in KiB, not pages.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    finally:
        cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back if it raises."""
    with factory() as session, session.begin():
        yield session
