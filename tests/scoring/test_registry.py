"""The registry serves one scorer per language, and the pipeline routes to it."""

from __future__ import annotations

from monitor.scoring import build_scorer
from monitor.scoring.base import Thresholds
from monitor.scoring.registry import language_scorers


def test_each_language_has_its_scorer():
    scorers = language_scorers(Thresholds())
    assert {code: getattr(s, "name", None) for code, s in scorers.items()} == {
        "en": "vader",
        "es": "vader-es",
        "fr": "vader-fr",
    }


def test_pipeline_routes_by_detected_language():
    scorer = build_scorer(["en", "es", "fr"])
    assert scorer.languages == ["en", "es", "fr"]
    cases = {
        "merci": ("fr", "vader-fr", "positive"),
        "gracias": ("es", "vader-es", "positive"),
        "thanks": ("en", "vader", "positive"),
        "el servicio es pésimo, nunca responden": ("es", "vader-es", "negative"),
        "Ce n'est pas terrible comme service": ("fr", "vader-fr", "negative"),
        "This is the worst service ever": ("en", "vader", "negative"),
    }
    for text, (lang, name, label) in cases.items():
        score = scorer.score(text)
        assert (score.lang, score.scorer, score.label) == (lang, name, label), text
        assert score.coverage is not None


def test_platform_hint_picks_the_scorer():
    scorer = build_scorer(["en", "es", "fr"])
    assert scorer.score("merci beaucoup", lang="en-US").scorer == "vader"
    assert scorer.score("merci beaucoup", lang="pt-BR").scorer == "vader-fr"


def test_rating_rule_still_applies_through_the_pipeline():
    scorer = build_scorer(["en", "es", "fr"])
    polite = scorer.score("Merci, le conseiller était très aimable", rating=2)
    assert (polite.scorer, polite.label, polite.rating_rule) == ("vader-fr", "negative", True)
    assert polite.compound > 0
    spanish = scorer.score("Me encanta la app, genial", rating=3)
    assert (spanish.label, spanish.rating_rule) == ("neutral", True)


def test_english_only_configuration_is_unchanged():
    scorer = build_scorer()
    assert scorer.languages == ["en"]
    score = scorer.score("gracias, excelente servicio")
    assert (score.lang, score.scorer) == ("en", "vader")


def test_configured_thresholds_reach_the_packs():
    strict = build_scorer(["es"], negative_threshold=-0.5, positive_threshold=0.5)
    assert strict.score("es malo", lang="es").label == "negative"
    assert strict.score("un poco lento", lang="es").label == "neutral"
    assert build_scorer(["es"]).score("un poco lento", lang="es").label == "negative"
