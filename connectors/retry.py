"""Retries inside one run for transient platform errors: exponential backoff with jitter.

Only `RetriableConnectorError` is retried, and never past `max_wait`: a rate limit that resets
in 15 minutes is raised at once (the scheduler comes back later) instead of sleeping the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from connectors.base import RetriableConnectorError

T = TypeVar("T")


def _worth_waiting(max_wait: timedelta) -> Callable[[BaseException], bool]:
    def check(exc: BaseException) -> bool:
        if not isinstance(exc, RetriableConnectorError):
            return False
        if exc.reset_at is None:
            return True
        return exc.reset_at - datetime.now(UTC) <= max_wait

    return check


def call_with_retries(
    fn: Callable[[], T],
    *,
    attempts: int = 3,
    initial: float = 1.0,
    max_wait: timedelta = timedelta(seconds=30),
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Call `fn`, retrying transient failures; the last error is re-raised unchanged."""
    retrying = Retrying(
        retry=retry_if_exception(_worth_waiting(max_wait)),
        stop=stop_after_attempt(attempts),
        wait=_wait(initial, max_wait),
        reraise=True,
        sleep=sleep or time.sleep,
    )
    return retrying(fn)


def _wait(initial: float, max_wait: timedelta) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(initial=initial, max=max_wait.total_seconds(), jitter=initial)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetriableConnectorError) and exc.reset_at is not None:
            until_reset = (exc.reset_at - datetime.now(UTC)).total_seconds()
            return max(0.0, min(until_reset, max_wait.total_seconds()))
        return float(backoff(state))

    return wait
