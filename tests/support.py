"""Builders shared by tests: a config on a given database, mentions, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.app import App
from monitor.config import AppConfig, parse_config
from monitor.models import Mention

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def make_config(db_url: str, tmp_path: Path, **overrides: Any) -> AppConfig:
    data: dict[str, Any] = {
        "database": {"url": db_url},
        "brands": [{"name": "Acme", "keywords": ["acme", "@acmehelp"], "exclude": ["acme jobs"]}],
        "topics": {"billing": ["refund", "charge", "factura"], "outage": ["outage", "down"]},
        "routing": {"rules": [{"match": {"lang": "es"}, "channel": "#care-es"}]},
    }
    data.update(overrides)
    return parse_config(data, base_dir=tmp_path, env={})


def open_app(db_url: str, tmp_path: Path, *, now: datetime = NOW, **overrides: Any) -> App:
    return App.open(make_config(db_url, tmp_path, **overrides), clock=lambda: now, upgrade=True)


def mention(external_id: str, text: str, **fields: Any) -> Mention:
    values: dict[str, Any] = {
        "source": "x",
        "external_id": external_id,
        "text": text,
        "created_at": NOW - timedelta(hours=2),
        "connector": "test",
        "author": f"user{external_id}",
        "author_followers": 100,
        "lang": "en",
    }
    values.update(fields)
    return Mention(**values)
