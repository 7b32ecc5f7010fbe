"""`type: file` specifics: CSV, growing and replaced files, bad bytes, batches, timestamps, size."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from connectors import FatalConnectorError, Mention, build_connector
from connectors.filereader import RawLines, RecordReader
from connectors.records import MAX_TEXT_CHARS

CREATED = "2026-11-08T10:00:00Z"
CSV_FIELDS = ["source", "external_id", "text", "created_at", "author", "rating", "title", "metrics"]
HEAD_BYTES = 4096
"""The connector recognises a file by its first bytes; `preamble()` makes files bigger than that
so that tests of appends exercise resumption, not the small-file case (tested on its own below)."""


def record(external_id: str, text: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "source": "x",
        "external_id": external_id,
        "text": text if text is not None else f"acme post {external_id}",
        "created_at": CREATED,
        **fields,
    }


def jsonl(*records: dict[str, Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def csv_bytes(*records: dict[str, Any], header: bool = True, bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    if header:
        writer.writeheader()
    for r in records:
        row = dict(r)
        if "metrics" in row:
            row["metrics"] = json.dumps(row["metrics"])
        writer.writerow(row)
    return ("\ufeff" if bom else "").encode("utf-8") + buffer.getvalue().encode("utf-8")


def preamble(count: int = 60) -> list[dict[str, Any]]:
    records = [
        record(f"pre-{i:03d}", f"older acme post number {i} " + "x" * 40) for i in range(count)
    ]
    assert len(jsonl(*records)) > HEAD_BYTES
    return records


def connector(path: Path, **settings: Any):
    return build_connector({"name": "files", "type": "file", "path": str(path), **settings})


def drain(conn, cursor: str | None = None) -> tuple[list[Mention], str | None, int]:
    mentions: list[Mention] = []
    skipped = 0
    for _ in range(10_000):
        batch = conn.fetch(cursor)
        mentions.extend(batch.mentions)
        skipped += batch.skipped
        cursor = batch.cursor
        if not batch.more:
            return mentions, cursor, skipped
    pytest.fail("the connector never stopped saying `more`")


def ids(mentions: list[Mention]) -> list[str]:
    return [m.external_id for m in mentions]


def append(path: Path, data: bytes) -> None:
    with path.open("ab") as stream:
        stream.write(data)


# --- CSV -------------------------------------------------------------------------------------


def test_csv_with_header_json_metrics_and_a_quoted_multiline_text(tmp_path):
    path = tmp_path / "export.csv"
    multiline = 'Acme billed me twice.\nSecond line, with a comma and "quotes".\n\nLast line.'
    path.write_bytes(
        csv_bytes(
            record("1", multiline, author="@kev", rating=2, title="Billing", metrics={"likes": 3}),
            record("2", "plain acme row", metrics={"likes": 0, "reposts": 4}),
            record("3", "no optional columns"),
        )
    )
    mentions, _, skipped = drain(connector(path))
    assert skipped == 0
    by_id = {m.external_id: m for m in mentions}
    assert ids(mentions) == ["1", "2", "3"]
    first = by_id["1"]
    assert first.text == multiline
    assert (first.author, first.rating, first.title) == ("kev", 2, "Billing")
    assert first.metrics == {"likes": 3}
    assert first.created_at == datetime(2026, 11, 8, 10, tzinfo=UTC)
    assert by_id["2"].metrics == {"likes": 0, "reposts": 4}
    third = by_id["3"]
    assert (third.author, third.rating, third.title, third.metrics) == (None, None, None, {})


def test_csv_header_with_a_utf8_bom_is_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(csv_bytes(record("1"), record("2"), bom=True))
    mentions, _, skipped = drain(connector(path, batch_size=1))
    assert (ids(mentions), skipped) == (["1", "2"], 0)


def test_csv_paging_resumes_mid_file_after_multiline_rows(tmp_path):
    path = tmp_path / "export.csv"
    rows = [record(str(i), f"row {i} about acme\nsecond line of {i}") for i in range(23)]
    path.write_bytes(csv_bytes(*rows))
    conn = connector(path, batch_size=4)
    cursor = None
    seen: list[Mention] = []
    for _ in range(6):  # each fetch is a new call from the saved cursor (header re-read each time)
        batch = conn.fetch(cursor)
        seen.extend(batch.mentions)
        cursor = batch.cursor
    assert ids(seen) == [str(i) for i in range(23)]
    assert all(
        m.text == f"row {m.external_id} about acme\nsecond line of {m.external_id}" for m in seen
    )
    assert drain(conn, cursor)[0] == []


@pytest.mark.parametrize("big", [True, False], ids=["large-file", "small-file"])
def test_csv_rows_appended_later_are_the_only_ones_returned(tmp_path, big):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(*(preamble() if big else []), record("1"), record("2")))
    first, cursor, _ = drain(connector(path))
    assert ids(first)[-2:] == ["1", "2"]
    append(path, csv_bytes(record("3", "new\nmultiline acme row"), header=False))
    second, cursor, _ = drain(connector(path), cursor)
    assert ids(second) == ["3"]
    assert second[0].text == "new\nmultiline acme row"
    assert drain(connector(path), cursor)[0] == []


def test_csv_partial_last_row_is_not_consumed_until_complete(tmp_path):
    path = tmp_path / "growing.csv"
    whole = csv_bytes(*preamble(), record("last", "the final acme row"))
    cut = whole.rindex(b"final") + 3  # the writer has not finished the last row yet
    path.write_bytes(whole[:cut])
    first, cursor, skipped = drain(connector(path))
    assert "last" not in ids(first)
    assert skipped == 0
    append(path, whole[cut:])
    second, _, skipped = drain(connector(path), cursor)
    assert (ids(second), skipped) == (["last"], 0)
    assert second[0].text == "the final acme row"


# --- A growing JSONL file ----------------------------------------------------------------------


@pytest.mark.parametrize("big", [True, False], ids=["large-file", "small-file"])
def test_lines_appended_later_are_the_only_ones_returned(tmp_path, big):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(*(preamble() if big else []), record("1")))
    _, cursor, _ = drain(connector(path))
    append(path, jsonl(record("2"), record("3")))
    second, cursor, _ = drain(connector(path), cursor)
    assert ids(second) == ["2", "3"]
    assert drain(connector(path), cursor)[0] == []


def test_partially_written_last_line_is_read_once_it_is_complete(tmp_path):
    path = tmp_path / "feed.jsonl"
    last = jsonl(record("last", "the last acme line"))
    path.write_bytes(jsonl(*preamble(), record("1")) + last[:25])  # no newline, incomplete JSON
    first, cursor, skipped = drain(connector(path))
    assert ids(first)[-1] == "1"
    assert "last" not in ids(first)
    assert skipped == 0  # not a bad line: just not finished yet

    still, cursor_again, skipped = drain(connector(path), cursor)
    assert (still, skipped) == ([], 0)

    append(path, last[25:])
    second, cursor, skipped = drain(connector(path), cursor_again)
    assert (ids(second), skipped) == (["last"], 0)
    assert second[0].text == "the last acme line"
    assert drain(connector(path), cursor)[0] == []


def test_complete_last_line_without_newline_is_read_and_not_repeated(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(*preamble(), record("1")).rstrip(b"\n"))
    first, cursor, _ = drain(connector(path))
    assert ids(first)[-1] == "1"
    append(path, b"\n" + jsonl(record("2")))
    second, _, skipped = drain(connector(path), cursor)
    assert (ids(second), skipped) == (["2"], 0)


# --- Replaced or truncated -------------------------------------------------------------------


def test_truncated_file_is_read_again_from_the_start(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(*preamble(), record("1")))
    _, cursor, _ = drain(connector(path))
    path.write_bytes(jsonl(record("after-truncate-1"), record("after-truncate-2")))
    again, _, _ = drain(connector(path), cursor)
    assert ids(again) == ["after-truncate-1", "after-truncate-2"]


def test_replaced_file_is_read_again_from_the_start(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(record("old-1"), record("old-2")))
    _, cursor, _ = drain(connector(path))
    replacement = tmp_path / "feed.jsonl.new"  # rotated: a new, bigger file under the same name
    replacement.write_bytes(jsonl(*[record(f"new-{i}") for i in range(40)]))
    os.replace(replacement, path)
    again, _, _ = drain(connector(path), cursor)
    assert ids(again) == [f"new-{i}" for i in range(40)]


def test_unreadable_cursor_starts_from_the_beginning(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(record("1"), record("2")))
    for cursor in ("not json", json.dumps({"offset": "x"}), json.dumps([1, 2])):
        assert ids(drain(connector(path), cursor)[0]) == ["1", "2"]


def test_missing_file_is_a_fatal_connector_error_naming_the_file(tmp_path):
    path = tmp_path / "nowhere.jsonl"
    with pytest.raises(FatalConnectorError, match=r"nowhere\.jsonl"):
        connector(path).fetch(None)


# --- Bad bytes and bad lines -----------------------------------------------------------------


def test_invalid_utf8_jsonl_line_is_skipped_and_the_rest_kept(tmp_path, caplog):
    path = tmp_path / "feed.jsonl"
    bad = b'{"source": "x", "external_id": "bad", "text": "caf\xe9 acme", "created_at": "' + (
        CREATED.encode() + b'"}\n'
    )
    path.write_bytes(jsonl(record("1")) + bad + jsonl(record("2")))
    mentions, _, skipped = drain(connector(path))
    assert (ids(mentions), skipped) == (["1", "2"], 1)
    assert "line 2" in caplog.text


def test_invalid_utf8_csv_row_is_skipped_and_the_rest_kept(tmp_path):
    path = tmp_path / "export.csv"
    good = csv_bytes(record("1"), record("2"))
    header, first, second = good.splitlines(keepends=True)
    bad = f"x,bad,caf\xe9 acme,{CREATED},,,,\n".encode("latin-1")
    path.write_bytes(header + first + bad + second)
    mentions, _, skipped = drain(connector(path))
    assert skipped == 1
    assert ids(mentions) == ["1", "2"]


@pytest.mark.parametrize("final_newline", [True, False])
def test_raw_lines_parse_as_the_reader_reads_them(final_newline):
    """A worker's `RawLines.parse` has its own loop: same mentions, same line numbers, same
    reasons as `RecordReader` reading those bytes."""
    data = (
        jsonl(record("1"))
        + b"\n  \r\n"
        + b"\xef\xbb\xbf"
        + jsonl(record("bom"))
        + b'{"source": "x", "external_id": "cut", "text": "acme\n'
        + jsonl(record("2")).rstrip(b"\n")
        + b" {}\n"
        + b'{"source": "x", "external_id": "bad", "text": "caf\xe9 acme"}\n'
        + jsonl(record("3", rating=9), record("4", lang="es-MX", metrics={"likes": 2}))
        + b"[1, 2]\r\n"
        + jsonl(record("5", "\u00a0acme\nnext line\u2028", author="@@bob"))
        + jsonl(record("6", created_at="2026-11-08T10:00:00"), record("7", created_at="soon"))
    )
    data = data if final_newline else data.rstrip(b"\n")
    reader = RecordReader(
        io.BytesIO(data), fmt="jsonl", connector="file", first_line=40, quiet=True
    )
    expected = (reader.read(100), reader.problems)
    mentions, problems = RawLines(data, 40, "file", "feed").parse()
    assert (mentions, problems) == expected
    assert ids(mentions) == ["1", "4", "5", "6"]
    assert [line for line, _ in problems] == [44, 45, 46, 47, 48, 50, 53]


# --- Batching --------------------------------------------------------------------------------


def test_batches_of_batch_size_with_more_until_the_end(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(*[record(str(i)) for i in range(25)]))
    conn = connector(path, batch_size=10)
    cursor = None
    shape = []
    got: list[str] = []
    for _ in range(3):
        batch = conn.fetch(cursor)
        shape.append((len(batch.mentions), batch.more))
        got.extend(ids(batch.mentions))
        cursor = batch.cursor
    assert shape == [(10, True), (10, True), (5, False)]
    assert got == [str(i) for i in range(25)]


def test_skipped_lines_do_not_count_towards_the_batch_size(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(record("1")) + b"{oops\n" * 5 + jsonl(record("2"), record("3")))
    batch = connector(path, batch_size=2).fetch(None)
    assert (ids(batch.mentions), batch.skipped, batch.more) == (["1", "2"], 5, True)


# --- Values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "created_at",
    [
        pytest.param("2026-11-08T10:00:00", id="naive"),
        pytest.param("2026-11-08T10:00:00Z", id="Z"),
        pytest.param("2026-11-08T10:00:00.000Z", id="Z-millis"),
        pytest.param("2026-11-08T12:00:00+02:00", id="offset"),
        pytest.param("2026-11-08T05:00:00-05:00", id="negative-offset"),
        pytest.param(int(datetime(2026, 11, 8, 10, tzinfo=UTC).timestamp()), id="epoch"),
    ],
)
def test_timestamps_become_aware_utc(tmp_path, created_at):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(jsonl(record("1", created_at=created_at)))
    (mention,), _, _ = drain(connector(path))
    assert mention.created_at == datetime(2026, 11, 8, 10, tzinfo=UTC)
    assert mention.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_control_characters_are_stripped_but_newlines_and_tabs_kept(tmp_path):
    path = tmp_path / "feed.jsonl"
    text = "ac\x00me \x07is\x1b down\nsecond\tline\x7f"
    path.write_bytes(jsonl(record("1", text, title="Bad\x00 title")))
    (mention,), _, _ = drain(connector(path))
    assert mention.text == "acme is down\nsecond\tline"
    assert mention.title == "Bad title"


def test_a_one_megabyte_text_is_truncated_to_the_limit(tmp_path):
    path = tmp_path / "feed.jsonl"
    huge = ("acme is down again. " * 60_000)[:1_000_000]
    path.write_bytes(jsonl(record("huge", huge), record("after")))
    mentions, _, skipped = drain(connector(path))
    assert (ids(mentions), skipped) == (["huge", "after"], 0)
    assert len(mentions[0].text) == MAX_TEXT_CHARS
    assert mentions[0].text == huge[:MAX_TEXT_CHARS]
