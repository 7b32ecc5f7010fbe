"""Emerging phrases: counted per customer, stopwords ignored, new or growing phrases first."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import update

from db.models import MentionRow
from monitor.phrases import (
    ANY,
    customer_counts,
    emerging,
    emerging_phrases,
    negative_texts,
    ngrams,
    stopwords,
)
from tests.support import NOW, mention, open_app

STOP = stopwords(["en", "es", "fr"])


def test_ngrams_skip_stopword_edges_handles_and_links():
    grams = ngrams("Internet down since 6pm @acmehelp https://t.co/x in the whole town", STOP)
    assert {"internet down", "whole town"} <= grams
    assert not any("acmehelp" in g or "t.co" in g for g in grams)
    assert not any(g.startswith(("the ", "in ")) or g.endswith((" the", " in")) for g in grams)
    assert "senal en todo" not in ngrams("Sin señal en todo el barrio", STOP)  # ends in a stopword
    assert "coupure internet" in ngrams("Encore une coupure internet à Lyon", STOP)


def test_a_customer_repeating_a_phrase_counts_once():
    counts = customer_counts(
        [("a", "double charge again"), ("a", "double charge AGAIN!!"), ("b", "double charge")],
        STOP,
    )
    assert counts["double charge"] == 2


def test_emerging_prefers_new_and_growing_phrases_and_hides_shadowed_ones():
    now = Counter({"double charge": 9, "double charge twice": 9, "slow app": 4, "late delivery": 5})
    before = Counter({"slow app": 4, "late delivery": 1})
    phrases = emerging(now, before, min_customers=3)
    texts = [p.text for p in phrases]
    assert texts[0] in {"double charge", "double charge twice"}
    assert not {"double charge", "double charge twice"} <= set(texts)  # one hides the other
    assert "slow app" not in texts  # not growing
    assert "late delivery" in texts


def test_emerging_phrases_from_the_database(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    burst = [
        mention(
            str(i),
            f"Acme internet down, no signal in {town}, awful",
            author=f"u{i}",
            created_at=NOW - timedelta(hours=2),
        )
        for i, town in enumerate(["Leeds", "York", "Hull", "Bath"])
    ]
    old = [
        mention(
            "old",
            "Acme billing mistake again, terrible",
            author="o",
            created_at=NOW - timedelta(days=2),
        )
    ]
    app.pipeline.ingest(burst + old)
    with app.factory() as session:
        phrases = emerging_phrases(
            session, start=NOW - timedelta(days=1), end=NOW, languages=["en", "es", "fr"]
        )
    assert phrases and phrases[0].customers == 4
    assert any("internet down" in p.text for p in phrases)
    assert all("billing mistake" not in p.text for p in phrases)
    app.close()


def test_phrases_of_one_topic_leave_the_other_topics_out(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    texts = {  # the pipeline's topic classifier files each of these under its topic
        "outage": "Acme internet down, no signal in {}, awful",
        "billing": "Acme charged me twice in {}, I want a refund",
        None: "Acme staff were rude in {}, very disappointed",
    }
    start, end = NOW - timedelta(days=1), NOW

    def phrases(topic):
        with app.factory() as session:
            found = emerging_phrases(
                session, start=start, end=end, languages=["en"], topic=topic, min_customers=3
            )
        return {p.text: p.customers for p in found}

    try:
        app.pipeline.ingest(
            [
                mention(f"{topic}{i}", text.format(town), author=f"{topic}{i}")
                for topic, text in texts.items()
                for i, town in enumerate(["Leeds", "York", "Hull"])
            ]
        )
        with app.factory() as session:
            quoted = {
                topic: [text for _, text in negative_texts(session, start=start, end=end, **kw)]
                for topic, kw in [
                    ("outage", {"topic": "outage"}),
                    ("none", {"topic": None}),
                    ("any", {}),
                ]
            }
        assert len(quoted["outage"]) == 3 and all("internet down" in t for t in quoted["outage"])
        assert len(quoted["none"]) == 3 and all("staff were rude" in t for t in quoted["none"])
        assert len(quoted["any"]) == 9  # the default: every topic

        outage, billing, untopiced = phrases("outage"), phrases("billing"), phrases(None)
        assert outage["internet down"] == 3 and billing["charged me twice"] == 3
        assert untopiced["staff were rude"] == 3
        # Another topic's complaints of the same hours stay out.
        assert not any("charged" in text or "rude" in text for text in outage), outage
        assert not any("signal" in text or "rude" in text for text in billing), billing
        assert not any("signal" in text or "charged" in text for text in untopiced), untopiced
        everything = phrases(ANY)
        assert {"internet down", "charged me twice", "staff were rude"} <= set(everything)
        assert phrases("roaming") == {}
    finally:
        app.close()


def test_a_brand_filter_of_none_means_mentions_without_a_brand(db_url, tmp_path):
    """A spike about brand-less mentions quotes those, not every brand's (None is not "any")."""
    app = open_app(db_url, tmp_path)
    try:
        app.pipeline.ingest(
            [mention(f"a{i}", f"Acme charged me twice in town {i}, awful") for i in range(3)]
            + [mention(f"n{i}", f"internet down again in town {i}, awful") for i in range(2)]
        )
        with app.factory.begin() as session:  # as a multi-brand config stores unmatched posts
            session.execute(
                update(MentionRow).where(MentionRow.external_id.like("n%")).values(brand=None)
            )
        start, end = NOW - timedelta(days=1), NOW
        with app.factory() as session:
            texts = {
                name: sorted(t for _, t in negative_texts(session, start=start, end=end, **kw))
                for name, kw in [
                    ("acme", {"brand": "Acme"}),
                    ("none", {"brand": None}),
                    ("any", {}),
                ]
            }
    finally:
        app.close()
    assert len(texts["acme"]) == 3 and all("charged" in t for t in texts["acme"])
    assert len(texts["none"]) == 2 and all("internet down" in t for t in texts["none"])
    assert texts["any"] == sorted(texts["acme"] + texts["none"])
