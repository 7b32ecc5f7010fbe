"""`to_mention`'s fast path: the same Mention, or the same error, as pydantic then `storable`."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from connectors.records import (
    MentionRecord,
    _fields,
    _plain_record,
    clean_text,
    storable,
    to_mention,
)
from monitor.errors import InputError
from monitor.models import Mention
from tests.badinput.strategies import hostile_text, json_values


def reference(obj: Any, connector: str) -> Mention:
    """`to_mention` as it was: pydantic for every record, then `storable`."""
    if not isinstance(obj, dict):
        raise InputError("expected a JSON object")
    try:
        record = MentionRecord.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"]) or "record"
        raise InputError(f"{field}: {first['msg']}") from None
    text = clean_text(record.text)
    if not text.strip() and not (record.title or "").strip():
        raise InputError("text: empty")
    return storable(
        Mention(
            source=record.source.strip().lower(),
            external_id=record.external_id.strip(),
            text=text,
            created_at=record.created_at,
            connector=connector,
            url=record.url,
            author=record.author.strip().lstrip("@") if record.author else None,
            author_name=record.author_name,
            author_followers=record.author_followers,
            lang=record.lang,
            rating=record.rating,
            title=clean_text(record.title, limit=500) if record.title else None,
            in_reply_to=record.in_reply_to,
            metrics=record.metrics,
        )
    )


def outcome(fn: Any, obj: Any, connector: str) -> tuple[str, Any]:
    try:
        return "ok", repr(fn(obj, connector=connector) if fn is to_mention else fn(obj, connector))
    except InputError as exc:
        return "error", str(exc)


plain_text = st.one_of(
    st.sampled_from(["", " ", "x", "@Bob ", "@", "ACME", "é", "İ" * 40, "ΣΑΣ", "x" * 600]),
    hostile_text,
)
values = st.one_of(
    plain_text,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 3, 5, 6, -1, 2.0, 2.5, True, None, [], {}, 10**18, 10**19]),
    st.sampled_from(["2026-11-08T10:00:00Z", "2026-11-08 10:00", "1731000000", 1731000000]),
    json_values,
)
FIELDS = [
    "source",
    "external_id",
    "text",
    "created_at",
    "url",
    "author",
    "author_name",
    "author_followers",
    "lang",
    "rating",
    "title",
    "in_reply_to",
    "metrics",
    "other",
]
BASE = {"source": "x", "external_id": "1", "text": "hi acme", "created_at": "2026-11-08T10:00:00Z"}


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = dict(BASE) if draw(st.booleans()) else {}
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=6)):
        if draw(st.integers(0, 9)) == 0:
            record.pop(key, None)
        else:
            record[key] = draw(values)
    return record


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(records(), st.sampled_from(["import", "x\x00y", "c" * 200]))
def test_same_mention_or_error_as_pydantic_and_storable(record, connector):
    assert outcome(to_mention, record, connector) == outcome(reference, record, connector)


@settings(max_examples=1000, deadline=None, derandomize=True)
@given(records())
def test_plain_record_is_what_pydantic_validates(record):
    plain = _plain_record(record)
    if plain is not None:
        fields, printable = plain
        assert repr(fields) == repr(_fields(MentionRecord.model_validate(record)))
        source, external_id, _text, _created, *optional, metrics = fields
        strings = [source, external_id, *(v for v in optional if isinstance(v, str)), *metrics]
        # True promises every string but the text is printable (the cleaning may be skipped);
        # False only sends the record down the thorough path (a blank "\t" became None above).
        assert not printable or "".join(strings).isprintable()


def test_a_typical_record_takes_the_fast_path():
    record = {
        **BASE,
        "external_id": 2119309771275071489,
        "author": "@camille",
        "author_followers": 12,
        "rating": 4,
        "title": "Works",
        "in_reply_to": 7,
        "metrics": {"likes": 1},
    }
    assert _plain_record(record) is not None
    assert _plain_record(record)[1]  # printable: `_printable_mention` builds it
    assert outcome(to_mention, record, "import") == outcome(reference, record, "import")


@pytest.mark.parametrize(
    "value",
    ["plain", "tab\there", "nul\x00", "bell\x07", "lone \ud800 surrogate", "x" * 30_000, "\u2028"],
)
def test_clean_text_fast_check_agrees_with_the_substitutions(value):
    expected = value.replace("\x00", "").replace("\x07", "").replace("\ud800", "\ufffd")
    assert clean_text(value) == expected[:20_000]


def test_lower_keeps_every_printable_character_printable():
    """`_printable_mention` cuts a lowered source without cleaning it again, relying on this."""
    chars = (chr(c) for c in range(sys.maxunicode + 1))
    assert all(c.lower().isprintable() for c in chars if c.isprintable())
