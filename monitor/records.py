"""Small helpers for turning stored values into JSON-friendly output."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with seconds precision, or None."""
    return moment.isoformat(timespec="seconds") if moment else None
