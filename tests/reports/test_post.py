"""`repmon report --post`: a Block Kit summary and the main chart in Slack, once per period, even
when run twice or after a crash between Slack accepting a call and repmon hearing back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from db.models import OutboxRow
from db.session import transaction
from monitor.cli import app as cli
from monitor.reports import build_report, period_for, queue_post
from monitor.reports.charts import render_charts
from responders.handlers import outbox_handlers
from responders.slack.errors import SlackRetriableError
from tests.reports import dataset
from tests.responders.fakeslack import CHANNELS, TOKEN, FakeSlack
from tests.support import open_app

CARE = CHANNELS["care"]
KEY = "report:daily:2026-11-21"
FILENAME = "repmon-daily-2026-11-21-volume.png"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.close()


def _slack(fake: FakeSlack) -> dict:
    return {"enabled": True, "bot_token": TOKEN, "base_url": fake.url, "post_interval": 0}


REPORTS = {"daily": {"cron": "0 8 * * *", "channel": "#care"}}


def _summaries(fake: FakeSlack) -> list[dict]:
    return [
        m
        for m in fake.top_level(CARE)
        if m.get("metadata", {}).get("event_type") == "repmon_report"
    ]


def _config_file(tmp_path: Path, db_url: str, slack: dict) -> Path:
    path = tmp_path / "config.yaml"
    config = {
        "database": {"url": db_url},
        "brands": [{"name": "Acme", "keywords": ["acme"]}],
        "topics": {"billing": ["refund"]},
        "slack": slack,
        "reports": REPORTS,
    }
    path.write_text(yaml.safe_dump(config))
    return path


def test_report_post_twice_posts_one_summary_and_one_chart(db_url, tmp_path: Path, fake):
    seeded = open_app(db_url, tmp_path)
    with transaction(seeded.factory) as session:
        dataset.load(session)
    seeded.close()
    config = _config_file(tmp_path, db_url, _slack(fake))
    args = ["report", "daily", "--date", "2026-11-21", "--post", "--config", str(config)]
    runner = CliRunner()
    first = runner.invoke(cli, [*args, "--out", str(tmp_path / "one")])
    assert first.exit_code == 0, first.output
    assert "posted to Slack" in first.output
    assert (tmp_path / "one" / "summary.html").exists()

    [summary] = _summaries(fake)
    assert summary["metadata"]["event_payload"] == {"key": KEY}
    header = summary["blocks"][0]["text"]["text"]
    assert header == "Daily report, Saturday 21 November 2026"
    text = str(summary["blocks"])
    assert "2 customers asked about *billing*, +1 vs. previous" in text
    assert "SLA breaches" in text and "2 (1 unanswered)" in text
    assert "*Reopen rate*\\n50 % (1 reopened)" in text  # c2 of c0 c3 closed (dataset EXPECTED)
    assert "&lt;b&gt;bold&lt;/b&gt;" in text  # customers' text is escaped for Slack
    [shared] = fake.thread(CARE, summary["ts"])
    assert [f["name"] for f in shared["files"]] == [FILENAME]
    upload = fake.uploads[shared["files"][0]["id"]]
    assert upload["data"].startswith(b"\x89PNG") and upload["title"] == "Mentions per day by source"

    second = runner.invoke(cli, [*args, "--out", str(tmp_path / "two")])
    assert second.exit_code == 0, second.output
    assert len(_summaries(fake)) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(fake.calls_to("files.completeUploadExternal")) == 1


def test_post_without_slack_is_a_usage_error(sqlite_url, tmp_path: Path):
    config = _config_file(tmp_path, sqlite_url, {"enabled": False})
    result = CliRunner().invoke(
        cli, ["report", "daily", "--post", "--config", str(config), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "slack.enabled" in result.output


def _queued(app):
    period = period_for("daily", now=dataset.NOW, on=dataset.DAY.date())
    with transaction(app.factory) as session:
        report = build_report(session, app.config, period, now=dataset.NOW)
        key = queue_post(session, app.config, report, render_charts(report), now=dataset.NOW)
    with app.factory() as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.key == key))
        return key, dict(row.payload)


def test_a_crash_after_slack_accepted_posts_nothing_twice(db_url, tmp_path: Path, fake):
    app = open_app(db_url, tmp_path, now=dataset.NOW, slack=_slack(fake), reports=REPORTS)
    fake.clock = dataset.NOW.timestamp  # Slack's clock agrees with repmon's
    try:
        with transaction(app.factory) as session:
            dataset.load(session)
        key, payload = _queued(app)
        handler = outbox_handlers(app)["report"]

        fake.fail_next("chat.postMessage", status=500, accept=True)
        with pytest.raises(SlackRetriableError):
            handler(key, payload)
        fake.fail_next("files.completeUploadExternal", status=500, accept=True)
        with pytest.raises(SlackRetriableError):
            handler(key, payload)  # the summary is found by its metadata, the chart fails
        result = handler(key, payload)  # the chart is found in the thread by its name

        [summary] = _summaries(fake)
        assert len(fake.calls_to("chat.postMessage")) == 1
        assert len(fake.calls_to("files.completeUploadExternal")) == 1
        assert len(fake.thread(CARE, summary["ts"])) == 1
        assert result == {"channel": CARE, "ts": summary["ts"], "file_id": "F000001"}
        calls = len(fake.calls)
        assert handler(key, payload) == result  # done: Slack is not called again
        assert fake.calls[calls:] == []
        # Queuing the same period again adds no second row.
        _queued(app)
        with app.factory() as session:
            assert len(session.scalars(select(OutboxRow)).all()) == 1
    finally:
        app.close()


def test_serve_schedules_each_configured_report_once_per_period(
    sqlite_url, tmp_path: Path, fake, monkeypatch: pytest.MonkeyPatch
):
    from monitor.daemon import report_jobs

    monkeypatch.chdir(tmp_path)
    app = open_app(
        sqlite_url,
        tmp_path,
        now=dataset.NOW,
        slack=_slack(fake),
        reports={**REPORTS, "weekly": {"cron": "0 8 * * 1"}},
    )
    try:
        with transaction(app.factory) as session:
            dataset.load(session)
        jobs = {job.name: job for job in report_jobs(app)}
        assert set(jobs) == {"report:daily", "report:weekly"}
        assert str(jobs["report:daily"].trigger.fields[5]) == "8"  # hour field of 0 8 * * *
        jobs["report:daily"].run()
        jobs["report:daily"].run()  # a restart runs every job again at once
        jobs["report:weekly"].run()
        with app.factory() as session:
            keys = sorted(session.scalars(select(OutboxRow.key)))
        assert keys == [KEY, "report:weekly:2026-11-09"]
        assert (tmp_path / "reports" / "daily-2026-11-21" / "summary.html").exists()
        assert (tmp_path / "reports" / "weekly-2026-11-09" / "volume.png").exists()
    finally:
        app.close()
