"""Report fixtures: an app on a fresh database (both backends via `db_url`) holding the
hand-built day of tests/reports/dataset.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from db.session import transaction
from monitor.app import App
from tests.reports import dataset
from tests.support import open_app


@pytest.fixture
def loaded(db_url: str, tmp_path: Path) -> Iterator[tuple[App, dict[str, int]]]:
    app = open_app(db_url, tmp_path, now=dataset.NOW)
    with transaction(app.factory) as session:
        ids = dataset.load(session)
    yield app, ids
    app.close()
