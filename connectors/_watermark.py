"""Resume points for feed-like sources: a time watermark, the ids seen at it, skips already counted.

Every feed connector keeps the same three facts in its cursor:

- `newest`: the newest item time seen, at whole seconds (the precision every source gives);
- `ids`: the ids seen at exactly that second, so two items in one second are neither lost nor
  repeated;
- `skipped`: fingerprints of malformed items already counted, so a bad item that stays in a feed
  is counted once, not on every poll (bounded, oldest forgotten first).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from connectors.records import parse_timestamp

logger = logging.getLogger(__name__)

MAX_REMEMBERED_SKIPS = 200
MAX_ID_CHARS = 255
"""`mentions.external_id` is VARCHAR(255); longer platform ids are replaced by a digest."""


def whole_second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def fingerprint(value: Any) -> str:
    """A short stable digest of any JSON-able value (unknown types by their str())."""
    data = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    # surrogatepass: a JSON `\ud800` escape decodes to a lone surrogate, which plain UTF-8
    # cannot encode; the digest of a malformed item must never fail the fetch.
    return hashlib.sha256(data.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def bounded_id(value: str) -> str:
    """The id itself, or `sha256:<digest>` when it does not fit the database column."""
    if len(value) <= MAX_ID_CHARS:
        return value
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Watermark:
    """Items after `newest`, or at it with an id not in `ids`, are new."""

    newest: datetime
    ids: set[str] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)

    @classmethod
    def since(cls, moment: datetime) -> Watermark:
        """The first-run watermark: everything after `moment` (now minus the look-back) is new."""
        return cls(whole_second(moment))

    @classmethod
    def from_dict(cls, data: Any, *, time_key: str) -> Watermark:
        """Raises ValueError (or KeyError / TypeError) when `data` is not what `as_dict` wrote."""
        if not isinstance(data, dict):
            raise TypeError("expected a JSON object")
        ids = data.get("ids", [])
        skipped = data.get("skipped", [])
        if not isinstance(ids, list) or not isinstance(skipped, list):
            raise TypeError("ids and skipped must be lists")
        return cls(
            whole_second(parse_timestamp(data[time_key])),
            {str(i) for i in ids},
            [str(s) for s in skipped],
        )

    def as_dict(self, *, time_key: str) -> dict[str, Any]:
        out: dict[str, Any] = {time_key: iso(self.newest), "ids": sorted(self.ids)}
        if self.skipped:
            out["skipped"] = self.skipped[-MAX_REMEMBERED_SKIPS:]
        return out

    def copy(self) -> Watermark:
        return Watermark(self.newest, set(self.ids), list(self.skipped))

    def is_new(self, moment: datetime, item_id: str) -> bool:
        second = whole_second(moment)
        return second > self.newest or (second == self.newest and item_id not in self.ids)

    def is_older(self, moment: datetime) -> bool:
        """Strictly before the watermark: a newest-first source has nothing new after this."""
        return whole_second(moment) < self.newest

    def note(self, moment: datetime, item_id: str) -> None:
        """Move the watermark over an item just read (new or not; older ones change nothing)."""
        second = whole_second(moment)
        if second > self.newest:
            self.newest, self.ids = second, {item_id}
        elif second == self.newest:
            self.ids.add(item_id)

    def first_skip(self, mark: str) -> bool:
        """True the first time a malformed item is met; it is remembered from then on."""
        if mark in self.skipped:
            return False
        self.skipped.append(mark)
        del self.skipped[:-MAX_REMEMBERED_SKIPS]
        return True


def resume_from(saved: Any, *, since: datetime, time_key: str, label: str) -> Watermark:
    """The saved watermark; the look-back start for a first run or a cursor we cannot read."""
    if saved is None:
        return Watermark.since(since)
    try:
        return Watermark.from_dict(saved, time_key=time_key)
    except (KeyError, TypeError, ValueError):
        logger.warning("%s: unreadable cursor, starting from the look-back window", label)
        return Watermark.since(since)


def load_json_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The decoded cursor object, or None for a first run or a cursor that is not ours."""
    if not cursor:
        return None
    try:
        data = json.loads(cursor)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def dump_json_cursor(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def unique(values: Iterable[str]) -> list[str]:
    """Order-preserving de-duplication (config lists such as countries)."""
    return list(dict.fromkeys(values))
