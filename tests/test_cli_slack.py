"""The CLI with Slack enabled: `run --once` posts cards to the configured Slack Web API, and
`templates check` renders every template; the Slack server here is a loopback fake."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from typer.testing import CliRunner

from monitor.cli import app
from tests.responders.fakeslack import CHANNELS, TOKEN, FakeSlack

ROOT = Path(__file__).resolve().parents[1]


def project(tmp_path: Path, fake: FakeSlack) -> Path:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["database"] = {"url": "sqlite:///repmon.db"}
    config["slack"] = {
        "enabled": True,
        "bot_token": TOKEN,
        "base_url": fake.url,
        "agents": ["UAGENT1"],
        "post_interval": 0,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return path


def test_run_once_posts_one_card_per_case_to_slack_and_none_twice(tmp_path: Path):
    fake = FakeSlack().start()
    try:
        config = project(tmp_path, fake)
        runner = CliRunner()
        first = runner.invoke(app, ["run", "--once", "--config", str(config)])
        assert first.exit_code == 0, first.output
        cards = sum(len(fake.top_level(cid)) for cid in CHANNELS.values())
        assert cards > 20
        assert "case #" not in first.stdout  # nothing printed to the console instead
        again = runner.invoke(app, ["run", "--once", "--force", "--config", str(config)])
        assert again.exit_code == 0, again.output
        assert sum(len(fake.top_level(cid)) for cid in CHANNELS.values()) == cards
    finally:
        fake.close()


def test_slack_enabled_without_a_token_is_a_config_error_naming_the_variable(tmp_path: Path):
    fake = FakeSlack().start()
    try:
        config = project(tmp_path, fake)
        data = yaml.safe_load(config.read_text())
        data["slack"]["bot_token"] = "${SLACK_BOT_TOKEN}"
        config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        result = CliRunner().invoke(app, ["run", "--once", "--config", str(config)])
        assert result.exit_code == 2
        assert "SLACK_BOT_TOKEN" in result.output
        assert not (tmp_path / "repmon.db").exists()
    finally:
        fake.close()


def test_templates_check_renders_every_template():
    result = CliRunner().invoke(app, ["templates", "check", "--config", str(ROOT / "config.yaml")])
    assert result.exit_code == 0, result.output
    rendered = int(result.stdout.split(" renders checked")[0].split()[-1])
    assert rendered >= 18  # 6 topics × 3 languages
