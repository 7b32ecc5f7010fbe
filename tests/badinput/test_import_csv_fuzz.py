"""`repmon import` of generated CSV files: bad rows skipped and counted exactly, valid rows stored.

Good records come from test_import_fuzz's generator; bad rows are CSV's own failures (ragged
rows, blank required cells, bad dates and numbers, metrics that are not a JSON object, invalid
UTF-8). Every file is written with csv.writer and imported through the real CLI, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from monitor.cli import app as cli
from tests.badinput.test_import_fuzz import CREATED, FUZZ, good_record, stored_ids
from tests.support import open_app

COLUMNS = [
    "source", "external_id", "text", "created_at", "url", "author", "author_name",
    "author_followers", "lang", "rating", "title", "in_reply_to", "metrics",
]  # fmt: skip
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_bad_ids = itertools.count()
_SUMMARY = re.compile(r"imported (\d+) new mentions \((\d+) already stored, (\d+) skipped")


@st.composite
def good_row(draw: st.DrawFn) -> dict[str, str]:
    """A good record as CSV cells. A CSV file is text, so no lone surrogates (they have no
    UTF-8), and its dates are text too (epoch seconds are JSON-only); metrics are a JSON cell."""
    record = draw(good_record())
    if not isinstance(record["created_at"], str):
        record["created_at"] = CREATED
    cells = {}
    for key, value in record.items():
        if key == "metrics":
            cells[key] = json.dumps(value, ensure_ascii=True)  # surrogates travel as escapes
        else:
            cells[key] = _SURROGATES.sub("\ufffd", str(value))
    return cells


def _valid(**changes: str) -> dict[str, str]:
    row = {
        "source": "x",
        "external_id": f"bad-{next(_bad_ids)}",
        "text": "acme row",
        "created_at": CREATED,
    }
    return {**row, **changes}


BAD_CHANGES = st.one_of(
    st.sampled_from(["source", "external_id", "text", "created_at"]).map(
        lambda blank: {blank: ""}  # a required cell left empty
    ),
    st.sampled_from(
        ["yesterday", "2026-13-45T00:00:00Z", "9999-12-31T23:00:00-05:00", "2026-11-08T25:00"]
    ).map(lambda when: {"created_at": when}),
    st.sampled_from(
        [
            {"rating": "0"},
            {"rating": "9"},
            {"rating": "five"},
            {"author_followers": "-1"},
            {"author_followers": "lots"},
            {"author_followers": str(2**63)},
            {"metrics": "[1, 2]"},
            {"metrics": "{not json"},
            {"metrics": '"text"'},
            {"external_id": "x" * 300},
        ]
    ),
    st.just({"text": "acme \udcff\udcfe broken"}),  # written as the bytes ff fe: not UTF-8
)


@st.composite
def bad_row(draw: st.DrawFn) -> dict[str, str] | list[str]:
    """A row the import must skip: bad cells (a dict) or a ragged row (a list)."""
    if draw(st.integers(0, 5)) == 0:
        row = list(_valid().values())
        return row[:-1] if draw(st.booleans()) else [*row, *[""] * 9, "extra"]
    return _valid(**draw(BAD_CHANGES))


def csv_bytes(columns: list[str], rows: list[dict[str, str] | list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    # surrogateescape: only the invalid-UTF-8 bad row has (escaped) surrogates left.
    return buffer.getvalue().encode("utf-8", "surrogateescape")


class Importer:
    """One project (config and database) per test; `repmon import` through the real CLI."""

    def __init__(self, db_url: str, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.db_url = db_url
        self.config = tmp_path / "config.yaml"
        config = {
            "database": {"url": db_url},
            "brands": [{"name": "Acme", "keywords": ["acme"]}],  # no exclusions: counts exact
        }
        self.config.write_text(yaml.safe_dump(config), encoding="utf-8")
        self.runner = CliRunner()
        upgraded = self.runner.invoke(cli, ["db", "upgrade", "--config", str(self.config)])
        assert upgraded.exit_code == 0, upgraded.output
        self.files = itertools.count()
        self.app = open_app(db_url, tmp_path)  # to read what was stored; after the upgrade

    def close(self) -> None:
        self.app.close()

    def run(self, data: bytes) -> tuple[int, int, int, str]:
        """(exit code, stored, skipped, output) of one import of `data` as a CSV file."""
        path = self.tmp_path / f"import-{next(self.files)}.csv"
        path.write_bytes(data)
        args = ["import", str(path), "--workers", "0", "--batch-size", "5"]
        result = self.runner.invoke(cli, [*args, "--config", str(self.config)])
        summary = _SUMMARY.search(result.output)
        assert summary, result.output
        return result.exit_code, int(summary[1]), int(summary[3]), result.output


@pytest.fixture
def importer(db_url, tmp_path):
    importer = Importer(db_url, tmp_path)
    yield importer
    importer.close()


@FUZZ
@given(
    rows=st.lists(
        st.one_of(good_row().map(lambda r: ("good", r)), bad_row().map(lambda r: ("bad", r))),
        min_size=1,
        max_size=12,
    ),
    columns=st.permutations(COLUMNS),
)
def test_csv_rows_valid_are_stored_and_bad_are_skipped_and_counted_by_repmon_import(
    importer, rows, columns
):
    good = [row for kind, row in rows if kind == "good"]
    bad = len(rows) - len(good)
    code, stored, skipped, output = importer.run(csv_bytes(columns, [row for _, row in rows]))
    assert skipped == bad, output
    assert stored == len(good), output
    assert code == (1 if bad else 0), output  # skipped rows make the exit code 1
    assert stored_ids(importer.app, "good-") >= {row["external_id"] for row in good}
    assert stored_ids(importer.app, "bad-") == set(), "a bad row was stored"


def test_a_row_with_every_field_is_stored_and_ragged_or_mistyped_rows_skipped(importer):
    """The generators' premise, by hand: every column usable, and a bad row refused alone."""
    full = _valid(external_id="good-full", author="ana", author_name="Ana", lang="en")
    full.update(author_followers="3", rating="2", title="t", in_reply_to="1", url="https://a.b")
    full["metrics"] = json.dumps({"likes": 1})
    ragged = list(_valid().values())[:-1]
    rows: list[dict[str, str] | list[str]] = [full, ragged, _valid(rating="five")]
    code, stored, skipped, _ = importer.run(csv_bytes(COLUMNS, rows))
    assert (code, stored, skipped) == (1, 1, 2)
    assert stored_ids(importer.app, "good-full") == {"good-full"}
