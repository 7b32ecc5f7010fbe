"""The queue reads open cases in stored-priority order and stops early; it must still return
exactly what re-ranking every open case at `now` gives, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from db.models import Case
from monitor import queries
from monitor.cases import OPEN
from monitor.ranking import RankingPolicy, Weights, rerank
from tests.support import NOW, mention, open_app

TEXTS = (
    "Acme internet is down again, terrible",
    "Acme billing is a scam, awful service, I hate this",
    "Acme app is bad",
    "Acme support is useless and rude, worst company ever",
    "no signal from Acme all day, really annoying",
    "Acme charged me twice, disgusting, refund now",
)


def every_open_case(session, policy: RankingPolicy, now: datetime) -> list[tuple[int, float]]:
    """The definition: every open, due case re-ranked at `now`, best first (ties by id)."""
    ranked = []
    for case in session.scalars(select(Case).where(Case.status.in_(OPEN))):
        if case.status == "snoozed" and case.snoozed_until and case.snoozed_until > now:
            continue
        since = datetime.fromisoformat(case.factors["created_at"])
        priority = rerank(case.factors, waiting=max(now - since, timedelta(0)), policy=policy)
        ranked.append((case.id, priority.priority))
    return sorted(ranked, key=lambda item: (-item[1], item[0]))


def seed(app, count: int) -> None:
    mentions = [
        mention(
            str(i),
            f"{TEXTS[i % len(TEXTS)]} #{i}",
            author_followers=10 + 37 * i,
            created_at=NOW - timedelta(hours=(i * 7) % 40),
        )
        for i in range(count)
    ]
    app.pipeline.ingest(mentions)


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(queries, "QUEUE_PAGE", 1)  # a page per case: the early stop is exercised


def test_the_walk_returns_what_re_ranking_every_open_case_returns(db_url, tmp_path, small_pages):
    app = open_app(db_url, tmp_path)
    seed(app, 30)
    later = NOW + timedelta(hours=5)
    with app.factory() as session:
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        assert len(cases) > 12
        cases[0].status = "resolved"
        cases[1].status, cases[1].snoozed_until = "snoozed", later + timedelta(hours=1)
        cases[2].status, cases[2].snoozed_until = "snoozed", later - timedelta(hours=1)
        session.commit()
    policy = app.pipeline.policy
    with app.factory() as session:
        expected = every_open_case(session, policy, later)
        for limit in (1, 3, 10, 100):
            got = queries.queue(session, policy=policy, now=later, limit=limit)
            assert [(i["id"], i["priority"]) for i in got] == expected[:limit]
    ids = {i for i, _ in expected}
    assert cases[0].id not in ids and cases[1].id not in ids and cases[2].id in ids
    app.close()


def test_a_long_wait_lifts_a_lower_stored_case_above_a_fresh_one(db_url, tmp_path, small_pages):
    app = open_app(db_url, tmp_path)
    text = "Acme app is terrible, awful, useless"
    app.pipeline.ingest([mention("old", text, author_followers=100, created_at=NOW)])
    fresh_at = NOW + timedelta(hours=29)
    app.pipeline.clock = lambda: fresh_at
    app.pipeline.ingest([mention("new", text, author_followers=5000, created_at=fresh_at)])
    with app.factory() as session:
        old, new = session.scalars(select(Case).order_by(Case.id)).all()
        assert old.priority < new.priority  # stored: the bigger account ranks higher
        now = NOW + timedelta(hours=30)  # but the old case has waited 30 h, the new one 1 h
        (top,) = queries.queue(session, policy=app.pipeline.policy, now=now, limit=1)
        assert top["id"] == every_open_case(session, app.pipeline.policy, now)[0][0] == old.id
    app.close()


def test_weights_raised_since_ranking_fall_back_to_every_open_case(db_url, tmp_path, small_pages):
    app = open_app(db_url, tmp_path)
    seed(app, 20)
    stored = app.pipeline.policy
    raised = replace(stored, weights=Weights(severity=1.0, reach=1.0, rating=1.0, urgency=1.0))
    with app.factory() as session:
        expected = every_open_case(session, raised, NOW)
        got = queries.queue(session, policy=raised, now=NOW, limit=5)
        assert [(i["id"], i["priority"]) for i in got] == expected[:5]
        assert queries._top_by_stored_priority(session, policy=raised, now=NOW, limit=5) is None
        assert queries._top_by_stored_priority(session, policy=stored, now=NOW, limit=5)
    app.close()
