"""db.repository's batched statements send what SQLAlchemy's own executemany would have sent.

`execute_many`/`returning_many` compile once and bind values made with SQLAlchemy's bind
processors (plain tuples for SQLite's driver, psycopg's own `executemany` on PostgreSQL); these
tests pin that the stored bytes, the returned rows and the errors are those of
`connection.execute(stmt, rows)`, on both backends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.exc import IntegrityError, StatementError

from db import repository
from db.models import Author, Case, MentionRow, OutboxRow
from db.session import transaction
from monitor.app import App
from tests.support import NOW, make_config

MENTIONS = MentionRow.__table__
OUTBOX = OutboxRow.__table__
PARIS = timezone(timedelta(hours=1))


def _row(external_id: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "source": "x",
        "external_id": external_id,
        "connector": "import",
        "brand": "Acme",
        "url": None,
        "text": "Acme « déjà » ✓",
        "title": None,
        "author_id": None,
        "lang": "fr",
        "rating": None,
        "in_reply_to": None,
        "created_at": NOW - timedelta(hours=int(external_id[-1])),
        "fetched_at": NOW,  # one object in every row: processed once
        "metrics": None,
        "raw": {"id": external_id[-1], "nested": {"ü": [1, 2.5, None, True]}},
        "compound": -0.5,
        "pos": 0.0,
        "neu": 0.5,
        "neg": 0.5,
        "label": "negative",
        "scorer": "vader",
        "coverage": None,
        "topic": None,
        "priority": None,
        "reasons": None,
        "case_id": None,
    }
    row.update(fields)
    return row


def _rows(prefix: str) -> list[dict[str, Any]]:
    return [
        _row(f"{prefix}1", metrics={"likes": 3}, reasons=["a", "b"], priority=0.5),
        _row(f"{prefix}2", created_at=datetime(2026, 11, 22, 9, 30, 1, 5, tzinfo=PARIS)),
        _row(f"{prefix}3", metrics={}, raw=None),
        _row(f"{prefix}4", reasons=[]),
    ]


def _insert(session: Any, rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """`insert_mention_values` of rows written as dicts (their keys in MENTION_COLUMNS order)."""
    return repository.insert_mention_values(session, [tuple(row.values()) for row in rows])


def _upsert(session: Any, rows: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    """`upsert_author_values` of rows written as dicts (keys in AUTHOR_COLUMNS order)."""
    return repository.upsert_author_values(session, [tuple(row.values()) for row in rows])


def _stored(app: App, prefix: str) -> list[tuple[Any, ...]]:
    """The rows as the database holds them (text on SQLite, not decoded by SQLAlchemy)."""
    with app.engine.connect() as connection:
        columns = [c for c in MENTIONS.c if c.name not in {"id", "external_id"}]
        if app.engine.dialect.name == "sqlite":
            selected = select(*(c.cast(MENTIONS.c.text.type) for c in columns))
        else:
            selected = select(*columns)
        stmt = selected.where(MENTIONS.c.external_id.like(f"{prefix}%")).order_by(MENTIONS.c.id)
        return [tuple(r) for r in connection.execute(stmt)]


def _mentions_insert(session: Any) -> Any:
    """insert_mention_values' statement, for SQLAlchemy's own executemany."""
    return (
        repository._insert(session, MENTIONS)
        .on_conflict_do_nothing(index_elements=[MENTIONS.c.source, MENTIONS.c.external_id])
        .returning(MENTIONS.c.id, MENTIONS.c.source, MENTIONS.c.external_id)
    )


@pytest.fixture
def app(db_url: str, tmp_path: Any) -> Any:
    application = App.open(make_config(db_url, tmp_path), upgrade=True)
    yield application
    application.close()


def test_insert_mentions_stores_and_returns_what_sqlalchemy_would(app: App) -> None:
    with transaction(app.factory) as session:
        ours = _insert(session, _rows("a"))
        theirs = session.connection().execute(_mentions_insert(session), _rows("b")).all()
    assert sorted(ours) == [("x", f"a{i}") for i in range(1, 5)]
    assert len(theirs) == 4
    assert _stored(app, "a") == _stored(app, "b")


def test_mention_values_are_the_table_columns_in_order() -> None:
    """The pipeline builds its rows in this order; a new column must be added there too."""
    assert tuple(_row("a1")) == repository.MENTION_COLUMNS
    assert tuple(c.key for c in MENTIONS.c if c.key != "id") == repository.MENTION_COLUMNS


def test_mention_values_store_what_sqlalchemys_executemany_stores(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tuples in MENTION_COLUMNS order: the same bytes and returned keys as SQLAlchemy's own
    executemany of dict rows, through the compiled plan on SQLite (no silent fallback)."""
    built: list[int] = []
    to_mappings = repository.returning_many
    monkeypatch.setattr(
        repository,
        "returning_many",
        lambda *args, **kwargs: built.append(1) or to_mappings(*args, **kwargs),
    )
    with transaction(app.factory) as session:
        values = [tuple(row.values()) for row in _rows("a")]
        ours = repository.insert_mention_values(session, values)
        again = repository.insert_mention_values(session, values[:2])
    monkeypatch.undo()
    with transaction(app.factory) as session:
        theirs = session.connection().execute(_mentions_insert(session), _rows("b")).all()
    assert sorted(ours) == [("x", f"a{i}") for i in range(1, 5)]
    assert again == {}  # already stored: nothing comes back, nothing opens a case twice
    assert len(theirs) == 4
    assert _stored(app, "a") == _stored(app, "b")
    assert built == ([] if app.engine.dialect.name == "sqlite" else [1, 1])


