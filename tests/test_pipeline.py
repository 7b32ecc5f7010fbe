"""The ingest pipeline on SQLite and PostgreSQL: dedupe, cases, joins, all-or-nothing batches."""

from __future__ import annotations

import pickle
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db import repository
from db.models import Author, Case, ConnectorState, MentionRow, OutboxRow
from monitor.pipeline import Analysis, Analyzer, CursorUpdate
from tests.support import NOW, make_config, mention, open_app

ANGRY = "Acme charged me twice and support hung up on me. Worst service ever, I want a refund!"


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_negative_mentions_become_cases_with_reasons_and_cards(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    result = app.pipeline.ingest(
        [
            mention("1", ANGRY, author_followers=14_000, created_at=NOW - timedelta(hours=12)),
            mention("2", "Thanks @acmehelp, the new plan is great and fast!"),
            mention("3", "The Acme app is okay I guess", source="appstore", rating=2, title="Meh"),
        ]
    )
    assert (result.stored, result.cases_opened) == (3, 2)
    with app.factory() as session:
        cases = {c.mention_id: c for c in session.scalars(select(Case))}
        rows = {m.external_id: m for m in session.scalars(select(MentionRow))}
        assert rows["2"].label == "positive" and rows["2"].case_id is None
        angry = cases[rows["1"].id]
        assert angry.status == "new" and angry.topic == "billing"
        assert any(r.startswith(("negative text (-0.49)", "very negative")) for r in angry.reasons)
        assert "14k followers" in angry.reasons
        assert "waiting 12 h" in angry.reasons
        review = cases[rows["3"].id]
        assert rows["3"].label == "negative"  # 2★ with polite text: the rating rule
        assert "2★ review" in review.reasons
        keys = set(session.scalars(select(OutboxRow.key)))
        assert keys == {f"card:{angry.id}", f"card:{review.id}"}
    app.close()


def test_repeated_batch_and_duplicates_inside_a_batch_store_once(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    batch = [mention("1", ANGRY), mention("1", ANGRY), mention("2", "Acme is fine")]
    first = app.pipeline.ingest(batch)
    second = app.pipeline.ingest(batch)
    assert (first.stored, first.duplicates) == (2, 1)
    assert (second.stored, second.duplicates, second.cases_opened) == (0, 3, 0)
    with app.factory() as session:
        assert count(session, MentionRow) == 2
        assert count(session, Case) == 1
        assert count(session, OutboxRow) == 1
    app.close()


def test_same_source_and_id_on_another_platform_are_different_mentions(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    result = app.pipeline.ingest([mention("1", ANGRY), mention("1", ANGRY, source="reddit")])
    assert result.stored == 2
    app.close()


def test_a_new_complaint_by_an_author_with_an_open_case_joins_it(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY, author="maria")])
    follow_up = mention(
        "2",
        "Still no refund from Acme. I will call my lawyer.",
        author="maria",
        created_at=NOW - timedelta(minutes=30),
    )
    result = app.pipeline.ingest([follow_up])
    assert (result.cases_opened, result.cases_joined) == (0, 1)
    with app.factory() as session:
        case = session.scalars(select(Case)).one()
        assert case.mention_count == 2
        assert count(session, MentionRow, MentionRow.case_id == case.id) == 2
        thread_keys = session.scalars(select(OutboxRow.key).where(OutboxRow.kind == "thread")).all()
        assert len(thread_keys) == 1 and thread_keys[0].startswith(f"thread:{case.id}:")
        author = session.scalars(select(Author).where(Author.handle == "maria")).one()
        assert (author.mentions_seen, author.complaints_seen) == (2, 2)
        assert "legal threat" in ",".join(case.reasons)  # the follow-up raised the priority
    app.close()


def test_two_complaints_by_one_author_in_one_batch_open_one_case(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    result = app.pipeline.ingest(
        [mention("1", ANGRY, author="bob"), mention("2", "Acme is the worst, awful!", author="bob")]
    )
    assert (result.cases_opened, result.cases_joined) == (1, 1)
    app.close()


def test_below_min_priority_is_stored_but_opens_no_case(db_url, tmp_path):
    app = open_app(db_url, tmp_path, ranking={"min_priority": 0.9})
    result = app.pipeline.ingest([mention("1", "Acme was a bit slow today", author_followers=10)])
    assert (result.stored, result.cases_opened) == (1, 0)
    app.close()


def test_brand_exclude_terms_drop_noise_before_scoring(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    result = app.pipeline.ingest(
        [mention("1", "Acme jobs: we are hiring angry testers, awful pay")]
    )
    assert (result.excluded, result.stored) == (1, 0)
    app.close()


def test_batch_and_cursor_commit_together_or_not_at_all(db_url, tmp_path, monkeypatch):
    app = open_app(db_url, tmp_path)
    update = CursorUpdate("demo", "file", '{"offset": 10}')
    app.pipeline.ingest([mention("1", ANGRY)], cursor=update)

    def broken_enqueue(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repository, "enqueue_many", broken_enqueue)
    with pytest.raises(RuntimeError):
        app.pipeline.ingest(
            [mention("2", ANGRY, author="other")],
            cursor=CursorUpdate("demo", "file", '{"offset": 20}'),
        )
    with app.factory() as session:
        assert session.scalars(select(MentionRow.external_id)).all() == ["1"]
        assert session.get(ConnectorState, "demo").cursor == '{"offset": 10}'
        assert count(session, Case) == 1
    app.close()


def test_a_non_complaint_by_the_author_is_linked_to_the_case_without_notifying(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY, author="maria")])
    thanks = mention("2", "Thanks Acme, fixed now, great job!", author="maria")
    result = app.pipeline.ingest([thanks])
    assert (result.cases_opened, result.cases_joined) == (0, 0)
    with app.factory() as session:
        case = session.scalars(select(Case)).one()
        assert count(session, MentionRow, MentionRow.case_id == case.id) == 2
        assert count(session, OutboxRow, OutboxRow.kind == "thread") == 0
    app.close()


def test_an_analysis_survives_the_trip_from_a_worker_intact(db_url, tmp_path):
    """Workers send analyses as plain values; every field must come back equal."""
    analyzer = Analyzer(make_config(db_url, tmp_path))
    shouted = mention(
        "m1",
        text="WORST SERVICE EVER, Acme!!! my lawyer hears about this, I am cancelling",
        rating=2,
    )
    polite = mention("m2", text="Acme support was friendly today", rating=4)
    analyses = [analyzer.analyze(m) for m in (shouted, polite)]
    first = analyses[0]
    assert first is not None and first.urgency and first.score.rating_rule is False
    assert {s.name for s in first.urgency} >= {"legal", "churn", "shouting"}
    for analysis in analyses:
        assert analysis is not None
        assert Analysis.unpacked(analysis.packed()) == analysis
        assert pickle.loads(pickle.dumps(analysis.packed())) == analysis.packed()


def test_every_column_of_a_stored_mention_holds_its_own_value(db_url, tmp_path):
    """The pipeline builds each row as a tuple in the table's column order: a swapped pair
    (pos/neu, title/url, priority/coverage...) would land in the wrong columns here."""
    app = open_app(db_url, tmp_path)
    created = NOW - timedelta(hours=3)
    item = mention(
        "1",
        ANGRY,
        source="appstore",
        rating=2,
        title="Double charge",
        url="https://apps.example/r/1",
        in_reply_to="0",
        metrics={"likes": 4},
        raw={"id": "1"},
        created_at=created,
    )
    score = app.pipeline.analyzer.scorer.score(f"{item.title}. {item.text}", "en", 2)
    app.pipeline.ingest([item])
    with app.factory() as session:
        row = session.scalars(select(MentionRow)).one()
        author = session.scalars(select(Author)).one()
        case = session.scalars(select(Case)).one()
        stored = {column: getattr(row, column) for column in repository.MENTION_COLUMNS}
    app.close()
    assert stored == {
        "source": "appstore",
        "external_id": "1",
        "connector": "test",
        "brand": "Acme",
        "url": "https://apps.example/r/1",
        "text": ANGRY,
        "title": "Double charge",
        "author_id": author.id,
        "lang": "en",
        "rating": 2,
        "in_reply_to": "0",
        "created_at": created,
        "fetched_at": stored["fetched_at"],  # the wall clock: checked below
        "metrics": {"likes": 4},
        "raw": {"id": "1"},
        **score.columns(),
        "topic": "billing",
        "priority": case.priority,
        "reasons": case.reasons,
        "case_id": case.id,
    }
    assert stored["fetched_at"] >= created
    assert 0 < case.priority <= 1 and "2★ review" in case.reasons
