"""How numbers read in the report, the same in HTML and Slack: rates as %, durations as 1 h 5 min,
changes with their sign."""

from __future__ import annotations


def percent(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{hours / 24:.1f} d"


def signed(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:+g}" if isinstance(value, float) else f"{value:+d}"
    return text.replace("-", "−") + unit


def points(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}".replace("-", "−")


def hour(value: int | None) -> str:
    return "–" if value is None else f"{value:02d}:00–{value:02d}:59 UTC"
