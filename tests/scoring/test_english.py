"""English stays vaderSentiment's own scores; the wrapper only adds coverage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks.generate import full_text, generate
from monitor.scoring.base import Thresholds, confidence
from monitor.scoring.registry import EnglishScorer, english_coverage
from monitor.scoring.vader import VaderScorer
from tests.badinput.strategies import HOSTILE_PIECES, hostile_text

SENTENCES = [
    "VADER is smart, handsome, and funny.",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "This is the worst service ever",
    "Thank you, the support team was wonderful",
    "The app keeps crashing and nobody answers. Terrible!",
    "@AcmeHelp still no refund after 2 weeks?? https://t.co/abc",
    "",
    "😡😡",
]


@pytest.fixture(scope="module")
def analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@pytest.mark.parametrize("text", SENTENCES)
def test_scores_are_identical_to_vader_sentiment(analyzer, text):
    raw = analyzer.polarity_scores(text)
    score = EnglishScorer().score(text)
    assert (score.compound, score.pos, score.neu, score.neg) == (
        raw["compound"],
        raw["pos"],
        raw["neu"],
        raw["neg"],
    )
    assert score.scorer == "vader"


@pytest.mark.parametrize("text", SENTENCES)
@pytest.mark.parametrize("rating", [None, 1, 3, 5])
def test_every_field_but_coverage_matches_vader_scorer(text, rating):
    thresholds = Thresholds(negative=-0.2, positive=0.3)
    ours = EnglishScorer(thresholds).score(text, lang="en", rating=rating)
    theirs = VaderScorer(thresholds).score(text, lang="en", rating=rating)
    assert theirs.coverage is None
    assert ours.coverage is not None
    # Confidence is filled in by the scorer and follows coverage, so it differs too.
    unset = {"coverage": None, "confidence": None}
    assert ours.as_dict() | unset == theirs.as_dict() | unset
    assert ours.confidence == confidence(ours)
    assert theirs.confidence == confidence(theirs)


def test_coverage_counts_known_words():
    assert english_coverage("This is the worst service ever") == 1.0
    assert english_coverage("asdkj qwpeo zzxq") == 0.0
    assert english_coverage("") == 0.0
    assert 0 < english_coverage("the flurbish zorp was great") < 1
    assert english_coverage("😡 🙏") == 1.0


#: Pieces where counting per whitespace token could go wrong: URLs, @handles, apostrophes,
#: emoji (scored or not), digits, punctuation, Greek capital sigma (lower-cased by context).
COVERAGE_PIECES = [
    "great",
    "Terrible!",
    "don't",
    "it's",
    "'quoted'",
    "@acmehelp",
    "hi@acme",
    "https://t.co/abc",
    "see:https://acme.com/x",
    "www.acme.com/help",
    "2x",
    "…",
    "😡",
    "😡great",
    "🙏🏽",
    "🀄",
    "🥱",  # scored emoji that VADER has no description for: the text is not rewritten
    "z🤍z",
    "ΟΔΟΣ",
    "ΣΑΣ'Σ",
    "café",
    "l'été",
    ":)",
]


@st.composite
def coverage_texts(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(COVERAGE_PIECES + HOSTILE_PIECES), max_size=10))
    separators = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u3000", "", ","])
    return "".join(piece + draw(separators) for piece in pieces)


ENGLISH = EnglishScorer()


def same_coverage(text: str) -> None:
    assert ENGLISH.score(text).coverage == english_coverage(text), text


@pytest.mark.parametrize("text", [*SENTENCES, *COVERAGE_PIECES, " ", "ΟΔΟΣ ΟΔΟΣ."])
def test_coverage_counted_while_vader_splits_equals_english_coverage(text):
    same_coverage(text)


@settings(max_examples=2000, deadline=None, derandomize=True)
@given(st.one_of(coverage_texts(), hostile_text, st.text(max_size=60)))
def test_coverage_of_any_text_equals_english_coverage(text):
    same_coverage(text)


def test_coverage_of_generated_mentions_equals_english_coverage():
    for record in generate(2000, 7):  # the benchmark's mentions, without a file
        same_coverage(full_text(record))


def test_coverage_with_the_library_code(monkeypatch):
    monkeypatch.setenv("REPMON_VADER_LIBRARY", "1")
    scorer = EnglishScorer()
    for text in SENTENCES:
        assert scorer.score(text).coverage == english_coverage(text)
        assert scorer.score(text).compound == ENGLISH.score(text).compound
