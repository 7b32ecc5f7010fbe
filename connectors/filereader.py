"""Streaming JSONL / CSV reader that knows its byte offset, so a file can be resumed mid-way."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from typing import IO, Literal

from connectors.records import to_mention
from monitor.errors import InputError
from monitor.models import Mention

logger = logging.getLogger(__name__)

Format = Literal["jsonl", "csv"]
CSV_FIELD_LIMIT = 32 << 20
"""A review may be long (text is cut to MAX_TEXT_CHARS later); the csv module's default limit
of 128 KiB per cell would reject it. The limit is process-wide, so it is only ever raised."""
csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))


def guess_format(name: str) -> Format:
    """`.csv` is CSV; anything else (`.jsonl`, `.ndjson`, `.json`, stdin) is JSON Lines."""
    return "csv" if name.lower().endswith(".csv") else "jsonl"


class RecordReader:
    """Reads mentions from a binary stream positioned at a line start.

    `offset` is the byte position after the last record returned, which is what a cursor saves.
    Bad lines (invalid JSON or UTF-8, missing fields) are logged with their line number, counted
    in `skipped`, and never stop the file. With `growing=True` (a file another program appends
    to) an unterminated last line is left for the next read instead of being taken half-written.
    """

    def __init__(
        self,
        stream: IO[bytes],
        *,
        fmt: Format,
        connector: str,
        offset: int = 0,
        csv_header: list[str] | None = None,
        label: str = "input",
        growing: bool = False,
        keep_lines: bool = False,
        quiet: bool = False,
    ) -> None:
        self._stream = stream
        self._fmt = fmt
        self._connector = connector
        self._label = label
        self.offset = offset
        self.line_no = 0
        self.skipped = 0
        self.eof = False
        self._header = csv_header
        self._growing = growing
        self._quiet = quiet  # a second reader of the same lines (an analysing worker)
        if keep_lines and fmt != "jsonl":
            raise ValueError("only JSON Lines can be parsed again line by line")
        self._kept: list[bytes] | None = [] if keep_lines else None
        self._bad_encoding = False
        self._records = self._iter_records()

    def read(self, max_items: int) -> list[Mention]:
        """Up to `max_items` valid mentions; sets `eof` when the stream is exhausted."""
        out: list[Mention] = []
        for item in self._records:
            if item is not None:
                out.append(item)
                if len(out) >= max_items:
                    return out
        self.eof = True
        return out

    def _iter_records(self) -> Iterator[Mention | None]:
        if self._fmt == "csv":
            yield from self._iter_csv()
        else:
            yield from self._iter_jsonl()

    @property
    def connector(self) -> str:
        return self._connector

    @property
    def keeps_lines(self) -> bool:
        return self._kept is not None

    def take_lines(self) -> bytes:
        """The raw lines read since the last call (with `keep_lines=True`): a batch's own bytes,
        which a worker process parses again for itself more cheaply than it could be sent the
        parsed mentions."""
        if self._kept is None:
            raise ValueError("this reader was not asked to keep its lines")
        lines, self._kept = b"".join(self._kept), []
        return lines

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        if not self._quiet:
            logger.warning("%s line %d skipped: %s", self._label, self.line_no, reason)

    def _iter_jsonl(self) -> Iterator[Mention | None]:
        for raw in self._stream:
            self.line_no += 1
            if self._growing and not raw.endswith(b"\n"):
                # A line still being written: do not consume it. (A finished file's cut-short
                # last line is read, skipped and counted like any bad line.)
                peek = raw.strip()
                if peek and not _complete_json(peek):
                    return
            self.offset += len(raw)
            if self._kept is not None:
                self._kept.append(raw)
            stripped = raw.strip()
            if not stripped:
                continue
            try:
                obj = json.loads(stripped.decode("utf-8"))
                yield to_mention(obj, connector=self._connector)
            except UnicodeDecodeError:
                self._skip("not valid UTF-8")
                yield None
            except json.JSONDecodeError as exc:
                self._skip(f"not valid JSON ({exc.msg})")
                yield None
            except InputError as exc:
                self._skip(str(exc))
                yield None

    def _lines(self) -> Iterator[str]:
        for raw in self._stream:
            if self._growing and not raw.endswith(b"\n"):
                return  # a row still being written: leave it for the next read
            self.line_no += 1
            self.offset += len(raw)
            if self._kept is not None:
                self._kept.append(raw)
            try:
                yield raw.decode("utf-8-sig" if self.line_no == 1 else "utf-8")
            except UnicodeDecodeError:
                self._bad_encoding = True
                yield raw.decode("utf-8", errors="replace")

    def _iter_csv(self) -> Iterator[Mention | None]:
        reader = csv.reader(self._lines())
        header = self._header
        if header is None:
            header = next(reader, None)
            if header is None:
                return
            header = [h.strip() for h in header]
            self._header = header
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a NUL byte, or a cell over the field size limit
                self._bad_encoding = False
                self._skip(f"not valid CSV ({exc})")
                yield None
                continue
            if self._bad_encoding:
                self._bad_encoding = False
                self._skip("not valid UTF-8")
                yield None
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                self._skip(f"expected {len(header)} columns, found {len(row)}")
                yield None
                continue
            record: dict[str, object] = {k: v for k, v in zip(header, row, strict=True) if v != ""}
            if "metrics" in record:
                try:
                    record["metrics"] = json.loads(str(record["metrics"]))
                except json.JSONDecodeError:
                    self._skip("metrics: not a JSON object")
                    yield None
                    continue
            try:
                yield to_mention(record, connector=self._connector)
            except InputError as exc:
                self._skip(str(exc))
                yield None

    @property
    def header(self) -> list[str] | None:
        return self._header


def _complete_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return True
