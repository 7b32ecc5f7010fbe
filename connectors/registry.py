"""Type name → connector class, imported lazily so an unused SDK is never loaded."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, cast

from connectors.base import Connector, ConnectorSettings
from monitor.errors import ConfigError

_REGISTRY: dict[str, str] = {
    "file": "connectors.file:FileConnector",
    "x": "connectors.x:XConnector",
    "reddit": "connectors.reddit:RedditConnector",
    "appstore": "connectors.appstore:AppStoreConnector",
    "googleplay": "connectors.googleplay:GooglePlayConnector",
    "rss": "connectors.rss:RssConnector",
}


def register(type_name: str, target: str) -> None:
    """Add a connector type (`"module:Class"`), e.g. from a plugin."""
    _REGISTRY[type_name] = target


def connector_types() -> list[str]:
    """Every registered type name, sorted."""
    return sorted(_REGISTRY)


def connector_class(type_name: str) -> type[Connector]:
    """The class for `type_name`; ConfigError names the known types otherwise."""
    try:
        target = _REGISTRY[type_name]
    except KeyError:
        known = ", ".join(connector_types())
        raise ConfigError(f"unknown connector type {type_name!r} (known: {known})") from None
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(module_name)
    return cast(type[Connector], getattr(module, class_name))


def settings_model(type_name: str) -> type[ConnectorSettings]:
    """The pydantic model that validates a connector block of this type."""
    return connector_class(type_name).Settings


def build_connector(
    config: Mapping[str, Any] | ConnectorSettings, *, context: Mapping[str, Any] | None = None
) -> Connector:
    """Build a ready connector from a config block (a mapping or validated settings)."""
    if isinstance(config, ConnectorSettings):
        settings = config
    else:
        type_name = str(config.get("type", ""))
        settings = settings_model(type_name).model_validate(dict(config), context=context)
    cls: Any = connector_class(settings.type)
    return cast(Connector, cls.from_settings(settings))