def test_a_refused_mention_value_raises_sqlalchemys_error(app: App) -> None:
    values = [tuple(row.values()) for row in _rows("a")]
    created_at = repository.MENTION_COLUMNS.index("created_at")
    values[1] = (*values[1][:created_at], "yesterday", *values[1][created_at + 1 :])
    with pytest.raises(StatementError), transaction(app.factory) as session:
        repository.insert_mention_values(session, values)
    assert _stored(app, "a") == []


def _authors(prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "source": "x",
            "handle": f"{prefix}{i}",
            "name": None if i == 2 else f"Name {i}",
            "followers": None if i == 3 else 10 * i,
            "mentions_seen": i,
            "complaints_seen": i - 1,
            "first_seen_at": NOW - timedelta(days=i, microseconds=i),
            "last_seen_at": NOW - timedelta(hours=i),
        }
        for i in range(1, 5)
    ]


def _stored_authors(app: App, prefix: str) -> list[tuple[Any, ...]]:
    with app.engine.connect() as connection:
        authors = Author.__table__
        columns = [c for c in authors.c if c.name not in {"id", "handle"}]
        if app.engine.dialect.name == "sqlite":
            columns = [c.cast(authors.c.handle.type) for c in columns]
        stmt = select(*columns).where(authors.c.handle.like(f"{prefix}%")).order_by(authors.c.id)
        return [tuple(r) for r in connection.execute(stmt)]


def test_author_values_upsert_what_sqlalchemys_executemany_upserts(app: App) -> None:
    """Twice each (insert, then the conflict's update), as tuples in AUTHOR_COLUMNS order and
    as SQLAlchemy's own executemany of dicts; on SQLite also with the datetimes bound ahead by
    `mention_binder`."""
    assert tuple(_authors("a")[0]) == repository.AUTHOR_COLUMNS
    binder = repository.mention_binder(app.engine.dialect)
    for _ in range(2):
        with transaction(app.factory) as session:
            upsert = repository._upsert_authors(app.engine.dialect.name)
            theirs = repository._author_states(
                session.connection().execute(upsert, _authors("a")).all()
            )
            ours = repository.upsert_author_values(
                session, [tuple(row.values()) for row in _authors("b")]
            )
            if binder is not None:
                bound = [
                    (*row[:6], binder(row[6], None, None)[0], binder(row[7], None, None)[0])
                    for row in (tuple(r.values()) for r in _authors("c"))
                ]
                ahead = repository.upsert_author_values(session, bound, bound_ahead=True)
                assert [s.mentions_seen for s in ahead.values()] == [
                    s.mentions_seen for s in theirs.values()
                ]
        assert [(k[1][1:], v.followers, v.mentions_seen) for k, v in ours.items()] == [
            (k[1][1:], v.followers, v.mentions_seen) for k, v in theirs.items()
        ]
    assert _stored_authors(app, "b") == _stored_authors(app, "a")
    assert [int(row[3]) for row in _stored_authors(app, "a")] == [2, 4, 6, 8]  # counts added
    if binder is not None:
        assert _stored_authors(app, "c") == _stored_authors(app, "a")


