"""`repmon run --once` with every platform connector enabled, against loopback fakes of their APIs.

Each real SDK client (tweepy, praw, googleapiclient, httpx + feedparser) does real HTTP to a fake
on 127.0.0.1 (X through a transport adapter, since tweepy's host is fixed); the config goes
through the CLI like a user's.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from typer.testing import CliRunner

from connectors import x as x_module
from monitor.cli import app
from tests.connectors.contract import Item
from tests.connectors.harness_reddit import RedditHarness
from tests.connectors.harness_stores import AppStoreHarness, GooglePlayHarness, RssHarness
from tests.connectors.harness_x import API, Loopback, XHarness

NOW = datetime.now(UTC)
COMPLAINTS = [
    "Acme charged me twice this month and nobody answers, worst service ever",
    "Acme internet down again for the whole evening, this is terrible",
    "Thanks Acme, the new router works great",
]


def plain(value: Any) -> Any:
    """Settings → YAML-safe data with secrets revealed (the test owns these fake secrets)."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, timedelta):
        return f"{int(value.total_seconds())}s"
    return value


@pytest.fixture
def harnesses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    built = {
        "x": XHarness(tmp_path),
        "reddit": RedditHarness(tmp_path),
        "appstore": AppStoreHarness(tmp_path),
        "googleplay": GooglePlayHarness(tmp_path),
        "rss": RssHarness(tmp_path),
    }
    x_server = built["x"].server.url
    original = x_module.XConnector.from_settings.__func__  # type: ignore[attr-defined]

    def from_settings(cls: Any, settings: Any, *args: Any, **kwargs: Any) -> Any:
        connector = original(cls, settings, *args, **kwargs)
        connector.client.session.mount(API, Loopback(x_server))
        return connector

    monkeypatch.setattr(x_module.XConnector, "from_settings", classmethod(from_settings))
    for number, harness in enumerate(built.values()):
        harness.append(
            [
                Item(
                    str(5000 + number * 10 + i),
                    text,
                    NOW - timedelta(hours=3, minutes=i),
                    f"customer{number}{i}",
                )
                for i, text in enumerate(COMPLAINTS)
            ]
        )
    return built


def write_config(tmp_path: Path, harnesses: dict[str, Any]) -> Path:
    blocks = []
    for type_name, harness in harnesses.items():
        settings = harness.build().settings
        block = plain(settings.model_dump(exclude_none=True))
        block["name"] = f"{type_name}-acme"
        block["schedule"] = {"every": "5m"}
        blocks.append(block)
    config = {
        "database": {"url": f"sqlite:///{tmp_path / 'e2e.db'}"},
        "brands": [{"name": "Acme", "keywords": ["acme"]}],
        "connectors": blocks,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT source, count(*) FROM mentions GROUP BY source"
        ).fetchall()
        cases = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
    return {**dict(rows), "cases": cases}


def test_every_source_stored_and_a_second_run_adds_nothing(
    tmp_path: Path, harnesses: dict[str, Any]
):
    config = write_config(tmp_path, harnesses)
    runner = CliRunner()
    first = runner.invoke(app, ["run", "--once", "--config", str(config)])
    assert first.exit_code == 0, first.output
    after_first = counts(tmp_path / "e2e.db")
    assert {k: after_first.get(k) for k in ("x", "reddit", "appstore", "googleplay", "rss")} == {
        "x": 3,
        "reddit": 3,
        "appstore": 3,
        "googleplay": 3,
        "rss": 3,
    }
    assert after_first["cases"] >= 10  # two complaints per source, each from a new author

    second = runner.invoke(app, ["run", "--once", "--force", "--config", str(config)])
    assert second.exit_code == 0, second.output
    assert counts(tmp_path / "e2e.db") == after_first
    assert "case #" not in second.output
