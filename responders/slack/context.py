"""Everything the Slack handlers need, built once from the running repmon app."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from monitor.app import App as MonitorApp
from monitor.config import AppConfig
from monitor.ranking import RankingPolicy
from responders.assign import agents_of
from responders.handlers import outbox_handlers
from responders.outbox import Handler, send_pending
from responders.platform import connectors_by_name
from responders.slack.sender import SlackResponder
from responders.templates import TemplateLibrary

logger = logging.getLogger(__name__)


@dataclass
class SlackContext:
    config: AppConfig
    engine: Engine
    factory: sessionmaker[Session]
    clock: Callable[[], datetime]
    client: WebClient
    responder: SlackResponder
    policy: RankingPolicy
    templates: TemplateLibrary
    deliver_now: bool = True
    connector_for: Callable[[str], Any | None] = field(default=lambda name: None)
    agents: frozenset[str] = frozenset()
    handlers: Mapping[str, Handler] = field(default_factory=dict)

    @classmethod
    def from_app(
        cls,
        app: MonitorApp,
        *,
        client: WebClient | None = None,
        responder: SlackResponder | None = None,
        connector_for: Callable[[str], Any | None] | None = None,
        deliver_now: bool = True,
    ) -> SlackContext:
        from responders.slack.cli_support import build_client, build_responder

        config = app.config
        client = client or build_client(config)
        return cls(
            config=config,
            engine=app.engine,
            factory=app.factory,
            clock=app.clock,
            client=client,
            responder=responder or build_responder(config, app.factory, app.clock),
            policy=app.pipeline.policy,
            templates=TemplateLibrary.from_config(config),
            deliver_now=deliver_now,
            connector_for=connector_for or connectors_by_name(config),
            agents=agents_of(config),
            handlers=outbox_handlers(app),
        )

    def now(self) -> datetime:
        return self.clock()

    def deliver(self) -> None:
        """Send what an action queued right away (the scheduled send job would get it later)."""
        if not self.deliver_now:
            return
        try:
            send_pending(
                self.engine,
                self.factory,
                self.responder,
                clock=self.clock,
                limit=50,
                handlers=self.handlers,
            )
        except Exception:  # the rows stay queued; the next scheduled send retries them
            logger.exception("slack: immediate delivery failed; the outbox will retry")
