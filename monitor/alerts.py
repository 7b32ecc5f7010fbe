"""Spike and silence decisions as plain functions over counts and times (no I/O).

A spike is a window whose negative count is both large (`min_count`) and unusual: above the
mean plus `sigma` standard deviations of the same-size windows in the baseline before it. An
open incident stays open, gathering later posts in its thread, until a whole window is back
within `recover_sigma` of the baseline it was opened against (the baseline is frozen at opening,
so the spike itself never raises the bar it is measured against). After it closes, the same
brand or topic stays quiet for `cooldown`. Storage and delivery are in monitor.alert_store.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from monitor.config import SilenceConfig, SpikeConfig


@dataclass(frozen=True, slots=True)
class Baseline:
    """Mean and population standard deviation of the baseline windows' counts."""

    mean: float
    std: float
    windows: int

    def level(self, sigmas: float) -> float:
        return self.mean + sigmas * self.std


def baseline(counts: Sequence[int]) -> Baseline:
    """Windows without any mention count as zero, so `counts` has one entry per window."""
    if not counts:
        return Baseline(0.0, 0.0, 0)
    mean = sum(counts) / len(counts)
    variance = sum((c - mean) ** 2 for c in counts) / len(counts)
    return Baseline(mean, math.sqrt(variance), len(counts))


def windows_in(policy: SpikeConfig) -> int:
    """How many whole windows the baseline holds (a partial one at its start is ignored)."""
    return max(1, int(policy.baseline.total_seconds() // policy.window.total_seconds()))


def is_spike(count: int, base: Baseline, policy: SpikeConfig) -> bool:
    """At least `min_count`, and strictly above mean + sigma·σ."""
    return count >= policy.min_count and count > base.level(policy.sigma)


def is_recovered(count: int, base: Baseline, policy: SpikeConfig) -> bool:
    """Back to normal: at most mean + recover_sigma·σ of the baseline the incident opened on."""
    return count <= base.level(policy.recover_sigma)


def in_cooldown(last_closed_at: datetime | None, at: datetime, cooldown: timedelta) -> bool:
    return last_closed_at is not None and at - last_closed_at < cooldown


class Step(Enum):
    """What to do with one scope (a brand, or a brand's topic) at one evaluation."""

    NOTHING = "nothing"
    OPEN = "open"
    NOTE = "note"  # still spiking: new posts go to the incident's thread
    CLOSE = "close"


def spike_step(
    count: int,
    history: Sequence[int],
    *,
    policy: SpikeConfig,
    open_baseline: Baseline | None,
    last_closed_at: datetime | None,
    at: datetime,
) -> Step:
    """The decision for one scope: `count` is the last window, `history` the baseline windows.

    `open_baseline` is the frozen baseline of the scope's open incident (None when none is open).
    """
    if open_baseline is not None:
        return Step.CLOSE if is_recovered(count, open_baseline, policy) else Step.NOTE
    if in_cooldown(last_closed_at, at, policy.cooldown):
        return Step.NOTHING
    return Step.OPEN if is_spike(count, baseline(history), policy) else Step.NOTHING


@dataclass(frozen=True, slots=True)
class ConnectorHealth:
    """What the silence check needs from a connector's state row."""

    name: str
    enabled: bool
    last_run_at: datetime | None
    last_success_at: datetime | None
    newest_item_at: datetime | None
    failures: int
    # A file import is read when someone drops a file in; no new lines is not a symptom.
    expects_flow: bool = True


def silence_reason(
    health: ConnectorHealth, *, at: datetime, policy: SilenceConfig, stale: bool
) -> str | None:
    """Why a connector counts as silent, or None.

    `stale` is `repmon status`'s verdict (no successful poll for `after`, monitor.queries);
    besides that, a connector whose newest item is older than `after` has returned nothing new
    (except a `file` connector, whose input arrives when someone drops a file in).
    A connector that never ran, or never returned anything yet, is not judged on emptiness.
    """
    if not health.enabled or health.last_run_at is None:
        return None
    hours = human(policy.after)
    if stale:
        if health.failures:
            return f"failing for more than {hours} ({health.failures} failed polls in a row)"
        return f"no successful poll for more than {hours}"
    if (
        health.expects_flow
        and health.newest_item_at is not None
        and at - health.newest_item_at > policy.after
    ):
        return f"returned nothing new for more than {hours}"
    return None


def human(span: timedelta) -> str:
    """`1 h`, `30 min`, `7 d`: durations in alert texts."""
    seconds = int(span.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
