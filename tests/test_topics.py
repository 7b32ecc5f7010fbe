"""Topic classification: the most keyword hits wins, first listed on ties, words as stems."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.textnorm import fold_text, keyword_pattern
from monitor.topics import TopicClassifier

TOPICS = {
    "outage": ["outage", "down", "no signal", "sin señal", "pas de réseau", "plus d'internet"],
    "billing": ["bill", "charge", "overcharg", "refund", "factura", "prélèvement"],
    "app": ["app", "login", "log in", "mise à jour", "crash"],
}


def reference_topic(topics: dict[str, list[str]], folded: str) -> str | None:
    """The definition, one matcher per topic: the most hits, the first topic on ties."""
    best, best_hits = None, 0
    for name, words in topics.items():
        matcher = keyword_pattern(words, prefix=True)
        hits = len(matcher.findall(folded)) if matcher else 0
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def test_the_topic_with_most_hits_wins_and_stems_match_inflections():
    classify = TopicClassifier(TOPICS).topic_of
    assert classify(fold_text("Refunds? I was overcharged twice, the app is fine")) == "billing"
    assert classify(fold_text("La factura llegó, pero SIN SEÑAL desde ayer, sin señal")) == "outage"
    assert classify(fold_text("Impossible de faire la mise à jour")) == "app"
    assert classify(fold_text("nothing relevant here")) is None


def test_ties_go_to_the_topic_listed_first():
    assert TopicClassifier(TOPICS).topic_of("the app crashed and my bill is wrong") == "app"
    flipped = dict(reversed(list(TOPICS.items())))
    assert TopicClassifier(flipped).topic_of("the bill is down") == "billing"


def test_a_keyword_inside_a_longer_word_or_handle_does_not_count():
    classify = TopicClassifier(TOPICS).topic_of
    assert classify("@billing_team hello") is None  # a handle, not the word
    assert classify("rebill") is None  # glued to the word before


WORDS = st.sampled_from(
    [
        "down",
        "downs",
        "refund",
        "refunds",
        "app",
        "apple",
        "login",
        "log in",
        "no signal",
        "sin senal",
        "pas de reseau",
        "plus d'internet",
        "mise a jour",
        "crash",
        "@app",
        "#refund",
        "hello",
        "the",
        "billing",
        "charges",
        "overcharged",
        "x",
        ",",
        ".",
        "-",
        "'",
    ]
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(WORDS, max_size=25), st.sampled_from([" ", "", "  "]))
def test_agrees_with_one_matcher_per_topic(words, sep):
    text = sep.join(words)
    classifier = TopicClassifier(TOPICS)
    assert classifier.topic_of(text) == reference_topic(TOPICS, text)
    assert classifier.topic_of(text) == reference_topic(TOPICS, text)  # from the word cache too


def test_no_topics_configured_means_no_topic():
    assert TopicClassifier({}).topic_of("refund") is None
