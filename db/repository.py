"""Set-based SQL for the ingest path: one statement per batch, not one per mention."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from operator import is_, itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Dialect, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import UpdateBase

from db.models import Author, Case, ConnectorState, MentionRow, OutboxRow
from monitor.cases import OPEN
from monitor.models import Mention

_IN_CHUNK = 400  # stay below SQLite's bound-parameter limit with (source, external_id) pairs


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A DML statement compiled for SQLite: its bind names in order and their bind processors."""

    sql: str
    names: tuple[str, ...]
    get: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    processed: tuple[tuple[int, Callable[[Any], Any]], ...]  # (position, processor)
    values: str  # the one VALUES row of an INSERT (repeated for multi-row RETURNING), or ""


_PLANS: dict[Hashable, _Plan | None] = {}


def execute_many(
    connection: Connection, name: Hashable, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]
) -> None:
    """executemany of a statement without RETURNING: one statement for all rows.

    On SQLite the statement is compiled once (per `name`, which must stand for one statement,
    and the rows' keys) and the driver gets plain tuples made with SQLAlchemy's own bind
    processors, column by column: the same SQL and the same bound values as
    `connection.execute(stmt, rows)`, minus its per-row parameter bookkeeping. Other databases,
    and statements that need Python-side defaults, take the ordinary path.
    """
    if not rows:
        return
    if _pg_many(connection, name, stmt, rows, returning=False) is not None:
        return
    plan = _plan(connection, name, stmt, rows)
    params = _parameters(plan, rows) if plan is not None else None
    if plan is None or params is None:
        connection.execute(stmt, list(rows))
        return
    connection.exec_driver_sql(plan.sql, params)


def returning_many(
    connection: Connection, name: Hashable, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]
) -> list[Any]:
    """The RETURNING rows of an INSERT of many rows (order not guaranteed), as `execute_many`.

    On SQLite one multi-row INSERT per page, as SQLAlchemy's "insertmanyvalues" sends: its
    page size and bound-parameter limit, so the statements and the ids they assign are the same.
    """
    if not rows:
        return []
    driver_rows = _pg_many(connection, name, stmt, rows, returning=True)
    if driver_rows is not None:
        return driver_rows
    plan = _plan(connection, name, stmt, rows)
    params = _parameters(plan, rows) if plan is not None and plan.values else None
    if plan is None or params is None:
        return list(connection.execute(stmt, list(rows)))
    return _insert_pages(connection, plan, params)


def returning_values(
    connection: Connection,
    name: Hashable,
    stmt: UpdateBase,
    keys: tuple[str, ...],
    values: Sequence[tuple[Any, ...]],
    *,
    bound: frozenset[str] = frozenset(),
) -> list[Any]:
    """`returning_many` for rows given as tuples in `keys` order: on SQLite, when `keys` is the
    compiled statement's bind order, the tuples go to the bind processors as they are (no dict
    per row to build and take apart again). Elsewhere the rows become mappings.

    The columns in `bound` already hold the driver's values (made with this plan's own bind
    processors, see `mention_binder`): SQLite's plan only.
    """
    if connection.dialect.name == "sqlite" and (len(values) >= 2 or bound):
        plan = _plan_for(connection, name, stmt, keys)
        if plan is not None and plan.values and plan.names == keys:
            params = _processed(plan, values, skip={keys.index(column) for column in bound})
            if params is not None:
                return _insert_pages(connection, plan, params)
    if bound:
        raise ValueError(f"{name}: values bound ahead need SQLite's compiled plan")
    return returning_many(
        connection, name, stmt, [dict(zip(keys, row, strict=True)) for row in values]
    )


