"""Fixtures for the Slack app: a fake Web API on loopback and a repmon app wired to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from responders.outbox import send_pending
from responders.slack.cli_support import build_responder
from tests.responders.fakeslack import TOKEN, FakeSlack
from tests.support import NOW, open_app

AGENTS = ["UAGENT1", "UAGENT2", "UAGENT3"]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.close()


def slack_config(fake: FakeSlack, **extra):
    return {
        "enabled": True,
        "bot_token": TOKEN,
        "signing_secret": "test-signing-secret",
        "app_token": "xapp-test",
        "base_url": fake.url,
        "agents": [AGENTS[0]],
        "post_interval": 0,
        **extra,
    }


class Harness:
    """A repmon app on a fresh database, its Slack responder, and a clock tests can move."""

    def __init__(self, db_url, tmp_path, fake, **overrides):
        self.now = NOW
        slack = slack_config(fake, **overrides.pop("slack", {}))
        self.app = open_app(db_url, tmp_path, slack=slack, **overrides)
        self.app.clock = lambda: self.now
        self.fake = fake
        fake.clock = self.slack_time
        self.client = WebClient(token=TOKEN, base_url=fake.url)
        self.client.retry_handlers = []
        self.responder = build_responder(
            self.app.config, self.app.factory, lambda: self.now, client=self.client
        )

    def slack_time(self):
        return self.now.timestamp()

    def context(self, **options):
        from responders.slack.context import SlackContext

        options.setdefault("deliver_now", True)
        return SlackContext.from_app(
            self.app, client=self.client, responder=self.responder, **options
        )

    def bolt(self, **options):
        """The real Bolt app in HTTP mode, answering before it returns (for dispatch in tests)."""
        from responders.slack.app import build_app

        self.ctx = self.context(**options)
        self.bolt_app = build_app(self.ctx, socket_mode=False, process_before_response=True)
        return self.bolt_app

    def dispatch(self, body, **options):
        from tests.responders.slack.signing import request

        return self.bolt_app.dispatch(request(body, **options))

    def case(self, case_id=1):
        from db.models import Case

        with self.app.factory() as session:
            return session.get(Case, case_id)

    def send(self):
        return send_pending(
            self.app.engine, self.app.factory, self.responder, clock=lambda: self.now
        )

    def close(self):
        self.app.close()


@pytest.fixture
def harness_factory(db_url, tmp_path, fake):
    made = []

    def make(**overrides):
        harness = Harness(db_url, tmp_path, fake, **overrides)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()
