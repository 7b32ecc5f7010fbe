"""Report fixtures: an app on a fresh database (both backends via `db_url`) holding the
hand-built day of tests/reports/dataset.py (`loaded`), or that day in its hand-built week and the
week before (`loaded_weeks`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import transaction
from monitor.app import App
from tests.reports import dataset
from tests.support import open_app


def _loaded(db_url: str, tmp_path: Path, *, weeks: bool) -> Iterator[tuple[App, dict[str, int]]]:
    app = open_app(db_url, tmp_path, now=dataset.NOW)
    with transaction(app.factory) as session:
        ids = dataset.load(session, weeks=weeks)
    yield app, ids
    app.close()


@pytest.fixture
def loaded(db_url: str, tmp_path: Path) -> Iterator[tuple[App, dict[str, int]]]:
    yield from _loaded(db_url, tmp_path, weeks=False)


@pytest.fixture
def loaded_weeks(db_url: str, tmp_path: Path) -> Iterator[tuple[App, dict[str, int]]]:
    yield from _loaded(db_url, tmp_path, weeks=True)