def _insert_pages(
    connection: Connection, plan: _Plan, params: Sequence[tuple[Any, ...]]
) -> list[Any]:
    dialect = connection.dialect
    page = max(
        1,
        min(
            dialect.insertmanyvalues_page_size,
            dialect.insertmanyvalues_max_parameters // max(1, len(plan.names)),
        ),
    )
    returned: list[Any] = []
    for start in range(0, len(params), page):
        chunk = params[start : start + page]
        sql = _multi_row(plan, len(chunk))
        flat = tuple(chain.from_iterable(chunk))
        returned.extend(connection.exec_driver_sql(sql, flat).all())
    return returned


def _multi_row(plan: _Plan, count: int) -> str:
    """The plan's INSERT with `count` placeholder rows: only `?` marks, never a value."""
    return plan.sql.replace(plan.values, ", ".join([plan.values] * count), 1)


def _plan(
    connection: Connection, name: Hashable, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]
) -> _Plan | None:
    if connection.dialect.name != "sqlite" or len(rows) < 2:
        return None
    return _plan_for(connection, name, stmt, tuple(rows[0]))


def _plan_for(
    connection: Connection, name: Hashable, stmt: UpdateBase, keys: tuple[str, ...]
) -> _Plan | None:
    key = (name, keys, connection.dialect.server_version_info)
    if key not in _PLANS:
        _PLANS[key] = _compile(connection.dialect, stmt, keys)
    return _PLANS[key]


def _compile(dialect: Dialect, stmt: UpdateBase, keys: tuple[str, ...]) -> _Plan | None:
    compiled: Any = stmt.compile(dialect=dialect, column_keys=list(keys))
    names = tuple(compiled.positiontup or ())
    if (
        len(names) < 2
        or not compiled.positional
        or compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.literal_execute_params
        or compiled.post_compile_params
        or set(names) - set(keys)
    ):
        return None
    sql: str = compiled.string
    values = ""
    if compiled.isinsert:
        values = "(" + ", ".join(["?"] * len(names)) + ")"
        if sql.count(values) != 1 or sql.count("?") != len(names):
            values = ""  # not one plain VALUES row: no multi-row form
    processed = []
    for position, bind in enumerate(names):
        processor = compiled.binds[bind].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processed.append((position, processor))
    return _Plan(sql, names, itemgetter(*names), tuple(processed), values)


def _parameters(plan: _Plan, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]] | None:
    """The rows as tuples in bind order, processed column by column (a column holding one
    object, such as the batch's `now`, is processed once); None if a value is refused, so
    that SQLAlchemy's own path raises its usual error."""
    try:
        values = list(map(plan.get, rows))
    except Exception:  # retried through SQLAlchemy, which raises its usual error
        return None
    return _processed(plan, values)


def _processed(
    plan: _Plan, values: Sequence[tuple[Any, ...]], skip: Collection[int] = ()
) -> list[tuple[Any, ...]] | None:
    """`values` (tuples in the plan's bind order) through the plan's bind processors, but for
    the positions in `skip` (bound ahead)."""
    processed = [(p, processor) for p, processor in plan.processed if p not in skip]
    try:
        if not processed:
            return list(values)
        count = len(values)
        columns: list[Iterable[Any]] = list(zip(*values, strict=True))
        for position, processor in processed:
            column = cast(tuple[Any, ...], columns[position])
            first = column[0]
            if all(map(is_, column, repeat(first))):
                columns[position] = repeat(processor(first), count)
            else:
                columns[position] = list(map(processor, column))
        return list(zip(*columns, strict=True))
    except Exception:  # retried through SQLAlchemy, which raises its usual error
        return None


@dataclass(frozen=True, slots=True)
class _NamedPlan:
    """A DML statement compiled for PostgreSQL (psycopg's named parameters)."""

    sql: str
    processed: tuple[tuple[str, Callable[[Any], Any]], ...]  # (bind name, processor)


