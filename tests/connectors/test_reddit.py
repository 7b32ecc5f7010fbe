"""`type: reddit`: real praw over recorded HTTP (vcrpy), a loopback fake, settings."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import praw
import prawcore.sessions
import pytest
import time_machine
import vcr
from praw.models import Redditor, Submission
from pydantic import ValidationError
from sqlalchemy import select

from connectors import (
    FatalConnectorError,
    Mention,
    ReplyRejected,
    RetriableConnectorError,
    registry,
)
from connectors.records import storable
from connectors.reddit import MAX_REPLY_CHARS, RedditConnector, RedditSettings
from connectors.reddit_payload import Cursor, decode, to_mention
from db.models import MentionRow
from tests.connectors.harness_reddit import FakeReddit, submission
from tests.support import open_app

CASSETTES = Path(__file__).parents[1] / "cassettes" / "reddit"
NOW = datetime(2024, 11, 21, 16, 0, tzinfo=UTC)
"""The cassettes' "now": their newest items are minutes older."""
SECRET, PASSWORD = "test-client-secret", "hunter2-not-real"
BASE = {
    "name": "reddit-acme",
    "type": "reddit",
    "query": "acme",
    "client_id": "test-client-id",
    "client_secret": SECRET,
    "user_agent": "test:repmon:0.1 (by /u/AcmeSupport)",
}
ACCOUNT: dict[str, Any] = {"username": "AcmeSupport", "password": PASSWORD}


# --- Fixtures ----------------------------------------------------------------------------------


class Recorder:
    """vcrpy in playback only; remembers what praw sent, after filtering, for assertions."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, bytes | None]] = []
        self._vcr = vcr.VCR(
            cassette_library_dir=str(CASSETTES),
            record_mode="none",
            filter_headers=["authorization", "cookie"],
            before_record_request=self._scrub,
            match_on=["method", "scheme", "host", "port", "path", "query"],
        )

    def _scrub(self, request: Any) -> Any:
        if request.path.endswith("/api/v1/access_token"):
            request.body = b"FILTERED"  # grant type, username and password
        entry = (request.method, request.uri, request.body)
        if entry not in self.sent:  # vcrpy filters each request more than once
            self.sent.append(entry)
        return request

    def use(self, name: str, *, repeats: bool = False) -> Any:
        return self._vcr.use_cassette(f"{name}.yaml", allow_playback_repeats=repeats)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def no_prawcore_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """prawcore retries 5xx and connection errors itself, sleeping up to 4 s between tries."""
    monkeypatch.setattr(prawcore.sessions.FiniteRetryStrategy, "_sleep_seconds", lambda _: None)


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """`type: reddit` in the registry for this test only (until the lead adds it for good)."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.register("reddit", "connectors.reddit:RedditConnector")


def connector(*, sleeps: list[float] | None = None, **overrides: Any) -> RedditConnector:
    settings = RedditSettings.model_validate({**BASE, **overrides})
    return RedditConnector.from_settings(
        settings, sleep=sleeps.append if sleeps is not None else None
    )


def by_id(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.external_id: m for m in mentions}


