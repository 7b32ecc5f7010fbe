"""One log line per poll and per send, with its fields as data; secrets masked everywhere,
tracebacks, uncaught exceptions and stored error messages included."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from sqlalchemy import select

from db.models import ConnectorState, OutboxRow
from monitor.locks import try_lock
from monitor.runner import poll
from responders.outbox import send_pending
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