def _pg_many(
    connection: Connection,
    name: Hashable,
    stmt: UpdateBase,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: bool,
) -> list[Any] | None:
    """On PostgreSQL, psycopg's own `executemany` of the statement compiled once: None elsewhere,
    or when the statement or a value needs SQLAlchemy's path.

    SQLAlchemy sends an executemany … RETURNING as multi-row INSERTs ("insertmanyvalues"), and
    psycopg parses each such statement's 27,000 placeholders in Python, every time (its query
    cache stops at 4 KiB): most of a bulk import's time on PostgreSQL. Here one short statement
    runs once per row in psycopg's pipeline mode, prepared once; errors are SQLAlchemy's own
    `DBAPIError`s, and a lost connection is invalidated, as on SQLAlchemy's path.
    """
    if connection.dialect.name != "postgresql" or len(rows) < 2:
        return None
    key = ("postgresql", name, tuple(rows[0]))
    if key not in _PLANS:
        _PLANS[key] = _compile_named(connection, stmt, tuple(rows[0]))
    plan = _PLANS[key]
    if not isinstance(plan, _NamedPlan):
        return None
    try:
        params = [dict(row) for row in rows]
        for bind, processor in plan.processed:
            for row in params:
                row[bind] = processor(row[bind])
    except Exception:  # retried through SQLAlchemy, which raises its usual error
        return None
    return _driver_executemany(connection, plan.sql, params, returning=returning)


def _compile_named(connection: Connection, stmt: UpdateBase, keys: tuple[str, ...]) -> Any:
    dialect = connection.dialect
    compiled: Any = stmt.compile(dialect=dialect, column_keys=list(keys))
    names = set(compiled.binds)
    if (
        compiled.positional
        or compiled.insert_prefetch
        or compiled.update_prefetch
        or compiled.literal_execute_params
        or compiled.post_compile_params
        or compiled.escaped_bind_names
        or names != set(keys)
    ):
        return None
    processed = []
    for bind in sorted(names):
        processor = compiled.binds[bind].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processed.append((bind, processor))
    return _NamedPlan(compiled.string, tuple(processed))


def _driver_executemany(
    connection: Connection, sql: str, params: list[dict[str, Any]], *, returning: bool
) -> list[Any]:
    """psycopg's `executemany` (pipelined), in the connection's transaction."""
    fairy = connection.connection
    dbapi = connection.dialect.loaded_dbapi
    try:
        with fairy.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
            cursor.executemany(sql, params, returning=returning)
            out: list[Any] = []
            while returning:
                out.extend(cursor.fetchall())
                if not cursor.nextset():
                    break
            return out
    except dbapi.Error as exc:
        lost = connection.dialect.is_disconnect(exc, fairy.dbapi_connection, None)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(
            sql,
            params,
            exc,
            dbapi.Error,
            hide_parameters=connection.engine.hide_parameters,
            connection_invalidated=lost,
            dialect=connection.dialect,
            ismulti=True,
        ) from exc


_KNOWN_IDS = select(MentionRow.external_id).where(
    MentionRow.source == bindparam("source"),
    MentionRow.external_id.in_(bindparam("ids", expanding=True)),
)


@dataclass(frozen=True, slots=True)
class _InPlan:
    """A SELECT whose IN list has a given length, compiled for SQLite: `names` are the binds in
    order (`in_<i>` for the list's items), `constants` the values the statement carries."""

    sql: str
    names: tuple[str, ...]
    constants: dict[str, Any]


_IN_PLANS: dict[Hashable, _InPlan] = {}
#: The IN-list lengths compiled (see `_select_in`); the last is the chunk size.
_IN_SIZES = (1, 8, 32, 100, 200, _IN_CHUNK)


