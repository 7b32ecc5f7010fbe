"""Column types: SQLite keeps SQLAlchemy's own storage text for datetimes and JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.dialects import sqlite

from db.base import JsonData, UTCDateTime
from db.session import dump_json, make_engine

aware = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
    ),
)


@given(aware)
def test_sqlite_datetimes_are_stored_as_sqlalchemys_own_format(value: datetime) -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    stock = sqlite.DATETIME().bind_processor(dialect)
    assert ours(value) == stock(value.astimezone(UTC).replace(tzinfo=None))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=10,
)


@given(json_values)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert dump_json(value) == json.dumps(value)


def test_json_text_is_json_dumps_for_odd_floats_keys_and_text() -> None:
    for value in (
        [float("nan"), float("inf"), -float("inf"), -0.0, 1e300, 5e-324],
        {7: "int key", 2.5: "float key", True: "bool key", None: "null key"},
        {"é": "ü\u2028\x00", "emoji": "🙂", "nested": [{"a": [1, {"b": None}]}]},
        "just a string",
        (1, 2),
    ):
        assert dump_json(value) == json.dumps(value)


def test_what_json_cannot_hold_raises_as_json_dumps_does() -> None:
    for value in ({"at": datetime(2026, 1, 1)}, {"s": {1, 2}}, {("a", "b"): 1}):
        with pytest.raises(TypeError) as ours:
            dump_json(value)
        with pytest.raises(TypeError) as stock:
            json.dumps(value)
        assert str(ours.value) == str(stock.value)


def test_values_read_back_as_written_through_a_real_database(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/t.db")
    table = Table(
        "t",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime),
        Column("data", JsonData),
    )
    at = datetime(2026, 11, 22, 10, 30, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    try:
        table.create(engine)
        with engine.begin() as connection:
            connection.execute(
                insert(table), [{"at": at, "data": None}, {"at": None, "data": {"k": [1, "é"]}}]
            )
            stored = connection.execute(text("SELECT at, data FROM t ORDER BY id")).all()
            back = connection.execute(select(table.c.at, table.c.data).order_by(table.c.id)).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in stored] == [
        ("2026-11-22 09:30:00.000005", "null"),
        (None, '{"k": [1, "\\u00e9"]}'),
    ]
    assert [tuple(r) for r in back] == [(at, None), (None, {"k": [1, "é"]})]
