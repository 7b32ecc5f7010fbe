"""`FastAnalyzer` (the English scorer's VADER) returns vaderSentiment's own scores, bit for bit."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
)

from benchmarks.generate import full_text, generate
from monitor.scoring.vader import FastAnalyzer
from tests.badinput.strategies import HOSTILE_PIECES
from tests.scoring.test_english import SENTENCES

REFERENCE = SentimentIntensityAnalyzer()
FAST = FastAnalyzer()

#: Words that steer VADER's rules: negations, boosters, idioms' words, "no", "least", "but"...
RULE_WORDS = sorted(
    {*NEGATE, *BOOSTER_DICT, *(w for k in [*SPECIAL_CASES, *BOOSTER_DICT] for w in k.split())}
    | {"no", "least", "at", "very", "never", "so", "this", "without", "doubt", "or", "nor"}
    | {"kind", "of", "but", "n't", ":)", ":(", ":D", "<3", "lol", "sux"}
)
LEXICON_SAMPLE = sorted(REFERENCE.lexicon)[::40]
EMOJI = [*[k for k in REFERENCE.emojis if len(k) == 1][::60], "☺️", "👶🏻"]


def same(text: str) -> None:
    theirs = REFERENCE.polarity_scores(text)
    # `polarity_and_counts` scores by the same code; the English scorer calls it.
    for ours in (FAST.polarity_scores(text), FAST.polarity_and_counts(text)[0]):
        assert ours == theirs
        # Equal is not enough: -0.0 == 0.0, and the port must not flip a sign either.
        assert [math.copysign(1, ours[k]) for k in theirs] == [
            math.copysign(1, theirs[k]) for k in theirs
        ]


def test_ported_version_is_installed():
    assert FAST._ported, "vaderSentiment changed: re-check FastAnalyzer against its code"


@pytest.mark.parametrize("text", [*SENTENCES, " ", "\n", "!!!", "no", "NOT GOOD at all"])
def test_sentences(text):
    same(text)


def test_generated_mentions():
    for record in generate(3000, 20261122):  # the benchmark's mentions, without a file
        same(full_text(record))


def _word(draw: st.DrawFn) -> str:
    word = draw(st.sampled_from(RULE_WORDS + LEXICON_SAMPLE + ["acme", "service", "the"]))
    shape = draw(st.sampled_from(["lower", "lower", "upper", "title"]))
    word = word.upper() if shape == "upper" else word.title() if shape == "title" else word
    before = draw(st.sampled_from(["", "", "", '"', "(", "'", *EMOJI]))
    after = draw(st.sampled_from(["", "", "", "!", "?", ".", ",", "!!!", "??", "...", *EMOJI]))
    return before + word + after


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = [_word(draw) for _ in range(draw(st.integers(0, 14)))]
    if draw(st.booleans()):
        words.append(draw(st.sampled_from(HOSTILE_PIECES)))
    separator = draw(st.sampled_from([" ", " ", "  ", "\t", "\n", "", " 😡 "]))
    return separator.join(words)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(texts())
def test_rule_heavy_texts(text):
    same(text)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(st.text(max_size=60))
def test_any_text(text):
    same(text)


def test_the_library_code_can_be_chosen(monkeypatch):
    monkeypatch.setenv("REPMON_VADER_LIBRARY", "1")
    analyzer = FastAnalyzer()
    assert not analyzer._ported
    assert analyzer.polarity_scores(SENTENCES[1]) == REFERENCE.polarity_scores(SENTENCES[1])


def test_counts_are_summed_over_the_split_tokens():
    analyzer = FastAnalyzer(token_counts=len)
    text = "  Great service, REALLY great!!  https://acme.com/a-very-long-path-beyond-the-cache \n"
    for _ in range(2):  # the second time from the token cache
        assert analyzer.polarity_and_counts(text) == (
            REFERENCE.polarity_scores(text),
            sum(map(len, text.split())),
        )


def test_counts_are_none_when_the_text_is_not_split_as_given(monkeypatch):
    analyzer = FastAnalyzer(token_counts=len)
    emoji = "Catch utf-8 emoji such as 💘"  # rewritten to its description before the split
    assert analyzer.polarity_and_counts(emoji) == (REFERENCE.polarity_scores(emoji), None)
    monkeypatch.setenv("REPMON_VADER_LIBRARY", "1")
    library = FastAnalyzer(token_counts=len)
    assert library.polarity_and_counts(SENTENCES[1]) == (
        REFERENCE.polarity_scores(SENTENCES[1]),
        None,
    )
