"""JSONL / CSV import fed hostile files: bad lines are skipped and counted, valid ones all stored.

Runs on SQLite and PostgreSQL: PostgreSQL refuses NUL bytes and overlong strings and SQLite
refuses lone surrogates, so "valid" must mean "storable" on both.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from connectors.filereader import RecordReader
from db.models import Author, MentionRow
from monitor.models import Mention
from tests.badinput.strategies import hostile_text, json_values
from tests.support import open_app

MB = 1 << 20
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ids = itertools.count()
CREATED = "2026-11-08T10:00:00Z"


def brand_only(db_url, tmp_path):
    """No exclusions: every valid line must be stored, so the counts can be exact."""
    return open_app(db_url, tmp_path, brands=[{"name": "Acme", "keywords": ["acme"]}])


# --- lines ----------------------------------------------------------------------------------


@st.composite
def good_record(draw: st.DrawFn) -> dict[str, Any]:
    """A record the schema (DESIGN 3.4) accepts, with hostile content in every free field."""
    text = draw(hostile_text)
    record: dict[str, Any] = {
        "source": draw(st.sampled_from(["x", "reddit", "import", " X "])),
        "external_id": f"good-{next(_ids)}",
        "text": f"acme {text}",
        "created_at": draw(
            st.sampled_from([CREATED, "2026-11-08T10:00:00+05:30", "2026-11-08", 1794650000])
        ),
    }
    optional = {
        "author": st.one_of(hostile_text, st.text(min_size=256, max_size=400)),
        "author_name": st.one_of(hostile_text, st.text(min_size=256, max_size=400)),
        "author_followers": st.integers(min_value=0, max_value=2**31 - 1),
        "url": hostile_text,
        "lang": st.one_of(hostile_text, st.sampled_from(["en", "es", "fr", "zz", "en-GB"])),
        "rating": st.integers(min_value=1, max_value=5),
        "title": hostile_text,
        "in_reply_to": st.one_of(hostile_text.filter(lambda s: len(s) <= 255), st.integers(0)),
        "metrics": st.dictionaries(hostile_text, json_values, max_size=4),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            record[key] = draw(strategy)
    return record


BAD_LINES = st.one_of(
    st.just(b'{"source": "x", "external_id": "cut", "text": "acme'),  # not JSON
    st.just(b"[1, 2, 3]"),  # JSON, not an object
    st.just(
        b'{"source": "x", "external_id": "bad-utf8", "text": "acme \xff\xfe", '
        b'"created_at": "2026-11-08T10:00:00Z"}'
    ),  # invalid UTF-8 inside a valid line
    st.sampled_from(["source", "external_id", "text", "created_at"]).map(
        lambda missing: json.dumps(
            {
                k: v
                for k, v in {
                    "source": "x",
                    "external_id": f"missing-{missing}",
                    "text": "acme",
                    "created_at": CREATED,
                }.items()
                if k != missing
            }
        ).encode()
    ),
    st.fixed_dictionaries(
        {
            "source": st.just("x"),
            "external_id": st.just("wrong-type"),
            "text": st.just("acme"),
            "created_at": st.sampled_from(
                ["yesterday", "2026-13-45T00:00:00Z", "9999-12-31T23:00:00-05:00", 1e300, -1e300]
            ),
        }
    ).map(lambda r: json.dumps(r).encode()),
    st.sampled_from(
        [
            {"rating": 0},
            {"rating": "five"},
            {"author_followers": -1},
            {"metrics": [1, 2]},
            {"text": ""},
            {"text": 42},
            {"external_id": ""},
            {"external_id": "x" * 300},
            {"source": ["x"]},
        ]
    ).map(
        lambda bad: json.dumps(
            {"source": "x", "external_id": "typed", "text": "acme", "created_at": CREATED, **bad}
        ).encode()
    ),
)


def jsonl_line(record: dict[str, Any]) -> bytes:
    # ensure_ascii: lone surrogates travel as \\ud800 escapes, as other tools write them.
    return json.dumps(record, ensure_ascii=True).encode()


def read_all(data: bytes, fmt: str = "jsonl", batch: int = 7) -> tuple[list[list[Mention]], int]:
    reader = RecordReader(io.BytesIO(data), fmt=fmt, connector="import")  # type: ignore[arg-type]
    batches = []
    while not reader.eof:
        batches.append(reader.read(batch))
    return batches, reader.skipped


def ingest_all(app, batches: list[list[Mention]]) -> int:
    return sum(app.pipeline.ingest(mentions).stored for mentions in batches)


def stored_ids(app, prefix: str) -> set[str]:
    with app.factory() as session:
        return set(
            session.scalars(
                select(MentionRow.external_id).where(MentionRow.external_id.like(f"{prefix}%"))
            )
        )


@FUZZ
@given(
    lines=st.lists(
        st.one_of(good_record().map(lambda r: ("good", r)), BAD_LINES.map(lambda b: ("bad", b))),
        min_size=1,
        max_size=12,
    )
)
def test_jsonl_lines_valid_are_stored_and_bad_are_skipped_and_counted(db_url, tmp_path, lines):
    app = getattr(test_jsonl_lines_valid_are_stored_and_bad_are_skipped_and_counted, "_app", None)
    if app is None or app.config.database.url != db_url:
        app = brand_only(db_url, tmp_path)
        test_jsonl_lines_valid_are_stored_and_bad_are_skipped_and_counted._app = app  # type: ignore[attr-defined]
    good = [r for kind, r in lines if kind == "good"]
    data = b"\n".join(jsonl_line(item) if kind == "good" else item for kind, item in lines)
    batches, skipped = read_all(data + b"\n")
    assert skipped == len(lines) - len(good)
    stored = ingest_all(app, batches)
    assert stored == len(good)
    assert stored_ids(app, "good-") >= {r["external_id"] for r in good}


@pytest.fixture(autouse=True)
def _close_cached_app():
    yield
    test = test_jsonl_lines_valid_are_stored_and_bad_are_skipped_and_counted
    app = getattr(test, "_app", None)
    if app is not None:
        app.close()
        del test._app  # type: ignore[attr-defined]


def test_a_megabyte_of_text_and_every_hostile_character_are_stored_once(db_url, tmp_path):
    app = brand_only(db_url, tmp_path)
    try:
        records = [
            {
                "source": "x",
                "external_id": "huge",
                "text": "acme " + "é😡" * (MB // 2),
                "created_at": CREATED,
            },
            {
                "source": "x",
                "external_id": "nul",
                "text": "acme\x00 down\x00",
                "created_at": CREATED,
                "author": "nul\x00user",
                "author_name": "Null\x00",
                "metrics": {"k\x00": "v\x00"},
            },
            {
                "source": "x",
                "external_id": "surrogate",
                "text": "acme \ud800 broken \udfff",
                "created_at": CREATED,
                "author": "sur\ud800",
                "title": "t\udc00",
            },
            {
                "source": "x",
                "external_id": "rtl",
                "text": "acme \u202eevil\u202c \u200b\u200f",
                "created_at": CREATED,
            },
            {
                "source": "x",
                "external_id": "long-author",
                "text": "acme",
                "created_at": CREATED,
                "author": "a" * 1000,
                "author_name": "n" * 1000,
                "in_reply_to": "9" * 255,
            },
            {
                "source": "x",
                "external_id": "nan",
                "text": "acme",
                "created_at": CREATED,
                "metrics": {
                    "score": float("nan"),
                    "inf": float("inf"),
                    "deep": [{"x": -float("inf")}],
                },
            },
        ]
        batches, skipped = read_all(b"".join(jsonl_line(r) + b"\n" for r in records))
        assert skipped == 0
        assert ingest_all(app, batches) == len(records)
        with app.factory() as session:
            rows = {r.external_id: r for r in session.scalars(select(MentionRow))}
            longest = session.scalar(select(func.max(func.length(Author.handle))))
        assert set(rows) == {r["external_id"] for r in records}
        assert rows["huge"].text.startswith("acme é😡é😡") and len(rows["huge"].text) <= 20_000
        assert "\x00" not in rows["nul"].text and rows["nul"].text.startswith("acme")
        assert "\ud800" not in rows["surrogate"].text and "broken" in rows["surrogate"].text
        assert "\u202e" in rows["rtl"].text  # kept: stored as written, escaped where shown
        assert longest <= 255
        assert rows["nan"].metrics is not None and "score" in rows["nan"].metrics
    finally:
        app.close()


def test_csv_with_hostile_cells_invalid_utf8_and_ragged_rows(db_url, tmp_path):
    header = ["source", "external_id", "text", "created_at", "author", "rating", "metrics"]
    good = [
        ["x", "c1", "acme \u200b\u202e😡 \x07bell", CREATED, "ana\x00", "1", ""],
        ["x", "c2", 'acme, "quoted"\nnew line', CREATED, "b" * 400, "", '{"k": 1}'],
        ["x", "c3", "acme " + "z" * MB, CREATED, "", "5", ""],
    ]
    bad = [
        ["x", "c4", "acme", "not a date", "", "", ""],
        ["x", "c5", "acme", CREATED, "", "9", ""],
        ["x", "c6", "acme", CREATED],  # ragged
        ["x", "c7", "acme", CREATED, "", "", "{not json"],
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3]])
    data = buffer.getvalue().encode("utf-8")
    data += b"x,c8,acme \xff\xfe broken,2026-11-08T10:00:00Z,,,\r\n"  # invalid UTF-8: skipped
    app = brand_only(db_url, tmp_path)
    try:
        batches, skipped = read_all(data, fmt="csv", batch=2)
        assert skipped == len(bad) + 1
        assert ingest_all(app, batches) == len(good)
        assert stored_ids(app, "c") == {"c1", "c2", "c3"}
    finally:
        app.close()


@pytest.mark.parametrize(
    "tail",
    [b'{"source": "x", "external_id": "cut", "text": "acme', b"\xff\xfe\xfd", b"[1,"],
    ids=["truncated-json", "invalid-utf8", "truncated-array"],
)
def test_a_broken_last_line_without_newline_is_skipped_and_counted_not_dropped(tail):
    good = jsonl_line({"source": "x", "external_id": "g", "text": "acme", "created_at": CREATED})
    batches, skipped = read_all(good + b"\n" + tail)
    assert [m.external_id for batch in batches for m in batch] == ["g"]
    assert skipped == 1
