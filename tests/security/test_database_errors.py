"""A database that fails in the middle of `repmon run --once`: one clear line naming it, exit 1,
and none of the data the failing statement carried — SQLAlchemy's error text quotes its bound
parameters (mention text), and the traceback used to reach stderr at CRITICAL."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from db.session import make_engine
from monitor.app import App
from monitor.config import parse_config
from monitor.runner import finish_run, start_run
from tests.connectors.fakeserver import FakeServer, Reply
from tests.processes import base_config, clean_env, db_rows, write_config

FEED_TEXT = "acme charged me twice this month, refund me now (zq-feed-canary)"
NEWS_TEXT = "acme outage again, the worst provider in town (zq-news-canary)"
SECRET = "canary-bearer-0d9f3a77"


def rss(text: str) -> str:
    when = format_datetime(datetime.now(UTC), usegmt=True)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        "<link>https://news.example.com/</link><description>news</description><item>"
        "<title>Acme outage</title><link>https://news.example.com/acme-1</link>"
        f"<guid>https://news.example.com/acme-1</guid><pubDate>{when}</pubDate>"
        f"<description>{text}</description></item></channel></rss>"
    )


def refuse_inserts(url: str) -> None:
    """From now on the database refuses every new mention, but still answers reads.

    PostgreSQL names the failing row, mention text included, on its DETAIL line.
    """
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    if engine.dialect.name == "postgresql":
        sql = "ALTER TABLE mentions ADD CONSTRAINT refused CHECK (false) NOT VALID"
    else:
        sql = (
            "CREATE TRIGGER refused BEFORE INSERT ON mentions "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text(sql))
    finally:
        engine.dispose()


def allow_inserts(url: str) -> None:
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    postgres = engine.dialect.name == "postgresql"
    try:
        with engine.begin() as conn:
            conn.execute(
                sqlalchemy.text(
                    "ALTER TABLE mentions DROP CONSTRAINT refused"
                    if postgres
                    else "DROP TRIGGER refused"
                )
            )
    finally:
        engine.dispose()


def repmon(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args, "--config", str(folder / "config.yaml")],
        cwd=folder, env=clean_env(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_a_database_failing_mid_run_is_one_line_without_mention_text(db_url, tmp_path):
    """The file connector's batch is stored; the news feed's batch, fetched next, is refused."""
    feed = tmp_path / "feed.jsonl"
    record = {"source": "x", "external_id": "f1", "text": FEED_TEXT, "created_at": "2026-11-21"}
    feed.write_text(json.dumps(record) + "\n", encoding="utf-8")
    server = FakeServer()

    def news(_request: object) -> Reply:
        refuse_inserts(db_url)  # while the run is between its two connectors
        return Reply.text(rss(NEWS_TEXT), content_type="application/rss+xml")

    server.route("GET", "/news.xml", news)
    connectors = [
        {"name": "feed", "type": "file", "path": str(feed)},
        {"name": "news", "type": "rss", "url": f"{server.url}/news.xml"},
    ]
    write_config(tmp_path, base_config(db_url, connectors))
    try:
        assert repmon(tmp_path, "db", "upgrade").returncode == 0
        failed = repmon(tmp_path, "run", "--once", "-vv")
    finally:
        server.close()

    shown = make_url(db_url).render_as_string(hide_password=True)
    reason = (
        'CheckViolation: new row for relation "mentions" violates check constraint "refused"'
        if db_url.startswith("postgresql")
        else "IntegrityError: refused by the test"
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert failed.stderr.splitlines()[-1] == (
        f"error: repmon run stopped: database {shown}: {reason}"
    ), output
    assert "poll feed: ok" in output  # -vv: the run got that far before the database failed
    assert NEWS_TEXT not in output and "zq-news-canary" not in output, output
    assert "Traceback" not in output and "CRITICAL" not in output, output
    assert db_rows(db_url, "SELECT text FROM mentions") == [(FEED_TEXT,)]
    status, error = db_rows(db_url, "SELECT status, error FROM runs WHERE command = 'run'")[0]
    assert status == "failed" and error == f"database {shown}: {reason}"

    allow_inserts(db_url)  # the database is fine again: a rerun stores the rest, once
    server = FakeServer()
    server.route("GET", "/news.xml", Reply.text(rss(NEWS_TEXT), content_type="application/rss+xml"))
    connectors[1]["url"] = f"{server.url}/news.xml"
    write_config(tmp_path, base_config(db_url, connectors))
    try:
        rerun = repmon(tmp_path, "run", "--once", "--force")
    finally:
        server.close()
    assert rerun.returncode == 0, rerun.stderr
    texts = sorted(text for (text,) in db_rows(db_url, "SELECT text FROM mentions"))
    assert texts == [f"Acme outage — {NEWS_TEXT}", FEED_TEXT]  # the title leads a news item


def test_a_run_error_is_stored_with_the_configs_secrets_masked(db_url, tmp_path):
    """`runs.error` is shown later by `status` and Slack: a credential in it is masked."""
    data = {
        "database": {"url": db_url},
        "brands": [{"name": "Acme", "keywords": ["acme"]}],
        "connectors": [
            {"name": "x-acme", "type": "x", "query": "acme", "bearer_token": "${X_TOKEN}"}
        ],
    }
    config = parse_config(data, base_dir=tmp_path, env={"X_TOKEN": SECRET})
    app = App.open(config, upgrade=True)
    try:
        run_id = start_run(app, "run")
        finish_run(app, run_id, "failed", {}, error=f"x said: bad token {SECRET}")
    finally:
        app.close()
    assert db_rows(db_url, "SELECT error FROM runs") == [("x said: bad token ***",)]


def test_sqlalchemy_error_text_never_carries_the_statements_values(sqlite_url, caplog):
    """`hide_parameters` on every engine: neither the error text nor echoed SQL quotes values."""
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    engine = make_engine(sqlite_url, echo=True)
    try:
        with engine.begin() as conn:
            conn.execute(sqlalchemy.text("CREATE TABLE t (v TEXT UNIQUE)"))
            conn.execute(sqlalchemy.text("INSERT INTO t VALUES (:v)"), {"v": NEWS_TEXT})
        with pytest.raises(sqlalchemy.exc.IntegrityError) as caught, engine.begin() as conn:
            conn.execute(sqlalchemy.text("INSERT INTO t VALUES (:v)"), {"v": NEWS_TEXT})
    finally:
        engine.dispose()
    assert "UNIQUE constraint failed" in str(caught.value)
    assert "zq-news-canary" not in str(caught.value)
    assert "INSERT INTO t" in caplog.text and "SQL parameters hidden" in caplog.text
    assert "zq-news-canary" not in caplog.text
