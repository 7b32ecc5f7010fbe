"""config.yaml → strict, typed settings (DESIGN 3.2), with `${VAR}` expansion and clear errors."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    SerializeAsAny,
    ValidationError,
    field_validator,
    model_validator,
)

from connectors.base import ConnectorSettings
from connectors.registry import settings_model
from monitor.configtypes import Duration, ScheduleConfig, Strict
from monitor.errors import ConfigError

DEFAULT_CONFIG = "config.yaml"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class DatabaseConfig(Strict):
    url: str = "sqlite:///repmon.db"

    @field_validator("url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql")):
            raise ValueError("use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB")
        return value


class BrandConfig(Strict):
    name: str = Field(min_length=1)
    keywords: list[str] = []
    exclude: list[str] = []
    competitors: list[str] = []


class ScoringConfig(Strict):
    negative_threshold: float = Field(-0.05, le=0)
    positive_threshold: float = Field(0.05, ge=0)
    languages: list[str] = ["en", "es", "fr"]


class RankingWeights(Strict):
    """How far each signal alone can raise priority (0–1); see monitor.ranking."""

    severity: float = Field(1.0, ge=0, le=1)
    reach: float = Field(0.5, ge=0, le=1)
    rating: float = Field(0.8, ge=0, le=1)
    urgency: float = Field(0.7, ge=0, le=1)
    waiting: float = Field(0.2, ge=0, le=1)
    participation: float = Field(0.3, ge=0, le=1)


class RankingConfig(Strict):
    min_priority: float = Field(0.3, ge=0, le=1)
    weights: RankingWeights = RankingWeights()
    reach_full_at: int = Field(1_000_000, gt=10)
    waiting_full_after: Duration = timedelta(hours=24)


class RuleMatch(Strict):
    lang: str | list[str] | None = None
    topic: str | list[str] | None = None
    source: str | list[str] | None = None
    brand: str | list[str] | None = None
    max_rating: int | None = Field(None, ge=1, le=5)
    min_priority: float | None = Field(None, ge=0, le=1)


_SLACK_USER = r"^[UW][A-Z0-9]{2,}$"
_SLACK_GROUP = r"^S[A-Z0-9]{2,}$"
_SLACK_CHANNEL = r"^(#[a-z0-9][a-z0-9_\-]*|[CG][A-Z0-9]{2,})$"


class RoutingRule(Strict):
    match: RuleMatch = RuleMatch()
    channel: str | None = Field(None, pattern=_SLACK_CHANNEL)
    assign: Literal["none", "round_robin", "least_loaded"] = "none"
    agents: list[Annotated[str, Field(pattern=_SLACK_USER)]] = []


class SlaTarget(Strict):
    """First-response target for cases whose priority is at least `min_priority` (monitor.sla)."""

    min_priority: float = Field(ge=0, le=1)
    within: Duration


class RoutingConfig(Strict):
    rules: list[RoutingRule] = []
    default_channel: str = Field("#care", pattern=_SLACK_CHANNEL)
    sla: list[SlaTarget] = [
        SlaTarget(min_priority=0.8, within=timedelta(minutes=30)),
        SlaTarget(min_priority=0.5, within=timedelta(hours=2)),
        SlaTarget(min_priority=0.0, within=timedelta(hours=8)),
    ]


class SlackConfig(Strict):
    """The Slack app (responders.slack); tokens come from the environment, never the file."""

    enabled: bool = False
    bot_token: SecretStr | None = None
    app_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    base_url: str = "https://slack.com/api/"
    agents: list[Annotated[str, Field(pattern=_SLACK_USER)]] = []
    escalation_channel: str | None = Field(None, pattern=_SLACK_CHANNEL)
    escalation_group: str | None = Field(None, pattern=_SLACK_GROUP)
    oncall_group: str | None = Field(None, pattern=_SLACK_GROUP)
    templates_dir: str | None = None
    post_interval: float = Field(1.0, ge=0, le=60)

    @field_validator("base_url")
    @classmethod
    def _api_root(cls, value: str) -> str:
        if not value:
            return value  # empty: Slack's own root (responders.slack.cli_support)
        if not value.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError("use an https:// Web API root (http only for a local test server)")
        return value if value.endswith("/") else value + "/"


class ReportSchedule(Strict):
    cron: str
    channel: str | None = None

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        ScheduleConfig(cron=value)
        return value


class ReportsConfig(Strict):
    daily: ReportSchedule | None = None
    weekly: ReportSchedule | None = None


class SpikeConfig(Strict):
    """Negative volume in the last `window` against the `baseline` windows before it."""

    enabled: bool = True
    window: Duration = timedelta(hours=1)
    baseline: Duration = timedelta(days=7)
    sigma: float = Field(3.0, gt=0)
    min_count: int = Field(5, ge=1)
    cooldown: Duration = timedelta(hours=6)
    recover_sigma: float = Field(1.0, ge=0)  # closed once a window is ≤ mean + this·σ
    per_topic: bool = False  # one incident per (brand, topic) instead of per brand
    samples: int = Field(5, ge=0, le=20)  # posts quoted in the alert and in each thread note

    @model_validator(mode="after")
    def _whole_windows(self) -> SpikeConfig:
        if self.baseline < self.window * 2:
            raise ValueError("baseline must be at least two windows long")
        return self


class SilenceConfig(Strict):
    enabled: bool = True
    after: Duration = timedelta(hours=6)


class AlertsConfig(Strict):
    channel: str | None = Field(None, pattern=_SLACK_CHANNEL)  # default: routing.default_channel
    spike: SpikeConfig = SpikeConfig()
    silence: SilenceConfig = SilenceConfig()


class OutcomesConfig(Strict):
    """The outcome loop after a reply (monitor.outcomes): how long to watch, what counts as won."""

    enabled: bool = True
    window: Duration = timedelta(days=7)  # watched from the first reply for this long
    quiet_after: Duration = timedelta(days=3)  # no further complaint this long → recovered
    recovered_rating: int = Field(4, ge=1, le=5)  # an edited rating up to at least this
    every: Duration = timedelta(minutes=15)  # how often `repmon serve` runs the check

    @model_validator(mode="after")
    def _quiet_inside_window(self) -> OutcomesConfig:
        if self.quiet_after > self.window:
            raise ValueError("quiet_after must not be longer than window")
        return self


class AppConfig(Strict):
    """The whole of config.yaml; `path` is where it was read from."""

    database: DatabaseConfig = DatabaseConfig()
    brands: list[BrandConfig] = []
    connectors: list[SerializeAsAny[ConnectorSettings]] = []
    scoring: ScoringConfig = ScoringConfig()
    ranking: RankingConfig = RankingConfig()
    topics: dict[str, list[str]] = {}
    routing: RoutingConfig = RoutingConfig()
    slack: SlackConfig = SlackConfig()
    reports: ReportsConfig = ReportsConfig()
    alerts: AlertsConfig = AlertsConfig()
    outcomes: OutcomesConfig = OutcomesConfig()
    path: Path | None = None

    @field_validator("connectors")
    @classmethod
    def _unique_names(cls, value: list[ConnectorSettings]) -> list[ConnectorSettings]:
        names = [c.name for c in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"connector names must be unique: {', '.join(dupes)}")
        return value

    def connector(self, name: str) -> ConnectorSettings:
        for settings in self.connectors:
            if settings.name == name:
                return settings
        raise ConfigError(f"no connector named {name!r} in {self.path}")

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """`--config`, else `$REPMON_CONFIG`, else ./config.yaml."""
    return Path(explicit or os.environ.get("REPMON_CONFIG") or DEFAULT_CONFIG)


def load_config(
    path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
) -> AppConfig:
    """Read, expand and validate; every problem is reported at once, each with its key path."""
    file = config_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not valid UTF-8 (byte {exc.start})") from exc
    try:
        data = yaml.safe_load(text) or {}
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        # PyYAML builds some values itself and lets their errors out as they are: a date
        # like 2001-13-01 (ValueError), a `!!float abc`, nesting deeper than the stack.
        raise ConfigError(f"{file}: not valid YAML: {type(exc).__name__}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: the top level must be a mapping of keys")
    return parse_config(data, base_dir=file.resolve().parent, path=file, env=env)


def parse_config(
    data: Mapping[str, Any],
    *,
    base_dir: Path,
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> AppConfig:
    """Validate an already-parsed mapping (used by tests and `load_config`)."""
    problems: list[str] = []
    if "path" in data:
        problems.append("path: unknown key")
    expanded = _expand(dict(data), env if env is not None else os.environ, (), True, problems)
    context = {"base_dir": base_dir}
    connectors: list[Any] = []
    raw_connectors = expanded.get("connectors") or []
    if not isinstance(raw_connectors, list):
        problems.append("connectors: must be a list of connector blocks")
        raw_connectors = []
    for index, block in enumerate(raw_connectors):
        where = f"connectors[{index}]"
        if not isinstance(block, dict):
            problems.append(f"{where}: must be a mapping")
            continue
        try:
            model = settings_model(str(block.get("type", "")))
        except ConfigError as exc:
            problems.append(f"{where}.type: {exc}")
            continue
        try:
            connectors.append(model.model_validate(block, context=context))
        except ValidationError as exc:
            problems.extend(_describe(exc, prefix=where))
    expanded["connectors"] = connectors
    expanded["path"] = path
    try:
        config = AppConfig.model_validate(expanded, context=context)
    except ValidationError as exc:
        problems.extend(_describe(exc))
        config = None
    if problems or config is None:
        header = f"invalid configuration{f' in {path}' if path else ''}:"
        raise ConfigError("\n  ".join([header, *problems]))
    database_url = _resolve_sqlite(config.database.url, base_dir)
    return config.model_copy(update={"database": DatabaseConfig(url=database_url)})


def _expand(
    node: Any,
    env: Mapping[str, str],
    loc: tuple[str | int, ...],
    enabled: bool,
    problems: list[str],
) -> Any:
    """Replace `${NAME}` / `${NAME:-default}`; a missing NAME in an enabled block is a problem."""
    if isinstance(node, dict):
        out: dict[Any, Any] = {}
        if "enabled" in node:
            out["enabled"] = _expand(node["enabled"], env, (*loc, "enabled"), enabled, problems)
        active = enabled and not _switched_off(out.get("enabled", True))
        for key, value in node.items():
            if key != "enabled":
                out[key] = _expand(value, env, (*loc, str(key)), active, problems)
        return out
    if isinstance(node, list):
        return [_expand(v, env, (*loc, i), enabled, problems) for i, v in enumerate(node)]
    if not isinstance(node, str) or "${" not in node:
        return node

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        if enabled:
            problems.append(f"{_format_loc(loc)}: environment variable {name} is not set")
        return ""

    return _VAR.sub(substitute, node)


def _switched_off(value: Any) -> bool:
    """`enabled: false`, however it is spelled (`"false"`, `no`, `0`, `${FLAG:-false}`)."""
    if isinstance(value, str):
        return value.strip().lower() in {"false", "no", "off", "0", "n", "f"}
    return value is False or value == 0


def _describe(exc: ValidationError, prefix: str = "") -> list[str]:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = _format_loc(tuple(error["loc"]), prefix)
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        lines.append(f"{loc}: {message}")
    return lines


def _format_loc(loc: tuple[Any, ...], prefix: str = "") -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not str(part).startswith(("function-", "function_")):
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _resolve_sqlite(url: str, base_dir: Path) -> str:
    """`sqlite:///repmon.db` is next to config.yaml, wherever repmon is started from."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    rest = url[len(prefix) :]
    if not rest or rest.startswith((":memory:", "file:")) or Path(rest).is_absolute():
        return url
    return prefix + str((base_dir / rest).resolve())


def secret_values(config: AppConfig) -> list[str]:
    """Every SecretStr value in the config (Slack tokens, connector credentials), for redaction."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, SecretStr):
            if node.get_secret_value():
                found.append(node.get_secret_value())
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, list | tuple):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for item in node.values():
                walk(item)

    walk(config)
    return found


def masked(config: AppConfig) -> dict[str, Any]:
    """The effective config as plain data, secrets and database passwords masked."""
    from sqlalchemy.engine import make_url

    data = config.model_dump(mode="json", exclude={"path"})
    data["database"]["url"] = make_url(config.database.url).render_as_string(hide_password=True)
    return data
