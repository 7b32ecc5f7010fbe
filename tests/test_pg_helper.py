"""The database fixtures must give each test a working, empty, private database on both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from db.session import make_engine


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()  # pooled connections left open would fail the run with ResourceWarning


def test_db_url_connects_with_the_expected_dialect(
    db_url: str, request: pytest.FixtureRequest
) -> None:
    expected = request.node.callspec.params["db_url"]
    with _engine(db_url) as engine, engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
        assert engine.dialect.name == expected
        assert inspect(conn).get_table_names() == []


def test_sqlite_url_lives_in_tmp_path(sqlite_url: str, tmp_path: Path) -> None:
    with _engine(sqlite_url) as engine, engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    assert (tmp_path / "repmon.db").is_file()


def test_postgres_databases_are_isolated(
    pg_url: str, pg_database_factory: Callable[[], str]
) -> None:
    other_url = pg_database_factory()
    assert other_url != pg_url
    with _engine(pg_url) as first, _engine(other_url) as second:
        with first.begin() as conn:
            conn.execute(text("CREATE TABLE only_here (x integer)"))
        assert inspect(first).get_table_names() == ["only_here"]
        assert inspect(second).get_table_names() == []


def test_postgres_tests_are_marked(request: pytest.FixtureRequest, pg_url: str) -> None:
    assert request.node.get_closest_marker("postgres") is not None
