"""The Score is built once with the rating rule and confidence: same result as the two rules
applied one after the other, and the pipeline no longer copies it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitor.language import LanguageDetector
from monitor.models import Score
from monitor.scoring import MultiLanguageScorer, build_scorer
from monitor.scoring.base import Thresholds, apply_rating_rule, build_score, confidence
from monitor.scoring.engine import PackScorer
from monitor.scoring.packs import load_pack
from monitor.scoring.registry import EnglishScorer
from monitor.scoring.vader import VaderScorer

THRESHOLDS = Thresholds()


@pytest.mark.parametrize("compound", [-0.9, -0.5, -0.2, 0.0, 0.03, 0.3, 0.8])
@pytest.mark.parametrize("rating", [None, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("coverage", [None, 0.0, 0.5, 1.0])
def test_build_score_is_the_rating_rule_then_confidence(compound, rating, coverage):
    label = THRESHOLDS.label(compound)
    built = build_score(
        compound, 0.1, 0.8, 0.1, label, lang="es", scorer="x", coverage=coverage, rating=rating
    )
    plain = Score(compound, 0.1, 0.8, 0.1, label, "es", "x", coverage)
    ruled = apply_rating_rule(plain, rating)
    assert built == replace(ruled, confidence=confidence(ruled))


def test_apply_rating_rule_keeps_a_set_confidence_in_step():
    score = build_score(
        0.8, 0.5, 0.5, 0.0, "positive", lang="fr", scorer="x", coverage=0.5, rating=None
    )
    ruled = apply_rating_rule(score, 2)
    assert (ruled.label, ruled.rating_rule) == ("negative", True)
    assert ruled.confidence == confidence(ruled)
    unset = Score(0.8, 0.5, 0.5, 0.0, "positive", "fr", "x", 0.5)
    assert apply_rating_rule(unset, 2).confidence is None


@pytest.mark.parametrize(
    "scorer",
    [EnglishScorer(), VaderScorer(), PackScorer(load_pack("es")), PackScorer(load_pack("fr"))],
)
@pytest.mark.parametrize("rating", [None, 1, 3, 5])
def test_every_scorer_fills_confidence(scorer, rating):
    for text in ("genial, merci, great", "pésimo, nul, awful", "asdkj qwpeo", ""):
        score = scorer.score(text, rating=rating)
        assert score.confidence == confidence(score)


class _Plain:
    """A third-party scorer that leaves confidence unset."""

    def score(self, text: str, lang: str | None = None, rating: int | None = None) -> Score:
        return Score(0.6, 0.5, 0.5, 0.0, "positive", lang or "en", "plain", 0.5)


def test_the_pipeline_fills_confidence_for_scorers_that_do_not():
    scorer = MultiLanguageScorer({"en": _Plain()}, LanguageDetector(["en"]))
    score = scorer.score("anything")
    assert score.confidence == confidence(score)


def test_the_pipeline_returns_the_scorers_score_as_is():
    scorer = build_scorer(["en", "es", "fr"])
    english = EnglishScorer()
    for text in ("The app keeps crashing. Terrible!", "Thanks, great support :)"):
        assert scorer.score(text) == english.score(text, "en")
