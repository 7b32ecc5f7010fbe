"""Every connector's item parser fed fuzzed items through its real fetch, over loopback.

Each example serves good items mixed with mutated ones (fields deleted, retyped, or filled with
hostile text). The fetch must not raise, must return every good item, may only skip what is
malformed (counted), and what it returns must store on the database.
"""

from __future__ import annotations

import copy
import email.utils
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from connectors.records import storable
from monitor.models import Mention
from tests.badinput.strategies import hostile_text, json_values
from tests.connectors.harness_reddit import RedditHarness, submission
from tests.connectors.harness_stores import (
    AppStoreHarness,
    GooglePlayHarness,
    RssHarness,
    apple_review,
    play_review,
    rss_item,
)
from tests.connectors.harness_x import XHarness, post_for, snowflake, user_for
from tests.support import open_app

FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example serves HTTP, slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
T0 = datetime(2026, 11, 8, 10, tzinfo=UTC)
_serial = itertools.count(1)
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += leaf_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += leaf_paths(value, (*prefix, index))
    return paths


@st.composite
def mutate(draw: st.DrawFn, good: dict[str, Any]) -> Any:
    """The item with 1–3 random fields deleted, retyped, or set to hostile text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)  # not even an object
    item = copy.deepcopy(good)
    for _ in range(draw(st.integers(1, 3))):
        paths = leaf_paths(item)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = item
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["delete", "value", "text"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(hostile_text if action == "text" else json_values)
    return item


@dataclass
class Kind:
    """How to serve one connector's items and name them."""

    make: Callable[[Any], Any]
    good: Callable[[str, datetime], Any]
    add: Callable[[Any, Any], None]
    external_id: Callable[[str], str] = lambda item_id: item_id
    rss: bool = False


def _x_add(harness: XHarness, post: Any) -> None:
    author = user_for("someone")
    if isinstance(post, dict) and isinstance(post.get("author_id"), str):
        author = {**author, "id": post["author_id"]}
    harness.server.add(post, author)


def _x_good(item_id: str, at: datetime) -> dict[str, Any]:
    return post_for(item_id, f"acme post {item_id}", at, user_for("someone"))


KINDS = {
    "x": Kind(XHarness, _x_good, _x_add),
    "reddit": Kind(
        RedditHarness,
        lambda item_id, at: submission(item_id, f"acme post {item_id}", at.timestamp()),
        lambda h, item: h.children.append(item),
        external_id=lambda item_id: f"t3_{item_id}",
    ),
    "appstore": Kind(
        AppStoreHarness,
        lambda item_id, at: apple_review(item_id, f"acme review {item_id}", at),
        lambda h, item: h.entries.append(item),
    ),
    "googleplay": Kind(
        GooglePlayHarness,
        lambda item_id, at: play_review(item_id, f"acme review {item_id}", at),
        lambda h, item: h.reviews.append(item),
    ),
}


def _ids(kind: str, n: int) -> list[str]:
    if kind == "x":
        return [snowflake(T0 + timedelta(minutes=i)) for i in range(n)]
    if kind == "reddit":
        return [f"g{next(_serial):x}" for _ in range(n)]
    return [f"good-{next(_serial)}" for _ in range(n)]


def fetch_all(connector: Any) -> tuple[list[Mention], int]:
    mentions, skipped, cursor = [], 0, None
    for _ in range(20):
        batch = connector.fetch(cursor)
        mentions += batch.mentions
        skipped += batch.skipped
        cursor = batch.cursor
        if not batch.more:
            break
    return mentions, skipped


