"""The fast keyword paths give the answers of the plain ones they replace.

`KeywordMatcher.contains` vs `search`, `BrandMatcher.match` vs its three methods, the topic and
shouting checks vs straightforward versions, on texts built to hit word boundaries.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.brands import BrandMatcher
from monitor.textnorm import (
    MatcherGroup,
    _bounded,
    fold_text,
    keyword_pattern,
    phrase_head,
    tokenized,
    tokens_of,
)
from monitor.topics import TopicClassifier
from monitor.urgency import (
    _BANGS,
    _CAPS_RUN,
    _CAPS_WORD,
    _MATCHERS,
    _shouting,
    signal_named,
    signals,
)

KEYWORDS = [
    "acme",
    "@acmehelp",
    "#acme",
    "acme mobile",
    "t-mobile",
    "voda*",
    "wile e. coyote",
    "acme of",
    "sue you",
    "60 millions",
    "changer d'operateur",
    "-z",
    "'s good",
    "no signal*",
    "refund",
    "señal",
]
PIECES = [
    *(k.rstrip("*") for k in KEYWORDS),
    "vodafone",
    "refunds",
    "acmes",
    "mobile",
    "t",
    "e",
    "z",
    "s",
    "good",
    "x_y",
    "ÉTÉ",
    "LOL",
    "WTF",
    "NOOO",
    "but",
]
SEPARATORS = [" ", " ", "", ", ", ". ", "-", "'", "@", "#", "_", "!", "!!!", "¡", "\n", "é"]


@st.composite
def texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PIECES), max_size=10))
    return "".join(p + draw(st.sampled_from(SEPARATORS)) for p in parts)


keyword_lists = st.lists(st.sampled_from(KEYWORDS), min_size=1, max_size=6)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(texts(), keyword_lists, st.booleans())
def test_contains_is_search_found(text, keywords, prefix):
    matcher = keyword_pattern(keywords, prefix=prefix)
    assert matcher is not None
    folded = fold_text(text)
    assert matcher.contains(folded) == (matcher.search(folded) is not None)


def plain_fold(text: str) -> str:
    return re.sub(
        r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]",
        "",
        unicodedata.normalize("NFKD", text.casefold()),
    )


def test_every_latin1_character_folds_as_the_plain_fold():
    for code in range(256):
        assert fold_text(chr(code)) == plain_fold(chr(code))


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=0x2FF), max_size=30) | texts())
def test_latin1_byte_table_folds_as_the_plain_fold(text):
    # Latin-1 text folds through a byte table; others (ā is U+0101) take the plain path.
    assert fold_text(text) == plain_fold(text)
    assert fold_text(text + "\u0301") == plain_fold(text + "\u0301")


@settings(max_examples=500, deadline=None, derandomize=True)
@given(texts())
def test_tokenized_is_tokens_of(text):
    folded = fold_text(text)
    words, present = tokenized(folded)
    assert list(words) == tokens_of(folded)
    assert present == set(words)
    assert tokenized(folded) == (words, present)  # remembered, same answer


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(texts(), st.sampled_from([k.rstrip("*") for k in KEYWORDS]), st.booleans())
def test_a_bounded_phrase_has_its_head_among_the_tokens(text, phrase, is_stem):
    folded = fold_text(text)
    head = phrase_head(phrase)
    if head is None:
        return
    starts = [m.start() for m in re.finditer(f"(?={re.escape(phrase)})", folded)]
    if any(_bounded(folded, start, len(phrase), is_stem) for start in starts):
        assert head in tokens_of(folded)


BRANDS = [
    (
        "Acme",
        ["acme", "@acmehelp", "acme mobile"],
        ["acme of", "wile e. coyote"],
        ["voda*", "t-mobile"],
    ),
    ("Other", ["refund", "t-mobile"], ["'s good"], []),
]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(texts(), st.sampled_from([None, "", "Acme", "Other", "Unknown"]))
def test_match_is_the_three_methods(text, connector_brand):
    _assert_match_is_the_three_methods(BrandMatcher(BRANDS), text, connector_brand)


def _assert_match_is_the_three_methods(
    matcher: BrandMatcher, text: str, connector_brand: str | None
) -> None:
    folded = fold_text(text)
    brand = matcher.brand_of(folded, connector_brand)
    excluded = matcher.is_excluded(folded, brand)
    expected = (brand, excluded, text if excluded else matcher.scoring_text(text, brand))
    assert matcher.match(folded, text, connector_brand) == expected


def test_match_with_no_brands():
    assert BrandMatcher([]).match("acme", "Acme") == (None, False, "Acme")


def reference_topic(classifier: TopicClassifier, folded: str) -> str | None:
    hits = [0] * len(classifier._names)
    for token in tokens_of(folded):
        for index, matcher in enumerate(classifier._matchers):
            hits[index] += matcher.matches_token(token)
    for index, matcher in enumerate(classifier._matchers):
        for phrase, is_stem in matcher.phrases:
            start = folded.find(phrase)
            while start != -1:
                hits[index] += _bounded(folded, start, len(phrase), is_stem)
                start = folded.find(phrase, start + 1)
    best = max(range(len(hits)), key=hits.__getitem__)
    return classifier._names[best] if hits[best] else None


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(texts())
def test_topic_is_the_plain_count(text):
    classifier = TopicClassifier(
        {"a": ["acme", "t-mobile", "'s good"], "b": ["refund", "no signal", "voda"], "c": ["-z"]}
    )
    folded = fold_text(text)
    assert classifier.topic_of(folded) == reference_topic(classifier, folded)


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(texts())
def test_shouting_is_the_two_regexes(text):
    assert _shouting(text) == bool(_BANGS.search(text) or len(_CAPS_WORD.findall(text)) >= 3)


def test_shouting_capitals_are_all_latin1():
    # _shouting counts capitals in the text's Latin-1 bytes, dropping every other character.
    capitals = [c for c in map(chr, range(sys.maxunicode + 1)) if _CAPS_RUN.match(c * 3)]
    assert len(capitals) == 26 + 18
    assert all(ord(c) < 256 for c in capitals)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(st.lists(st.tuples(keyword_lists, st.booleans()), min_size=1, max_size=4), texts())
def test_matcher_group_is_contains_per_matcher(lists, text):
    matchers = [keyword_pattern(words, prefix=prefix) for words, prefix in lists]
    group = MatcherGroup([m for m in matchers if m is not None])
    folded = fold_text(text)
    expected = [m.search(folded) is not None for m in matchers if m is not None]
    assert group.hits(folded) == expected
    assert group.hits(folded) == expected  # token bits remembered, same answer


@settings(max_examples=500, deadline=None, derandomize=True)
@given(texts())
def test_signals_are_the_plain_searches(text):
    folded = fold_text(text)
    found = [s for s, m in _MATCHERS if m is not None and m.search(folded) is not None]
    if _shouting(text):
        found.append(signal_named("shouting"))
    assert signals(text, folded) == sorted(found, key=lambda s: s.weight, reverse=True)


#: No stems and no headless phrases: `BrandMatcher.match` takes its needle-table path. Two
#: rules share a name, one has no keywords, and lists share tokens and phrase heads.
TOKEN_ONLY_BRANDS = [
    (
        "Acme",
        ["acme", "@acmehelp", "#acme", "acme mobile"],
        ["acme of", "wile e. coyote", "acme is hiring", "60 millions"],
        ["vodafone", "t-mobile", "acme mobile"],
    ),
    ("Other", ["refund", "t-mobile"], ["sue you", "good"], []),
    ("Acme", ["mobile", "refund"], ["acme mobile"], ["refunds", "x_y"]),
    ("Quiet", [], ["acme"], ["acme"]),
]


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(texts(), st.sampled_from([None, "", "Acme", "Other", "Quiet", "Unknown"]))
def test_match_by_needles_is_the_three_methods(text, connector_brand):
    matcher = BrandMatcher(TOKEN_ONLY_BRANDS)
    assert matcher._table is not None
    _assert_match_is_the_three_methods(matcher, text, connector_brand)


def test_stems_and_headless_phrases_take_the_plain_path():
    assert BrandMatcher(BRANDS)._table is None  # "voda*"
    assert BrandMatcher([("Acme", ["acme", "-z"], [], [])])._table is None


def test_tokenized_splits_around_every_latin1_character():
    for code in range(256):
        char = chr(code)
        for text in (f"a{char}b {char}{char}c{char}", f"{char}x_1{char}@y#{char}z{char}é"):
            assert list(tokenized(text)[0]) == tokens_of(text), repr(char)
            for wide in (text + " ok€", text + "ł"):  # beyond Latin-1: no token, a token
                assert list(tokenized(wide)[0]) == tokens_of(wide), repr(char)


def test_tokenized_splits_around_every_character_beyond_latin1():
    for code in [*range(256, 0x10000), *range(0x10000, 0x110000, 97), 0x1F44D, 0x10FFFF]:
        char = chr(code)
        text = f"é{char}b {char}{char}c{char}d"
        assert list(tokenized(text)[0]) == tokens_of(text), hex(code)
