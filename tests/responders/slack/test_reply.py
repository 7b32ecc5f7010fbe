"""The reply modal: templates for the case's topic and language, rendered and editable; a public
reply is posted only when the connector can, its config allows it, and the agent confirms. A
confirmed reply is queued in the outbox (kind `reply`) and sent by responders.platform."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest
from sqlalchemy import select

from connectors import registry
from connectors.base import ConnectorSettings, ReplyRejected
from db.models import OutboxRow, Reply
from monitor.configtypes import Strict
from monitor.models import Batch, Mention
from responders.slack.blocks import REPLY
from responders.slack.views import (
    CONFIRM_ACTION,
    CONFIRM_BLOCK,
    REPLY_TEMPLATE,
    TEXT_ACTION,
    TEXT_BLOCK,
)
from tests.responders.fakeslack import CHANNELS
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import block_action, button, submission
from tests.support import mention

AGENT = AGENTS[0]
BILLING_ES = "Acme me cobró dos veces la factura, es horrible, quiero un reembolso ya"
CARE_ES = CHANNELS["care-es"]


class ReplySettings(Strict):
    enabled: bool = False


class FakeReplyConnector:
    """A platform that accepts replies, recording them."""

    class Settings(ConnectorSettings):
        reply: ReplySettings = ReplySettings()

    sent: ClassVar[list[tuple[str, str]]] = []
    reject: ClassVar[str | None] = None

    def __init__(self, settings):
        self.settings = settings

    @classmethod
    def from_settings(cls, settings):
        return cls(settings)

    def fetch(self, cursor):
        return Batch([], cursor)

    def reply(self, mention: Mention, text: str) -> str:
        if FakeReplyConnector.reject:
            raise ReplyRejected(FakeReplyConnector.reject)
        FakeReplyConnector.sent.append((mention.external_id, text))
        return f"reply-{len(FakeReplyConnector.sent)}"


@pytest.fixture
def replying(monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "fakereply", f"{__name__}:FakeReplyConnector")
    FakeReplyConnector.sent = []
    FakeReplyConnector.reject = None
    return FakeReplyConnector


def make(harness_factory, *, reply_enabled=None, connector="x-acme"):
    connectors = []
    if reply_enabled is not None:
        connectors = [
            {
                "name": "x-acme",
                "type": "fakereply",
                "reply": {"enabled": reply_enabled},
                "schedule": {"every": "5m"},
            }
        ]
    h = harness_factory(connectors=connectors, topics={"billing": ["factura", "reembolso"]})
    h.app.pipeline.ingest(
        [
            mention(
                "1",
                BILLING_ES,
                lang="es",
                author="maria",
                author_name="María",
                connector=connector,
                url="https://x.com/maria/status/1",
            )
        ]
    )
    h.send()
    h.bolt()
    h.fake.users[AGENT] = {"first_name": "Sam", "real_name": "Sam Agent"}
    return h


def open_modal(h):
    assert h.dispatch(button(REPLY, 1, user=AGENT, channel=CARE_ES)).status == 200
    return h.fake.opened[-1]


def text_block(view):
    return next(b for b in view["blocks"] if b.get("block_id", "").startswith(TEXT_BLOCK))


def values(view, text, *, confirm=False):
    out = {text_block(view)["block_id"]: {TEXT_ACTION: {"type": "plain_text_input", "value": text}}}
    if confirm:
        out[CONFIRM_BLOCK] = {
            CONFIRM_ACTION: {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
        }
    return out


def thread_texts(h):
    card = next(m for m in h.fake.top_level(CARE_ES) if m.get("metadata"))
    return [m["text"] for m in h.fake.thread(CARE_ES, card["ts"])]


def test_modal_offers_the_topic_and_language_templates_rendered_for_the_case(harness_factory):
    h = make(harness_factory)
    view = open_modal(h)
    picker = next(b for b in view["blocks"] if b.get("block_id") == "reply_template")
    options = [o["value"] for o in picker["elements"][0]["options"]]
    assert options == ["billing.es", "general.es"]
    text = text_block(view)["element"]["initial_value"]
    assert text.startswith("Hola María, lamentamos el problema con tu factura")
    assert "RM-1" in text and "– Sam, Atención al cliente de Acme" in text
    assert view["submit"]["text"] == "Mark as replied"  # no connector that can post: copy and open
    assert any(b.get("block_id") == "reply_open" for b in view["blocks"])


def test_switching_template_updates_the_modal(harness_factory):
    h = make(harness_factory)
    view = open_modal(h)
    body = block_action(
        {
            "type": "static_select",
            "action_id": REPLY_TEMPLATE,
            "block_id": "reply_template",
            "selected_option": {"value": "general.es"},
        },
        user=AGENT,
        view=view,
    )
    assert h.dispatch(body).status == 200
    updated = h.fake.opened[-1]
    assert text_block(updated)["block_id"] == f"{TEXT_BLOCK}:general.es"
    assert text_block(updated)["element"]["initial_value"].startswith("Hola María, gracias")


def test_manual_reply_is_recorded_with_the_link(harness_factory):
    h = make(harness_factory)
    view = open_modal(h)
    assert (
        h.dispatch(
            submission(view, values(view, "Hola María, te escribimos por DM"), user=AGENT)
        ).status
        == 200
    )
    case = h.case()
    assert (case.status, case.assignee, case.replied_at) == ("replied", AGENT, h.now)
    with h.app.factory() as session:
        reply = session.scalars(select(Reply)).one()
        assert (reply.state, reply.text, reply.agent) == (
            "manual",
            "Hola María, te escribimos por DM",
            AGENT,
        )
    assert thread_texts(h)[-1] == (
        f"<@{AGENT}> replied manually (<https://x.com/maria/status/1|see the post>)."
    )


def test_replies_are_not_posted_while_the_connector_has_them_off(harness_factory, replying):
    h = make(harness_factory, reply_enabled=False)
    view = open_modal(h)
    assert view["submit"]["text"] == "Mark as replied"
    assert "replies are off for x-acme" in json.dumps(view)
    h.dispatch(submission(view, values(view, "hola"), user=AGENT))
    assert replying.sent == []


def test_sending_needs_the_agents_confirmation_and_happens_once(harness_factory, replying):
    h = make(harness_factory, reply_enabled=True)
    view = open_modal(h)
    assert view["submit"]["text"] == "Send reply"
    unconfirmed = h.dispatch(submission(view, values(view, "Hola María"), user=AGENT))
    assert json.loads(unconfirmed.body)["response_action"] == "errors"
    assert replying.sent == [] and h.case().status == "routed"
    body = submission(view, values(view, "Hola María", confirm=True), user=AGENT)
    assert h.dispatch(body).status == 200
    assert h.dispatch(body).status == 200  # a double submit
    assert replying.sent == [("1", "Hola María")]
    with h.app.factory() as session:
        reply = session.scalars(select(Reply)).one()
        assert (reply.state, reply.external_id) == ("sent", "reply-1")
        assert reply.template == "billing.es"
        row = session.scalars(select(OutboxRow).where(OutboxRow.kind == "reply")).one()
        assert (row.key, row.state) == (reply.idempotency_key, "sent")
    assert h.case().status == "replied"
    assert "replied publicly through repmon (reply id reply-1)" in thread_texts(h)[-1]


def test_a_refused_reply_is_explained_and_recorded(harness_factory, replying):
    h = make(harness_factory, reply_enabled=True)
    replying.reject = "text too long"
    view = open_modal(h)
    h.dispatch(submission(view, values(view, "x" * 500, confirm=True), user=AGENT))
    assert h.case().status == "routed"
    with h.app.factory() as session:
        assert session.scalars(select(Reply.state)).one() == "failed"
    assert "The platform refused the reply; nothing was posted: text too long" in [
        c["text"] for c in h.fake.calls_to("chat.postEphemeral")
    ]


def test_non_agents_cannot_submit_a_reply(harness_factory, replying):
    h = make(harness_factory, reply_enabled=True)
    view = open_modal(h)
    response = h.dispatch(submission(view, values(view, "hola", confirm=True), user="USTRANGER"))
    assert json.loads(response.body)["response_action"] == "errors"
    assert replying.sent == [] and h.case().status == "routed"


# --- A real platform: App Store Connect (httpx) on loopback ---------------------------------------


@pytest.fixture
def apple():
    from tests.connectors.fake_connect import FakeConnect, new_key

    pem, public = new_key()
    fake = FakeConnect(public)
    yield fake, pem
    fake.close()
    assert fake.server.errors == []


def make_apple(harness_factory, apple):
    from tests.connectors.fake_connect import KEVIN, connect_block, payload

    fake, pem = apple
    block = {
        "name": "appstore-acme",
        "type": "appstore",
        "app_id": "123456789",
        "connect": connect_block(fake.url, pem),
        "reply": {"enabled": True},
    }
    h = harness_factory(connectors=[block], topics={"billing": ["factura", "reembolso"]})
    item = payload("reviews_page1.json")["data"][0]
    item["attributes"] = {**item["attributes"], "body": BILLING_ES, "territory": "ESP"}
    h.app.pipeline.ingest(
        [
            mention(
                KEVIN,
                BILLING_ES,
                source="appstore",
                connector="appstore-acme",
                lang="es",
                rating=1,
                author="maria",
                author_name="María",
                raw=item,
            )
        ]
    )
    h.send()
    h.bolt()
    h.fake.users[AGENT] = {"first_name": "Sam", "real_name": "Sam Agent"}
    return h, fake


def test_an_app_store_response_goes_from_the_modal_to_apple_once(harness_factory, apple):
    h, fake = make_apple(harness_factory, apple)
    view = open_modal(h)
    assert view["submit"]["text"] == "Send reply"
    rules = next(b for b in view["blocks"] if b.get("block_id") == "reply_rules")
    assert "up to 5970 characters" in rules["elements"][0]["text"]

    too_long = h.dispatch(submission(view, values(view, "x" * 5971, confirm=True), user=AGENT))
    answer = json.loads(too_long.body)
    assert answer["response_action"] == "errors"
    assert "limited to 5970 characters" in answer["errors"][text_block(view)["block_id"]]
    assert fake.posts == 0

    text = "Hola María, ya te devolvimos el cobro."
    body = submission(view, values(view, text, confirm=True), user=AGENT)
    assert h.dispatch(body).status == 200
    assert h.dispatch(body).status == 200  # a double submit
    assert fake.posts == 1
    with h.app.factory() as session:
        reply = session.scalars(select(Reply)).one()
        assert (reply.state, reply.template, reply.agent) == ("sent", "billing.es", AGENT)
        assert reply.external_id == next(iter(fake.responses.values()))["data"]["id"]
    assert h.case().status == "replied"
    assert f"reply id {reply.external_id}" in thread_texts(h)[-1]


def test_a_rate_limited_response_stays_queued_and_the_agent_is_told(harness_factory, apple):
    from tests.connectors.fake_connect import payload
    from tests.connectors.fakeserver import Reply as Answer

    h, fake = make_apple(harness_factory, apple)
    fake.next_post.append(Answer.json(payload("error_429.json"), 429, **{"Retry-After": "600"}))
    view = open_modal(h)
    h.dispatch(submission(view, values(view, "Hola María", confirm=True), user=AGENT))
    with h.app.factory() as session:
        assert session.scalars(select(Reply.state)).one() == "queued"
    assert h.case().status == "routed"
    told = [c["text"] for c in h.fake.calls_to("chat.postEphemeral")]
    assert any(t.startswith("Your reply is queued and will be posted on appstore") for t in told)
