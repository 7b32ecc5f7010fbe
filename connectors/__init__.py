"""Sources of mentions: one module per platform behind the API of DESIGN 3.3."""

from __future__ import annotations

from connectors.base import (
    Connector,
    ConnectorError,
    ConnectorSettings,
    FatalConnectorError,
    ReplyRejected,
    RetriableConnectorError,
    SupportsReply,
)
from connectors.registry import build_connector, connector_types, register
from monitor.models import Batch, Mention

__all__ = [
    "Batch",
    "Connector",
    "ConnectorError",
    "ConnectorSettings",
    "FatalConnectorError",
    "Mention",
    "ReplyRejected",
    "RetriableConnectorError",
    "SupportsReply",
    "build_connector",
    "connector_types",
    "register",
]
