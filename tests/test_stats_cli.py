"""`repmon stats` through its real entry point: periods, groupings, table and JSON."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from typer.testing import CliRunner

from db.session import transaction
from monitor.cli import app as cli
from tests.support import NOW, open_app
from tests.test_metrics import add_case

H, MIN, D = timedelta(hours=1), timedelta(minutes=1), timedelta(days=1)


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> str:
    """Three cases in the week before NOW, one the week before that."""
    app = open_app(db_url, tmp_path)
    with transaction(app.factory) as s:
        add_case(
            s,
            1,
            brand="Acme",
            source="googleplay",
            assignee="U1",
            opened=NOW - 2 * D,
            replied=NOW - 2 * D + 10 * MIN,
            closed=NOW - D,
            outcome="resolved",
            status="resolved",
            recovered=True,
            replies=(("sent", "apology"),),
        )
        add_case(
            s,
            2,
            brand="Acme",
            source="x",
            assignee="U2",
            opened=NOW - 3 * D,
            replied=NOW - 3 * D + 2 * H,
            closed=NOW - 2 * D,
            outcome="not_resolved",
            status="resolved",
            replies=(("manual", None),),
        )
        add_case(
            s,
            3,
            brand="Beta",
            source="x",
            opened=NOW - 4 * D,
            closed=NOW - 4 * D + H,
            outcome="not_relevant",
            status="dismissed",
        )
        add_case(
            s,
            4,
            brand="Acme",
            source="x",
            assignee="U1",
            opened=NOW - 10 * D,
            replied=NOW - 10 * D + 5 * MIN,
        )
    app.close()
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"database": {"url": db_url}}))
    return str(path)


def stats(config: str, *args: str) -> tuple[int, str]:
    with time_machine.travel(NOW, tick=False):
        result = CliRunner().invoke(
            cli, ["stats", "--config", config, *args], env={"COLUMNS": "200"}
        )
    return result.exit_code, result.output


def test_json_by_brand_for_the_default_week(config):
    code, output = stats(config, "--by", "brand", "--format", "json")
    assert code == 0, output
    acme, beta = json.loads(output)
    assert acme["by"] == "brand" and acme["group"] == "Acme"
    assert (acme["opened"], acme["responded"]) == (2, 2)
    # 10 min and 2 h: the median is the 1st of 2, p90 the 2nd
    assert acme["first_response_median_seconds"] == 600
    assert acme["first_response_p90_seconds"] == 7200
    assert (acme["closed"], acme["resolved"], acme["resolution_rate"]) == (2, 1, 0.5)
    assert (acme["replied"], acme["recovered"], acme["recovery_rate"]) == (2, 1, 0.5)
    assert acme["start"] == "2026-11-15T12:00:00Z" and acme["end"] == "2026-11-22T12:00:00Z"
    assert (beta["group"], beta["opened"], beta["closed"], beta["dismissed"]) == ("Beta", 1, 0, 1)
    assert beta["resolution_rate"] is None


def test_since_until_takes_whole_days(config):
    # 2026-11-12 is the day case 4 was opened and answered; nothing else falls in it.
    code, output = stats(
        config, "--since", "2026-11-12", "--until", "2026-11-12", "--format", "json"
    )
    assert code == 0, output
    (row,) = json.loads(output)
    assert (row["group"], row["opened"], row["responded"], row["replied"]) == (None, 1, 1, 1)
    assert row["first_response_median_seconds"] == 300
    assert (row["start"], row["end"]) == ("2026-11-12T00:00:00Z", "2026-11-13T00:00:00Z")


def test_table_by_agent(config):
    code, output = stats(config, "--period", "30d", "--by", "agent")
    assert code == 0, output
    rows = [re.split(r"\s{2,}", line.strip()) for line in output.splitlines()]
    header = next(r for r in rows if r[0] == "agent")
    assert header == [
        "agent",
        "opened",
        "answered",
        "median",
        "p90",
        "closed",
        "resolved",
        "replied",
        "recovered",
        "reopened",
    ]
    by_agent = {r[0]: r for r in rows if len(r) == len(header) and r is not header}
    assert list(by_agent) == ["U1", "U2", "(none)"]
    u1 = by_agent["U1"]
    # U1: cases 1 and 4 opened, answered in 10 and 5 min; case 1 resolved and recovered
    assert u1 == ["U1", "2", "2", "5m", "10m", "1", "1 (100%)", "2", "1 (50%)", "0 (0%)"]


@pytest.mark.parametrize(
    "args",
    [
        ("--period", "7d", "--since", "2026-11-01"),
        ("--until", "2026-11-01"),
        ("--since", "2026-11-10", "--until", "2026-11-01"),
        ("--since", "last tuesday"),
        ("--period", "a week"),
        ("--by", "topic"),
        ("--format", "csv"),
    ],
)
def test_bad_options_are_usage_errors(config, args):
    code, output = stats(config, *args)
    assert code == 2, output
    assert "error" in output
