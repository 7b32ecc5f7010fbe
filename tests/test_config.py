"""config.yaml (DESIGN 3.2): strict keys, `${VAR}` expansion, paths, masking, CLI exit 2."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from connectors.registry import connector_types
from monitor.cli import app
from monitor.config import config_path, load_config, masked, parse_config
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "config.yaml"

BOT_TOKEN = "xoxb-9f8e7d6c5b4a-TESTONLY"
APP_TOKEN = "xapp-1-A0TESTONLY-424242"
SIGNING_SECRET = "c0ffee5ecre7d00d"
DB_PASSWORD = "hunter2-db-pw"


def write_config(folder: Path, data: dict[str, Any], name: str = "config.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def file_connector(name: str = "demo", **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "file", "path": "data/mentions.jsonl", **extra}


def config_error(data: dict[str, Any], *, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(data, base_dir=Path("/nonexistent-base"), env=env or {})
    return str(info.value)


def squeeze(text: str) -> str:
    """Output without any whitespace: a secret wrapped over two lines is still found."""
    return "".join(text.split())


# --- The shipped file ------------------------------------------------------------------------


def test_shipped_config_validates_without_any_environment_variable():
    config = load_config(SHIPPED, env={})
    assert [c.name for c in config.connectors if c.enabled] == ["demo"]
    assert {c.type for c in config.connectors} == set(connector_types())  # an example of each
    demo = config.connectors[0]
    assert demo.enabled and demo.type == "file"
    assert demo.path == ROOT / "samples" / "mentions.jsonl"  # type: ignore[attr-defined]
    assert demo.schedule.every == timedelta(minutes=5)
    assert config.slack.enabled is False
    assert config.database.url == f"sqlite:///{ROOT / 'repmon.db'}"
    assert config.path == SHIPPED


def test_shipped_config_takes_database_url_from_the_environment_when_set():
    url = "postgresql+psycopg://care@db.internal/repmon"
    assert load_config(SHIPPED, env={"DATABASE_URL": url}).database.url == url


# --- Unknown keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key_path"),
    [
        pytest.param({"databse": {"url": "sqlite:///x.db"}}, "databse", id="top-level"),
        pytest.param(
            {"connectors": [file_connector(bogus=1)]}, "connectors[0].bogus", id="connector"
        ),
        pytest.param(
            {"connectors": [file_connector(), file_connector("other", schedule={"evry": "5m"})]},
            "connectors[1].schedule.evry",
            id="connector-schedule",
        ),
        pytest.param(
            {"ranking": {"weights": {"severty": 1.0}}}, "ranking.weights.severty", id="weights"
        ),
        pytest.param({"slack": {"bot_tokne": "x"}}, "slack.bot_tokne", id="slack"),
    ],
)
def test_unknown_key_is_an_error_naming_its_path(data, key_path):
    message = config_error(data)
    assert f"{key_path}: unknown key" in message


def test_every_problem_is_reported_at_once():
    message = config_error({"bogus": 1, "ranking": {"weights": {"severty": 1.0}}})
    assert "bogus: unknown key" in message
    assert "ranking.weights.severty: unknown key" in message


def test_unknown_connector_type_names_the_known_ones():
    message = config_error({"connectors": [{"name": "t", "type": "twitterx"}]})
    assert "connectors[0].type" in message
    assert "twitterx" in message and "file" in message


# --- ${VAR} expansion ------------------------------------------------------------------------


def test_unset_variable_in_an_enabled_connector_names_the_variable_and_the_key():
    data = {"connectors": [file_connector(path="${REPMON_TEST_DATA_DIR}/mentions.jsonl")]}
    message = config_error(data)
    assert "connectors[0].path" in message
    assert "REPMON_TEST_DATA_DIR" in message


def test_unset_variable_in_enabled_slack_names_the_variable_and_the_key():
    data = {"slack": {"enabled": True, "bot_token": "${SLACK_BOT_TOKEN}"}}
    message = config_error(data)
    assert "slack.bot_token" in message
    assert "SLACK_BOT_TOKEN" in message


def test_shipped_slack_block_with_enabled_true_requires_its_tokens():
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["slack"]["enabled"] = True
    message = config_error(data)
    for key, var in [
        ("slack.bot_token", "SLACK_BOT_TOKEN"),
        ("slack.app_token", "SLACK_APP_TOKEN"),
        ("slack.signing_secret", "SLACK_SIGNING_SECRET"),
    ]:
        assert f"{key}: environment variable {var} is not set" in message


def test_set_variable_in_an_enabled_block_is_substituted():
    data = {
        "slack": {"enabled": True, "bot_token": "${SLACK_BOT_TOKEN}"},
        "connectors": [file_connector(path="${REPMON_TEST_DATA_DIR}/mentions.jsonl")],
    }
    config = parse_config(
        data,
        base_dir=Path("/base"),
        env={"SLACK_BOT_TOKEN": BOT_TOKEN, "REPMON_TEST_DATA_DIR": "/srv/data"},
    )
    assert config.slack.bot_token is not None
    assert config.slack.bot_token.get_secret_value() == BOT_TOKEN
    assert config.connectors[0].path == Path("/srv/data/mentions.jsonl")  # type: ignore[attr-defined]


def test_unset_variable_in_a_disabled_connector_is_fine():
    data = {
        "connectors": [
            file_connector(),
            file_connector("off", enabled=False, path="${REPMON_TEST_DATA_DIR}/x.jsonl"),
        ]
    }
    config = parse_config(data, base_dir=Path("/base"), env={})
    assert config.connectors[1].enabled is False


@pytest.mark.parametrize(
    "enabled",
    [
        pytest.param(False, id="false"),
        pytest.param("false", id="quoted-false"),
        pytest.param("${SLACK_ENABLED:-false}", id="env-default-false"),
    ],
)
def test_unset_variable_in_a_disabled_slack_block_is_fine(enabled):
    """A block switched off (however it is spelled) needs none of its secrets."""
    data = {"slack": {"enabled": enabled, "bot_token": "${SLACK_BOT_TOKEN}"}}
    config = parse_config(data, base_dir=Path("/base"), env={})
    assert config.slack.enabled is False


def test_default_is_used_when_the_variable_is_unset_and_ignored_when_set(tmp_path):
    data = {
        "database": {"url": "${REPMON_TEST_DB:-sqlite:////var/lib/repmon/default.db}"},
        "routing": {"default_channel": "${REPMON_TEST_CHANNEL:-#care}"},
        "slack": {"enabled": True, "base_url": "${REPMON_TEST_SLACK:-}"},
    }
    unset = parse_config(data, base_dir=tmp_path, env={})
    assert unset.database.url == "sqlite:////var/lib/repmon/default.db"
    assert unset.routing.default_channel == "#care"
    assert unset.slack.base_url == ""  # an empty default is a value, not a missing variable

    env = {"REPMON_TEST_DB": "postgresql+psycopg://u@h/db", "REPMON_TEST_CHANNEL": "#ops"}
    set_ = parse_config(data, base_dir=tmp_path, env=env)
    assert set_.database.url == "postgresql+psycopg://u@h/db"
    assert set_.routing.default_channel == "#ops"


def test_load_config_reads_the_process_environment_by_default(tmp_path, monkeypatch):
    path = write_config(tmp_path, {"routing": {"default_channel": "${REPMON_TEST_CHANNEL}"}})
    with pytest.raises(ConfigError, match="REPMON_TEST_CHANNEL"):
        load_config(path)
    monkeypatch.setenv("REPMON_TEST_CHANNEL", "#from-env")
    assert load_config(path).routing.default_channel == "#from-env"


# --- Paths -----------------------------------------------------------------------------------


def test_relative_paths_resolve_against_the_config_folder_not_the_cwd(tmp_path, monkeypatch):
    conf_dir = tmp_path / "etc" / "repmon"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = write_config(
        conf_dir,
        {"database": {"url": "sqlite:///repmon.db"}, "connectors": [file_connector()]},
    )
    monkeypatch.chdir(elsewhere)
    config = load_config(path)
    assert config.connectors[0].path == conf_dir / "data" / "mentions.jsonl"  # type: ignore[attr-defined]
    assert config.database.url == f"sqlite:///{conf_dir.resolve() / 'repmon.db'}"


def test_relative_config_path_given_from_another_cwd_still_resolves_next_to_the_file(
    tmp_path, monkeypatch
):
    conf_dir = tmp_path / "conf"
    write_config(
        conf_dir,
        {"database": {"url": "sqlite:///data/repmon.db"}, "connectors": [file_connector()]},
    )
    monkeypatch.chdir(tmp_path)
    config = load_config("conf/config.yaml")
    assert config.database.url == f"sqlite:///{(conf_dir / 'data' / 'repmon.db').resolve()}"
    resolved = config.connectors[0].path.resolve()  # type: ignore[attr-defined]
    assert resolved == (conf_dir / "data" / "mentions.jsonl").resolve()


def test_absolute_and_memory_sqlite_urls_are_left_alone(tmp_path):
    absolute = f"sqlite:///{tmp_path / 'abs.db'}"
    for url in (absolute, "sqlite:///:memory:"):
        config = parse_config({"database": {"url": url}}, base_dir=Path("/base"), env={})
        assert config.database.url == url


# --- Masking ---------------------------------------------------------------------------------


def secret_config(folder: Path) -> Path:
    return write_config(
        folder,
        {
            "database": {"url": f"postgresql+psycopg://care:{DB_PASSWORD}@db.internal/repmon"},
            "connectors": [file_connector()],
            "slack": {
                "enabled": False,
                "bot_token": "${SLACK_BOT_TOKEN}",
                "app_token": "${SLACK_APP_TOKEN}",
                "signing_secret": "${SLACK_SIGNING_SECRET}",
            },
        },
    )


SECRET_ENV = {
    "SLACK_BOT_TOKEN": BOT_TOKEN,
    "SLACK_APP_TOKEN": APP_TOKEN,
    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
}


def test_masked_hides_secret_values_and_the_database_password(tmp_path):
    config = load_config(secret_config(tmp_path), env=SECRET_ENV)
    assert config.slack.signing_secret is not None
    assert config.slack.signing_secret.get_secret_value() == SIGNING_SECRET  # the value is kept
    data = masked(config)
    dumped = squeeze(yaml.safe_dump(data))
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, DB_PASSWORD):
        assert secret not in dumped
    assert set(data["slack"]["bot_token"]) == {"*"}
    assert set(data["slack"]["signing_secret"]) == {"*"}
    assert data["database"]["url"] == "postgresql+psycopg://care:***@db.internal/repmon"
    assert data["connectors"][0]["name"] == "demo"  # not everything is masked


def test_config_check_prints_the_effective_config_with_secrets_masked(tmp_path):
    path = secret_config(tmp_path)
    result = CliRunner().invoke(app, ["config", "check", "--config", str(path)], env=SECRET_ENV)
    assert result.exit_code == 0, result.output
    output = squeeze(result.stdout + result.stderr)
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, DB_PASSWORD):
        assert squeeze(secret) not in output
    assert "isvalid" in output
    assert "db.internal" in output and "bot_token" in output and "***" in output


def test_config_check_of_the_shipped_file_succeeds_with_no_credentials():
    result = CliRunner().invoke(app, ["config", "check", "--config", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.stdout
    assert "demo" in result.stdout


# --- Values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key_path"),
    [
        pytest.param(
            {"connectors": [file_connector(schedule={"every": "5 minutes"})]},
            "connectors[0].schedule.every",
            id="every-words",
        ),
        pytest.param(
            {"connectors": [file_connector(schedule={"every": "-5m"})]},
            "connectors[0].schedule.every",
            id="every-negative",
        ),
        pytest.param(
            {"connectors": [file_connector(lookback="0s")]},
            "connectors[0].lookback",
            id="lookback-zero",
        ),
        pytest.param(
            {"alerts": {"spike": {"window": "soon"}}}, "alerts.spike.window", id="alert-window"
        ),
        pytest.param(
            {"connectors": [file_connector(schedule={"cron": "*/5 * *"})]},
            "connectors[0].schedule",
            id="cron-fields",
        ),
        pytest.param(
            {"reports": {"daily": {"cron": "61 8 * * *"}}}, "reports.daily.cron", id="cron-range"
        ),
        pytest.param(
            {"connectors": [file_connector(schedule={"every": "5m", "cron": "* * * * *"})]},
            "connectors[0].schedule",
            id="both-every-and-cron",
        ),
    ],
)
def test_invalid_duration_or_cron_is_an_error_naming_its_key(data, key_path):
    message = config_error(data)
    assert f"{key_path}:" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("1h", timedelta(hours=1)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        (90, timedelta(seconds=90)),
    ],
)
def test_valid_durations(value, expected):
    data = {"connectors": [file_connector(schedule={"every": value})]}
    config = parse_config(data, base_dir=Path("/base"), env={})
    assert config.connectors[0].schedule.every == expected


def test_duplicate_connector_names_are_an_error_naming_the_name():
    data = {"connectors": [file_connector("demo"), file_connector("other"), file_connector("demo")]}
    message = config_error(data)
    assert "connectors" in message and "unique" in message and "demo" in message
    assert "other" not in message


# --- Where the config comes from -------------------------------------------------------------


def test_repmon_config_env_var_is_used_when_no_config_option_is_given(tmp_path, monkeypatch):
    path = write_config(tmp_path / "conf", {"connectors": [file_connector("from-env")]})
    monkeypatch.chdir(tmp_path)  # no ./config.yaml here
    monkeypatch.setenv("REPMON_CONFIG", str(path))
    assert config_path() == path
    assert config_path("explicit.yaml") == Path("explicit.yaml")
    assert [c.name for c in load_config().connectors] == ["from-env"]

    result = CliRunner().invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert squeeze(f"# {path} is valid") in squeeze(result.stdout)
    assert "from-env" in result.stdout


def test_config_option_wins_over_repmon_config(tmp_path, monkeypatch):
    from_env = write_config(tmp_path / "a", {"connectors": [file_connector("from-env")]})
    explicit = write_config(tmp_path / "b", {"connectors": [file_connector("explicit")]})
    monkeypatch.setenv("REPMON_CONFIG", str(from_env))
    result = CliRunner().invoke(app, ["config", "check", "--config", str(explicit)])
    assert result.exit_code == 0, result.output
    assert "explicit" in result.stdout and "from-env" not in result.stdout


def test_invalid_yaml_is_a_clear_error(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("database:\n  url: [unclosed\nbrands: {\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "not valid YAML" in str(info.value)
    assert str(path) in str(info.value)

    result = CliRunner().invoke(app, ["config", "check", "--config", str(path)])
    assert result.exit_code == 2
    assert "not valid YAML" in result.stderr


def test_missing_config_file_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["config", "check", "--config", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr


# --- The CLI refuses a bad config before touching the database --------------------------------


def run_once(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", "run", "--once", "--config", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            lambda d: d["connectors"][0].update(bogus=True),
            ["connectors[0].bogus"],
            id="unknown-key",
        ),
        pytest.param(
            lambda d: d["slack"].update(enabled=True),
            ["slack.bot_token", "SLACK_BOT_TOKEN"],
            id="enabled-block-unset-var",
        ),
        pytest.param(
            lambda d: d["connectors"][0].update(path="${REPMON_TEST_DATA_DIR}/mentions.jsonl"),
            ["connectors[0].path", "REPMON_TEST_DATA_DIR"],
            id="enabled-connector-unset-var",
        ),
    ],
)
def test_run_once_with_a_bad_config_exits_2_and_creates_no_database(tmp_path, mutate, expected):
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["database"]["url"] = "sqlite:///repmon.db"
    mutate(data)
    path = write_config(tmp_path, data)

    result = run_once(path)

    assert result.returncode == 2, result.stderr
    for text in expected:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "repmon.db").exists()
    assert not (tmp_path / "repmon.db.locks").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]
