"""`type: file` — mentions from a JSONL or CSV file that may grow; the cursor is a byte offset."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import IO, ClassVar, Literal

from pydantic import Field

from connectors.base import ConnectorSettings, FatalConnectorError
from connectors.filereader import RecordReader, guess_format
from monitor.configtypes import ConfigPath
from monitor.models import Batch

_HEAD_BYTES = 4096


class FileSettings(ConnectorSettings):
    type: Literal["file"] = "file"
    path: ConfigPath
    format: Literal["auto", "jsonl", "csv"] = "auto"
    batch_size: int = Field(1000, ge=1, le=100_000)


class FileConnector:
    """Reads new lines appended since the cursor; a replaced or truncated file is read again.

    Reading again is safe: mentions are unique on (source, external_id), so the store drops
    what it already has.
    """

    Settings: ClassVar[type[ConnectorSettings]] = FileSettings

    def __init__(self, settings: FileSettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: FileSettings) -> FileConnector:
        return cls(settings)

    @property
    def _format(self) -> Literal["jsonl", "csv"]:
        fmt = self.settings.format
        return guess_format(self.settings.path.name) if fmt == "auto" else fmt

    def fetch(self, cursor: str | None) -> Batch:
        path: Path = self.settings.path
        try:
            stream = path.open("rb")
        except OSError as exc:
            raise FatalConnectorError(f"{self.settings.name}: cannot open {path}: {exc}") from exc
        with stream:
            size = path.stat().st_size
            offset = _resume_offset(cursor, stream, size)
            header = None
            if self._format == "csv" and offset > 0:
                stream.seek(0)
                header = _csv_header(stream)
            stream.seek(offset)
            reader = RecordReader(
                stream,
                fmt=self._format,
                connector=self.settings.name,
                offset=offset,
                csv_header=header,
                label=str(path),
                growing=True,
            )
            mentions = reader.read(self.settings.batch_size)
            head_len = min(reader.offset, _HEAD_BYTES)
            stream.seek(0)
            head = _fingerprint(stream.read(head_len))
            new_cursor = json.dumps({"offset": reader.offset, "head": head, "head_len": head_len})
            return Batch(mentions, new_cursor, more=not reader.eof, skipped=reader.skipped)


def _fingerprint(head: bytes) -> str:
    return hashlib.sha256(head).hexdigest()[:16]


def _resume_offset(cursor: str | None, stream: IO[bytes], size: int) -> int:
    """Where to continue: 0 for a new, replaced or truncated file.

    The cursor fingerprints the start of what was already read (at most 4 KiB), so appending to
    a small file does not look like a new file, while replacing it does.
    """
    if not cursor:
        return 0
    try:
        state = json.loads(cursor)
        offset = int(state["offset"])
        head_len = int(state.get("head_len", _HEAD_BYTES))
    except (ValueError, KeyError, TypeError):
        return 0
    if not 0 <= offset <= size or not 0 <= head_len <= _HEAD_BYTES:
        return 0
    stream.seek(0)
    same_file = state.get("head") == _fingerprint(stream.read(head_len))
    return offset if same_file else 0


def _csv_header(stream: IO[bytes]) -> list[str]:
    first = stream.readline().decode("utf-8-sig")
    return [h.strip() for h in next(csv.reader([first]), [])]
