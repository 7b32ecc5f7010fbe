"""The connector contract's shared vocabulary: test items, the harness protocol, id mapping."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from connectors import Connector

MALFORMED_KINDS = ("undecodable", "missing_field", "out_of_range")
"""One bad item each: cannot be decoded at all · lacks a required field · a rating of 9."""

T0 = datetime(2026, 11, 8, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    """A platform-neutral test item; each harness renders it in its platform's own format."""

    external_id: str
    text: str
    created_at: datetime
    author: str = "someone"


def items(*ids: int) -> list[Item]:
    return [
        Item(str(1000 + i), f"acme item number {i}", T0 + timedelta(minutes=i), f"user{i}")
        for i in ids
    ]


class Harness(Protocol):
    name: str

    def build(self) -> Connector:
        """A connector (through `build_connector`) reading this harness's data."""
        ...

    def append(self, new: Sequence[Item]) -> None:
        """Make `new` items appear in the source, after everything already there."""
        ...

    def append_malformed(self, kind: str) -> None:
        """Add one bad item of a MALFORMED_KINDS kind."""
        ...


def platform_id(harness: Harness, item_id: str) -> str:
    """The external id the platform gives an item (Reddit: `t3_1001`); a harness may say so
    with an `external_id_for(item_id)` method, otherwise the item's id is used as is."""
    mapper: Callable[[str], str] | None = getattr(harness, "external_id_for", None)
    return mapper(item_id) if mapper else item_id


def expected(harness: Harness, *numbers: int) -> list[str]:
    return sorted(platform_id(harness, str(1000 + n)) for n in numbers)