# --- Search --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_search_first_fetch_maps_submissions_within_the_lookback(recorder: Recorder) -> None:
    with recorder.use("search") as cassette:
        batch = connector().fetch(None)
    assert [m.external_id for m in batch.mentions] == ["t3_1gwc8k1", "t3_1gwb3k2", "t3_1gw9zq7"]
    assert cassette.play_count == 2  # token + one page: the 4th item is older than 7 days
    assert "t=week" in recorder.sent[1][1]
    assert "sort=new" in recorder.sent[1][1]
    assert batch.skipped == 0
    assert batch.more is False
    first, link_post, flaired = batch.mentions
    assert first.source == "reddit"
    assert first.connector == "reddit-acme"
    assert first.url == (
        "https://www.reddit.com/r/CustomerService/comments/1gwc8k1/acme_refund_still_not_processed/"
    )
    assert first.title == "Acme refund still not processed after 3 weeks"
    assert first.text == (
        "Acme refund still not processed after 3 weeks\n\n"
        "Ordered on Nov 1st, cancelled the same day. Support keeps saying 5-7 business days."
    )
    assert first.author == "throwaway_4821"
    assert first.created_at == datetime(2024, 11, 21, 15, 30, tzinfo=UTC)
    assert first.lang is None
    assert first.author_followers is None  # karma would cost one request per author
    assert first.in_reply_to is None
    assert first.metrics == {
        "score": 14,
        "num_comments": 9,
        "upvote_ratio": 0.94,
        "subreddit": "CustomerService",
    }
    assert first.raw is not None
    assert first.raw["name"] == "t3_1gwc8k1"
    assert first.raw["author_fullname"].startswith("t2_")
    json.dumps(first.raw)  # plain data, never the praw object
    assert link_post.author is None  # "[deleted]"
    assert link_post.text == "Is Acme's new plan worth it?"
    assert flaired.raw is not None
    assert flaired.raw["author_flair_text"] == "Verified customer"
    assert json.loads(batch.cursor or "") == {"t": 1732203000.0, "seen": ["t3_1gwc8k1"]}


@pytest.mark.usefixtures("frozen")
def test_a_new_client_resuming_from_the_cursor_gets_nothing_new(recorder: Recorder) -> None:
    with recorder.use("search") as cassette:
        first = connector().fetch(None)
        again = connector().fetch(first.cursor)
    assert again.mentions == []
    assert again.skipped == 0
    assert again.cursor == first.cursor
    assert cassette.all_played


@pytest.mark.usefixtures("frozen")
def test_a_post_indexed_late_in_an_already_seen_second_is_still_read(recorder: Recorder) -> None:
    conn = connector()
    with recorder.use("search_same_second") as cassette:
        first = conn.fetch(None)
        second = conn.fetch(first.cursor)
        third = conn.fetch(second.cursor)
    assert [m.external_id for m in first.mentions] == ["t3_1gx0001", "t3_1gx0002"]
    assert json.loads(first.cursor or "") == {"t": 1732203000.0, "seen": ["t3_1gx0001"]}
    assert [m.external_id for m in second.mentions] == ["t3_1gx0003"]
    assert json.loads(second.cursor or "")["seen"] == ["t3_1gx0001", "t3_1gx0003"]
    assert third.mentions == []
    assert cassette.all_played


# --- Subreddit and inbox modes -----------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_subreddit_mode_reads_posts_and_comments_and_keeps_keyword_matches(
    recorder: Recorder,
) -> None:
    conn = connector(
        mode="subreddit", subreddits=["acme", "acmehelp"], query=None, keywords=["acme"]
    )
    with recorder.use("subreddit_keywords") as cassette:
        batch = conn.fetch(None)
    assert cassette.all_played
    got = by_id(batch.mentions)
    assert sorted(got) == ["t1_lxq5c3d", "t3_1gwd111"]  # off-topic post and "lol same" dropped
    comment = got["t1_lxq5c3d"]
    assert comment.text == "Same here, ÁCME support never answered my ticket."
    assert comment.title is None
    assert comment.in_reply_to == "t3_1gwd111"
    assert comment.url == "https://www.reddit.com/r/acme/comments/1gwd111/acme_app/lxq5c3d/"
    assert comment.metrics == {"score": 5, "num_comments": 12, "subreddit": "acme"}
    assert comment.raw is not None
    assert comment.raw["link_id"] == "t3_1gwd111"
    # The cursor covers everything read, matching or not, so nothing is examined twice.
    assert json.loads(batch.cursor or "") == {"t": 1732203600.0, "seen": ["t1_lxq5c3d"]}


