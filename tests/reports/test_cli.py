"""`repmon report` through its real entry point: default output folder, usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from db.session import transaction
from monitor.cli import app as cli
from tests.reports import dataset
from tests.support import open_app


@pytest.fixture
def config_file(sqlite_url: str, tmp_path: Path) -> Path:
    seeded = open_app(sqlite_url, tmp_path)
    with transaction(seeded.factory) as session:
        dataset.load(session)
    seeded.close()
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"database": {"url": sqlite_url}}))
    return path


def test_weekly_report_goes_to_reports_kind_date_by_default(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(
        cli, ["report", "weekly", "--date", "2026-11-21", "--config", str(config_file)]
    )
    assert result.exit_code == 0, result.output
    folder = work / "reports" / "weekly-2026-11-16"
    # the whole dataset is in W47 (16–22 Nov): 3 on the 20th, 8 on the 21st, 1 on the 22nd
    assert "Weekly report, 2026-W47" in result.output and "12 mentions" in result.output
    assert {p.name for p in folder.iterdir()} >= {"summary.html", "summary.csv", "volume.png"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "monthly"], "daily or weekly"),
        (["report", "daily", "--date", "yesterday"], "YYYY-MM-DD"),
    ],
)
def test_bad_kind_or_date_is_a_usage_error(config_file: Path, tmp_path: Path, args, message):
    result = CliRunner().invoke(
        cli, [*args, "--config", str(config_file), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "o").exists()
