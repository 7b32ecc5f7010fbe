"""Secrets never leave: every credential is set to a unique canary, the CLI is run the way an
operator would (config check, verbose and JSON-logged runs against failing and echoing
services, status, queue, a report), and every byte it wrote — stdout, stderr, the database,
files — is searched for the canaries."""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy
import yaml
from sqlalchemy.pool import NullPool

from tests.connectors.fakeserver import FakeServer, Reply
from tests.responders.fakeslack import FakeSlack

CANARIES = {
    "SLACK_BOT_TOKEN": "canary-slack-bot-3f9d1c",
    "SLACK_APP_TOKEN": "canary-slack-app-8a2e44",
    "SLACK_SIGNING_SECRET": "canary-signing-5b7c90",
    "X_BEARER_TOKEN": "canary-x-bearer-c41d07",
    "REDDIT_CLIENT_ID": "canary-reddit-id-77e1a2",
    "REDDIT_CLIENT_SECRET": "canary-reddit-secret-9b3f58",
    "REDDIT_PASSWORD": "canary-reddit-password-2d6e",
}
ANGRY = "@acmehelp internet down for two days, worst service ever, refund me now"


def echo_everything(request):
    """A hostile token endpoint: refuses, quoting back the credentials it was sent."""
    auth = request.headers.get("authorization", "")
    decoded = ""
    if auth.lower().startswith("basic "):
        decoded = base64.b64decode(auth[6:]).decode("utf-8", "replace")
    message = f"bad credentials {decoded} {auth} {request.body.decode('utf-8', 'replace')}"
    return Reply.json({"error": "invalid_grant", "message": message}, status=401)


@pytest.fixture
def project(tmp_path):
    slack = FakeSlack(token="not-the-canary").start()  # every Slack call: invalid_auth
    reddit = FakeServer()
    reddit.route("POST", "/api/v1/access_token", echo_everything)
    reddit.route("GET", "/search", echo_everything)
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        json.dumps(
            {
                "source": "x",
                "external_id": "1",
                "text": ANGRY,
                "created_at": "2026-11-21T10:00:00Z",
                "author": "angry",
                "author_followers": 5000,
            }
        )
        + "\n",
        encoding="utf-8",
    )
    config = {
        "database": {"url": f"sqlite:///{tmp_path / 'repmon.db'}"},
        "brands": [{"name": "Acme", "keywords": ["acme", "@acmehelp"]}],
        "connectors": [
            {"name": "feed", "type": "file", "path": str(feed)},
            {"name": "x-acme", "type": "x", "query": "acme", "bearer_token": "${X_BEARER_TOKEN}"},
            {
                "name": "reddit-acme",
                "type": "reddit",
                "query": "acme",
                "subreddits": ["acme"],
                "client_id": "${REDDIT_CLIENT_ID}",
                "client_secret": "${REDDIT_CLIENT_SECRET}",
                "username": "acmebot",
                "password": "${REDDIT_PASSWORD}",
                "user_agent": "test:repmon-security:0.1 (by /u/repmon)",
                "oauth_url": reddit.url,
                "reddit_url": reddit.url,
            },
        ],
        "slack": {
            "enabled": True,
            "bot_token": "${SLACK_BOT_TOKEN}",
            "app_token": "${SLACK_APP_TOKEN}",
            "signing_secret": "${SLACK_SIGNING_SECRET}",
            "base_url": slack.url,
            "post_interval": 0,
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "X_", "REDDIT_"))}
    env.update(CANARIES)
    # X's real API is on the internet: a dead proxy makes those calls fail at once, locally.
    env.update(
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        NO_PROXY="127.0.0.1,localhost",
    )
    yield tmp_path, path, env
    slack.close()
    reddit.close()


