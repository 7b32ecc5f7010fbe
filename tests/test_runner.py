"""One polling cycle: failures isolated and recorded, fatal ones paused, rate limits honoured."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import ClassVar, Literal

from connectors.base import ConnectorSettings, FatalConnectorError, RetriableConnectorError
from connectors.registry import _REGISTRY, register
from db.models import ConnectorState, MentionRow
from monitor.models import Batch
from monitor.queries import status
from monitor.runner import run_once
from tests.support import NOW, mention, open_app


class FlakySettings(ConnectorSettings):
    type: Literal["flaky"] = "flaky"
    failure: Literal["fatal", "ratelimit", "bug", "none"] = "fatal"


class FlakyConnector:
    """Fails the way its settings say; otherwise returns one complaint."""

    Settings: ClassVar[type[ConnectorSettings]] = FlakySettings
    calls: ClassVar[int] = 0

    def __init__(self, settings: FlakySettings) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: FlakySettings) -> FlakyConnector:
        return cls(settings)

    def fetch(self, cursor: str | None) -> Batch:
        FlakyConnector.calls += 1
        if self.settings.failure == "fatal":
            raise FatalConnectorError("flaky: 401 bad credentials")
        if self.settings.failure == "ratelimit":
            raise RetriableConnectorError("flaky: 429", reset_at=NOW + timedelta(minutes=15))
        if self.settings.failure == "bug":
            raise KeyError("data")
        return Batch([mention("f1", "Acme is awful, worst service")], cursor="1")


def setup_module() -> None:
    register("flaky", "tests.test_runner:FlakyConnector")


def teardown_module() -> None:
    _REGISTRY.pop("flaky", None)


def write_source(tmp_path) -> str:
    path = tmp_path / "good.jsonl"
    record = {
        "source": "x",
        "external_id": "g1",
        "text": "Acme is terrible",
        "created_at": "2026-11-22T10:00:00Z",
    }
    path.write_text(json.dumps(record) + "\n")
    return str(path)


def connectors_config(tmp_path, failure: str) -> list[dict]:
    return [
        {"name": "broken", "type": "flaky", "failure": failure},
        {"name": "good", "type": "file", "path": write_source(tmp_path)},
    ]


def test_one_failing_connector_does_not_stop_the_others_and_shows_in_status(db_url, tmp_path):
    app = open_app(db_url, tmp_path, connectors=connectors_config(tmp_path, "fatal"))
    outcomes = {o.connector: o for o in run_once(app)}
    assert outcomes["broken"].status == "failed" and "401" in (outcomes["broken"].error or "")
    assert outcomes["good"].status == "ok" and outcomes["good"].result.stored == 1
    with app.factory() as session:
        data = status(
            session, connectors=[("broken", "flaky", True), ("good", "file", True)], now=NOW
        )
    broken = data["connectors"][0]
    assert broken["failures"] == 1 and "bad credentials" in broken["last_error"]
    assert data["connectors"][1]["items"] == 1
    app.close()


def test_an_unexpected_exception_in_a_connector_is_recorded_like_a_failure(db_url, tmp_path):
    app = open_app(db_url, tmp_path, connectors=connectors_config(tmp_path, "bug"))
    outcomes = {o.connector: o for o in run_once(app)}
    assert outcomes["broken"].status == "failed" and "KeyError" in (outcomes["broken"].error or "")
    assert outcomes["good"].status == "ok"
    app.close()


def test_a_connector_failing_fatally_three_times_is_paused_until_forced(db_url, tmp_path, caplog):
    app = open_app(db_url, tmp_path, connectors=connectors_config(tmp_path, "fatal"))
    statuses = [
        {o.connector: o.status for o in run_once(app, force=True)}["broken"] for _ in range(3)
    ]
    assert statuses == ["failed"] * 3
    FlakyConnector.calls = 0
    caplog.clear()
    assert {o.connector: o.status for o in run_once(app)}["broken"] == "paused"
    assert {o.connector: o.status for o in run_once(app)}["broken"] == "paused"
    assert FlakyConnector.calls == 0  # not polled while paused
    assert not [r for r in caplog.records if "paused" in r.getMessage()]  # reported once, earlier
    with app.factory() as session:
        assert session.get(ConnectorState, "broken").paused
    assert {o.connector: o.status for o in run_once(app, force=True)}["broken"] == "failed"
    app.close()


def test_a_rate_limited_connector_waits_for_the_reset(db_url, tmp_path):
    app = open_app(db_url, tmp_path, connectors=connectors_config(tmp_path, "ratelimit"))
    run_once(app)
    with app.factory() as session:
        assert session.get(ConnectorState, "broken").retry_at == NOW + timedelta(minutes=15)
    app.close()
    later = open_app(
        db_url,
        tmp_path,
        now=NOW + timedelta(minutes=10),
        connectors=connectors_config(tmp_path, "ratelimit"),
    )
    assert {o.connector: o.status for o in run_once(later)}["broken"] == "not_due"
    later.close()
    after_reset = open_app(
        db_url,
        tmp_path,
        now=NOW + timedelta(minutes=16),
        connectors=connectors_config(tmp_path, "ratelimit"),
    )
    assert {o.connector: o.status for o in run_once(after_reset)}["broken"] == "failed"
    after_reset.close()


def test_schedules_decide_what_is_due(db_url, tmp_path):
    config = [{"name": "ok", "type": "flaky", "failure": "none", "schedule": {"every": "30m"}}]
    app = open_app(db_url, tmp_path, connectors=config)
    assert [o.status for o in run_once(app)] == ["ok"]
    app.close()
    soon = open_app(db_url, tmp_path, now=NOW + timedelta(minutes=20), connectors=config)
    assert [o.status for o in run_once(soon)] == ["not_due"]
    soon.close()
    later = open_app(db_url, tmp_path, now=NOW + timedelta(minutes=31), connectors=config)
    assert [o.status for o in run_once(later)] == ["ok"]
    with later.factory() as session:
        assert session.query(MentionRow).count() == 1  # the same item again is not stored twice
    later.close()
