"""Shared fixtures: hermetic environment and logging, plus SQLite/PostgreSQL databases per test."""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator

import pytest

from monitor.logconfig import use_secrets
from tests import pg

# --- Hermetic environment ----------------------------------------------------------------------
# Autouse: a developer's shell or CI secrets must never reach a test (no real tokens, no real DB).

_CREDENTIAL_VARS = re.compile(
    r"^(SLACK_|X_|REDDIT_|GOOGLE_|APPSTORE_|PG)|^(DATABASE_URL|REPMON_CONFIG)$"
)
"""Credentials and config pointers; PG* too, since libpq reads PGHOST/PGPASSWORD/... implicitly."""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if _CREDENTIAL_VARS.match(name):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _isolated_logging() -> Iterator[None]:
    """Undo whatever a test (or the code under test) did to logging: levels, handlers, disabling.

    pytest's own capture handlers come and go per phase, so they are left alone.
    """
    manager = logging.Logger.manager
    root = logging.getLogger()
    saved = {
        logger: (logger.level, logger.propagate, logger.disabled, _own_handlers(logger))
        for logger in [root, *manager.loggerDict.values()]
        if isinstance(logger, logging.Logger)
    }
    yield
    use_secrets(())  # the process-wide secrets setup_logging registered
    logging.disable(logging.NOTSET)
    for logger in [root, *manager.loggerDict.values()]:
        if not isinstance(logger, logging.Logger):
            continue  # logging.PlaceHolder
        level, propagate, disabled, handlers = saved.get(logger, (logging.NOTSET, True, False, []))
        logger.setLevel(level)
        logger.propagate = propagate
        logger.disabled = disabled
        for handler in _own_handlers(logger):
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()  # e.g. FileHandlers; an unclosed one is a ResourceWarning -> error
        for handler in handlers:
            if handler not in logger.handlers:
                logger.addHandler(handler)


def _own_handlers(logger: logging.Logger) -> list[logging.Handler]:
    """Handlers not installed by pytest's logging plugin (caplog, live logging, reports)."""
    return [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]


# --- Databases ---------------------------------------------------------------------------------
# `db_url` runs a test on both backends; `sqlite_url` / `pg_url` pick one. PostgreSQL is a real
# server started once per session from the installed binaries (tests/pg.py), one fresh database
# per test. Tests that use PostgreSQL are marked `postgres` automatically (see the hook below),
# so `-m "not postgres"` gives a SQLite-only run.


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PostgresServer]:
    """One throwaway PostgreSQL cluster for the whole session; always stopped and deleted."""
    if pg.find_bindir() is None:
        message = "PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed"
        if _ci():
            pytest.fail(f"{message}, and CI is set: PostgreSQL tests must run in CI", pytrace=False)
        pytest.skip(f"{message} (install `postgresql` to run these tests)")
    with pg.running_server() as server:
        yield server


@pytest.fixture
def pg_database_factory(pg_server: pg.PostgresServer) -> Iterator[Callable[[], str]]:
    """Call it to get the URL of a new empty database; all of them are dropped after the test."""
    created: list[str] = []

    def create() -> str:
        name = f"t_{uuid.uuid4().hex}"
        url = pg_server.create_database(name)
        created.append(name)
        return url

    yield create
    for name in created:
        pg_server.drop_database(name)  # WITH (FORCE): leaked connections don't block it


@pytest.fixture
def pg_url(pg_database_factory: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for this test only."""
    return pg_database_factory()


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    """A SQLite database file private to this test."""
    return f"sqlite:///{tmp_path}/repmon.db"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL; an empty database private to the test."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)  # lazy: SQLite-only runs never start PostgreSQL
    return url


# --- Hooks -------------------------------------------------------------------------------------
# One implementation per hook per conftest: extend these rather than adding a second one.


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "pg_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
