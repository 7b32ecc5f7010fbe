"""Slack failing in every way the Web API can: 429 with Retry-After, 5xx, timeouts (answered too
late, after posting or not) and an hour-long outage. Afterwards every case has exactly one card
and every follow-up one thread reply; no outbox row is given up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import OutboxRow
from responders.outbox import MAX_ATTEMPTS, backoff
from tests.responders.fakeslack import CHANNELS
from tests.support import mention

ANGRY = "Acme is the worst, awful service, I hate it"
CARE = CHANNELS["care"]
SLACK_METHODS = (
    "chat.postMessage",
    "chat.update",
    "conversations.history",
    "conversations.replies",
    "conversations.list",
    "chat.getPermalink",
)


def cards(fake):
    return [
        m for m in fake.top_level(CARE) if m.get("metadata", {}).get("event_type") == "repmon_card"
    ]


def rows(h):
    with h.app.factory() as session:
        return list(session.scalars(select(OutboxRow).order_by(OutboxRow.id)))


def ingest(h, n_authors=3, follow_ups=1):
    h.app.pipeline.ingest([mention(f"a{i}", ANGRY, author=f"au{i}") for i in range(n_authors)])
    h.app.pipeline.ingest(
        [mention(f"f{i}", ANGRY + " again!!", author=f"au{i}") for i in range(follow_ups)]
    )


def assert_exactly_once(h, n_cases, n_threads):
    assert {r.state for r in rows(h)} == {"sent"}
    posted = cards(h.fake)
    assert len(posted) == n_cases
    keys = [m["metadata"]["event_payload"]["key"] for m in posted]
    assert sorted(keys) == sorted(f"card:{i}" for i in range(1, n_cases + 1))
    replies = [m for c in posted for m in h.fake.thread(CARE, c["ts"])]
    assert len(replies) == n_threads


def test_429_with_retry_after_makes_the_outbox_wait_until_then(harness_factory):
    h = harness_factory()
    ingest(h, follow_ups=0)
    h.fake.fail_next("chat.postMessage", status=429, retry_after=900)
    first = h.send()
    assert first.sent == 0 and first.dead == 0
    assert {r.next_attempt_at for r in rows(h)} == {h.now + timedelta(seconds=900)}
    posts = len(h.fake.calls_to("chat.postMessage"))
    h.now += timedelta(seconds=899)
    assert h.send().sent == 0
    assert len(h.fake.calls_to("chat.postMessage")) == posts  # nothing called before the reset
    h.now += timedelta(seconds=1)
    assert h.send().sent == 3
    assert_exactly_once(h, 3, 0)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("accept", [False, True], ids=["lost", "posted-then-failed"])
def test_5xx_are_retried_with_backoff_and_post_once(harness_factory, status, accept):
    h = harness_factory()
    ingest(h, n_authors=1, follow_ups=0)
    h.fake.fail_next("chat.postMessage", status=status, accept=accept)
    assert h.send().failed == 1
    [row] = rows(h)
    assert row.state == "pending" and row.next_attempt_at == h.now + backoff(1)
    h.now += backoff(1)
    assert h.send().sent == 1
    assert_exactly_once(h, 1, 0)


@pytest.mark.parametrize("accept", [False, True], ids=["never-posted", "posted-late"])
def test_a_timeout_is_retried_and_never_posts_twice(harness_factory, accept):
    h = harness_factory()
    h.client.timeout = 1  # the sender's WebClient; the fake answers after 3 s
    ingest(h, n_authors=2, follow_ups=1)
    h.fake.stall_next("chat.postMessage", 3, accept=accept)
    result = h.send()
    assert result.failed >= 1 and result.dead == 0
    assert "Timeout" in (rows(h)[0].last_error or "") or "timed out" in (
        rows(h)[0].last_error or ""
    )
    for _ in range(5):
        h.now += timedelta(minutes=10)
        h.send()
    assert_exactly_once(h, 2, 1)


def test_an_hour_long_outage_loses_nothing_and_posts_everything_once(harness_factory):
    """Every Slack call fails for 60 minutes while the sender runs every minute (like
    `repmon serve`); afterwards everything is delivered exactly once and no row is dead."""
    h = harness_factory()
    ingest(h, n_authors=4, follow_ups=2)
    for method in SLACK_METHODS:
        h.fake.fail_next(method, status=503, times=100_000)
    start = h.now
    while h.now < start + timedelta(minutes=60):
        result = h.send()
        assert result.sent == 0 and result.dead == 0
        h.now += timedelta(minutes=1)
    attempts = max(r.attempts for r in rows(h))
    assert attempts < MAX_ATTEMPTS, "rows would be given up right after the outage"
    assert all(r.state == "pending" for r in rows(h))
    assert cards(h.fake) == []
    h.fake.recover()
    for _ in range(120):  # at most two more hours of one-minute ticks
        if all(r.state == "sent" for r in rows(h)):
            break
        assert h.send().dead == 0
        h.now += timedelta(minutes=1)
    assert_exactly_once(h, 4, 2)


def test_rate_limits_during_an_outage_never_kill_a_row(harness_factory):
    """A 429 says when to come back; a whole day of them is waited out, never given up."""
    h = harness_factory()
    ingest(h, n_authors=1, follow_ups=0)
    h.fake.fail_next("chat.postMessage", status=429, retry_after=3600, times=24)
    for _ in range(24):
        result = h.send()
        assert result.dead == 0
        h.now += timedelta(hours=1)
    assert rows(h)[0].attempts >= MAX_ATTEMPTS  # more failures than any error is allowed...
    assert h.send().sent == 1  # ...and still delivered
    assert_exactly_once(h, 1, 0)
