"""Slack failures mapped at the boundary, so the outbox and handlers know whether to retry.

RepmonError
└── SlackError
    ├── SlackRetriableError      5xx, timeouts, a parent card not posted yet: try again later
    │   └── SlackRateLimited     429: `retry_after` seconds from Slack's Retry-After header
    └── SlackFatalError          bad token, unknown channel, missing scope: a human must fix it
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError, SlackClientError

from monitor.errors import RepmonError

_RETRIABLE_CODES = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


class SlackError(RepmonError):
    """Anything the Slack Web API did not do for us."""


class SlackRetriableError(SlackError):
    """A transient failure; `reset_at` (UTC) is the earliest sensible retry, when known."""

    def __init__(self, message: str, *, reset_at: datetime | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class SlackRateLimited(SlackRetriableError):
    """Slack said 429; nothing should call again for `retry_after` seconds (`reset_at`, once the
    sender has stamped it with its clock)."""

    def __init__(
        self, message: str, *, retry_after: float, reset_at: datetime | None = None
    ) -> None:
        super().__init__(message, reset_at=reset_at)
        self.retry_after = retry_after

    def wait(self) -> timedelta:
        return timedelta(seconds=self.retry_after)


class SlackFatalError(SlackError):
    """A failure that repeats until config, scopes or channel membership are fixed."""


def _retry_after(headers: object) -> float:
    value = None
    if isinstance(headers, dict):
        value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1.0, float(value)) if value is not None else 30.0
    except (TypeError, ValueError):
        return 30.0


@contextmanager
def mapped(method: str) -> Iterator[None]:
    """Translate slack_sdk errors raised inside the block; the message never includes tokens."""
    try:
        yield
    except SlackApiError as exc:
        status = exc.response.status_code
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        code = str(data.get("error") or f"http_{status}")
        if status == 429 or code == "ratelimited":
            wait = _retry_after(exc.response.headers)
            raise SlackRateLimited(
                f"{method}: rate limited for {wait:g}s", retry_after=wait
            ) from exc
        if status >= 500 or code in _RETRIABLE_CODES:
            raise SlackRetriableError(f"{method}: {code} (HTTP {status})") from exc
        raise SlackFatalError(f"{method}: {code}") from exc
    except SlackClientError as exc:
        raise SlackRetriableError(f"{method}: {type(exc).__name__}") from exc
    except OSError as exc:  # connection refused/reset, timeouts
        raise SlackRetriableError(f"{method}: {type(exc).__name__}: {exc}") from exc
