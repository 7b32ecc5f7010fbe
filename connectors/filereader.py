"""Streaming JSONL / CSV reader that knows its byte offset, so a file can be resumed mid-way."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, Literal

from connectors.records import to_mention
from monitor.errors import InputError
from monitor.models import Mention

logger = logging.getLogger(__name__)

Format = Literal["jsonl", "csv"]
Problem = tuple[int, str]  # a skipped line: its number and why
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
        first_line: int = 0,
        quiet: bool = False,
    ) -> None:
        self._stream = stream
        self._fmt = fmt
        self._connector = connector
        self._label = label
        self.offset = offset
        self.line_no = first_line
        self.skipped = 0
        self.eof = False
        self._header = csv_header
        self._growing = growing
        #: With `quiet`, skipped lines are noted here, as (line number, reason), not logged.
        self.problems: list[Problem] | None = [] if quiet else None
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

    def read_lines(self, max_lines: int) -> RawLines:
        """Up to `max_lines` lines of a JSON Lines file, not parsed (`RawLines.parse` does it
        where the batch is processed); sets `eof` at the end. Use either this or `read`."""
        if self._fmt != "jsonl" or self._growing:
            raise ValueError("only a finished JSON Lines file is read as raw lines")
        first = self.line_no
        lines = list(islice(self._stream, max_lines))
        self.line_no += len(lines)
        self.offset += sum(map(len, lines))
        self.eof = len(lines) < max_lines
        return RawLines(b"".join(lines), first, self._connector, self._label)

    def _skip(self, reason: str) -> None:
        self.skipped += 1
        if self.problems is None:
            log_skipped(self._label, [(self.line_no, reason)])
        else:
            self.problems.append((self.line_no, reason))

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
            stripped = raw.strip()
            if not stripped:
                continue
            item = _parse_line(stripped, self._connector)
            if isinstance(item, str):
                self._skip(item)
                yield None
            else:
                yield item

    def _lines(self) -> Iterator[str]:
        for raw in self._stream:
            if self._growing and not raw.endswith(b"\n"):
                return  # a row still being written: leave it for the next read
            self.line_no += 1
            self.offset += len(raw)
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


@dataclass(frozen=True, slots=True)
class RawLines:
    """Lines of a JSON Lines file read but not parsed yet (`RecordReader.read_lines`).

    A bulk import's worker process parses and analyses them; sending it the bytes costs the
    importing process nothing, where pickling parsed mentions to it cost as much as parsing.
    """

    data: bytes
    first_line: int  # the file's line number before the first of these lines
    connector: str
    label: str

    def parse(self) -> tuple[list[Mention], list[Problem]]:
        """The valid mentions, and the (line number, reason) of each line skipped (not logged:
        `log_skipped` them where the batch is stored).

        The lines `RecordReader._iter_jsonl` would read from these bytes, and the same
        outcome for each (`_parse_line`), without its generator and bookkeeping per line.
        """
        mentions: list[Mention] = []
        problems: list[Problem] = []
        connector = self.connector
        # Split as a binary stream reads lines; the piece after a final newline is empty.
        for line_no, raw in enumerate(self.data.split(b"\n"), self.first_line + 1):
            stripped = raw.strip()
            if not stripped:
                continue
            item = _parse_line(stripped, connector)
            if isinstance(item, str):
                problems.append((line_no, item))
            else:
                mentions.append(item)
        return mentions, problems


def log_skipped(label: str, problems: list[Problem]) -> None:
    for line, reason in problems:
        logger.warning("%s line %d skipped: %s", label, line, reason)


_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
"""The scanner `json.loads` runs (the C one), called directly to skip its checks per call
(typeshed leaves the attribute out)."""


def _parse_line(line: bytes, connector: str) -> Mention | str:
    """The mention on one stripped, non-empty JSON Lines line, or why the line is skipped."""
    try:
        text = line.decode("utf-8")
        # What json.loads does for a line without surrounding whitespace (it was stripped), if
        # the scanner takes all of it; anything else (an error, extra data, a BOM) is left to
        # json.loads itself, which raises the error the reason names.
        try:
            obj, end = _scan_json(text, 0)
        except Exception:  # json.loads raises it again, in its own words
            obj = json.loads(text)
        else:
            if end != len(text):
                obj = json.loads(text)
        return to_mention(obj, connector=connector)
    except UnicodeDecodeError:
        return "not valid UTF-8"
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})"
    except InputError as exc:
        return str(exc)
    except RecursionError:  # arrays or objects nested thousands deep
        return "not valid JSON (nested too deeply)"
    except ValueError as exc:  # e.g. an integer over Python's 4,300-digit conversion limit
        return f"not valid JSON ({exc})"


def _complete_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return True
