"""Reusable field types for config models: strict base, durations, file paths, schedules."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo, model_validator
from pydantic.functional_validators import AfterValidator

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


class Strict(BaseModel):
    """Every config block: unknown keys are errors, values are not silently coerced into others."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_duration(value: Any) -> timedelta:
    """Accept `30s`, `5m`, `1h`, `7d`, `2w`, a number of seconds, or a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            amount, unit = match.groups()
            return timedelta(seconds=float(amount) * _UNIT_SECONDS[unit.lower()])
    raise ValueError(f"expected a duration such as 30s, 5m, 1h or 7d, got {value!r}")


def _positive(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("duration must be positive")
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration), AfterValidator(_positive)]


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    """Relative paths in config are relative to the config file, not to the working directory."""
    base = (info.context or {}).get("base_dir")
    expanded = value.expanduser()
    if not expanded.is_absolute() and base is not None:
        expanded = Path(base) / expanded
    return expanded


ConfigPath = Annotated[Path, AfterValidator(_resolve_path)]


class ScheduleConfig(Strict):
    """When a job is due: either `every: 5m` or a crontab line (`cron: "*/5 * * * *"`)."""

    every: Duration | None = None
    cron: str | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ScheduleConfig:
        if (self.every is None) == (self.cron is None):
            raise ValueError("give exactly one of `every` or `cron`")
        if self.cron is not None:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(self.cron, timezone="UTC")
            except ValueError as exc:
                raise ValueError(f"invalid cron expression {self.cron!r}: {exc}") from exc
        return self