def _select_in(
    connection: Connection,
    name: str,
    build: Callable[[list[Any]], Any],
    values: Sequence[Any],
    params: Mapping[str, Any],
) -> Iterable[tuple[Any, ...]]:
    """SQLite: the rows of `build(binds)` (a SELECT with `values` as its IN list) as driver SQL
    compiled once per list length. SQLAlchemy renders an expanding IN list again at every
    execution, and the import runs these reads ten times a batch. The list is padded with its
    last value to the next of a few lengths (a repeated value in IN changes no result), so a
    batch's odd-sized last chunk does not compile a statement of its own."""
    length = next(size for size in _IN_SIZES if size >= len(values))
    values = [*values, *[values[-1]] * (length - len(values))]
    key = (name, length, connection.dialect.server_version_info)
    plan = _IN_PLANS.get(key)
    if plan is None:
        stmt = build([bindparam(f"in_{i}") for i in range(length)])
        dialect = connection.dialect
        compiled: Any = stmt.compile(dialect=dialect)
        if any(
            compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect)
            for n in compiled.positiontup
        ):
            raise TypeError(f"{name}: its binds need processing; not a plain-value IN query")
        binds = {n: compiled.binds[n] for n in compiled.positiontup}
        constants = {n: b.effective_value for n, b in binds.items() if b.value is not None}
        plan = _IN_PLANS[key] = _InPlan(compiled.string, tuple(compiled.positiontup), constants)
    bound = {**plan.constants, **params}
    return connection.exec_driver_sql(
        plan.sql,
        tuple(values[int(n[3:])] if n.startswith("in_") else bound[n] for n in plan.names),
    )


def _known_ids(binds: list[Any]) -> Any:
    return select(MentionRow.external_id).where(
        MentionRow.source == bindparam("source"), MentionRow.external_id.in_(binds)
    )


def existing_keys(session: Session, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (source, external_id) pairs are stored already."""
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    found: set[tuple[str, str]] = set()
    # `source = ? AND external_id IN (…)` is an index lookup; a row-value IN over both columns
    # made SQLite scan the whole unique index for every chunk. One statement with bound
    # parameters for all chunks: no literal list to coerce and no statement to build per chunk.
    sqlite_ = session.get_bind().dialect.name == "sqlite"
    if sqlite_:
        session.flush()  # as the ORM query's autoflush does
    for source, ids in by_source.items():
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            if sqlite_:
                connection = session.connection()
                rows = _select_in(connection, "known_ids", _known_ids, chunk, {"source": source})
                found.update((source, external_id) for (external_id,) in rows)
                continue
            known = session.scalars(_KNOWN_IDS, {"source": source, "ids": chunk})
            found.update((source, external_id) for external_id in known)
    return found


@dataclass(frozen=True, slots=True)
class AuthorState:
    """What ranking needs to know about an author after this batch's counts are added."""

    id: int
    followers: int | None
    mentions_seen: int
    complaints_seen: int


#: The columns of an author row to upsert, in the table's (and the compiled INSERT's) order.
AUTHOR_COLUMNS: tuple[str, ...] = tuple(
    column.key for column in Author.__table__.columns if not column.primary_key
)
#: Author columns a bulk import can give bound ahead: the text of a mention's `created_at`,
#: which the workers bound already (`mention_binder`; both columns are `UTCDateTime`).
AUTHOR_BOUND_AHEAD = frozenset({"first_seen_at", "last_seen_at"})


def upsert_author_values(
    session: Session, values: Sequence[tuple[Any, ...]], *, bound_ahead: bool = False
) -> dict[tuple[str, str], AuthorState]:
    """Insert or update authors (rows as tuples in `AUTHOR_COLUMNS` order); returns their
    current state keyed by (source, handle).

    Counts are added, followers take the newest known value, first-seen keeps the oldest. With
    `bound_ahead` the rows' `AUTHOR_BOUND_AHEAD` columns hold driver values (SQLite).
    """
    if not values:
        return {}
    bound = AUTHOR_BOUND_AHEAD if bound_ahead else frozenset()
    result = _returning_tuples(
        session, "upsert_authors", _upsert_authors, AUTHOR_COLUMNS, values, bound=bound
    )
    return _author_states(result)


def _returning_tuples(
    session: Session,
    name: str,
    statement: Callable[[str], Any],
    columns: tuple[str, ...],
    values: Sequence[tuple[Any, ...]],
    *,
    bound: frozenset[str],
) -> list[Any]:
    """`returning_values` of the statement `statement(dialect name)` in the session."""
    stmt = statement(session.get_bind().dialect.name)
    return returning_values(session.connection(), name, stmt, columns, values, bound=bound)


def _author_states(result: Iterable[Any]) -> dict[tuple[str, str], AuthorState]:
    return {
        (source, handle): AuthorState(author_id, followers, mentions, complaints)
        for author_id, source, handle, followers, mentions, complaints in result
    }


def _upsert_authors(dialect_name: str) -> Any:
    table = Author.__table__
    module: Any = postgresql if dialect_name == "postgresql" else sqlite
    stmt = module.insert(table)
    excluded = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=[table.c.source, table.c.handle],
        set_={
            "name": func.coalesce(excluded.name, table.c.name),
            "followers": func.coalesce(excluded.followers, table.c.followers),
            "mentions_seen": table.c.mentions_seen + excluded.mentions_seen,
            "complaints_seen": table.c.complaints_seen + excluded.complaints_seen,
            "last_seen_at": excluded.last_seen_at,
        },
    ).returning(
        table.c.id,
        table.c.source,
        table.c.handle,
        table.c.followers,
        table.c.mentions_seen,
        table.c.complaints_seen,
    )


