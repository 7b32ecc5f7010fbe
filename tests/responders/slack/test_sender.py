"""Cards from the outbox: one per case in its routed channel, even across crashes and 429s."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import Case, OutboxRow, SlackMessage
from responders.outbox import backoff
from responders.slack import ledger
from tests.responders.fakeslack import CHANNELS
from tests.support import mention

ANGRY = "Acme is the worst, awful service, I hate it"
ENOJADO = "Acme es el peor servicio, horrible, lo odio"
CARE, CARE_ES = CHANNELS["care"], CHANNELS["care-es"]


def card_messages(fake, channel):
    return [
        m
        for m in fake.top_level(channel)
        if m.get("metadata", {}).get("event_type") == "repmon_card"
    ]


def outbox(h):
    with h.app.factory() as session:
        return {r.key: r for r in session.scalars(select(OutboxRow))}


def test_a_new_case_posts_one_card_in_its_routed_channel(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest(
        [mention("1", ANGRY, author="a"), mention("2", ENOJADO, lang="es", author="b")]
    )
    result = h.send()
    assert (result.sent, result.failed) == (2, 0)
    assert len(card_messages(h.fake, CARE)) == 1 and len(card_messages(h.fake, CARE_ES)) == 1
    card = card_messages(h.fake, CARE)[0]
    assert card["metadata"]["event_payload"] == {"case_id": 1, "key": "card:1"}
    assert "Case #1" in json.dumps(card["blocks"], ensure_ascii=False)
    rows = outbox(h)
    assert rows["card:1"].result["channel"] == CARE and rows["card:1"].result["via"] == "slack"
    with h.app.factory() as session:
        assert {c.status for c in session.scalars(select(Case))} == {"routed"}
        stored = session.get(SlackMessage, "card:1")
        assert (stored.channel, stored.ts) == (CARE, card["ts"])
        assert stored.permalink.startswith("https://acme.slack.com/archives/")
    # Sending again changes nothing.
    assert h.send().sent == 0 and len(h.fake.calls_to("chat.postMessage")) == 2


def test_no_double_post_when_slack_accepted_but_the_answer_was_lost(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY)])
    h.fake.fail_next("chat.postMessage", status=500, accept=True)
    assert h.send().failed == 1
    assert len(card_messages(h.fake, CARE)) == 1  # Slack has it; we never heard back
    h.now += backoff(1)
    assert h.send().sent == 1
    assert len(card_messages(h.fake, CARE)) == 1
    history = h.fake.calls_to("conversations.history")
    assert history and str(history[0]["include_all_metadata"]).lower() in {"1", "true"}
    assert outbox(h)["card:1"].result["ts"] == card_messages(h.fake, CARE)[0]["ts"]


def test_no_double_post_after_a_crash_between_post_and_bookkeeping(harness_factory, monkeypatch):
    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY)])
    real_finish = ledger.finish
    calls = {"n": 0}

    def crash_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise KeyboardInterrupt("power cut")  # not an Exception: nothing records a failure
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(ledger, "finish", crash_once)
    with pytest.raises(KeyboardInterrupt):
        h.send()
    with h.app.factory() as session:
        row = session.scalars(select(OutboxRow)).one()
        assert (row.state, row.attempts) == ("pending", 0)  # the outbox never learned of it
    assert h.send().sent == 1
    assert len(card_messages(h.fake, CARE)) == 1
    assert len(h.fake.calls_to("conversations.history")) == 1


def test_a_lost_post_that_never_reached_slack_is_posted_on_retry(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY)])
    h.fake.fail_next("chat.postMessage", status=503)
    assert h.send().failed == 1 and card_messages(h.fake, CARE) == []
    h.now += backoff(1)
    assert h.send().sent == 1 and len(card_messages(h.fake, CARE)) == 1


def test_rate_limit_stops_calls_until_retry_after(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest([mention(str(i), ANGRY, author=f"a{i}") for i in range(3)])
    h.fake.fail_next("chat.postMessage", status=429, retry_after=120)
    result = h.send()
    assert (result.sent, result.failed) == (0, 3)
    assert len(h.fake.calls_to("chat.postMessage")) == 1  # the other two did not even try
    rows = outbox(h)
    assert "rate limited for 120s" in rows["card:1"].last_error
    h.now += timedelta(minutes=5)
    assert h.send().sent == 3
    assert len(card_messages(h.fake, CARE)) == 3


def test_rate_limited_rows_wait_exactly_retry_after_and_are_never_given_up(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY)])
    h.fake.fail_next("chat.postMessage", status=429, retry_after=600)
    h.send()
    row = outbox(h)["card:1"]
    assert row.state == "pending"
    assert row.next_attempt_at == h.now + timedelta(seconds=600)


def test_follow_up_goes_into_the_thread_and_refreshes_the_card(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY, author="al")])
    h.send()
    card = card_messages(h.fake, CARE)[0]
    h.app.pipeline.ingest([mention("2", "Still broken, Acme, worst <!channel>", author="al")])
    assert h.send().sent == 1
    thread = h.fake.thread(CARE, card["ts"])
    assert len(thread) == 1 and "posted again" in thread[0]["text"]
    assert "<!channel>" not in thread[0]["text"] and "&lt;!channel&gt;" in thread[0]["text"]
    assert len(card_messages(h.fake, CARE)) == 1
    assert "2 posts" in json.dumps(h.fake.message(CARE, card["ts"])["blocks"])


def test_a_thread_waits_for_its_card(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest(
        [mention("1", ANGRY, author="al"), mention("2", ANGRY + "!!", author="al")]
    )
    h.fake.fail_next("chat.postMessage", status=500)
    result = h.send()
    assert (result.sent, result.failed) == (0, 1)  # the card failed; its note waits behind it
    assert outbox(h)["thread:1:2"].attempts == 0
    h.now += timedelta(minutes=5)
    assert h.send().sent == 2
    card = card_messages(h.fake, CARE)[0]
    assert len(h.fake.thread(CARE, card["ts"])) == 1


def test_unknown_channel_is_a_fatal_error_naming_it(harness_factory):
    h = harness_factory(routing={"default_channel": "#nowhere"})
    h.app.pipeline.ingest([mention("1", ANGRY)])
    assert h.send().failed == 1
    assert "channel #nowhere not found" in outbox(h)["card:1"].last_error