def check_storable(sqlite_url, tmp_path, mentions: list[Mention]) -> None:
    app = open_app(sqlite_url, tmp_path, brands=[{"name": "Acme", "keywords": ["acme"]}])
    try:
        unique = {(m.source, m.external_id) for m in mentions}
        result = app.pipeline.ingest([storable(m) for m in mentions])
        assert result.stored + result.duplicates == len(mentions)
        assert result.stored == len(unique) or result.excluded
    finally:
        app.close()


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ
@given(data=st.data())
def test_fuzzed_items_are_skipped_and_counted_good_ones_all_kept(kind, data, tmp_path):
    spec = KINDS[kind]
    n_good = data.draw(st.integers(1, 3), label="good")
    ids = _ids(kind, n_good + 3)
    good_ids, spare = ids[:n_good], ids[n_good:]
    items: list[tuple[bool, Any]] = [
        (True, spec.good(item_id, T0 + timedelta(minutes=i))) for i, item_id in enumerate(good_ids)
    ]
    for i, item_id in enumerate(spare[: data.draw(st.integers(1, 3), label="bad")]):
        template = spec.good(item_id, T0 + timedelta(minutes=30 + i))
        items.append((False, data.draw(mutate(template), label="mutated")))
    order = data.draw(st.permutations(range(len(items))), label="order")
    harness = spec.make(tmp_path)
    try:
        for index in order:
            spec.add(harness, items[index][1])
        connector = harness.build()
        try:
            mentions, skipped = fetch_all(connector)
        finally:
            close = getattr(connector, "close", None)
            if close:
                close()
    finally:
        getattr(harness, "close", lambda: None)()
    got = {m.external_id for m in mentions}
    assert {spec.external_id(i) for i in good_ids} <= got, "a valid item was lost"
    assert len(got) + skipped <= len(items)
    check_storable(f"sqlite:///{tmp_path}/fuzz-{next(_serial)}.db", tmp_path, mentions)


@given(
    data=st.lists(
        st.tuples(hostile_text, hostile_text, hostile_text, st.booleans()), min_size=1, max_size=4
    )
)
@FUZZ
def test_rss_items_with_hostile_text_are_kept_or_skipped_never_fatal(data, tmp_path):
    harness = RssHarness(tmp_path)
    try:
        good = []
        for i in range(2):
            guid = f"good-{next(_serial)}"
            published = email.utils.format_datetime(T0 + timedelta(minutes=i))
            harness.items.append(rss_item(guid, f"acme story {guid}", published))
            good.append(guid)
        for title, author, description, dated in data:
            # XML 1.0 cannot carry control characters or surrogates at all: a document with
            # them is not a feed, which is a different test. Everything else goes in.
            clean = [_xml_safe(s) for s in (title, author, description)]
            published = email.utils.format_datetime(T0 + timedelta(hours=1)) if dated else "junk"
            harness.items.append(
                rss_item(
                    f"fuzz-{next(_serial)}",
                    clean[0],
                    published,
                    author=clean[1] or None,
                    description=clean[2] or None,
                )
            )
        connector = harness.build()
        try:
            mentions, skipped = fetch_all(connector)
        finally:
            connector.close()
    finally:
        harness.close()
    got = {m.external_id for m in mentions}
    assert set(good) <= got
    assert len(got) + skipped <= len(data) + len(good)
    check_storable(f"sqlite:///{tmp_path}/rss-{next(_serial)}.db", tmp_path, mentions)


def _xml_safe(text: str) -> str:
    text = _SURROGATES.sub("", text)
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


HOSTILE_FIELDS = {
    "author": "nul\x00 " + "a" * 600,
    "text": "acme \ud800 \x00 " + "é" * (1 << 20),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_hostile_but_valid_items_are_stored_on_postgresql_too(kind, db_url, tmp_path):
    """NUL bytes, lone surrogates, a 600-character author and 1 MB of text: stored, cleaned."""
    spec = KINDS[kind]
    item_id = _ids(kind, 1)[0]
    item = spec.good(item_id, T0)
    if kind == "x":
        item["text"] = HOSTILE_FIELDS["text"]
    elif kind == "reddit":
        item["data"]["title"] = HOSTILE_FIELDS["text"]
        item["data"]["author"] = "nul\x00user"
    elif kind == "appstore":
        item["content"]["label"] = HOSTILE_FIELDS["text"]
        item["author"]["name"]["label"] = HOSTILE_FIELDS["author"]
    else:
        item["comments"][0]["userComment"]["text"] = HOSTILE_FIELDS["text"]
        item["authorName"] = HOSTILE_FIELDS["author"]
    harness = spec.make(tmp_path)
    try:
        spec.add(harness, json.loads(json.dumps(item)))
        connector = harness.build()
        mentions, skipped = fetch_all(connector)
        getattr(connector, "close", lambda: None)()
    finally:
        getattr(harness, "close", lambda: None)()
    assert [m.external_id for m in mentions] == [spec.external_id(item_id)] and skipped == 0
    app = open_app(db_url, tmp_path, brands=[{"name": "Acme", "keywords": ["acme"]}])
    try:
        assert app.pipeline.ingest([storable(m) for m in mentions]).stored == 1
    finally:
        app.close()