#: The columns of a new `mentions` row, in the table's (and so the compiled INSERT's) order.
MENTION_COLUMNS: tuple[str, ...] = tuple(
    column.key for column in MentionRow.__table__.columns if not column.primary_key
)


#: The columns of a new mention that depend on the mention alone and cost the most to bind
#: (a datetime's text, two JSON documents): the import's worker processes bind them ahead.
MENTION_BOUND_AHEAD = frozenset({"created_at", "metrics", "raw"})
#: (created_at, metrics, raw) -> their driver values.
MentionBinder = Callable[[datetime, Any, Any], tuple[Any, Any, Any]]


def mention_binder(dialect: Dialect) -> MentionBinder | None:
    """The driver values of `MENTION_BOUND_AHEAD` as `insert_mention_values` would bind them,
    made by the compiled INSERT's own bind processors (so the stored bytes are the same); None
    where the bulk insert takes no values bound ahead (PostgreSQL)."""
    if dialect.name != "sqlite":
        return None
    # The statement SQLite's bulk insert runs (`_insert_mentions_numbered`).
    plan = _compile(dialect, _insert_mentions(dialect.name, returning=False), MENTION_COLUMNS)
    if plan is None or plan.names != MENTION_COLUMNS:
        return None
    processors = dict(plan.processed)
    created, metrics, raw = (
        processors.get(MENTION_COLUMNS.index(column), _unchanged)
        for column in ("created_at", "metrics", "raw")
    )
    return lambda created_at, metrics_, raw_: (created(created_at), metrics(metrics_), raw(raw_))


def _unchanged(value: Any) -> Any:
    return value


def insert_mention_values(
    session: Session, values: Sequence[tuple[Any, ...]], *, bound_ahead: bool = False
) -> dict[tuple[str, str], int]:
    """Insert what is new (rows as tuples in `MENTION_COLUMNS` order: no dict per mention) and
    return the ids of the rows this call actually inserted.

    ON CONFLICT DO NOTHING makes a concurrent or repeated insert harmless; only rows that came
    back from RETURNING get cases, so a mention never opens two cases. Core, not the ORM: the
    ORM's bulk insert splits rows by which values are None, one statement per pattern. With
    `bound_ahead`, the rows' `MENTION_BOUND_AHEAD` columns hold what `mention_binder` made of
    them (SQLite).
    """
    if not values:
        return {}
    bound = MENTION_BOUND_AHEAD if bound_ahead else frozenset()
    if session.get_bind().dialect.name == "sqlite":
        inserted = _insert_mentions_numbered(session.connection(), values, bound)
        if inserted is not None:
            return inserted
    result = _returning_tuples(
        session, "insert_mentions", _insert_mentions, MENTION_COLUMNS, values, bound=bound
    )
    return {(source, external_id): mention_id for mention_id, source, external_id in result}


