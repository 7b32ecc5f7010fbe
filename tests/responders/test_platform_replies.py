"""Platform replies through the outbox: each platform's real SDK against recorded answers.

X (tweepy) and Reddit (praw) replay vcrpy cassettes; Google Play (googleapiclient over httplib2,
which vcrpy cannot patch) and App Store Connect (httpx) talk to loopback fakes. Every test
queues a reply the way the modal does (`replies.queue`) and sends the outbox with the handlers
`repmon run --once` uses, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
import vcr
from rich.console import Console
from sqlalchemy import select

from connectors import registry
from connectors.base import ConnectorSettings, ReplySettings
from db.models import Case, CaseEvent, OutboxRow, Reply
from monitor.models import Batch, Mention
from responders.console import ConsoleResponder
from responders.handlers import outbox_handlers
from responders.outbox import send_pending
from responders.slack import replies
from tests.connectors.fake_connect import KEVIN as ASC_KEVIN
from tests.connectors.fake_connect import FakeConnect, connect_block, new_key
from tests.connectors.fake_connect import payload as asc_payload
from tests.connectors.fakeserver import FakeServer, Request
from tests.connectors.fakeserver import Reply as Answer
from tests.connectors.harness_stores import write_service_account
from tests.support import NOW, open_app

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
PLAY = Path(__file__).resolve().parents[1] / "payloads" / "googleplay"
AGENT = "UAGENT1"
TEXT = "Sorry about this, we are on it."
X_POST = "2119395045670482778"
X_REPLY = "2119399785234923955"
PACKAGE = "com.acme.app"
PLAY_KEVIN = "gp:AOqpTOH6bq2RA1sRYkL0B9s1mFSw8b6fxYxCRZ8mKOcG5yQ7yKf1"
PLAY_REVIEW = re.compile(rf"/androidpublisher/v3/applications/{re.escape(PACKAGE)}/reviews/(.+)")
COMPLAINT = "@acmehelp Acme charged me twice, terrible service, I want a refund now"


class Tape:
    """vcrpy in playback only, matched on method and path (tweepy's OAuth signature changes on
    every call); `sent` keeps what the SDK actually sent, for assertions."""

    def __init__(self, platform: str) -> None:
        self.sent: list[tuple[str, str, Any]] = []
        self._vcr = vcr.VCR(
            cassette_library_dir=str(CASSETTES / platform),
            record_mode="none",
            filter_headers=["authorization", "cookie"],
            before_record_request=self._seen,
            match_on=["method", "scheme", "host", "path"],
        )

    def _seen(self, request: Any) -> Any:
        entry = (request.method, request.uri, request.body)
        if entry not in self.sent:  # vcrpy filters each request more than once
            self.sent.append(entry)
        return request

    @contextmanager
    def use_cassette(self, name: str) -> Iterator[Any]:
        with self._vcr.use_cassette(name) as cassette:
            self.sent.clear()  # loading the cassette ran its own requests through the filter
            yield cassette

    def methods(self) -> list[str]:
        return [method for method, _, _ in self.sent]


def recorder(platform: str) -> Tape:
    return Tape(platform)


class Desk:
    """A repmon app with one replying connector and one case, and a clock the test moves."""

    def __init__(
        self, db_url: str, tmp_path: Path, block: dict[str, Any], item: Mention, *, now: datetime
    ):
        self.now = now
        self.app = open_app(db_url, tmp_path, now=now, connectors=[block])
        self.app.clock = lambda: self.now
        self.app.pipeline.ingest([item])
        self.handlers = outbox_handlers(self.app)
        self.console = ConsoleResponder(Console(file=io.StringIO()))
        assert self.case().status == "new"

    def queue(self, text: str = TEXT) -> str:
        queued = replies.queue(
            self.app.factory, 1, agent=AGENT, text=text, template="billing.en", now=self.now
        )
        assert queued is not None
        return queued.key

    def send(self):
        return send_pending(
            self.app.engine,
            self.app.factory,
            self.console,
            clock=lambda: self.now,
            handlers=self.handlers,
        )

    def reply(self) -> Reply:
        with self.app.factory() as session:
            row = session.scalars(select(Reply).order_by(Reply.id.desc())).first()
        assert row is not None
        return row

    def outbox(self, key: str) -> OutboxRow:
        with self.app.factory() as session:
            return session.scalars(select(OutboxRow).where(OutboxRow.key == key)).one()

    def case(self) -> Case:
        with self.app.factory() as session:
            case = session.get(Case, 1)
        assert case is not None
        return case

    def events(self) -> list[tuple[str, str | None]]:
        with self.app.factory() as session:
            rows = session.scalars(select(CaseEvent).order_by(CaseEvent.id)).all()
            return [(e.action, e.note) for e in rows]

    def crashed_mid_send(self, key: str) -> None:
        """What a sender killed during the platform call leaves: the reply `sending`."""
        with self.app.factory() as session, session.begin():
            row = session.scalars(select(Reply).where(Reply.idempotency_key == key)).one()
            row.state, row.attempted_at, row.attempts = "sending", self.now, 1

    def close(self) -> None:
        self.app.close()


@pytest.fixture
def desks(db_url: str, tmp_path: Path) -> Iterator[Any]:
    made: list[Desk] = []

    def make(block: dict[str, Any], item: Mention, *, now: datetime = NOW) -> Desk:
        desk = Desk(db_url, tmp_path, block, item, now=now)
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close()


def assert_sent(desk: Desk, key: str, external_id: str) -> None:
    reply = desk.reply()
    assert (reply.state, reply.external_id, reply.sent_at) == ("sent", external_id, desk.now)
    assert (reply.agent, reply.text, reply.template) == (AGENT, TEXT, "billing.en")
    assert desk.case().status == "replied"
    assert ("reply", f"sent {external_id}") in desk.events()
    assert desk.outbox(key).state == "sent"
    with desk.app.factory() as session:  # the card update that posts the thread note
        kinds = session.scalars(select(OutboxRow.kind).where(OutboxRow.kind == "card_update"))
        assert list(kinds) == ["card_update"]


def assert_failed(desk: Desk, key: str, error: str) -> None:
    reply = desk.reply()
    assert reply.state == "failed" and reply.external_id is None
    assert re.search(error, reply.error or ""), reply.error
    assert desk.case().status == "routed" or desk.case().status == "new"
    row = desk.outbox(key)  # done: a pending row would hold back the case's later rows
    assert row.state == "sent" and row.result is not None
    assert (row.result["state"], row.result["error"]) == ("failed", reply.error)


# --- X (tweepy) ----------------------------------------------------------------------------------


def x_block(**reply: Any) -> dict[str, Any]:
    keys = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    return {
        "name": "x-acme",
        "type": "x",
        "query": "acme OR @acmehelp",
        "bearer_token": "test-bearer-token",
        **{key: f"test-{key}" for key in keys},
        "reply": {"enabled": True, "account": "@acmehelp", **reply},
    }


def x_post(text: str = COMPLAINT, **fields: Any) -> Mention:
    values: dict[str, Any] = {
        "source": "x",
        "external_id": X_POST,
        "text": text,
        "created_at": NOW - timedelta(hours=1),
        "connector": "x-acme",
        "author": "maria_lopez",
        "author_followers": 250,
        "lang": "en",
        "url": f"https://x.com/maria_lopez/status/{X_POST}",
    }
    return Mention(**{**values, **fields})


def test_x_reply_is_posted_once_and_the_case_moves_to_replied(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    assert key == replies.reply_key(1, TEXT)
    assert (
        replies.queue(desk.app.factory, 1, agent=AGENT, text=TEXT, template=None, now=NOW) is None
    )
    tape = recorder("x")
    with tape.use_cassette("reply_created.yaml") as cassette:
        desk.send()
        desk.now += timedelta(hours=2)
        desk.send()  # nothing left to send: a second POST would not match the cassette
    assert cassette.play_count == 1
    assert json.loads(tape.sent[0][2]) == {
        "reply": {"in_reply_to_tweet_id": X_POST},
        "text": TEXT,
    }
    desk.now = NOW
    assert_sent(desk, key, X_REPLY)
    assert desk.reply().attempts == 1


def test_x_duplicate_is_recorded_as_failed_and_never_sent_again(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    with recorder("x").use_cassette("reply_duplicate.yaml") as cassette:
        desk.send()
        desk.now += timedelta(hours=3)
        desk.send()
    assert cassette.play_count == 1
    assert_failed(desk, key, r"^duplicate: X refuses the same text twice")
    assert desk.outbox(key).attempts == 1
    # Submitted again later (say, after the earlier post was deleted): a new key, a new try.
    again = replies.queue(desk.app.factory, 1, agent=AGENT, text=TEXT, template=None, now=NOW)
    assert again is not None and again.key == f"{key}:2"


def test_x_too_long_is_refused_before_queuing_and_before_any_request(desks):
    desk = desks(x_block(), x_post())
    long_text = "y" * 257 + " https://status.acme.com/outage"  # 257 + 1 + 23 = 281 as X counts
    found = replies.problem(
        desk.app.factory,
        desk.app.config,
        1,
        long_text,
        connector_for=desk.handlers["reply"]._connector_for,
    )
    assert found == (
        "too long: 281 characters as X counts them, X allows 280 "
        "(a link counts 23, an emoji or a CJK character 2)"
    )
    key = desk.queue(long_text)  # queued anyway (an older modal): the connector still refuses
    tape = recorder("x")
    with tape.use_cassette("reply_none.yaml") as cassette:
        desk.send()
    assert cassette.play_count == 0 and tape.sent == []
    reply = desk.reply()
    assert (reply.state, reply.error) == ("failed", found)
    assert desk.outbox(key).result["state"] == "failed"


def test_x_only_posts_that_mention_the_brand_account_can_be_answered(desks):
    desk = desks(x_block(), x_post("Acme charged me twice, terrible, I want a refund"))
    lookup = desk.handlers["reply"]._connector_for
    found = replies.problem(desk.app.factory, desk.app.config, 1, TEXT, connector_for=lookup)
    assert found is not None and "not a direct mention" in found
    assert replies.reply_mode(desk.app.config, lookup("x-acme"), "x-acme", x_post("hi"))[0] == (
        "manual"
    )
    assert replies.reply_mode(desk.app.config, lookup("x-acme"), "x-acme", x_post())[0] == "send"


def test_x_auth_failure_is_failed_with_the_reason(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    with recorder("x").use_cassette("reply_unauthorized.yaml"):
        desk.send()
    assert_failed(desk, key, r"X refused the credentials \(401\)")


def test_x_rate_limit_is_retried_at_the_reset_time(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    reset = datetime(2026, 11, 22, 12, 15, tzinfo=UTC)  # the cassette's x-rate-limit-reset
    with recorder("x").use_cassette("reply_rate_limited.yaml") as cassette:
        desk.send()
        assert (desk.reply().state, desk.outbox(key).next_attempt_at) == ("queued", reset)
        assert "rate limited" in (desk.reply().error or "")
        desk.now = reset - timedelta(minutes=1)
        desk.send()
        assert cassette.play_count == 1
        desk.now = reset
        desk.send()
    assert cassette.play_count == 2
    assert_sent(desk, key, X_REPLY)
    assert desk.reply().attempts == 2


def test_x_after_a_crash_mid_send_the_reply_found_on_x_is_not_posted_again(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    desk.crashed_mid_send(key)
    tape = recorder("x")
    with tape.use_cassette("reply_find_existing.yaml"):
        desk.send()
    assert tape.methods() == ["GET", "GET"]  # no POST
    assert "since_id=2119395045670482778" in tape.sent[1][1]
    assert_sent(desk, key, X_REPLY)


def test_x_after_a_crash_before_x_received_it_the_reply_is_posted(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    desk.crashed_mid_send(key)
    tape = recorder("x")
    with tape.use_cassette("reply_find_none.yaml"):
        desk.send()
    assert tape.methods() == ["GET", "GET", "POST"]
    assert_sent(desk, key, X_REPLY)


def test_x_after_a_crash_our_other_replies_to_the_post_are_not_taken_for_this_one(desks):
    desk = desks(x_block(), x_post())
    key = desk.queue()
    desk.crashed_mid_send(key)
    tape = recorder("x")
    with tape.use_cassette("reply_find_other_replies.yaml") as cassette:
        desk.send()
    assert tape.methods() == ["GET", "GET", "POST"]  # two replies of ours, neither this text
    assert cassette.all_played
    assert_sent(desk, key, X_REPLY)


def test_x_after_a_crash_the_reply_with_this_text_is_found_among_ours(desks):
    desk = desks(x_block(), x_post())
    text = "Sorry about the double charge & the wait. Refund status: acme.example/refunds"
    key = desk.queue(text)
    desk.crashed_mid_send(key)
    tape = recorder("x")
    with tape.use_cassette("reply_find_among_replies.yaml"):
        desk.send()
    assert tape.methods() == ["GET", "GET"]  # no POST
    reply = desk.reply()
    assert (reply.state, reply.external_id, reply.text) == ("sent", X_REPLY, text)
    assert desk.outbox(key).state == "sent" and desk.case().status == "replied"


# --- Reddit (praw) -------------------------------------------------------------------------------


def reddit_block() -> dict[str, Any]:
    return {
        "name": "reddit-acme",
        "type": "reddit",
        "query": "acme",
        "client_id": "test-client-id",
        "client_secret": "test-client-secret",
        "user_agent": "test:repmon:0.1 (by /u/AcmeSupport)",
        "username": "AcmeSupport",
        "password": "hunter2-not-real",
        "reply": {"enabled": True},
    }


def reddit_post(external_id: str = "t1_lxq9z3k") -> Mention:
    return Mention(
        "reddit",
        external_id,
        "Acme app keeps crashing on login, terrible, I want a refund",
        NOW - timedelta(hours=1),
        connector="reddit-acme",
        author="jordan_k",
        lang="en",
        url="https://www.reddit.com/r/CustomerService/comments/1gwc8k1/acme_app/lxq9z3k/",
    )


def test_reddit_reply_is_posted_as_a_comment(desks):
    desk = desks(reddit_block(), reddit_post())
    key = desk.queue()
    with recorder("reddit").use_cassette("reply.yaml") as cassette:
        desk.send()
    assert cassette.all_played
    assert_sent(desk, key, "t1_lxqa1b2")


def test_reddit_rate_limit_waits_for_the_time_reddit_names(desks):
    now = datetime.now(UTC).replace(microsecond=0)  # praw's wait is counted from the real clock
    desk = desks(reddit_block(), reddit_post(), now=now)
    key = desk.queue()
    with recorder("reddit").use_cassette("reply_ratelimit.yaml"):
        desk.send()
    wait = desk.outbox(key).next_attempt_at - now
    assert timedelta(minutes=9) <= wait < timedelta(minutes=10)
    assert desk.reply().state == "queued"


def test_reddit_a_locked_thread_fails_the_reply(desks):
    desk = desks(reddit_block(), reddit_post("t3_1gwc8k1"))
    key = desk.queue()
    with recorder("reddit").use_cassette("reply_locked.yaml"):
        desk.send()
    assert_failed(desk, key, "THREAD_LOCKED")


def test_reddit_auth_failure_fails_the_reply(desks):
    desk = desks(reddit_block(), reddit_post())
    key = desk.queue()
    with recorder("reddit").use_cassette("token_unauthorized.yaml"):
        desk.send()
    assert_failed(desk, key, "401")


def test_reddit_after_a_crash_our_comment_is_found_and_not_posted_again(desks):
    desk = desks(reddit_block(), reddit_post())
    key = desk.queue()
    desk.crashed_mid_send(key)
    tape = recorder("reddit")
    with tape.use_cassette("reply_find_existing.yaml"):
        desk.send()
    assert tape.methods() == ["POST", "GET"]  # the token, the listing
    assert_sent(desk, key, "t1_lxqa1b2")


# --- Google Play (googleapiclient, loopback) ------------------------------------------------------


def play_answer(name: str, status: int = 200, **headers: str) -> Answer:
    body = (PLAY / name).read_bytes()
    return Answer(status, body, {"Content-Type": "application/json; charset=UTF-8", **headers})


@pytest.fixture
def play(tmp_path: Path) -> Iterator[FakeServer]:
    with FakeServer() as server:
        server.route("POST", "/token", play_answer("token.json"))
        yield server
    assert server.errors == []


def play_block(server: FakeServer, tmp_path: Path) -> dict[str, Any]:
    key = write_service_account(tmp_path / "sa.json", f"{server.url}/token")
    return {
        "name": "play-acme",
        "type": "googleplay",
        "package_name": PACKAGE,
        "credentials_file": str(key),
        "api_endpoint": server.url,
        "reply": {"enabled": True},
    }


def play_review() -> Mention:
    return Mention(
        "googleplay",
        PLAY_KEVIN,
        "Acme billed me twice this month, terrible. I want a refund.",
        NOW - timedelta(hours=1),
        connector="play-acme",
        author="Kevin B.",
        rating=1,
        lang="en",
    )


def play_posts(server: FakeServer) -> list[Request]:
    return [r for r in server.requests if r.method == "POST" and r.path.endswith(":reply")]


def test_play_reply_sets_the_developer_reply(desks, play, tmp_path):
    play.route("POST", re.compile(PLAY_REVIEW.pattern + ":reply"), play_answer("reply.json"))
    desk = desks(play_block(play, tmp_path), play_review())
    key = desk.queue()
    desk.send()
    assert [r.json() for r in play_posts(play)] == [{"replyText": TEXT}]
    assert_sent(desk, key, PLAY_KEVIN)


def test_play_too_long_is_refused_before_any_request(desks, play, tmp_path):
    desk = desks(play_block(play, tmp_path), play_review())
    lookup = desk.handlers["reply"]._connector_for
    text = "x" * 351
    problem = replies.problem(desk.app.factory, desk.app.config, 1, text, connector_for=lookup)
    assert problem == "Google Play replies are limited to 350 characters (this one has 351)"
    desk.queue(text)
    desk.send()
    assert desk.reply().state == "failed"
    assert [r for r in play.requests if "/reviews" in r.path] == []


def test_play_access_refused_fails_the_reply(desks, play, tmp_path):
    play.route(
        "POST", re.compile(PLAY_REVIEW.pattern + ":reply"), play_answer("error_403.json", 403)
    )
    desk = desks(play_block(play, tmp_path), play_review())
    key = desk.queue()
    desk.send()
    assert_failed(desk, key, "HTTP 403")
    assert len(play_posts(play)) == 1


def test_play_quota_is_retried_after_retry_after(desks, play, tmp_path):
    now = datetime.now(UTC).replace(microsecond=0)  # Play's wait is counted from the real clock
    play.route(
        "POST",
        re.compile(PLAY_REVIEW.pattern + ":reply"),
        [play_answer("error_429.json", 429, **{"Retry-After": "600"}), play_answer("reply.json")],
    )
    desk = desks(play_block(play, tmp_path), play_review(), now=now)
    key = desk.queue()
    desk.send()
    row = desk.outbox(key)
    assert timedelta(minutes=10) <= row.next_attempt_at - now < timedelta(minutes=11)
    assert desk.reply().state == "queued"
    desk.now = row.next_attempt_at
    desk.send()
    assert len(play_posts(play)) == 2
    assert_sent(desk, key, PLAY_KEVIN)


def test_play_after_a_crash_the_developer_reply_is_found_and_not_posted_again(
    desks, play, tmp_path
):
    review = json.loads((PLAY / "reviews_page1.json").read_text())["reviews"][0]
    review["comments"].append(
        {"developerComment": {"text": TEXT, "lastModified": {"seconds": "1795348805", "nanos": 0}}}
    )
    play.route("GET", PLAY_REVIEW, Answer.json(review))
    desk = desks(play_block(play, tmp_path), play_review())
    key = desk.queue()
    desk.crashed_mid_send(key)
    desk.send()
    assert play_posts(play) == []
    assert_sent(desk, key, PLAY_KEVIN)


# --- App Store Connect (httpx, loopback) ----------------------------------------------------------


@pytest.fixture
def apple() -> Iterator[tuple[FakeConnect, str]]:
    pem, public = new_key()
    fake = FakeConnect(public)
    yield fake, pem
    fake.close()
    assert fake.server.errors == []


def apple_block(fake: FakeConnect, pem: str) -> dict[str, Any]:
    return {
        "name": "appstore-acme",
        "type": "appstore",
        "app_id": "123456789",
        "connect": connect_block(fake.url, pem),
        "reply": {"enabled": True},
    }


def apple_review() -> Mention:
    item = asc_payload("reviews_page1.json")["data"][0]
    return Mention(
        "appstore",
        ASC_KEVIN,
        item["attributes"]["body"],
        NOW - timedelta(hours=1),
        connector="appstore-acme",
        author="kevin_r",
        rating=1,
        lang="en",
        raw=item,
    )


def test_app_store_response_is_posted_once(desks, apple):
    fake, pem = apple
    desk = desks(apple_block(fake, pem), apple_review())
    key = desk.queue()
    desk.send()
    desk.send()
    assert fake.posts == 1
    assert_sent(desk, key, fake.responses[ASC_KEVIN]["data"]["id"])


def test_app_store_duplicate_and_auth_failure_fail_the_reply(desks, apple):
    fake, pem = apple
    fake.next_post.append(Answer.json(asc_payload("error_409.json"), 409))
    desk = desks(apple_block(fake, pem), apple_review())
    key = desk.queue()
    desk.send()
    assert_failed(desk, key, "^duplicate: this review already has a response")
    fake.public_key = new_key()[1]  # the key was revoked in App Store Connect
    other = replies.queue(desk.app.factory, 1, agent=AGENT, text="Hi", template=None, now=NOW)
    assert other is not None
    desk.send()
    assert re.search("HTTP 401", desk.reply().error or "")


def test_app_store_after_a_crash_the_response_is_found_and_not_posted_again(desks, apple):
    fake, pem = apple
    desk = desks(apple_block(fake, pem), apple_review())
    key = desk.queue()
    desk.send()  # posted...
    response_id = fake.responses[ASC_KEVIN]["data"]["id"]
    with desk.app.factory() as session, session.begin():  # ...but the sender died before noting it
        row = session.scalars(select(Reply).where(Reply.idempotency_key == key)).one()
        row.state, row.external_id, row.sent_at = "sending", None, None
        outbox = session.scalars(select(OutboxRow).where(OutboxRow.key == key)).one()
        outbox.state = "pending"
    desk.send()
    assert fake.posts == 1
    assert desk.reply().external_id == response_id


def seed_response(fake: FakeConnect, review: str, text: str, modified: str) -> str:
    """A developer response App Store Connect already holds for `review`; its id."""
    existing = asc_payload("response_created.json")
    existing["data"]["id"] = "0b1e2f3a-0000-4000-8000-000000000001"
    existing["data"]["attributes"].update(
        responseBody=text, lastModifiedDate=modified, state="PUBLISHED"
    )
    existing["data"]["relationships"]["review"]["data"]["id"] = review
    fake.responses[review] = existing
    return existing["data"]["id"]


def test_app_store_after_a_crash_an_older_response_is_replaced_by_exactly_one_post(desks, apple):
    # A POST replaces the review's response: an older one with another text is not ours.
    fake, pem = apple
    old = seed_response(fake, ASC_KEVIN, "Thanks for the feedback!", "2026-11-20T09:00:00-08:00")
    desk = desks(apple_block(fake, pem), apple_review())
    key = desk.queue()
    desk.crashed_mid_send(key)
    desk.send()
    assert fake.posts == 1
    looked = [r for r in fake.requests if r.path == f"/v1/customerReviews/{ASC_KEVIN}/response"]
    assert len(looked) == 1  # looked first, found only the old response, then posted
    new = fake.responses[ASC_KEVIN]["data"]
    assert new["attributes"]["responseBody"] == TEXT and new["id"] != old
    assert_sent(desk, key, new["id"])


def test_app_store_after_a_crash_our_own_text_already_there_is_not_posted_again(desks, apple):
    fake, pem = apple
    # Our text, dated before the attempt (Apple's clock, or an update that kept the date).
    ours = seed_response(fake, ASC_KEVIN, TEXT + "\n", "2026-11-22T03:30:00-08:00")
    desk = desks(apple_block(fake, pem), apple_review())
    key = desk.queue()
    desk.crashed_mid_send(key)
    desk.send()
    assert fake.posts == 0
    assert_sent(desk, key, ours)


# --- A platform that cannot be asked -------------------------------------------------------------


class BlindSettings(ConnectorSettings):
    reply: ReplySettings = ReplySettings()


class BlindConnector:
    """Posts replies but cannot look them up afterwards."""

    Settings = BlindSettings
    posted: ClassVar[list[str]] = []

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    @classmethod
    def from_settings(cls, settings: Any) -> BlindConnector:
        return cls(settings)

    def fetch(self, cursor: str | None) -> Batch:
        return Batch([], cursor)

    def reply(self, mention: Mention, text: str) -> str:
        BlindConnector.posted.append(text)
        return "blind-1"


def test_a_platform_that_cannot_be_checked_gets_unknown_instead_of_a_second_post(
    desks, monkeypatch
):
    monkeypatch.setitem(registry._REGISTRY, "blind", f"{__name__}:BlindConnector")
    BlindConnector.posted = []
    block = {"name": "x-acme", "type": "blind", "reply": {"enabled": True}}
    desk = desks(block, x_post())
    key = desk.queue()
    desk.crashed_mid_send(key)
    desk.send()
    assert BlindConnector.posted == []
    reply = desk.reply()
    assert reply.state == "unknown"
    assert "cannot check x" in (reply.error or "") and "yourself" in (reply.error or "")
    assert desk.case().status != "replied"


def test_replies_turned_off_after_queuing_are_not_sent(desks, monkeypatch):
    monkeypatch.setitem(registry._REGISTRY, "blind", f"{__name__}:BlindConnector")
    BlindConnector.posted = []
    desk = desks({"name": "x-acme", "type": "blind", "reply": {"enabled": False}}, x_post())
    key = desk.queue()
    desk.send()
    assert BlindConnector.posted == []
    assert_failed(desk, key, "replies are off for x-acme")


# --- A sender killed mid-send ---------------------------------------------------------------------


def _repmon_run(config: Path, pem: str, log: Path) -> subprocess.Popen[bytes]:
    """`repmon run --once` in its own process, as cron runs it."""
    env = {**os.environ, "APPSTORE_CONNECT_KEY": pem}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "monitor", "run", "--once", "--config", str(config)],
            cwd=config.parent,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )


def test_a_sender_killed_after_the_platform_got_the_reply_never_posts_it_twice(
    db_url, tmp_path, apple
):
    fake, pem = apple
    fake.hold.clear()  # App Store Connect takes the POST in, then does not answer
    now = datetime.now(UTC).replace(microsecond=0)  # the sender runs on the real clock
    block = apple_block(fake, pem)
    app = open_app(db_url, tmp_path, now=now, connectors=[block])
    app.pipeline.ingest([apple_review()])
    queued = replies.queue(app.factory, 1, agent=AGENT, text=TEXT, template="billing.en", now=now)
    assert queued is not None
    config = tmp_path / "config.yaml"
    settings = {**block, "connect": {**block["connect"], "private_key": "${APPSTORE_CONNECT_KEY}"}}
    config.write_text(
        json.dumps(
            {
                "database": {"url": db_url},
                "brands": [{"name": "Acme", "keywords": ["acme"]}],
                "connectors": [settings],
            }
        ),
        encoding="utf-8",
    )
    log = tmp_path / "sender.log"

    sender = _repmon_run(config, pem, log)
    try:
        while not fake.received.wait(0.2):
            assert sender.poll() is None, log.read_text()
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=30)
        fake.hold.set()
    assert sender.returncode == -signal.SIGKILL
    assert fake.posts == 1
    with app.factory() as session:
        reply = session.scalars(select(Reply)).one()
        assert (reply.state, reply.external_id) == ("sending", None)

    rerun = _repmon_run(config, pem, log)
    assert rerun.wait(timeout=120) == 0, log.read_text()
    assert fake.posts == 1  # not posted again
    looked = [r for r in fake.requests if r.path == f"/v1/customerReviews/{ASC_KEVIN}/response"]
    assert len(looked) == 1
    with app.factory() as session:
        reply = session.scalars(select(Reply)).one()
        assert (reply.state, reply.external_id) == (
            "sent",
            fake.responses[ASC_KEVIN]["data"]["id"],
        )
        assert session.scalars(select(Case.status)).one() == "replied"
        row = session.scalars(select(OutboxRow).where(OutboxRow.key == queued.key)).one()
        assert row.state == "sent"
    app.close()
