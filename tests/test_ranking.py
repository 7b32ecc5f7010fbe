"""The ranker: each signal raises priority, never past 1, and the reasons say why."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from monitor.models import Score
from monitor.ranking import (
    RankingPolicy,
    Weights,
    humanize_count,
    is_complaint,
    rank,
    rerank,
)
from monitor.textnorm import fold_text
from monitor.urgency import signals

POLICY = RankingPolicy()


def score(compound: float, label: str = "negative") -> Score:
    return Score(
        compound=compound, pos=0.0, neu=0.5, neg=0.5, label=label, lang="en", scorer="vader"
    )


def ranked(
    compound=-0.5, *, rating=None, followers=None, text="", complaints=0, hours=0.0, policy=POLICY
):
    return rank(
        score(compound),
        rating=rating,
        followers=followers,
        urgency=signals(text, fold_text(text)),
        author_complaints=complaints,
        waiting=timedelta(hours=hours),
        policy=policy,
    )


def test_every_signal_raises_priority():
    base = ranked().priority
    assert ranked(rating=1).priority > ranked(rating=2).priority > ranked(rating=3).priority > base
    assert ranked(followers=250_000).priority > ranked(followers=500).priority > base
    assert ranked(text="I will call my lawyer").priority > base
    assert ranked(hours=20).priority > ranked(hours=3).priority > base
    assert ranked(compound=-0.9).priority > base


def test_priority_stays_in_unit_interval_with_every_signal_at_maximum():
    top = ranked(-1.0, rating=1, followers=10**9, text="FIRE!!! lawyer", complaints=9, hours=1000)
    assert 0.99 <= top.priority <= 1.0


def test_reasons_are_human_readable_and_strongest_first():
    result = ranked(-0.8, rating=2, followers=14_000, text="Cancelling my plan", hours=3)
    assert result.reasons == [
        "very negative text (-0.80)",
        "2★ review",
        "churn risk",
        "14k followers",
        "waiting 3 h",
    ]


def test_repeat_complainer_counts_as_urgency():
    assert "repeat complainer (3 posts)" in ranked(complaints=3).reasons[-1]
    assert not any("repeat" in r for r in ranked(complaints=2).reasons)


def test_weights_are_configurable():
    no_reach = RankingPolicy(weights=Weights(reach=0.0))
    assert ranked(followers=1_000_000, policy=no_reach).priority == ranked().priority


def test_each_policy_is_ranked_by_its_own_weights_when_policies_alternate():
    # Each policy's terms are worked out once and kept: one policy must never see another's.
    loud = RankingPolicy(weights=Weights(rating=1.0))
    quiet = RankingPolicy(weights=Weights(rating=0.1))
    first = ranked(rating=1, policy=loud)
    assert ranked(rating=1, policy=quiet).priority < first.priority
    assert ranked(rating=1, policy=loud) == first
    assert ranked(rating=1, policy=RankingPolicy(weights=Weights(rating=1.0))) == first


def test_rerank_of_stored_factors_gives_the_ranking_rank_gave():
    result = ranked(
        -0.8, rating=2, followers=14_000, text="Cancelling my plan", complaints=4, hours=3
    )
    stored = json.loads(json.dumps(result.factors))
    assert rerank(stored, waiting=timedelta(hours=3), policy=POLICY) == result


@pytest.mark.parametrize(
    ("label", "rating", "expected"),
    [
        ("negative", None, True),
        ("neutral", None, False),
        ("positive", 3, True),
        ("neutral", 4, False),
    ],
)
def test_complaints_are_negative_text_or_three_stars_or_less(label, rating, expected):
    assert is_complaint(score(0.0, label), rating) is expected


@pytest.mark.parametrize(
    ("value", "text"),
    [(850, "850"), (1_300, "1.3k"), (14_000, "14k"), (1_200_000, "1.2M"), (2_000_000, "2M")],
)
def test_humanize_count(value, text):
    assert humanize_count(value) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm calling my lawyer about Acme", "legal"),
        ("Voy a poner una denuncia", "legal"),
        ("Je vais porter plainte", "legal"),
        ("The router caught fire last night", "safety"),
        ("le câble a brûlé", "safety"),
        ("Me doy de baja de Acme", "churn"),
        ("je résilie demain", "churn"),
        ("@FCC please look at Acme", "regulator"),
        ("WHY IS ACME DOWN AGAIN", "shouting"),
        ("I am cancelling Acme today", "churn"),
        ("el router echaba humo", "safety"),
        ("la box a pris feu cette nuit", "safety"),
        ("@OCU_Consumidores mirad lo que hace Acme", "regulator"),
        ("j'ai écrit à l'UFC Que Choisir", "regulator"),
        ("ACME NO FUNCIONA NADA!!!", "shouting"),
        ("C'EST UNE HONTE ACME", "shouting"),
    ],
)
def test_urgency_signals_in_three_languages(text, expected):
    assert expected in [s.name for s in signals(text, fold_text(text))]


@pytest.mark.parametrize("text", ["processing your order", "ocurrió un error", "a courtesy call"])
def test_urgency_words_do_not_fire_inside_other_words(text):
    assert signals(text, fold_text(text)) == []
