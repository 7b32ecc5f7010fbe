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