#: The tables whose new ids `_inserted_from` counts, and how to read their largest id.
_LAST_ID = {"mentions": "SELECT max(id) FROM mentions", "cases": "SELECT max(id) FROM cases"}


def _inserted_from(connection: Connection, table: str, sql: str, params: Any) -> tuple[int, int]:
    """SQLite: executemany of an INSERT without RETURNING; (how many rows it inserted, the id
    of the first of them).

    The INSERT takes the database's write lock (before its first row, even one a conflict
    skips) and keeps it until the transaction ends, and SQLite gives a new row the largest
    rowid plus one: so the rows it inserted hold consecutive ids, in order, ending at the
    largest now. (That id is read after the INSERT, not before: a SELECT alone takes no lock,
    and another importer could insert in between.)
    """
    count: int = connection.exec_driver_sql(sql, params).rowcount
    if count <= 0:
        return 0, 0
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        # Autocommit: the lock went with the INSERT's own commit, another writer may follow.
        raise RuntimeError(f"{table}: ids counted outside a transaction")
    last: int = connection.exec_driver_sql(_LAST_ID[table]).scalar_one()
    return count, last - count + 1


def insert_numbered(
    connection: Connection, name: Hashable, stmt: UpdateBase, rows: Sequence[Mapping[str, Any]]
) -> list[int] | None:
    """The ids of `rows` inserted by `stmt`, a plain INSERT (no ON CONFLICT, no RETURNING), in
    order: on SQLite one executemany, the ids counted as `_inserted_from` says. None elsewhere
    (or without a compiled plan), where the caller inserts with RETURNING instead.
    """
    if connection.dialect.name != "sqlite" or not rows:
        return None
    plan = _plan_for(connection, name, stmt, tuple(rows[0]))
    params = _parameters(plan, rows) if plan is not None else None
    if plan is None or params is None:
        return None
    table: Any = stmt.table
    count, first = _inserted_from(connection, table.name, plan.sql, params)
    if count != len(params):  # a plain INSERT inserts every row or raises
        raise RuntimeError(f"{name}: {count} of {len(params)} rows inserted")
    return list(range(first, first + count))


_MENTIONS_FROM = "SELECT id, source, external_id FROM mentions WHERE id >= ?"


def _insert_mentions_numbered(
    connection: Connection, values: Sequence[tuple[Any, ...]], bound: frozenset[str]
) -> dict[tuple[str, str], int] | None:
    """SQLite: one executemany without RETURNING, the ids counted (`_inserted_from`), not read
    back: when every row went in, their ids follow in order; else (a conflict skipped some) the
    rows it inserted are read back. Multi-row INSERT … RETURNING cost about 4 µs more a
    mention, and building its result rows one more. None: no compiled plan, take the
    RETURNING path.
    """
    stmt = _insert_mentions("sqlite", returning=False)
    plan = _plan_for(connection, "insert_mentions_numbered", stmt, MENTION_COLUMNS)
    if plan is None or plan.names != MENTION_COLUMNS:
        return None
    params = _processed(plan, values, skip={MENTION_COLUMNS.index(c) for c in bound})
    if params is None:
        return None
    count, first = _inserted_from(connection, "mentions", plan.sql, params)
    if count == 0:
        return {}
    if count == len(params):
        return {(row[0], row[1]): first + offset for offset, row in enumerate(params)}
    rows = connection.exec_driver_sql(_MENTIONS_FROM, (first,))
    return {(source, external_id): mention_id for mention_id, source, external_id in rows}


