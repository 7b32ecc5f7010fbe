"""Logging set-up with a filter that masks secrets wherever they appear in a record."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType

MASK = "***"
_TOKEN_PATTERNS = [
    (re.compile(r"xox[abposr]-[A-Za-z0-9-]{8,}"), MASK),  # Slack bot / user tokens
    (re.compile(r"xapp-[A-Za-z0-9-]{8,}"), MASK),  # Slack app-level tokens
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=%-]{12,}"), r"\1" + MASK),
    (re.compile(r"(?i)(postgres(?:ql)?(?:\+\w+)?://[^:/@\s]+:)[^@\s]+(@)"), r"\1" + MASK + r"\2"),
]


class _Configured:
    """The config's secret values for this process, set by `use_secrets` (a holder, no `global`)."""

    values: frozenset[str] = frozenset()


def _usable(secrets: Iterable[str]) -> set[str]:
    return {s for s in secrets if s and len(s) >= 4}


def use_secrets(secrets: Iterable[str]) -> None:
    """Make these the config's secrets, masked by every `redact()` in this process from now on.

    `setup_logging` calls it at start-up, so code that stores error text without the config at
    hand (the outbox sender, platform replies) still masks a connector's credentials, whatever
    their shape.
    """
    _Configured.values = frozenset(_usable(secrets))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with known secret values and token-shaped strings masked.

    Known values are `secrets` plus those given to `use_secrets`. Also for error text stored in
    the database (outbox, reply and connector errors), which `status` and Slack show later.
    """
    for secret in sorted(_Configured.values | _usable(secrets), key=len, reverse=True):
        text = text.replace(secret, MASK)
    for pattern, replacement in _TOKEN_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Replaces known secret values and token-shaped strings with *** before a record is written.

    The message, the traceback (exception messages and chained causes), the stack and the
    structured `fields` of a record are all redacted.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted(_usable(secrets), key=len, reverse=True)

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = {
                k: self.redact(v) if isinstance(v, str) else v for k, v in fields.items()
            }
        record.msg, record.args = redacted, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers; the message is already redacted.

    A record's `fields` (`logger.info(..., extra={"fields": {...}})`) become top-level keys, so
    a poll or a send line carries its connector, timings and counts as data.
    """

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: v for k, v in fields.items() if k not in entry})
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(
    verbosity: int = 0, *, secrets: Iterable[str] = (), json_format: bool | None = None
) -> None:
    """WARNING by default, INFO with -v, DEBUG with -vv; always to stderr, always redacted.

    `secrets` (the config's, see monitor.config.secret_values) are masked in log lines and, via
    `use_secrets`, in every `redact()` of the process. JSON lines when `json_format` is set, or
    when `REPMON_LOG_FORMAT=json` in the environment.
    """
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    if json_format is None:
        json_format = os.environ.get("REPMON_LOG_FORMAT", "").lower() == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_format
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    secrets = list(secrets)
    use_secrets(secrets)  # for error text stored in the database, too
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_repmon", False):
            root.removeHandler(existing)
    handler._repmon = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """An uncaught exception is printed through logging, so its text is redacted too."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    logging.getLogger("repmon").critical("uncaught exception", exc_info=(kind, exc, tb))
