"""Spike and silence decisions as plain functions: mean + kσ, min count, cooldown, hysteresis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.alerts import (
    Baseline,
    ConnectorHealth,
    Step,
    baseline,
    human,
    in_cooldown,
    is_recovered,
    is_spike,
    silence_reason,
    spike_step,
    windows_in,
)
from monitor.config import SilenceConfig, SpikeConfig, parse_config
from monitor.errors import ConfigError

AT = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
POLICY = SpikeConfig(sigma=3, min_count=5, cooldown=timedelta(hours=6), recover_sigma=1)


def test_baseline_is_the_mean_and_population_sigma_of_whole_windows():
    base = baseline([1, 3, 1, 3])
    assert (base.mean, base.std, base.windows) == (2.0, 1.0, 4)
    assert base.level(3) == 5.0
    assert baseline([]) == Baseline(0.0, 0.0, 0)
    assert windows_in(SpikeConfig(window=timedelta(hours=1), baseline=timedelta(days=7))) == 168
    assert windows_in(SpikeConfig(window=timedelta(hours=5), baseline=timedelta(hours=12))) == 2


def test_a_spike_must_beat_mean_plus_k_sigma_strictly_and_reach_the_minimum_count():
    base = baseline([1, 3, 1, 3])  # mean 2, σ 1: the bar is 5 with sigma 3
    assert not is_spike(5, base, POLICY)  # equal to the bar is not above it
    assert is_spike(6, base, POLICY)
    quiet = baseline([0] * 24)  # σ 0: anything above 0 beats the bar, so min_count decides
    assert not is_spike(4, quiet, POLICY)
    assert is_spike(5, quiet, POLICY)
    assert is_spike(5, quiet, POLICY.model_copy(update={"sigma": 10.0}))
    assert not is_spike(9, quiet, POLICY.model_copy(update={"min_count": 10}))


def test_open_stays_open_between_the_bars_and_closes_at_the_recovery_level():
    history = [1, 3, 1, 3]
    assert spike_step(8, history, **_state()) is Step.OPEN
    frozen = baseline(history)  # the baseline the incident opened on, mean 2 σ 1
    # 4 is no longer a spike (bar 5) but still above mean + 1σ = 3: hysteresis keeps it open.
    assert not is_spike(4, baseline(history), POLICY)
    assert spike_step(4, history, **_state(open_baseline=frozen)) is Step.NOTE
    assert spike_step(3, history, **_state(open_baseline=frozen)) is Step.CLOSE
    assert is_recovered(3, frozen, POLICY) and not is_recovered(4, frozen, POLICY)
    # The frozen baseline decides, not the current history (which the spike itself inflated).
    assert spike_step(3, [30, 30, 0, 0], **_state(open_baseline=frozen)) is Step.CLOSE


def test_cooldown_after_a_close_suppresses_a_new_incident_for_the_same_scope():
    history = [0] * 10
    closed = AT - timedelta(hours=2)
    assert in_cooldown(closed, AT, timedelta(hours=6))
    assert not in_cooldown(closed, AT, timedelta(hours=1))
    assert not in_cooldown(None, AT, timedelta(hours=6))
    assert spike_step(50, history, **_state(last_closed_at=closed)) is Step.NOTHING
    later = AT + timedelta(hours=4, seconds=1)
    assert spike_step(50, history, **_state(last_closed_at=closed, at=later)) is Step.OPEN


def test_nothing_happens_without_a_spike():
    assert spike_step(2, [0, 1, 0, 2], **_state()) is Step.NOTHING


def _state(
    *,
    open_baseline: Baseline | None = None,
    last_closed_at: datetime | None = None,
    at: datetime = AT,
) -> dict[str, object]:
    return {
        "policy": POLICY,
        "open_baseline": open_baseline,
        "last_closed_at": last_closed_at,
        "at": at,
    }


def _health(**fields: object) -> ConnectorHealth:
    values: dict[str, object] = {
        "name": "x-acme",
        "enabled": True,
        "last_run_at": AT,
        "last_success_at": AT,
        "newest_item_at": AT - timedelta(minutes=5),
        "failures": 0,
    }
    values.update(fields)
    return ConnectorHealth(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "stale", "expected"),
    [
        ({}, False, None),
        ({"newest_item_at": AT - timedelta(hours=7)}, False, "returned nothing new for"),
        ({"newest_item_at": None}, False, None),  # never returned anything: not judged yet
        ({"newest_item_at": AT - timedelta(days=3), "expects_flow": False}, False, None),
        ({"failures": 4}, True, "failing for more than 6 h (4 failed polls"),
        ({}, True, "no successful poll for more than 6 h"),
        ({"last_run_at": None}, True, None),
        ({"enabled": False, "failures": 9}, True, None),
    ],
)
def test_silence_reasons(fields, stale, expected):
    reason = silence_reason(_health(**fields), at=AT, policy=SilenceConfig(), stale=stale)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and reason.startswith(expected)


def test_durations_read_naturally():
    assert [human(timedelta(minutes=m)) for m in (30, 60, 90, 1440)] == [
        "30 min",
        "1 h",
        "90 min",
        "1 d",
    ]


def test_design_keys_still_parse_and_the_new_ones_are_optional_and_strict(tmp_path):
    design = {"alerts": {"spike": {"window": "1h", "baseline": "7d", "sigma": 3, "cooldown": "6h"}}}
    config = parse_config(
        {**design, "alerts": {**design["alerts"], "silence": {"after": "6h"}}},
        base_dir=tmp_path,
        env={},
    )
    spike = config.alerts.spike
    assert (spike.window, spike.min_count, spike.per_topic, spike.recover_sigma) == (
        timedelta(hours=1),
        5,
        False,
        1.0,
    )
    assert config.alerts.channel is None and config.alerts.silence.enabled
    extended = parse_config(
        {"alerts": {"channel": "#care-alerts", "spike": {"per_topic": True, "samples": 3}}},
        base_dir=tmp_path,
        env={},
    )
    assert extended.alerts.channel == "#care-alerts" and extended.alerts.spike.per_topic
    for bad, message in (
        ({"spike": {"windw": "1h"}}, "alerts.spike.windw: unknown key"),
        ({"spike": {"window": "1d", "baseline": "1d"}}, "at least two windows"),
        ({"channel": "care alerts"}, "alerts.channel"),
    ):
        with pytest.raises(ConfigError, match=message):
            parse_config({"alerts": bad}, base_dir=tmp_path, env={})