def _insert_mentions(dialect_name: str, *, returning: bool = True) -> Any:
    """New mentions, conflicts skipped; with `returning`, the keys and ids of those inserted
    (without: SQLite's numbered insert, `_insert_mentions_numbered`)."""
    table = MentionRow.__table__
    module: Any = postgresql if dialect_name == "postgresql" else sqlite
    stmt = module.insert(table).on_conflict_do_nothing(
        index_elements=[table.c.source, table.c.external_id]
    )
    return stmt.returning(table.c.id, table.c.source, table.c.external_id) if returning else stmt


@dataclass(frozen=True, slots=True)
class OpenCase:
    """The columns intake needs of an author's open case (not the ORM object: no identity map,
    no instrumented attributes, and `reasons`/`factors` are only rewritten when re-ranked)."""

    id: int
    mention_id: int
    priority: float
    mention_count: int


_CASES = Case.__table__
_OPEN_CASES = (
    select(
        _CASES.c.author_id,
        _CASES.c.id,
        _CASES.c.mention_id,
        _CASES.c.priority,
        _CASES.c.mention_count,
    )
    .where(_CASES.c.status.in_([bindparam(f"open_{i}", status) for i, status in enumerate(OPEN)]))
    .order_by(_CASES.c.opened_at)
)
_OPEN_CASES_BY_AUTHORS = _OPEN_CASES.where(
    _CASES.c.author_id.in_(bindparam("authors", expanding=True))
)


def _open_cases(binds: list[Any]) -> Any:
    return _OPEN_CASES.where(_CASES.c.author_id.in_(binds))


def open_cases_by_author(session: Session, author_ids: Iterable[int]) -> dict[int, OpenCase]:
    """The newest open case of each author (a new complaint joins it instead of opening one)."""
    ids = sorted(set(author_ids))
    found: dict[int, OpenCase] = {}
    session.flush()  # as the ORM query's autoflush did: follow_ups may have reopened a case
    sqlite_ = session.get_bind().dialect.name == "sqlite"
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        if sqlite_:
            rows = _select_in(session.connection(), "open_cases", _open_cases, chunk, {})
        else:
            rows = session.execute(_OPEN_CASES_BY_AUTHORS, {"authors": chunk})
        for author_id, case_id, mention_id, priority, mention_count in rows:
            if author_id is not None:
                found[author_id] = OpenCase(case_id, mention_id, priority, mention_count)
    return found


def enqueue_many(session: Session, rows: list[dict[str, Any]], *, now: datetime) -> None:
    """Add outbox rows (`key`, `kind`, `case_id`, `payload`); existing keys are left alone."""
    if not rows:
        return
    values = [
        {**row, "state": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        for row in rows
    ]
    # Core on the table, not the ORM entity: the ORM's bulk insert path costs more per row.
    # The ORM statement autoflushed first; keep that, callers may have pending objects.
    session.flush()
    table = OutboxRow.__table__
    stmt = _insert(session, table).on_conflict_do_nothing(index_elements=[table.c.key])
    execute_many(session.connection(), "enqueue_many", stmt, values)


def connector_state(session: Session, name: str, type_name: str) -> ConnectorState:
    """The state row of a connector, created on first use; locked for update on PostgreSQL."""
    state = session.get(ConnectorState, name, with_for_update=_for_update(session))
    if state is None:
        state = ConnectorState(
            name=name,
            type=type_name,
            consecutive_failures=0,
            items_total=0,
            last_items=0,
            skipped_total=0,
            excluded_total=0,
            paused=False,
        )
        session.add(state)
        session.flush()
    return state


def _for_update(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def as_mention(row: MentionRow, author: Author | None) -> Mention:
    """A stored mention in the connector API's shape (DESIGN 3.3): for `reply()` and `recheck()`."""
    return Mention(
        source=row.source,
        external_id=row.external_id,
        text=row.text,
        created_at=row.created_at,
        connector=row.connector,
        url=row.url,
        author=author.handle if author else None,
        author_name=author.name if author else None,
        lang=row.lang,
        rating=row.rating,
        title=row.title,
        in_reply_to=row.in_reply_to,
        metrics=dict(row.metrics or {}),
        raw=row.raw,
    )
