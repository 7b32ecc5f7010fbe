"""One log line per poll and per send, with its fields as data; secrets masked everywhere,
tracebacks, uncaught exceptions and stored error messages included."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from typing import Any, ClassVar

import pytest
from pydantic import SecretStr
from rich.console import Console
from sqlalchemy import select

from connectors import registry
from connectors.base import ConnectorSettings, FatalConnectorError, ReplySettings
from db.models import ConnectorState, OutboxRow, Reply
from monitor import logconfig
from monitor.config import secret_values
from monitor.locks import try_lock
from monitor.models import Batch, Mention
from monitor.runner import poll
from responders.console import ConsoleResponder
from responders.handlers import outbox_handlers
from responders.outbox import send_pending
from responders.slack import replies
from tests.processes import ROOT, clean_env
from tests.support import NOW, mention, open_app

ANGRY = "Acme is the worst, awful service, I hate it"
TOKEN_SHAPED = "xoxb-1234567890-abcdefghijkl"


def lines_from(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def file_app(db_url, tmp_path, path: str):
    connector = {"name": "feed", "type": "file", "path": path, "batch_size": 2}
    return open_app(db_url, tmp_path, connectors=[connector])


def test_each_poll_writes_exactly_one_line_whatever_its_outcome(db_url, tmp_path, caplog):
    rows = [
        {"source": "x", "external_id": str(i), "text": f"acme {i}", "created_at": NOW.isoformat()}
        for i in range(5)
    ]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    app = file_app(db_url, tmp_path, "in.jsonl")
    settings = app.config.connectors[0]
    caplog.set_level(logging.DEBUG, logger="monitor.runner")

    ok = poll(app, settings, force=True)  # three batches of at most 2
    with try_lock(app.engine, "connector:feed"):
        locked = poll(app, settings, force=True)

    assert (ok.status, ok.batches, locked.status) == ("ok", 3, "locked")
    first, second = lines_from(caplog, "monitor.runner")
    assert first.getMessage().startswith("poll feed: ok, received=5 ")
    assert first.fields["stored"] == 5 and first.fields["status"] == "ok"
    assert first.fields["started"] <= first.fields["finished"]
    assert second.getMessage() == "poll feed: skipped: locked by another process"
    app.close()


def test_a_failed_poll_is_one_line_and_its_stored_error_is_redacted(sqlite_url, tmp_path, caplog):
    app = file_app(sqlite_url, tmp_path, f"missing-{TOKEN_SHAPED}.jsonl")
    caplog.set_level(logging.INFO, logger="monitor.runner")

    outcome = poll(app, app.config.connectors[0], force=True)

    assert outcome.status == "failed" and TOKEN_SHAPED not in (outcome.error or "")
    (line,) = lines_from(caplog, "monitor.runner")
    assert line.levelno == logging.WARNING and line.fields["status"] == "failed"
    with app.factory() as session:
        stored = session.get(ConnectorState, "feed")
        assert stored is not None and "cannot open" in (stored.last_error or "")
        assert TOKEN_SHAPED not in stored.last_error and "***" in stored.last_error
    app.close()


class Flaky:
    name = "flaky"

    def send_card(self, card):
        if card.case_id == 1:
            raise ConnectionError(f"refused with {TOKEN_SHAPED}")
        return {"ts": "1"}

    def send_thread(self, card):
        return {"ts": "2"}


def test_each_send_writes_one_line_and_stored_send_errors_are_redacted(db_url, tmp_path, caplog):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY, author="a"), mention("2", ANGRY, author="b")])
    caplog.set_level(logging.INFO, logger="responders.outbox")

    result = send_pending(app.engine, app.factory, Flaky(), clock=lambda: NOW)

    assert (result.sent, result.failed) == (1, 1)
    sent, failed = sorted(lines_from(caplog, "responders.outbox"), key=lambda r: r.levelno)
    assert sent.getMessage() == "outbox: sent card card:2 via flaky"
    assert sent.fields == {"event": "send", "kind": "card", "key": "card:2", "via": "flaky"}
    assert failed.levelno == logging.WARNING and TOKEN_SHAPED not in failed.getMessage()
    with app.factory() as session:
        error = session.scalars(select(OutboxRow.last_error).where(OutboxRow.key == "card:1")).one()
    assert error == "ConnectionError: refused with ***"
    app.close()


def test_tracebacks_and_chained_causes_are_redacted_in_json_too(capsys, monkeypatch):
    from monitor.logconfig import setup_logging

    monkeypatch.setenv("REPMON_LOG_FORMAT", "json")
    setup_logging(1, secrets=["pa55-w0rd-value"])
    try:
        try:
            raise KeyError("pa55-w0rd-value")
        except KeyError as inner:
            raise RuntimeError(f"connect failed with Bearer {'A' * 20}") from inner
    except RuntimeError:
        logging.getLogger("repmon.test").exception(
            "job failed", extra={"fields": {"connector": "c pa55-w0rd-value"}}
        )
    entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert "pa55-w0rd-value" not in json.dumps(entry) and "A" * 20 not in entry["exc"]
    assert "KeyError" in entry["exc"] and "RuntimeError" in entry["exc"]
    assert entry["connector"] == "c ***"


def test_an_uncaught_exception_is_printed_redacted():
    script = (
        "from monitor.logconfig import setup_logging\n"
        "setup_logging(0, secrets=['hunter2-secret'])\n"
        "raise RuntimeError('database refused hunter2-secret')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "RuntimeError: database refused ***" in done.stderr
    assert "hunter2-secret" not in done.stderr


# --- configured secrets of any shape, in stored error text ----------------------------------------

CANARY = "canary-reddit-secret-9b3f58"  # a real client_secret looks like this: no token shape


@pytest.fixture
def start_up(monkeypatch):
    """What every CLI command does first (monitor.cli): logging set up with the config's secrets.

    The process-wide state it sets (the masked values, the excepthook) is put back afterwards.
    """
    monkeypatch.setattr(logconfig._Configured, "values", frozenset())
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    return lambda config: logconfig.setup_logging(0, secrets=secret_values(config))


class Leaky:
    """A responder whose failure quotes a connector's credential back."""

    name = "leaky"

    def send_card(self, card):
        raise ConnectionError(f"refused; sent client_secret={CANARY}")

    def send_thread(self, card):
        return {}


