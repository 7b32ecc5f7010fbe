"""The emerging-phrase fact: exact on a normal day, sampled by customer on a busy one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.reports import emerging
from tests.reports.dataset import DAY
from tests.support import mention, open_app

WORDS = "acme double charge on my card again"


@pytest.fixture
def app(sqlite_url, tmp_path):
    application = open_app(sqlite_url, tmp_path)
    # 12 customers complain about a double charge today, 1 did yesterday.
    batch = [
        mention(f"n{i}", f"{WORDS}, awful, I hate this", author=f"c{i}", created_at=DAY)
        for i in range(12)
    ]
    batch.append(
        mention("old", f"{WORDS}, awful", author="c0", created_at=DAY - timedelta(hours=5))
    )
    application.pipeline.ingest(batch)
    yield application
    application.close()


def test_a_phrase_many_customers_use_now_is_found_exactly(app):
    with app.factory() as session:
        found = emerging.emerging_phrase(
            session, start=DAY, end=DAY + timedelta(days=1), languages=["en"]
        )
    assert found is not None
    assert "double" in found.text  # "acme double", "double charge": equal growth, first by name
    assert (found.customers, found.previous, found.sampled) == (12, 1, 1)


def test_a_busy_day_is_sampled_by_customer_and_scaled_back(app, monkeypatch):
    monkeypatch.setattr(emerging, "MAX_TEXTS", 4)  # 12 negatives → one customer in 3
    with app.factory() as session:
        found = emerging.emerging_phrase(
            session, start=DAY, end=DAY + timedelta(days=1), languages=["en"]
        )
    assert found is not None and found.sampled == 3
    assert found.customers % 3 == 0 and 0 < found.customers <= 12
