"""`repmon serve` without `--http`: the Slack app connects over Socket Mode beside the jobs, and
SIGTERM closes the connection and exits 0.

Runs in-process through the real CLI so slack_bolt's SocketModeHandler can be replaced by a fake
(a real one would dial Slack's WebSocket); everything else (the Bolt app, its token check and
the card posts against a loopback Slack, the scheduler, the signal handling) is the real thing.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
import slack_bolt
import yaml
from typer.testing import CliRunner

from monitor import stopping
from monitor.cli import app
from tests.responders.fakeslack import CHANNELS, TOKEN, FakeSlack

APP_TOKEN = "xapp-1-A0TEST-0000-socketmodetoken"


class FakeSocketModeHandler:
    """Records what serve does with its Socket Mode connection.

    Once connected it waits for the first card to reach Slack (the jobs run beside it), then
    sends the process SIGTERM, as systemd would.
    """

    made: ClassVar[list[FakeSocketModeHandler]] = []
    slack: ClassVar[FakeSlack | None] = None

    def __init__(self, app: Any, app_token: str | None = None, **_: Any) -> None:
        self.app, self.app_token = app, app_token
        self.calls: list[str] = []
        FakeSocketModeHandler.made.append(self)

    def connect(self) -> None:
        self.calls.append("connect")
        threading.Thread(target=self._stop_after_first_card, daemon=True).start()

    def close(self) -> None:
        self.calls.append("close")

    def _stop_after_first_card(self) -> None:
        assert self.slack is not None
        deadline = time.monotonic() + 30
        while not self.slack.top_level(CHANNELS["care"]) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.calls.append("SIGTERM")
        os.kill(os.getpid(), signal.SIGTERM)


@pytest.fixture
def restored_process_state(monkeypatch) -> Iterator[None]:
    """serve installs signal handlers, an atexit hook and an excepthook; put them all back."""
    handlers = {sig: signal.getsignal(sig) for sig in stopping.SIGNALS}
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr("monitor.logconfig._Configured.values", frozenset())
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    atexit.unregister(stopping._ignore_late_signals)


def project(tmp_path: Path, slack: FakeSlack) -> Path:
    mention = {
        "source": "x",
        "external_id": "1",
        "text": "@acmehelp internet down for two days, worst service ever, refund me now",
        "created_at": datetime.now(UTC).isoformat(),
        "author": "angry",
        "author_followers": 5000,
    }
    (tmp_path / "feed.jsonl").write_text(json.dumps(mention) + "\n")
    config = {
        "database": {"url": "sqlite:///repmon.db"},
        "brands": [{"name": "Acme", "keywords": ["acme", "@acmehelp"]}],
        "connectors": [{"name": "feed", "type": "file", "path": "feed.jsonl"}],
        "routing": {"default_channel": "#care"},
        "slack": {
            "enabled": True,
            "bot_token": "${SLACK_BOT_TOKEN}",
            "app_token": "${SLACK_APP_TOKEN}",
            "base_url": slack.url,
            "agents": ["UAGENT1"],
            "post_interval": 0,
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def test_serve_connects_over_socket_mode_and_closes_it_on_sigterm(
    tmp_path, monkeypatch, restored_process_state
):
    slack = FakeSlack().start()
    monkeypatch.setattr(FakeSocketModeHandler, "made", [])
    monkeypatch.setattr(FakeSocketModeHandler, "slack", slack)
    monkeypatch.setattr("slack_bolt.adapter.socket_mode.SocketModeHandler", FakeSocketModeHandler)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setattr("monitor.daemon.OUTBOX_EVERY", timedelta(seconds=1))  # not 10 s
    try:
        config = project(tmp_path, slack)
        result = CliRunner().invoke(app, ["serve", "--config", str(config), "--stop-timeout", "20"])
    finally:
        slack.close()

    assert result.exit_code == 0, result.output
    (handler,) = FakeSocketModeHandler.made
    assert handler.calls == ["connect", "SIGTERM", "close"]
    assert isinstance(handler.app, slack_bolt.App) and handler.app_token == APP_TOKEN
    assert "auth.test" in [method for method, _ in slack.calls]  # Bolt checked the bot token
    assert len(slack.top_level(CHANNELS["care"])) == 1  # the jobs ran beside the connection
    assert "SIGTERM received" in result.output and "repmon serve: stopped" in result.output
    assert APP_TOKEN not in result.output and TOKEN not in result.output
