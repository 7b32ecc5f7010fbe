"""`repmon status`: what a health check alerts on, with exit code 1 when something needs care."""

from __future__ import annotations

import json
from datetime import timedelta

import yaml
from typer.testing import CliRunner

from db.models import ConnectorState, OutboxRow
from db.session import transaction
from monitor.cli import app
from monitor.queries import status
from tests.support import NOW, mention, open_app

CONNECTORS = [("feed", "file", True), ("off", "file", False)]


def state(**values) -> ConnectorState:
    defaults = {
        "type": "file",
        "consecutive_failures": 0,
        "items_total": 0,
        "last_items": 0,
        "skipped_total": 0,
        "excluded_total": 0,
        "paused": False,
    }
    return ConnectorState(**{**defaults, **values})


def test_healthy_connectors_need_no_attention(db_url, tmp_path):
    app_ = open_app(db_url, tmp_path)
    with transaction(app_.factory) as session:
        session.add(state(name="feed", last_run_at=NOW, last_success_at=NOW))
    with app_.factory() as session:
        data = status(session, connectors=CONNECTORS, now=NOW + timedelta(minutes=5))
    assert data["needs_attention"] == []
    app_.close()


def test_failing_stale_and_backlogged_are_reported(db_url, tmp_path):
    app_ = open_app(db_url, tmp_path)
    app_.pipeline.ingest([mention("1", "Acme is awful, the worst")])  # leaves a pending card
    with transaction(app_.factory) as session:
        session.add(state(name="feed", last_run_at=NOW, last_success_at=NOW - timedelta(hours=7)))
        session.add(state(name="off", last_run_at=NOW, consecutive_failures=4))  # disabled: ignored
    with app_.factory() as session:
        stale = status(session, connectors=CONNECTORS, now=NOW + timedelta(minutes=20))
        assert stale["connectors"][0]["stale"]
        assert stale["needs_attention"] == [
            "feed: no successful poll recently",
            "outbox: oldest pending message waiting 20 min",
        ]
    with transaction(app_.factory) as session:
        session.get(ConnectorState, "feed").consecutive_failures = 2
        for row in session.query(OutboxRow):
            row.state = "dead"
    with app_.factory() as session:
        failing = status(session, connectors=CONNECTORS, now=NOW)
    assert failing["needs_attention"] == [
        "feed: failing (2 in a row)",
        "outbox: 1 messages given up",
    ]
    app_.close()


def test_status_command_exits_1_when_a_connector_fails(tmp_path):
    config = {
        "database": {"url": "sqlite:///repmon.db"},
        "connectors": [{"name": "gone", "type": "file", "path": "missing.jsonl"}],
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    runner = CliRunner()
    assert runner.invoke(app, ["run", "--once", "--config", str(path)]).exit_code == 1
    result = runner.invoke(app, ["status", "--format", "json", "--config", str(path)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["needs_attention"] == ["gone: failing (1 in a row)"]
    assert "cannot open" in data["connectors"][0]["last_error"]
