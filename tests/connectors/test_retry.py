"""Retries inside one run: transient errors are retried with backoff, long rate limits are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from connectors.base import FatalConnectorError, RetriableConnectorError
from connectors.retry import call_with_retries


class Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


def test_transient_errors_are_retried_with_growing_waits():
    waits: list[float] = []
    fn = Flaky([RetriableConnectorError("503"), RetriableConnectorError("timeout")])
    assert call_with_retries(fn, attempts=3, initial=1.0, sleep=waits.append) == "ok"
    assert fn.calls == 3
    assert len(waits) == 2 and 0 < waits[0] <= 2.0 and waits[1] >= 1.0


def test_gives_up_after_the_attempts_and_reraises_the_last_error():
    fn = Flaky([RetriableConnectorError(str(i)) for i in range(5)])
    with pytest.raises(RetriableConnectorError, match="2"):
        call_with_retries(fn, attempts=3, sleep=lambda _: None)
    assert fn.calls == 3


def test_fatal_errors_are_not_retried():
    fn = Flaky([FatalConnectorError("401")])
    with pytest.raises(FatalConnectorError):
        call_with_retries(fn, sleep=lambda _: None)
    assert fn.calls == 1


def test_a_rate_limit_resetting_later_than_max_wait_is_raised_at_once():
    reset = datetime.now(UTC) + timedelta(minutes=15)
    fn = Flaky([RetriableConnectorError("429", reset_at=reset)])
    with pytest.raises(RetriableConnectorError) as info:
        call_with_retries(fn, max_wait=timedelta(seconds=30), sleep=lambda _: None)
    assert info.value.reset_at == reset and fn.calls == 1


def test_a_rate_limit_resetting_soon_waits_until_the_reset():
    waits: list[float] = []
    reset = datetime.now(UTC) + timedelta(seconds=5)
    fn = Flaky([RetriableConnectorError("429", reset_at=reset)])
    assert call_with_retries(fn, max_wait=timedelta(seconds=30), sleep=waits.append) == "ok"
    assert len(waits) == 1 and 3.0 < waits[0] <= 5.0
