"""Issue 4's trust signals: confidence, mis-ratings, competitor comparisons, participation tiers
and the weight of every reason, through the scorer, the pipeline and the queue."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import Case, MentionRow
from monitor.queries import queue
from monitor.ranking import RankingPolicy, participation_tier, rank
from monitor.scoring import build_scorer
from monitor.targeting import about_brand
from monitor.textnorm import fold_text, keyword_pattern
from monitor.urgency import signals
from tests.support import NOW, mention, open_app

SCORER = build_scorer(["en", "es", "fr"])
OURS = keyword_pattern(["acme"])
THEIRS = keyword_pattern(["movistar", "brandx", "orange"])


def test_a_text_not_understood_is_neutral_with_low_confidence():
    gibberish = SCORER.score("zorblat quenth vimmox", lang="en")
    understood = SCORER.score("The delivery arrived on Tuesday.", lang="en")
    assert gibberish.label == understood.label == "neutral"
    assert gibberish.coverage == 0.0 and gibberish.confidence == 0.0
    assert understood.confidence is not None and understood.confidence >= 0.5


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Terrible app, crashes all the time, awful and useless", "en"),
        ("Pésima app, se cuelga siempre, un desastre", "es"),
        ("Application nulle, plante tout le temps, une honte", "fr"),
    ],
)
def test_five_stars_on_an_angry_text_is_flagged_as_a_likely_mis_rating(text, lang):
    score = SCORER.score(text, lang=lang, rating=5)
    assert score.label == "negative" and score.misrated
    ranking = rank(
        score,
        rating=5,
        followers=None,
        urgency=[],
        author_complaints=0,
        waiting=timedelta(0),
        policy=RankingPolicy(),
    )
    assert "likely mis-rating (5★ with angry text)" in ranking.reasons


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("I hate BrandX, Acme saved me", "Acme saved me"),
        ("Odio Movistar, pero Acme me salvó", "pero Acme me salvó"),
        ("Orange est nul. Vraiment nul. Acme au top", "Acme au top"),
        ("BrandX is fine but Acme is a disaster", "but Acme is a disaster"),
        ("Acme is down again", "Acme is down again"),
    ],
)
def test_only_the_clauses_about_our_brand_are_scored(text, kept):
    assert about_brand(text, OURS, THEIRS) == kept


def test_a_comparison_praising_us_opens_no_case(db_url, tmp_path):
    brands = [{"name": "Acme", "keywords": ["acme"], "competitors": ["movistar", "brandx"]}]
    app = open_app(db_url, tmp_path, brands=brands)
    result = app.pipeline.ingest(
        [
            mention("1", "I hate BrandX so much, terrible people. Acme saved me, thank you!"),
            mention("2", "Odio Movistar, son unos ladrones. Acme me salvó, gracias", lang="es"),
            mention("3", "BrandX is fine but Acme is a total disaster, worst service", author="z"),
        ]
    )
    assert result.cases_opened == 1
    with app.factory() as session:
        labels = dict(session.execute(select(MentionRow.external_id, MentionRow.label)).all())
    assert labels == {"1": "positive", "2": "positive", "3": "negative"}
    app.close()


@pytest.mark.parametrize(
    ("mentions_seen", "followers", "is_reply", "tier"),
    [
        (6, 10, False, "creator"),
        (1, 50_000, False, "creator"),
        (1, 50_000, True, "commenter"),
        (3, 100, False, "commenter"),
        (1, 100, False, "passive"),
    ],
)
def test_participation_tiers(mentions_seen, followers, is_reply, tier):
    assert (
        participation_tier(mentions_seen=mentions_seen, followers=followers, is_reply=is_reply)
        == tier
    )


def test_content_creators_rank_above_passive_authors_with_the_same_text():
    score = SCORER.score("Acme lost my order again, awful", lang="en")
    kwargs = {
        "rating": None,
        "followers": 200,
        "urgency": [],
        "author_complaints": 0,
        "waiting": timedelta(0),
        "policy": RankingPolicy(),
    }
    creator = rank(score, tier="creator", **kwargs)
    passive = rank(score, tier="passive", **kwargs)
    assert creator.priority > passive.priority
    assert "content creator" in creator.reasons and "content creator" not in passive.reasons


def test_every_reason_carries_its_weight_and_the_weights_make_the_priority():
    text = "I'm calling my lawyer, Acme billed me twice!!!"
    score = SCORER.score(text, lang="en")
    ranking = rank(
        score,
        rating=1,
        followers=14_000,
        urgency=signals(text, fold_text(text)),
        author_complaints=0,
        waiting=timedelta(hours=5),
        policy=RankingPolicy(),
        tier="commenter",
    )
    assert len(ranking.weights) == len(ranking.reasons)
    assert ranking.weights == sorted(ranking.weights, reverse=True)
    recomputed = 1 - math.prod(1 - w for w in ranking.weights)
    assert recomputed == pytest.approx(ranking.priority, abs=0.02)  # weights are rounded


def test_queue_reports_weights_next_to_reasons(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest(
        [
            mention(
                "1",
                "Acme is the worst, I will call my lawyer",
                rating=1,
                source="appstore",
                created_at=NOW - timedelta(hours=6),
            )
        ]
    )
    with app.factory() as session:
        items = queue(session, policy=app.pipeline.policy, now=NOW, limit=5)
        case = session.scalars(select(Case)).one()
    assert len(items) == 1
    item = items[0]
    assert len(item["weights"]) == len(item["reasons"]) and item["weights"][0] > 0
    assert dict(zip(item["reasons"], item["weights"], strict=True))["1★ review"] == 0.8
    assert case.factors["weights"][: len(case.reasons)] == pytest.approx(
        item["weights"][: len(case.reasons)], abs=0.05
    )
    app.close()
