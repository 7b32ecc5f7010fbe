"""English stays vaderSentiment's own scores; the wrapper only adds coverage."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from monitor.scoring.base import Thresholds, confidence
from monitor.scoring.registry import EnglishScorer, english_coverage
from monitor.scoring.vader import VaderScorer

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