def test_stored_send_errors_mask_configured_secrets_that_look_like_nothing(
    db_url, tmp_path, start_up
):
    reddit = {
        "name": "r1",
        "type": "reddit",
        "query": "acme",
        "client_id": "rid-4444",
        "client_secret": CANARY,
        "user_agent": "python:t:0.1 (by /u/t)",
    }
    app = open_app(db_url, tmp_path, connectors=[reddit])
    start_up(app.config)
    app.pipeline.ingest([mention("1", ANGRY)])

    result = send_pending(app.engine, app.factory, Leaky(), clock=lambda: NOW)

    assert result.failed == 1
    with app.factory() as session:
        error = session.scalars(select(OutboxRow.last_error)).one()
    assert error == "ConnectionError: refused; sent client_secret=***"
    app.close()


class EchoSettings(ConnectorSettings):
    api_secret: SecretStr
    reply: ReplySettings = ReplySettings(enabled=True)


class EchoConnector:
    """Replies fail with a message that repeats the credential, as some platforms' do."""

    Settings = EchoSettings
    fail_with: ClassVar[type[Exception]] = FatalConnectorError

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Any) -> EchoConnector:
        return cls(settings)

    def fetch(self, cursor: str | None) -> Batch:
        return Batch([], cursor)

    def reply(self, mention: Mention, text: str) -> str:
        secret = self.settings.api_secret.get_secret_value()
        raise EchoConnector.fail_with(f"rejected key {secret} for {mention.external_id}")


@pytest.mark.parametrize("failure", [FatalConnectorError, TimeoutError])
def test_platform_reply_errors_are_stored_with_configured_secrets_masked(
    db_url, tmp_path, start_up, monkeypatch, failure
):
    """A refusal is final (replies.error, outbox result); anything else is retried (last_error)."""
    monkeypatch.setitem(registry._REGISTRY, "echo", f"{__name__}:EchoConnector")
    monkeypatch.setattr(EchoConnector, "fail_with", failure)
    app = open_app(
        db_url, tmp_path, connectors=[{"name": "echo", "type": "echo", "api_secret": CANARY}]
    )
    start_up(app.config)
    app.pipeline.ingest([mention("1", ANGRY, connector="echo")])
    queued = replies.queue(app.factory, 1, agent="UAGENT1", text="Sorry!", template=None, now=NOW)
    assert queued is not None

    send_pending(
        app.engine,
        app.factory,
        ConsoleResponder(Console(file=io.StringIO())),
        clock=lambda: NOW,
        handlers=outbox_handlers(app),
    )

    with app.factory() as session:
        reply = session.scalars(select(Reply)).one()
        row = session.scalars(select(OutboxRow).where(OutboxRow.key == queued.key)).one()
    assert reply.error is not None and reply.error.endswith("rejected key *** for 1")
    stored = [reply.error, row.last_error or "", json.dumps(row.result or {})]
    assert not [text for text in stored if CANARY in text]
    if failure is FatalConnectorError:
        assert (reply.state, row.state, row.result["error"]) == ("failed", "sent", reply.error)
    else:
        assert (reply.state, row.state) == ("sending", "pending")
        assert row.last_error == "TimeoutError: rejected key *** for 1"
    app.close()
