"""Secrets never reach a log line: known values and token-shaped strings are masked."""

from __future__ import annotations

import logging

from monitor.logconfig import RedactingFilter, setup_logging


def test_known_secrets_and_token_shapes_are_masked(capsys):
    setup_logging(1, secrets=["s3cr3t-signing"])
    log = logging.getLogger("repmon.test")
    log.info("token %s and %s", "xoxb-1234-5678-abcdefghijkl", "s3cr3t-signing")
    log.info("db postgresql+psycopg://care:hunter22@db.internal/repmon")
    try:
        raise ValueError("Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAA")
    except ValueError:
        log.exception("call failed")
    err = capsys.readouterr().err
    for secret in ("xoxb-1234", "s3cr3t-signing", "hunter22", "AAAAAAAAAAAA"):
        assert secret not in err
    assert err.count("***") >= 4


def test_redact_leaves_ordinary_text_alone():
    assert RedactingFilter(["abcd"]).redact("nothing to hide here") == "nothing to hide here"


def test_every_secret_in_the_config_is_collected_for_redaction(tmp_path):
    from monitor.config import parse_config, secret_values

    config = parse_config(
        {
            "slack": {
                "enabled": True,
                "bot_token": "xoxb-slack-token-1",
                "signing_secret": "sig-2",
            },
            "connectors": [
                {"name": "x1", "type": "x", "query": "acme", "bearer_token": "x-bearer-3"},
                {
                    "name": "r1",
                    "type": "reddit",
                    "query": "acme",
                    "client_id": "rid-4",
                    "client_secret": "rsecret-5",
                    "user_agent": "python:t:0.1 (by /u/t)",
                },
            ],
        },
        base_dir=tmp_path,
        env={},
    )
    assert {"xoxb-slack-token-1", "sig-2", "x-bearer-3", "rid-4", "rsecret-5"} <= set(
        secret_values(config)
    )


def test_json_lines_are_redacted_too(capsys, monkeypatch):
    import json

    monkeypatch.setenv("REPMON_LOG_FORMAT", "json")
    setup_logging(1, secrets=["topsecret-value"])
    logging.getLogger("repmon.poll").info("poll %s with token %s", "x-acme", "topsecret-value")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["level"] == "INFO" and entry["logger"] == "repmon.poll"
    assert entry["message"] == "poll x-acme with token ***"