def test_only_rows_actually_inserted_come_back(app: App) -> None:
    with transaction(app.factory) as session:
        first = _insert(session, _rows("a")[:2])
    with transaction(app.factory) as session:
        again = _insert(session, _rows("a"))
    assert set(first) == {("x", "a1"), ("x", "a2")}
    assert set(again) == {("x", "a3"), ("x", "a4")}
    assert not set(first.values()) & set(again.values())


def test_rows_beyond_one_page_go_in_several_statements(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Multi-row INSERT … RETURNING (the authors' upsert), paged as SQLAlchemy pages it."""
    monkeypatch.setattr(app.engine.dialect, "insertmanyvalues_page_size", 3)
    rows = [tuple(r.values()) for prefix in "pq" for r in _authors(prefix)]
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(app.engine, "before_cursor_execute", seen)
    with transaction(app.factory) as session:
        upserted = repository.upsert_author_values(session, rows)
    event.remove(app.engine, "before_cursor_execute", seen)
    inserts = [s for s in statements if s.startswith("INSERT INTO authors")]
    if app.engine.dialect.name == "sqlite":  # the compiled plan was used, not the fallback
        assert [s.count("), (") + 1 for s in inserts] == [3, 3, 2]  # as SQLAlchemy pages them
        version = app.engine.dialect.server_version_info
        key = ("upsert_authors", repository.AUTHOR_COLUMNS, version)
        assert repository._PLANS[key] is not None
    else:  # psycopg's executemany of one statement, not SQLAlchemy's multi-row pages
        assert inserts == []
        plan = repository._PLANS[("postgresql", "upsert_authors", repository.AUTHOR_COLUMNS)]
        assert isinstance(plan, repository._NamedPlan)
    handles = [f"{prefix}{i}" for prefix in "pq" for i in range(1, 5)]
    assert sorted(key[1] for key in upserted) == handles
    with app.factory() as session:
        stored = dict(session.execute(select(Author.handle, Author.id)).all())
    assert {key[1]: state.id for key, state in upserted.items()} == stored


def test_new_mentions_come_back_with_the_ids_they_were_stored_under(app: App) -> None:
    """On SQLite one executemany without RETURNING, the ids counted on from the largest id;
    when a conflict skipped rows, read back. Either way each key maps to its row's id."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    rows = [_row(f"n{i}") for i in range(7)]
    with transaction(app.factory) as session:
        _insert(session, [rows[1], rows[4]])  # stored before: the batch below conflicts
    event.listen(app.engine, "before_cursor_execute", seen)
    with transaction(app.factory) as session:
        fresh = _insert(session, [_row(f"m{i}") for i in range(5)])
        mixed = _insert(session, rows)
    event.remove(app.engine, "before_cursor_execute", seen)
    with app.factory() as session:
        stored = dict(session.execute(select(MentionRow.external_id, MentionRow.id)).all())
    assert {key[1]: id_ for key, id_ in fresh.items()} == {
        f"m{i}": stored[f"m{i}"] for i in range(5)
    }
    assert {key[1]: id_ for key, id_ in mixed.items()} == {
        f"n{i}": stored[f"n{i}"] for i in (0, 2, 3, 5, 6)
    }
    inserts = [s for s in statements if s.startswith("INSERT INTO mentions")]
    if app.engine.dialect.name == "sqlite":
        assert len(inserts) == 2 and not any("RETURNING" in s for s in inserts)


@contextmanager
def _another_writer_first(
    tmp_path: Any, table: str, write: Callable[[Any], object]
) -> Iterator[tuple[App, Callable[[], list[str]]]]:
    """An app on a SQLite file, and `arm()`: from then on, its first INSERT INTO `table` lets
    a second app on the same file commit `write` just before it (returns what it raced)."""
    url = f"sqlite:///{tmp_path / 'race.db'}"
    app = App.open(make_config(url, tmp_path), upgrade=True)
    other = App.open(make_config(url, tmp_path))
    raced: list[str] = []

    def first(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith(f"INSERT INTO {table}") and not raced:
            raced.append(statement)
            with transaction(other.factory) as session:
                write(session)

    def arm() -> list[str]:
        event.listen(app.engine, "before_cursor_execute", first)
        return raced

    try:
        yield app, arm
    finally:
        other.close()
        app.close()


def test_sqlite_ids_stay_right_when_another_importer_inserts_just_before(tmp_path: Any) -> None:
    """The ids are counted back from the largest id read after the INSERT: another importer's
    row committed just before it (a SELECT earlier in the transaction takes no lock) is not
    counted as ours."""
    other_row = _row("o1")
    with _another_writer_first(tmp_path, "mentions", lambda s: _insert(s, [other_row])) as (
        app,
        arm,
    ):
        with transaction(app.factory) as session:
            _insert(session, [_row("a1")])
        raced = arm()
        with transaction(app.factory) as session:
            session.execute(select(MentionRow.id)).all()  # as the duplicate check reads first
            ours = _insert(session, [_row(f"k{i}") for i in range(3)])
        with app.factory() as session:
            stored = dict(session.execute(select(MentionRow.external_id, MentionRow.id)).all())
    assert raced and "o1" in stored
    assert {key[1]: id_ for key, id_ in ours.items()} == {
        f"k{i}": stored[f"k{i}"] for i in range(3)
    }


def _case_rows(mention_ids: list[int]) -> list[dict[str, Any]]:
    return [
        {
            "source": "x",
            "mention_id": mention_id,
            "status": "new",
            "priority": 0.5,
            "reasons": ["r"],
            "factors": {},
            "mention_count": 1,
            "opened_at": NOW,
            "updated_at": NOW,
            "reopened_count": 0,
        }
        for mention_id in mention_ids
    ]


def test_numbered_rows_get_the_ids_they_were_stored_under(tmp_path: Any) -> None:
    """New cases on SQLite: one executemany, ids counted back from the largest id after it,
    also when another connection inserted a case just before (as the mentions' test races)."""
    cases = insert(Case.__table__)
    with _another_writer_first(tmp_path, "cases", lambda s: s.execute(cases, _case_rows([99]))) as (
        app,
        arm,
    ):
        with transaction(app.factory) as session:
            first = repository.insert_numbered(
                session.connection(), "test.cases", cases, _case_rows([1, 2])
            )
        raced = arm()
        with transaction(app.factory) as session:
            session.execute(select(Case.id)).all()  # a read first takes no lock
            second = repository.insert_numbered(
                session.connection(), "test.cases", cases, _case_rows([3, 4, 5])
            )
        with app.factory() as session:
            stored = dict(session.execute(select(Case.mention_id, Case.id)).all())
    assert raced and 99 in stored
    assert first == [stored[1], stored[2]]
    assert second == [stored[3], stored[4], stored[5]]


def test_numbered_inserts_refuse_to_count_ids_outside_a_transaction(tmp_path: Any) -> None:
    """In autocommit the INSERT's lock ends with it: counting ids back would be a guess."""
    app = App.open(make_config(f"sqlite:///{tmp_path / 'auto.db'}", tmp_path), upgrade=True)
    try:
        autocommit = app.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        with autocommit as connection, pytest.raises(RuntimeError, match="outside a transaction"):
            repository.insert_numbered(
                connection, "test.cases", insert(Case.__table__), _case_rows([1, 2])
            )
    finally:
        app.close()


def test_numbered_inserts_are_sqlites_only(app: App) -> None:
    with transaction(app.factory) as session:
        numbered = repository.insert_numbered(
            session.connection(), "test.cases", insert(Case.__table__), _case_rows([1])
        )
        stored = list(session.scalars(select(Case.id)))
    if app.engine.dialect.name == "sqlite":
        assert numbered == stored
    else:  # PostgreSQL inserts with RETURNING: nothing was inserted here
        assert numbered is None and stored == []


def test_execute_many_updates_as_sqlalchemy_would(app: App) -> None:
    with transaction(app.factory) as session:
        ids = _insert(session, _rows("a") + _rows("b"))
        stmt = update(MENTIONS).where(MENTIONS.c.id == bindparam("mention_id"))
        changes = [
            {"mention_id": ids[("x", f"{prefix}{i}")], "topic": f"t{i}", "raw": raw}
            for prefix in "ab"
            for i, raw in ((1, {"é": 1}), (2, None), (3, [1.5]), (4, "s"))
        ]
        repository.execute_many(session.connection(), "test.update", stmt, changes[:4])
        session.connection().execute(stmt, changes[4:])
    assert _stored(app, "a") == _stored(app, "b")


def _outbox(key: str, **fields: Any) -> dict[str, Any]:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    row = {"key": key, "kind": "card", "case_id": None, "payload": {"k": key}, "state": "pending"}
    return {**row, "attempts": 0, "next_attempt_at": at, "created_at": at, **fields}


def test_a_refused_value_raises_sqlalchemys_error(app: App) -> None:
    naive = [_row("n1"), _row("n2", created_at=datetime(2026, 11, 22, 9, 0))]
    with pytest.raises(StatementError, match="naive datetime"), transaction(app.factory) as s:
        _insert(s, naive)
    rows = [_outbox("o1"), _outbox("o2", created_at=datetime(2026, 1, 1))]
    with pytest.raises(StatementError, match="naive datetime"), transaction(app.factory) as s:
        repository.execute_many(s.connection(), "test.refused", insert(OUTBOX), rows)


def test_a_database_error_is_sqlalchemys_and_rolls_the_batch_back(app: App) -> None:
    """The fast paths raise what SQLAlchemy would: here a foreign key the database refuses."""
    rows = [_row("f1"), _row("f2", author_id=999_999)]
    with pytest.raises(IntegrityError), transaction(app.factory) as session:
        _insert(session, rows)
    with app.factory() as session:
        assert session.scalars(select(MentionRow.id)).all() == []


def test_same_plan_name_with_other_keys_compiles_again(app: App) -> None:
    stmt = insert(OUTBOX)
    with transaction(app.factory) as session:
        connection = session.connection()
        repository.execute_many(connection, "test.plan", stmt, [_outbox("k1"), _outbox("k2")])
        repository.execute_many(
            connection, "test.plan", stmt, [_outbox(k, last_error="e") for k in ("k3", "k4")]
        )
        errors = session.scalars(select(OutboxRow.last_error).order_by(OutboxRow.key)).all()
    assert errors == [None, None, "e", "e"]


def test_known_keys_and_open_cases_read_what_sqlalchemys_expanding_in_reads(app: App) -> None:
    """SQLite runs these two reads as driver SQL compiled once per list length: the same
    answers as SQLAlchemy's expanding IN, across chunks of 400 and a short last chunk."""
    stored = [_row(f"k{i}") for i in range(1, 10)] + [
        {**_row(f"k{i}"), "source": "reddit"} for i in range(1, 4)
    ]
    with transaction(app.factory) as session:
        _insert(session, stored)
        authors = _upsert(session, _authors("o") + _authors("p"))
        ids = sorted(a.id for a in authors.values())
        mention_ids = list(
            session.scalars(select(MENTIONS.c.id).order_by(MENTIONS.c.id).limit(len(ids)))
        )
        statuses = [
            "new",
            "claimed",
            "resolved",
            "snoozed",
            "dismissed",
            "escalated",
            "new",
            "routed",
        ]
        session.execute(
            insert(Case.__table__),
            [
                {
                    "source": "x",
                    "author_id": author_id,
                    "mention_id": mention_id,
                    "status": status,
                    "priority": 0.5,
                    "reasons": ["r"],
                    "factors": {},
                    "mention_count": 1,
                    "opened_at": NOW - timedelta(minutes=n),
                    "updated_at": NOW,
                    "reopened_count": 0,
                }
                for n, (author_id, mention_id, status) in enumerate(
                    zip(ids * 2, mention_ids * 2, statuses * 2, strict=False)
                )
            ],
        )
    asked = [("x", f"k{i}") for i in range(0, 900)] + [("reddit", "k2"), ("appstore", "k2")]
    with transaction(app.factory) as session:
        known = repository.existing_keys(session, asked)
        cases = repository.open_cases_by_author(session, [*ids, 10_000])
        expected_cases: dict[int, Any] = {}
        for row in session.execute(repository._OPEN_CASES_BY_AUTHORS, {"authors": [*ids, 10_000]}):
            expected_cases[row.author_id] = repository.OpenCase(*row[1:])
    assert known == {("x", f"k{i}") for i in range(1, 10)} | {("reddit", "k2")}
    assert cases == expected_cases
    assert {c.id for c in cases.values()} and len(cases) < len(ids)  # closed ones left out
    if app.engine.dialect.name == "sqlite":  # odd lengths padded: a few statements compiled
        lengths = {key[1] for key in repository._IN_PLANS if key[0] == "known_ids"}
        assert lengths <= set(repository._IN_SIZES) and 100 in lengths