@pytest.mark.usefixtures("frozen")
def test_inbox_mode_reads_username_mentions(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    conn = connector(mode="inbox", query=None, **ACCOUNT)
    with recorder.use("inbox_mentions") as cassette:
        batch = conn.fetch(None)
    assert cassette.all_played
    (mention,) = batch.mentions
    assert mention.external_id == "t1_lxq9z3k"
    assert mention.author == "frustrated_buyer"
    assert mention.in_reply_to == "t3_1gwc8k1"
    assert mention.url == (  # inbox items carry `context`, not `permalink`
        "https://www.reddit.com/r/CustomerService/comments/1gwc8k1/acme_refund_still_not/lxq9z3k/"
    )
    assert mention.raw is not None
    assert "context" in mention.raw
    assert SECRET not in caplog.text
    assert PASSWORD not in caplog.text


# --- Answers to our replies (GET /message/comments) -------------------------------------------

REPLYING: dict[str, Any] = {**ACCOUNT, "reply": {"enabled": True}}
SUBS: dict[str, Any] = {"mode": "subreddit", "subreddits": ["acme"], "query": None}


def played(cassette: Any) -> dict[str, int]:
    """How often each recorded path was answered (the recorder also sees unplayed requests)."""
    counts: dict[str, int] = {}
    for index, count in cassette.play_counts.items():
        path = cassette.requests[index].path
        counts[path] = counts.get(path, 0) + count
    return counts


@pytest.mark.usefixtures("frozen")
def test_answers_to_our_comments_are_read_and_kept_without_keywords(recorder: Recorder) -> None:
    """The author answering our comment is what the outcome loop judges: it must get through."""
    conn = connector(keywords=["acme"], **SUBS, **REPLYING)
    with recorder.use("comment_replies") as cassette:
        batch = conn.fetch(None)
    assert cassette.all_played
    assert played(cassette)["/message/comments/"] == 1
    got = by_id(batch.mentions)
    # "lol same" still fails the keywords; the answers pass, even the one /comments read first.
    assert sorted(got) == ["t1_lxr0003", "t1_lxr0005", "t3_1gwe001"]
    answer = got["t1_lxr0005"]
    assert answer.author == "frustrated_buyer"
    assert answer.text == "Got it, the refund arrived this morning. Thank you for sorting it out!"
    assert answer.in_reply_to == "t1_lxqa1b2"  # our reply (see reply.yaml)
    assert answer.url == (
        "https://www.reddit.com/r/CustomerService/comments/1gwc8k1/acme_refund_still_not/lxr0005/"
    )
    assert answer.created_at == datetime(2024, 11, 21, 15, 55, tzinfo=UTC)
    assert got["t1_lxr0003"].in_reply_to == "t1_lxr0002"
    assert batch.skipped == 0
    assert json.loads(batch.cursor or "") == {"t": 1732204500.0, "seen": ["t1_lxr0005"]}


@pytest.mark.parametrize(
    "overrides",
    [ACCOUNT, {"reply": {"enabled": True}}],
    ids=["replies-disabled", "no-account"],
)
@pytest.mark.usefixtures("frozen")
def test_answers_are_not_read_when_the_connector_cannot_reply(
    recorder: Recorder, overrides: dict[str, Any]
) -> None:
    conn = connector(keywords=["acme"], **SUBS, **overrides)
    with recorder.use("comment_replies") as cassette:
        batch = conn.fetch(None)
    assert cassette.play_count == 3
    assert played(cassette) == {"/api/v1/access_token": 1, "/r/acme/new": 1, "/r/acme/comments/": 1}
    # Without the replies listing, the keyword filter applies to t1_lxr0003 like to any comment.
    assert [m.external_id for m in batch.mentions] == ["t3_1gwe001"]


@pytest.mark.usefixtures("frozen")
def test_a_resumed_fetch_does_not_return_the_answers_again(recorder: Recorder) -> None:
    conn = connector(keywords=["acme"], **SUBS, **REPLYING)
    with recorder.use("comment_replies", repeats=True) as cassette:
        first = conn.fetch(None)
        again = conn.fetch(first.cursor)
    assert len(first.mentions) == 3
    assert (again.mentions, again.skipped, again.cursor) == ([], 0, first.cursor)
    assert cassette.play_count == 7  # token, then the three listings twice


@pytest.mark.usefixtures("frozen")
def test_inbox_mode_reads_mentions_then_the_answer_to_our_comment(recorder: Recorder) -> None:
    conn = connector(mode="inbox", query=None, **REPLYING)
    with recorder.use("inbox_then_reply") as cassette:
        first = conn.fetch(None)
        second = conn.fetch(first.cursor)
    assert cassette.play_count == 5  # one token: the same client for both runs
    assert played(cassette) == {
        "/api/v1/access_token": 1,
        "/message/mentions": 2,
        "/message/comments/": 2,
    }
    assert [m.external_id for m in first.mentions] == ["t1_lxq9z3k"]
    assert [m.external_id for m in second.mentions] == ["t1_lxr0005"]
    assert json.loads(second.cursor or "") == {"t": 1732204500.0, "seen": ["t1_lxr0005"]}


# --- Errors ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("frozen")
def test_429_is_retriable_with_the_reset_time_and_is_not_slept_through(
    recorder: Recorder, sleeps: list[float]
) -> None:
    with recorder.use("rate_limited") as cassette, pytest.raises(RetriableConnectorError) as info:
        connector(sleeps=sleeps).fetch(None)
    assert info.value.reset_at == NOW + timedelta(seconds=120)
    assert cassette.play_count == 2
    assert sleeps == []  # two minutes is longer than a run waits: the scheduler comes back


@pytest.mark.usefixtures("frozen")
def test_401_from_the_token_endpoint_is_fatal(recorder: Recorder) -> None:
    with recorder.use("token_unauthorized"), pytest.raises(FatalConnectorError) as info:
        connector().fetch(None)
    assert "401" in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.usefixtures("frozen")
def test_unknown_subreddit_redirect_is_fatal(recorder: Recorder) -> None:
    conn = connector(mode="subreddit", subreddits=["acmee"], keywords=["acme"])
    with recorder.use("subreddit_redirect"), pytest.raises(FatalConnectorError) as info:
        conn.fetch(None)
    assert "subreddit not found" in str(info.value)


@pytest.mark.usefixtures("frozen", "no_prawcore_sleep")
def test_one_503_is_retried_and_the_listing_read(recorder: Recorder) -> None:
    with recorder.use("server_error_then_ok") as cassette:
        batch = connector().fetch(None)
    assert [m.external_id for m in batch.mentions] == ["t3_1gx1001"]
    assert cassette.all_played


@pytest.mark.usefixtures("frozen", "no_prawcore_sleep")
def test_persistent_503_is_retriable_after_bounded_retries(
    recorder: Recorder, sleeps: list[float]
) -> None:
    with (
        recorder.use("server_error", repeats=True) as cassette,
        pytest.raises(RetriableConnectorError, match="HTTP 503"),
    ):
        connector(sleeps=sleeps).fetch(None)
    assert cassette.play_count == 1 + 3 * 3  # token, then 3 prawcore tries x 3 of ours
    assert len(sleeps) == 2


@pytest.mark.usefixtures("frozen")
def test_truncated_json_is_retriable(recorder: Recorder, sleeps: list[float]) -> None:
    with (
        recorder.use("truncated_json", repeats=True) as cassette,
        pytest.raises(RetriableConnectorError, match="JSON"),
    ):
        connector(sleeps=sleeps).fetch(None)
    assert cassette.play_count == 1 + 3
    assert len(sleeps) == 2


@pytest.mark.usefixtures("frozen")
def test_malformed_entries_are_skipped_logged_and_counted(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    with recorder.use("malformed_items"):
        batch = connector().fetch(None)
    assert [m.external_id for m in batch.mentions] == ["t3_1gx2001", "t3_1gx2004"]
    assert batch.skipped == 2
    assert "t3_1gx2002" in caplog.text
    assert "created_utc" in caplog.text
    # Remembered in the cursor: skipped once, not again on every run while still listed.
    assert json.loads(batch.cursor or "")["skipped"] == ["t3_1gx2002", "t3_1gx2003"]


@pytest.mark.usefixtures("frozen")
def test_an_entry_without_id_is_skipped_alone_and_the_rest_of_the_page_kept(
    recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    """praw cannot build a post without `id`; the connector builds each child on its own."""
    with recorder.use("missing_id"):
        batch = connector().fetch(None)
    assert [m.external_id for m in batch.mentions] == ["t3_1gx3001"]
    assert batch.skipped == 1
    assert "t3_1gx3002 skipped: praw could not build it (ValueError" in caplog.text
    assert json.loads(batch.cursor or "")["skipped"] == ["t3_1gx3002"]


@pytest.mark.usefixtures("frozen")
def test_a_child_praw_cannot_build_is_skipped_once_and_the_good_ones_stored(
    recorder: Recorder, db_url: str, tmp_path: Path
) -> None:
    """One bad child among good ones costs only itself: not the page, not the connector."""
    conn = connector()
    with recorder.use("unbuildable_child", repeats=True) as cassette:
        batch = conn.fetch(None)
        again = conn.fetch(batch.cursor)  # the same page, resumed from the cursor
    assert cassette.play_count == 3  # token, the page, the page again
    good = ["t3_1gx5001", "t3_1gx5003", "t3_1gx5004"]
    assert sorted(m.external_id for m in batch.mentions) == good
    assert batch.skipped == 1
    assert (again.mentions, again.skipped) == ([], 0)  # counted once, not on every run
    app = open_app(db_url, tmp_path, brands=[{"name": "Acme", "keywords": ["acme"]}])
    try:
        assert app.pipeline.ingest([storable(m) for m in batch.mentions]).stored == 3
        with app.factory() as session:
            stored = session.scalars(select(MentionRow.external_id).order_by("external_id"))
            assert list(stored) == good
    finally:
        app.close()


# --- Replies -----------------------------------------------------------------------------------


def reddit_mention(external_id: str = "t1_lxq9z3k") -> Mention:
    return Mention("reddit", external_id, "u/AcmeSupport help", NOW, connector="reddit-acme")


@pytest.mark.usefixtures("frozen")
def test_reply_posts_a_comment_and_returns_its_fullname(recorder: Recorder) -> None:
    conn = connector(**ACCOUNT)
    with recorder.use("reply") as cassette:
        reply_id = conn.reply(reddit_mention(), "Hi! Sorry about this. Please DM us your order.")
    assert reply_id == "t1_lxqa1b2"
    assert cassette.all_played
    method, uri, body = recorder.sent[-1]
    assert (method, uri.split("?")[0]) == ("POST", "https://oauth.reddit.com/api/comment/")
    assert body is not None
    assert b"thing_id=t1_lxq9z3k" in body
    assert b"text=Hi%21+Sorry" in body


def test_a_reply_over_reddits_limit_is_rejected_before_any_request(recorder: Recorder) -> None:
    conn = connector(**ACCOUNT)
    with recorder.use("no_requests") as cassette, pytest.raises(ReplyRejected, match="10000"):
        conn.reply(reddit_mention(), "x" * (MAX_REPLY_CHARS + 1))
    assert cassette.play_count == 0
    assert recorder.sent == []


def test_replying_needs_the_account(recorder: Recorder) -> None:
    with recorder.use("no_requests"), pytest.raises(FatalConnectorError, match="username"):
        connector().reply(reddit_mention(), "hello")
    assert recorder.sent == []


@pytest.mark.usefixtures("frozen")
def test_reply_to_a_locked_thread_is_rejected(recorder: Recorder) -> None:
    with recorder.use("reply_locked"), pytest.raises(ReplyRejected, match="THREAD_LOCKED"):
        connector(**ACCOUNT).reply(reddit_mention("t3_1gwc8k1"), "hello")


@pytest.mark.usefixtures("frozen")
def test_reply_rate_limit_is_retriable_with_reddits_wait(recorder: Recorder) -> None:
    with recorder.use("reply_ratelimit"), pytest.raises(RetriableConnectorError) as info:
        connector(**ACCOUNT).reply(reddit_mention(), "hello")
    assert info.value.reset_at == NOW + timedelta(minutes=9)


@pytest.mark.parametrize("external_id", ["lxq9z3k", "t5_2qh1i", "t1_"])
def test_reply_to_something_that_is_not_a_post_or_comment_is_rejected(external_id: str) -> None:
    with pytest.raises(ReplyRejected):
        connector(**ACCOUNT).reply(reddit_mention(external_id), "hello")


# --- Settings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"query": None}, "`query` is required"),
        ({"mode": "subreddit", "keywords": []}, "`keywords`"),
        ({"mode": "subreddit", "keywords": ["*", " "]}, "`keywords`"),
        ({"mode": "inbox"}, "`username` and `password` are required"),
        ({"username": "AcmeSupport"}, "both `username` and `password`"),
        ({"subreddits": ["r/acme"]}, "not a subreddit name"),
        ({"subreddits": []}, "at least 1"),
        ({"limit": 1001}, "less than or equal to 1000"),
        ({"user_agent": "bot"}, "at least 7"),
        ({"oauth_url": "http://proxy.example.com"}, "https"),
        ({"mode": "mentions"}, "mode"),
        ({"bearer_token": "x"}, "Extra inputs"),
    ],
)
def test_invalid_settings_name_the_key(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RedditSettings.model_validate({**BASE, **overrides})


def test_a_disabled_block_may_leave_its_credentials_unset() -> None:
    """`${REDDIT_USERNAME}` in a disabled block expands to "" (DESIGN 3.2)."""
    settings = RedditSettings.model_validate(
        {**BASE, "enabled": False, "mode": "inbox", "username": "", "password": ""}
    )
    assert settings.username is None


def test_settings_defaults_and_masked_secrets() -> None:
    settings = RedditSettings.model_validate({**BASE, **ACCOUNT})
    assert (settings.mode, settings.subreddits, settings.limit) == ("search", ["all"], 100)
    assert settings.timeout == 16
    assert settings.lookback == timedelta(days=7)
    assert SECRET not in repr(settings)
    assert PASSWORD not in repr(settings)


def test_from_settings_builds_one_praw_client_read_only_without_an_account() -> None:
    read_only = connector(timeout=2.5)
    assert read_only._reddit.read_only is True
    assert read_only._reddit.config.check_for_async is False
    assert read_only._reddit.config.timeout == 3
    assert connector(**ACCOUNT)._reddit.read_only is False


def test_build_connector_knows_the_type(registered: None) -> None:
    conn = registry.build_connector(dict(BASE))
    assert isinstance(conn, RedditConnector)


# --- Payload ------------------------------------------------------------------------------------


def test_karma_is_used_only_when_the_listing_already_has_it() -> None:
    with FakeReddit() as fake:
        reddit = praw.Reddit(
            client_id="x",
            client_secret="y",
            user_agent="test:karma:1",
            check_for_async=False,
            check_for_updates=False,
            oauth_url=fake.url,
            reddit_url=fake.url,
        )
        data = {"id": "abc1", "title": "acme", "created_utc": 1_732_200_000, "author": "someone"}
        post = Submission(reddit, _data=dict(data))
        plain = to_mention(decode(post, now=NOW), connector="c")
        vars(post)["author"] = Redditor(
            reddit, _data={"name": "someone", "link_karma": 120, "comment_karma": 30}
        )
        known = to_mention(decode(post, now=NOW), connector="c")
        assert fake.requests == []  # no lazy fetch of the missing fields or the author
    assert (plain.author_followers, known.author_followers) == (None, 150)
    assert plain.metrics == {}
    assert plain.url is None


@pytest.mark.parametrize(
    "cursor",
    ["not json", "[]", '{"seen": []}', '{"t": "x"}', '{"t": 1e300}', '{"t": 1, "seen": [1]}'],
)
def test_an_unusable_cursor_is_refused(cursor: str) -> None:
    with pytest.raises((ValueError, KeyError)):
        Cursor.parse(cursor)


# --- Against the fake server: paging, stopping at the cursor, time filters ----------------------


@pytest.fixture
def fake() -> Iterator[FakeReddit]:
    with FakeReddit() as server:
        yield server


def fake_connector(fake: FakeReddit, **overrides: Any) -> RedditConnector:
    fake.listing("fake-client")
    return connector(client_id="fake-client", oauth_url=fake.url, reddit_url=fake.url, **overrides)


def add_posts(fake: FakeReddit, count: int, *, start: int = 0) -> None:
    base = datetime.now(UTC).timestamp() - 86400
    for i in range(start, start + count):
        fake.listing("fake-client").append(submission(f"p{i:04d}", f"acme {i}", base + i))


def listing_requests(fake: FakeReddit) -> list[dict[str, list[str]]]:
    return [query for method, _, query in fake.requests if method == "GET"]


def test_limit_over_100_pages_with_after(fake: FakeReddit) -> None:
    add_posts(fake, 260)
    batch = fake_connector(fake, limit=250).fetch(None)
    assert len(batch.mentions) == 250
    assert batch.mentions[0].external_id == "t3_p0259"
    pages = listing_requests(fake)
    assert [q.get("after") for q in pages] == [None, ["t3_p0160"], ["t3_p0060"]]


def test_a_resumed_fetch_stops_at_the_cursor_without_reading_further_pages(
    fake: FakeReddit,
) -> None:
    add_posts(fake, 150)
    conn = fake_connector(fake, limit=1000)
    first = conn.fetch(None)
    fake.requests.clear()
    add_posts(fake, 2, start=150)
    second = conn.fetch(first.cursor)
    assert [m.external_id for m in second.mentions] == ["t3_p0151", "t3_p0150"]
    assert len(listing_requests(fake)) == 1


def test_more_new_items_than_the_limit_are_reported(
    fake: FakeReddit, caplog: pytest.LogCaptureFixture
) -> None:
    add_posts(fake, 1)
    conn = fake_connector(fake, limit=5)
    first = conn.fetch(None)
    add_posts(fake, 8, start=1)
    second = conn.fetch(first.cursor)
    assert len(second.mentions) == 5
    assert "read limit 5 reached before the cursor" in caplog.text


def test_an_unusable_cursor_falls_back_to_the_lookback(
    fake: FakeReddit, caplog: pytest.LogCaptureFixture
) -> None:
    add_posts(fake, 3)
    batch = fake_connector(fake).fetch('{"offset": 12}')
    assert len(batch.mentions) == 3
    assert "unusable cursor" in caplog.text


@pytest.mark.parametrize(
    ("lookback", "time_filter"),
    [
        ("30m", "hour"),
        ("1d", "day"),
        ("3d", "week"),
        ("30d", "month"),
        ("90d", "year"),
        ("800d", "all"),
    ],
)
def test_lookback_maps_to_the_search_time_filter(
    fake: FakeReddit, lookback: str, time_filter: str
) -> None:
    fake_connector(fake, lookback=lookback).fetch(None)
    assert listing_requests(fake)[0]["t"] == [time_filter]


def test_a_cursor_older_than_the_lookback_widens_the_time_filter(fake: FakeReddit) -> None:
    old = (datetime.now(UTC) - timedelta(days=10)).timestamp()
    fake_connector(fake, lookback="1d").fetch(Cursor(old).dumps())
    assert listing_requests(fake)[0]["t"] == ["month"]


def test_an_item_dated_in_the_future_is_skipped_not_taken_as_the_cursor(fake: FakeReddit) -> None:
    add_posts(fake, 1)
    future = (datetime.now(UTC) + timedelta(days=30)).timestamp()
    fake.listing("fake-client").append(submission("zzz1", "acme from the future", future))
    batch = fake_connector(fake).fetch(None)
    assert [m.external_id for m in batch.mentions] == ["t3_p0000"]
    assert batch.skipped == 1


@pytest.mark.parametrize(
    ("mode", "extra"),
    [("search", {}), ("subreddit", {"keywords": ["acme"]}), ("inbox", {"query": None})],
)
def test_every_mode_also_reads_answers_once_when_replying(
    fake: FakeReddit, mode: str, extra: dict[str, Any]
) -> None:
    """The fake serves one list on every path, so each child is read twice: returned once."""
    add_posts(fake, 2)
    conn = fake_connector(fake, mode=mode, **extra, **REPLYING)
    first = conn.fetch(None)
    add_posts(fake, 1, start=2)
    second = conn.fetch(first.cursor)
    paths = [path for method, path, _ in fake.requests if method == "GET"]
    assert paths.count("/message/comments/") == 2
    assert [m.external_id for m in first.mentions] == ["t3_p0001", "t3_p0000"]
    assert [m.external_id for m in second.mentions] == ["t3_p0002"]
