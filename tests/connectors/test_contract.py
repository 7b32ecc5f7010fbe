"""The connector contract (DESIGN 3.3), run against every registered connector type.

Each type needs a harness in HARNESSES: it builds the connector against local test data and can
add items to that data. A type registered without a harness fails this suite on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone
from pathlib import Path

import pytest

from connectors import Batch, Connector, Mention, build_connector, connector_types
from tests.connectors.contract import MALFORMED_KINDS, Harness, Item, expected, items, platform_id
from tests.connectors.fake_connect import AppStoreConnectHarness
from tests.connectors.harness_reddit import RedditHarness
from tests.connectors.harness_stores import AppStoreHarness, GooglePlayHarness, RssHarness
from tests.connectors.harness_x import XHarness

# --- Harnesses ---------------------------------------------------------------------------------


class FileHarness:
    """`type: file`: a JSONL file that grows; small batches so paging is exercised too."""

    name = "contract-file"

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "source.jsonl"
        self.path.write_bytes(b"")
        self._count = 0

    def build(self) -> Connector:
        return build_connector(
            {"name": self.name, "type": "file", "path": str(self.path), "batch_size": 2}
        )

    def append(self, new: Sequence[Item]) -> None:
        lines = []
        for item in new:
            self._count += 1
            # Platforms disagree on id types and offsets: alternate them to test normalisation.
            numeric = self._count % 2 == 0 and item.external_id.isdigit()
            offset = timezone(timedelta(hours=2)) if self._count % 3 == 0 else UTC
            record = {
                "source": "x",
                "external_id": int(item.external_id) if numeric else item.external_id,
                "text": item.text,
                "created_at": item.created_at.astimezone(offset).isoformat(),
                "author": item.author,
            }
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        self._write("".join(lines).encode("utf-8"))

    def append_malformed(self, kind: str) -> None:
        good = {
            "source": "x",
            "external_id": "bad-1",
            "text": "acme bad",
            "created_at": "2026-11-08T10:00:00Z",
        }
        if kind == "undecodable":
            line = json.dumps(good)[:-9] + "\n"
        elif kind == "missing_field":
            line = json.dumps({k: v for k, v in good.items() if k != "created_at"}) + "\n"
        elif kind == "out_of_range":
            line = json.dumps({**good, "rating": 9}) + "\n"
        else:
            raise ValueError(kind)
        self._write(line.encode("utf-8"))

    def _write(self, data: bytes) -> None:
        with self.path.open("ab") as stream:
            stream.write(data)


HARNESSES: dict[str, Callable[[Path], Harness]] = {
    "file": FileHarness,
    "x": XHarness,
    "reddit": RedditHarness,
    "appstore": AppStoreHarness,
    "googleplay": GooglePlayHarness,
    "rss": RssHarness,
}
"""Connector type → harness factory. Adding a connector type? Add its harness here."""
VARIANTS: dict[str, Callable[[Path], Harness]] = {"appstore-connect": AppStoreConnectHarness}
"""Other configurations of a type that read another API (appstore with `connect:`)."""


# --- Fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(params=[*connector_types(), *VARIANTS])
def connector_type(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def harness(connector_type: str, tmp_path: Path) -> Harness:
    factory = HARNESSES.get(connector_type) or VARIANTS.get(connector_type)
    if factory is None:
        pytest.fail(
            f"connector type {connector_type!r} is registered but has no contract harness: "
            "add one to HARNESSES in tests/connectors/test_contract.py",
            pytrace=False,
        )
    return factory(tmp_path)


@dataclass
class Drained:
    mentions: list[Mention]
    cursor: str | None
    skipped: int
    batches: int


def drain(connector: Connector, cursor: str | None, *, limit: int = 1000) -> Drained:
    """Fetch until the connector says it has no more right now."""
    mentions: list[Mention] = []
    skipped = 0
    for number in range(1, limit + 1):
        batch = connector.fetch(cursor)
        assert isinstance(batch, Batch)
        assert batch.cursor is None or isinstance(batch.cursor, str)
        mentions.extend(batch.mentions)
        skipped += batch.skipped
        cursor = batch.cursor
        if not batch.more:
            return Drained(mentions, cursor, skipped, number)
    pytest.fail(f"still `more` after {limit} batches")


def ids(mentions: Sequence[Mention]) -> list[str]:
    return [m.external_id for m in mentions]


# --- The contract ------------------------------------------------------------------------------


def test_every_registered_connector_type_has_a_harness():
    missing = sorted(set(connector_types()) - set(HARNESSES))
    assert not missing, f"connector types without a contract harness: {missing}"


def test_first_fetch_returns_the_items(harness: Harness):
    harness.append(items(1, 2, 3, 4, 5))
    first = drain(harness.build(), None)
    assert sorted(ids(first.mentions)) == expected(harness, 1, 2, 3, 4, 5)
    assert first.skipped == 0
    assert all(m.connector == harness.name for m in first.mentions)
    assert all(isinstance(m.external_id, str) for m in first.mentions)
    assert {m.text for m in first.mentions} == {f"acme item number {i}" for i in range(1, 6)}


def test_fetch_resumed_from_the_cursor_repeats_nothing(harness: Harness):
    harness.append(items(1, 2, 3))
    connector = harness.build()
    first = drain(connector, None)
    again = drain(connector, first.cursor)
    assert ids(again.mentions) == []
    assert again.skipped == 0
    # A new connector object (the next process) resumes from the saved cursor just the same.
    assert ids(drain(harness.build(), first.cursor).mentions) == []


def test_after_new_items_a_resumed_fetch_returns_only_the_new_ones(harness: Harness):
    harness.append(items(1, 2, 3))
    first = drain(harness.build(), None)
    harness.append(items(4, 5))
    second = drain(harness.build(), first.cursor)
    assert sorted(ids(second.mentions)) == expected(harness, 4, 5)
    harness.append(items(6))
    third = drain(harness.build(), second.cursor)
    assert ids(third.mentions) == expected(harness, 6)
    assert ids(drain(harness.build(), third.cursor).mentions) == []


def test_empty_source_gives_an_empty_batch_and_a_usable_cursor(harness: Harness):
    connector = harness.build()
    empty = connector.fetch(None)
    assert empty.mentions == []
    assert empty.skipped == 0
    assert empty.more is False
    harness.append(items(1, 2))
    later = drain(harness.build(), empty.cursor)
    assert sorted(ids(later.mentions)) == expected(harness, 1, 2)


def test_timestamps_are_timezone_aware_utc(harness: Harness):
    sent = items(1, 2, 3, 4, 5, 6)
    harness.append(sent)
    got = {m.external_id: m for m in drain(harness.build(), None).mentions}
    assert set(got) == {platform_id(harness, i.external_id) for i in sent}
    for item in sent:
        created = got[platform_id(harness, item.external_id)].created_at
        assert created.tzinfo is not None
        assert created.utcoffset() == timedelta(0)
        assert created == item.created_at


def test_external_ids_are_strings(harness: Harness):
    harness.append(items(1, 2, 3, 4))
    mentions = drain(harness.build(), None).mentions
    assert len(mentions) == 4
    assert all(type(m.external_id) is str for m in mentions)
    assert all(m.in_reply_to is None or type(m.in_reply_to) is str for m in mentions)


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
def test_one_malformed_item_is_skipped_and_counted_and_the_rest_kept(harness: Harness, kind: str):
    harness.append(items(1, 2))
    harness.append_malformed(kind)
    harness.append(items(3, 4))
    result = drain(harness.build(), None)
    assert sorted(ids(result.mentions)) == expected(harness, 1, 2, 3, 4)
    assert result.skipped == 1
    # Skipped means consumed: the bad item is not reported again from the cursor after it.
    again = drain(harness.build(), result.cursor)
    assert (ids(again.mentions), again.skipped) == ([], 0)
