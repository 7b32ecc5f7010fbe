"""Alerts in Slack (against the loopback fake): one message per incident in the alerts channel,
everything later in its thread, an Acknowledge button that only agents can use, no double posts
after a crash, and the bundled sample's burst as exactly one alert with its posts and phrases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import Incident, SlackMessage
from monitor.alert_store import evaluate
from responders.handlers import outbox_handlers
from responders.outbox import backoff, send_pending
from responders.slack import ledger
from responders.slack.alert_blocks import ACK
from responders.slack.blocks import escape
from tests.responders.fakeslack import CHANNELS, FakeSlack
from tests.responders.slack.conftest import Harness, slack_config
from tests.responders.slack.signing import block_action
from tests.test_alerts_db import (
    ALERTS,
    BURST,
    _connector_state,
    background,
    burst,
    negatives,
    replay,
    sample_app,
)

ALERTS_CHANNEL = CHANNELS["care-alerts"]
AGENT, STRANGER = "UAGENT1", "USTRANGER"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.close()


@pytest.fixture
def h(db_url, tmp_path, fake) -> Iterator[Harness]:
    harness = Harness(
        db_url, tmp_path, fake, alerts={**ALERTS, "channel": "#care-alerts"}, slack={}
    )
    harness.now = harness.now - timedelta(days=2)
    yield harness
    harness.close()


def deliver(h: Harness):
    return send_pending(
        h.app.engine,
        h.app.factory,
        h.responder,
        clock=lambda: h.now,
        handlers=outbox_handlers(h.app),
    )


def check(h: Harness):
    return evaluate(h.app.engine, h.app.factory, h.app.config, at=h.now, silence=False)


def alerts(fake: FakeSlack) -> list[dict]:
    return [
        m
        for m in fake.top_level(ALERTS_CHANNEL)
        if m.get("metadata", {}).get("event_type") == "repmon_alert"
    ]


def blocks_text(message: dict) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def open_spike(h: Harness) -> int:
    background(h.app, h.now - timedelta(hours=1))
    burst(h.app, "b", h.now)
    (opened,) = check(h).opened
    assert deliver(h).failed == 0
    return opened


def test_one_alert_then_thread_notes_then_recovery(h):
    incident = open_spike(h)
    (alert,) = alerts(h.fake)
    assert alert["metadata"]["event_payload"] == {"key": f"alert:{incident}:open"}
    text = blocks_text(alert)
    assert "🚨 Spike · Acme" in text and "*8* negative mentions of *Acme* in 1 h" in text
    assert "“internet is down” (8)" in text and "Acme internet is down again" in text
    assert f'"block_id": "repmon_incident:{incident}"' in text and ACK in text

    negatives(h.app, "late", [h.now + timedelta(minutes=m) for m in (1, 2)])
    h.now += timedelta(minutes=15)
    assert check(h).noted == [incident]
    deliver(h)
    assert len(alerts(h.fake)) == 1  # still one alert: later posts go to its thread
    (note,) = h.fake.thread(ALERTS_CHANNEL, alert["ts"])
    assert note["text"].startswith("+2 negative posts (9 in the last window).")
    assert "(late0)" in note["text"] and "(late1)" in note["text"]
    assert "So far 10 posts, peak 9 per 1 h." in blocks_text(
        h.fake.message(ALERTS_CHANNEL, alert["ts"])
    )

    h.now += timedelta(hours=1)
    assert check(h).closed == [incident]
    deliver(h)
    thread = [m["text"] for m in h.fake.thread(ALERTS_CHANNEL, alert["ts"])]
    assert thread[-1].startswith("Back to normal: 0 negative mentions in the last 1 h.")
    final = blocks_text(h.fake.message(ALERTS_CHANNEL, alert["ts"]))
    assert "✅ Over · Acme" in final
    assert "over after 75 min" in final and ACK not in final  # no button once it is over
    assert len(alerts(h.fake)) == 1


def test_a_silent_connector_is_one_alert_and_its_recovery_replies_in_its_thread(
    db_url, tmp_path, fake
):
    h = Harness(
        db_url,
        tmp_path,
        fake,
        alerts={**ALERTS, "channel": "#care-alerts"},
        slack={},
        connectors=[{"name": "feed", "type": "rss", "url": "http://127.0.0.1:9/feed.xml"}],
    )
    try:
        silence = lambda: evaluate(  # noqa: E731
            h.app.engine, h.app.factory, h.app.config, at=h.now, spikes=False
        )
        _connector_state(  # failing for 8 h, nothing new for 9 h (alerts.silence.after: 6h)
            h.app,
            last_run_at=h.now - timedelta(minutes=5),
            last_success_at=h.now - timedelta(hours=8),
            last_error_at=h.now - timedelta(minutes=5),
            last_error="FatalConnectorError: 401 Unauthorized",
            consecutive_failures=12,
            newest_item_at=h.now - timedelta(hours=9),
        )
        (incident,) = silence().opened
        assert deliver(h).failed == 0
        (alert,) = alerts(fake)
        assert alert["metadata"]["event_payload"] == {"key": f"alert:{incident}:open"}
        text = blocks_text(alert)
        assert "🔕 Silence · connector feed" in text and "*feed* failing for more than 6 h" in text
        assert "*Last error:* FatalConnectorError: 401 Unauthorized" in text and ACK in text

        h.now += timedelta(minutes=40)
        _connector_state(
            h.app,
            last_run_at=h.now,
            last_success_at=h.now,
            consecutive_failures=0,
            last_error=None,
            newest_item_at=h.now - timedelta(minutes=3),
        )
        assert silence().closed == [incident]
        assert deliver(h).failed == 0
        assert len(alerts(fake)) == 1  # the recovery is no second alert…
        (reply,) = fake.thread(ALERTS_CHANNEL, alert["ts"])  # …but a reply in the alert's thread
        assert reply["text"] == "feed is back: returning items again."
        assert reply["metadata"]["event_payload"] == {"key": f"alert:{incident}:closed"}
        final = blocks_text(fake.message(ALERTS_CHANNEL, alert["ts"]))
        assert "✅ Over · connector feed" in final and "over after 40 min" in final
        assert ACK not in final
        # Both messages went to the alerts channel and nowhere else.
        assert {c["channel"] for c in fake.calls_to("chat.postMessage")} <= {
            ALERTS_CHANNEL,
            "#care-alerts",
        }
        assert set(fake.messages) == {ALERTS_CHANNEL}
        assert len(fake.messages[ALERTS_CHANNEL]) == 2
    finally:
        h.close()


def test_acknowledge_is_for_agents_records_the_time_and_says_so(h):
    incident = open_spike(h)
    (alert,) = alerts(h.fake)
    app = h.bolt()
    assert app is not None
    click = {
        "type": "button",
        "action_id": ACK,
        "block_id": f"repmon_incident:{incident}",
        "value": str(incident),
    }
    stranger = h.dispatch(block_action(click, user=STRANGER, channel=ALERTS_CHANNEL))
    assert stranger.status == 200
    assert "only repmon agents" in h.fake.calls_to("chat.postEphemeral")[-1]["text"]
    with h.app.factory() as session:
        assert session.get(Incident, incident).acknowledged_at is None

    h.now += timedelta(minutes=7)
    assert h.dispatch(block_action(click, user=AGENT, channel=ALERTS_CHANNEL)).status == 200
    with h.app.factory() as session:
        row = session.get(Incident, incident)
        assert (row.acknowledged_by, row.acknowledged_at - row.opened_at) == (
            AGENT,
            timedelta(minutes=7),
        )
    thread = [m["text"] for m in h.fake.thread(ALERTS_CHANNEL, alert["ts"])]
    assert thread == [f"<@{AGENT}> acknowledged this alert."]
    updated = blocks_text(h.fake.message(ALERTS_CHANNEL, alert["ts"]))
    assert f"acknowledged by <@{AGENT}> after 7 min" in updated and ACK not in updated
    # A second click changes nothing and says why.
    h.dispatch(block_action(click, user=AGENT, channel=ALERTS_CHANNEL))
    assert "already acknowledged" in h.fake.calls_to("chat.postEphemeral")[-1]["text"]
    assert len(h.fake.thread(ALERTS_CHANNEL, alert["ts"])) == 1


def test_no_double_alert_after_a_crash_between_post_and_bookkeeping(h, monkeypatch):
    real_finish = ledger.finish
    calls = {"n": 0}

    def crash_once(factory, key, **kwargs):
        calls["n"] += key.startswith("alert:")
        if calls["n"] == 1 and key.startswith("alert:"):
            raise KeyboardInterrupt("power cut")  # not an Exception: nothing records a failure
        return real_finish(factory, key, **kwargs)

    monkeypatch.setattr(ledger, "finish", crash_once)
    background(h.app, h.now - timedelta(hours=1))
    burst(h.app, "b", h.now)
    (incident,) = check(h).opened
    with pytest.raises(KeyboardInterrupt):
        deliver(h)
    assert len(alerts(h.fake)) == 1  # Slack has it; repmon never wrote down where
    assert deliver(h).sent >= 1
    assert len(alerts(h.fake)) == 1  # found by its metadata key, not posted again
    with h.app.factory() as session:
        row = session.get(SlackMessage, f"alert:{incident}:open")
        assert row.ts == alerts(h.fake)[0]["ts"]


def test_no_double_alert_when_slack_accepted_but_the_answer_was_lost(h):
    h.fake.fail_next("chat.postMessage", status=500, accept=True)
    background(h.app, h.now - timedelta(hours=1))
    burst(h.app, "b", h.now)
    check(h)
    assert deliver(h).failed >= 1
    h.now += backoff(1)
    deliver(h)
    assert len(alerts(h.fake)) == 1


def test_customer_text_is_escaped_in_the_alert(h):
    background(h.app, h.now - timedelta(hours=1))
    negatives(
        h.app,
        "x",
        [h.now - timedelta(minutes=3 * i + 1) for i in range(6)],
        "Acme is down, awful <!channel> @here <http://evil.example|bank> & worse",
    )
    check(h)
    deliver(h)
    text = blocks_text(alerts(h.fake)[0])
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "<http://evil.example|bank>" not in text and "&amp; worse" in text


def test_the_sample_burst_is_one_slack_alert_with_its_posts_and_phrases(sqlite_url, fake):
    application = sample_app(
        sqlite_url, **{**slack_config(fake), "agents": [AGENT], "enabled": True}
    )
    try:
        from responders.slack.cli_support import build_responder

        responder = build_responder(application.config, application.factory, lambda: now[0])
        now = [application.clock()]
        handlers = outbox_handlers(application)

        def send(at):
            now[0] = at
            send_pending(
                application.engine,
                application.factory,
                responder,
                clock=lambda: at,
                handlers=handlers,
            )

        fake.clock = lambda: now[0].timestamp()  # noqa: PLW0108 - now[0] changes
        opened_at = replay(application, timedelta(hours=1), after_each=send)
        assert len(opened_at) == 1 and BURST[0] < opened_at[0] <= BURST[1]
        (alert,) = alerts(fake)
        with application.factory() as session:
            incident = session.scalars(select(Incident)).one()
        text = blocks_text(alert)
        assert incident.details["samples"] and incident.details["phrases"]
        for sample in incident.details["samples"]:
            assert escape(sample["text"].splitlines()[0][:60]) in text
        for phrase in incident.details["phrases"]:
            assert f"“{escape(phrase['text'])}”" in text
        assert "✅ Over · Acme" in text
        thread = [m["text"] for m in fake.thread(ALERTS_CHANNEL, alert["ts"])]
        assert len(thread) == incident.notes + 1 and thread[-1].startswith("Back to normal")
        assert all(
            m["metadata"]["event_type"] == "repmon_alert"
            for m in fake.thread(ALERTS_CHANNEL, alert["ts"])
        )
    finally:
        application.close()