def repmon(folder, config, env, *args, **extra_env):
    result = subprocess.run(
        [sys.executable, "-m", "monitor", *args, "--config", str(config)],
        cwd=folder, env={**env, **extra_env}, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    return result.stdout + result.stderr


def database_text(db: Path) -> str:
    """Every value of every row of every table, as text."""
    connection = sqlite3.connect(db)
    try:
        tables = [
            r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return "\n".join(
            repr(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"')
        )
    finally:
        connection.close()


def leaks(text: str) -> list[str]:
    return [name for name, value in CANARIES.items() if value in text]


@pytest.mark.slow
def test_no_secret_appears_in_any_output_log_database_row_or_file(project):
    folder, config, env = project
    outputs = {
        "config check": repmon(folder, config, env, "config", "check"),
        "run -vv": repmon(folder, config, env, "run", "--once", "-vv"),
        "run json": repmon(
            folder, config, env, "run", "--once", "--force", "-vv", REPMON_LOG_FORMAT="json"
        ),
        "status": repmon(folder, config, env, "status"),
        "status json": repmon(folder, config, env, "status", "--format", "json"),
        "queue json": repmon(folder, config, env, "queue", "--format", "json"),
        "report": repmon(folder, config, env, "report", "daily", "--out", str(folder / "out")),
        "templates": repmon(folder, config, env, "templates", "check"),
    }
    # The runs did reach the failing services (or this test would prove nothing).
    assert "reddit-acme" in outputs["run -vv"] and "x-acme" in outputs["run -vv"]
    assert "invalid_auth" in outputs["run -vv"] or "invalid_auth" in database_text(
        folder / "repmon.db"
    )
    assert "***" in outputs["config check"]
    for name, text in outputs.items():
        assert leaks(text) == [], f"`repmon {name}` printed {leaks(text)}:\n{text[-3000:]}"
    assert leaks(database_text(folder / "repmon.db")) == []
    for file in folder.rglob("*"):
        if file.is_file() and file.name not in ("config.yaml",):
            assert leaks(file.read_bytes().decode("utf-8", "replace")) == [], file


DB_PASSWORD = "canary-db-password-4c81e0"


def postgres_text(url: str) -> str:
    """Every value of every row of every table of a PostgreSQL database, as text."""
    engine = sqlalchemy.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = sqlalchemy.inspect(conn).get_table_names()
            return "\n".join(
                repr(tuple(row))
                for table in tables
                for row in conn.execute(sqlalchemy.text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_database_password_never_appears_in_serve_output_logs_or_rows(
    pg_database_factory, tmp_path
):
    """`database.url` with a password (the throwaway server trusts loopback, so any password
    connects): `repmon serve -vv` stores and delivers a complaint, then stops; a run against a
    server that is not there fails. Neither prints the password, nor stores it anywhere."""
    from sqlalchemy.engine import make_url

    from tests.processes import Repmon, clean_env, wait_for

    url = make_url(pg_database_factory()).set(password=DB_PASSWORD)
    feed = tmp_path / "feed.jsonl"
    line = {"source": "x", "external_id": "1", "text": ANGRY, "created_at": "2026-11-21T10:00:00Z"}
    feed.write_text(json.dumps(line) + "\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": {"url": "${DATABASE_URL}"},
                "brands": [{"name": "Acme", "keywords": ["acme", "@acmehelp"]}],
                "connectors": [{"name": "feed", "type": "file", "path": str(feed)}],
            }
        ),
        encoding="utf-8",
    )
    env = clean_env(DATABASE_URL=url.render_as_string(hide_password=False))
    outputs = {
        "db upgrade": repmon(tmp_path, config, env, "db", "upgrade"),
        "config check": repmon(tmp_path, config, env, "config", "check"),
    }
    serve = Repmon.start(tmp_path, "serve", ["serve", "-vv", "--config", str(config)], env=env)
    try:
        wait_for(lambda: "case #" in serve.out.read_text(encoding="utf-8"), what="the card")
        serve.process.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0, serve.stderr()
    finally:
        serve.kill()
    outputs["serve -vv"] = serve.out.read_text(encoding="utf-8") + serve.stderr()
    assert "poll feed: ok" in outputs["serve -vv"]  # it did connect, poll and deliver
    dead = url.set(port=9).render_as_string(hide_password=False)  # nothing listens there
    outputs["run, database down"] = repmon(
        tmp_path, config, env, "run", "--once", "-vv", DATABASE_URL=dead
    )
    assert "cannot use database postgresql+psycopg://postgres:***@" in outputs["run, database down"]
    for name, text in outputs.items():
        assert DB_PASSWORD not in text, f"`repmon {name}` printed the password:\n{text[-3000:]}"
    assert DB_PASSWORD not in postgres_text(url.render_as_string(hide_password=False))
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert DB_PASSWORD not in file.read_bytes().decode("utf-8", "replace"), file
