"""Properties every scorer keeps on any input, however hostile."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.language import LanguageDetector
from monitor.scoring import build_scorer
from monitor.scoring.engine import PackScorer
from monitor.scoring.packs import load_pack

SCORERS = {code: PackScorer(load_pack(code)) for code in ("es", "fr")}
PIPELINE = build_scorer(["en", "es", "fr"])
DETECTOR = LanguageDetector(["en", "es", "fr"])

_WORDS = [
    "no",
    "ne",
    "pas",
    "muy",
    "très",
    "pero",
    "mais",
    "aunque",
    "même si",
    "nul",
    "pésimo",
    "genial",
    "merci",
    "NUL",
    "!!!",
    "??",
    ",",
    "😡",
    "🙏",
    ":)",
    "de mierda",
    "pas mal",
    "\u200b",
    "\u200f",
    "\u202e",
    "\u200d",
    "\x00",
    "\x1b[0m",
    "\ufeff",
    "l'",
    "qu'",
]
hostile = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(blacklist_categories=())),
    st.lists(st.sampled_from(_WORDS), max_size=40).map(" ".join),
)


def check(score) -> None:
    assert -1.0 <= score.compound <= 1.0
    total = score.pos + score.neu + score.neg
    assert total == 0 or abs(total - 1) <= 0.01
    assert score.coverage is None or 0.0 <= score.coverage <= 1.0
    assert score.label in ("negative", "neutral", "positive")


@settings(max_examples=300, deadline=None)
@given(text=hostile, lang=st.sampled_from(["es", "fr"]))
def test_pack_scores_are_bounded_and_never_raise(text, lang):
    check(SCORERS[lang].score(text))


@settings(max_examples=200, deadline=None)
@given(text=hostile, hint=st.one_of(st.none(), st.text(max_size=8)))
def test_pipeline_and_detection_never_raise(text, hint):
    assert DETECTOR.detect(text, hint) in ("en", "es", "fr")
    check(PIPELINE.score(text, lang=hint))


@settings(max_examples=100, deadline=None)
@given(text=hostile)
def test_scoring_is_deterministic(text):
    for scorer in SCORERS.values():
        assert scorer.score(text) == scorer.score(text)


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_100_kb_text(lang):
    text = ("el servicio es pésimo pero gracias 😡 " * 3000)[:100_000]
    if lang == "fr":
        text = ("ce n'est pas terrible, merci !!! " * 3200)[:100_000]
    check(SCORERS[lang].score(text))
    assert DETECTOR.detect(text) == lang
