"""`type: x`: a real tweepy client against recorded X API v2 answers and a fake X on loopback."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import time_machine
import vcr
import yaml
from pydantic import ValidationError
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from connectors import FatalConnectorError, Mention, ReplyRejected, RetriableConnectorError
from connectors import registry as connector_registry
from connectors.x import XConnector, XSettings
from connectors.x_payload import Cursor, normalise_lang, same_reply_text, weighted_length
from monitor.config import parse_config
from tests.connectors.harness_x import API, BRAND_ID, FakeX, XHarness, post_for, snowflake, user_for

NOW = datetime(2026, 11, 8, 12, 0, tzinfo=UTC)
QUERY = "(acme OR @acmehelp) -is:retweet"
NEWEST = "2119395045670482778"  # the newest post of the first-run cassette
SEVILLE = "2119397016991435892"

recorder = vcr.VCR(
    cassette_library_dir=str(Path(__file__).parent.parent / "cassettes" / "x"),
    record_mode="none",
    filter_headers=["authorization"],
    match_on=["method", "path", "query"],
)


@pytest.fixture(autouse=True)
def _x_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the registry lists `x` itself; harmless afterwards."""
    monkeypatch.setitem(connector_registry._REGISTRY, "x", "connectors.x:XConnector")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fake_x(tmp_path):
    harness = XHarness(tmp_path, query=QUERY, max_results=10, max_pages=2)
    yield harness
    harness.close()


def settings(**overrides: Any) -> XSettings:
    block = {
        "name": "x-acme",
        "type": "x",
        "query": QUERY,
        "bearer_token": "test-bearer-token",
        "brand_handle": "acmehelp",
        **overrides,
    }
    return XSettings.model_validate(block)


def connector(waits: list[float] | None = None, /, **overrides: Any) -> XConnector:
    """A connector with the real client of `from_settings`; retry waits recorded, not slept."""
    config = settings(**overrides)
    client = XConnector.from_settings(config).client
    return XConnector(config, client, sleep=waits.append if waits is not None else lambda _: None)


def with_replies(**overrides: Any) -> XConnector:
    keys = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
    return connector(None, **{key: f"test-{key}" for key in keys}, **overrides)


def mention(external_id: str = NEWEST, *, direct: bool = True) -> Mention:
    return Mention(
        source="x",
        connector="x-acme",
        external_id=external_id,
        text="@acmehelp my fibre has been down since 9am",
        created_at=NOW,
        metrics={"direct_mention": direct},
    )


class NoNetwork(HTTPAdapter):
    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        raise AssertionError(f"unexpected request to {request.url}")


class Failing(HTTPAdapter):
    """Every request fails like a dead network; records the timeout it was given."""

    def __init__(self, error: type[requests.RequestException]) -> None:
        super().__init__()
        self.error = error
        self.timeouts: list[Any] = []

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        self.timeouts.append(kwargs.get("timeout"))
        raise self.error("simulated")


def by_id(mentions: list[Mention]) -> dict[str, Mention]:
    return {m.external_id: m for m in mentions}


# --- Reading: recorded X API v2 answers ---------------------------------------------------------


def test_first_run_reads_the_capped_lookback_window_over_two_pages(frozen):
    # The cassette's start_time is now - 7 days + 5 minutes: the default 7d look-back, capped.
    with recorder.use_cassette("search_first_run_two_pages.yaml") as cassette:
        batch = connector().fetch(None)
    assert cassette.all_played
    assert cassette.play_count == 2
    assert [m.external_id for m in batch.mentions] == [
        "2119374552299029911",
        "2119383305811275327",
        "2119387453980838291",
        "2119392004798631686",
        NEWEST,
    ], "oldest first, from both pages"
    assert (batch.cursor, batch.skipped, batch.more) == (NEWEST, 0, False)

    got = by_id(batch.mentions)
    maria = got[NEWEST]
    assert maria.source == "x"
    assert maria.connector == "x-acme"
    assert maria.url == f"https://x.com/maria_lopez/status/{NEWEST}"
    assert maria.text.startswith("@acmehelp my fibre has been down since 9am & nobody")
    assert (maria.author, maria.author_name, maria.author_followers) == (
        "maria_lopez",
        "María López",
        1843,
    )
    assert maria.created_at == datetime(2026, 11, 8, 11, 42, 10, tzinfo=UTC)
    assert maria.created_at.tzinfo is UTC
    assert maria.lang == "en"
    assert maria.in_reply_to is None
    assert maria.metrics == {
        "like_count": 14,
        "retweet_count": 2,
        "reply_count": 1,
        "quote_count": 0,
        "impression_count": 2210,
        "direct_mention": True,
    }
    assert maria.raw is not None
    assert maria.raw["id"] == NEWEST
    assert maria.raw["edit_history_tweet_ids"] == [NEWEST]
    assert maria.raw["author"]["username"] == "maria_lopez"

    javier = got["2119392004798631686"]
    assert (javier.lang, javier.metrics["direct_mention"]) == ("es", False)
    assert "😡" in javier.text

    luc = got["2119387453980838291"]  # a reply to María that also tags the brand
    assert luc.in_reply_to == "2119380012456601600"
    assert (luc.lang, luc.metrics["direct_mention"]) == ("fr", True)

    k = got["2119383305811275327"]  # "und": X could not tell the language
    assert k.lang is None
    assert k.metrics["direct_mention"] is True, "handles compare case-insensitively"

    tom = got["2119374552299029911"]
    assert "impression_count" not in tom.metrics
    assert tom.metrics["direct_mention"] is False
    assert tom.author_followers == 120334


def test_resumed_run_with_nothing_new_keeps_the_cursor(frozen):
    with recorder.use_cassette("search_resume_nothing_new.yaml") as cassette:
        batch = connector().fetch(NEWEST)
    assert cassette.play_count == 1
    assert (batch.mentions, batch.cursor, batch.skipped, batch.more) == ([], NEWEST, 0, False)


def test_a_response_without_includes_leaves_the_author_unknown(frozen):
    with recorder.use_cassette("search_without_includes.yaml"):
        batch = connector().fetch(NEWEST)
    [only] = batch.mentions
    assert (only.author, only.author_name, only.author_followers) == (None, None, None)
    assert only.url == f"https://x.com/i/web/status/{SEVILLE}"
    assert only.text == "is acme down again? no internet in Seville >:("
    assert only.raw is not None
    assert "author" not in only.raw
    assert batch.cursor == SEVILLE


def test_partial_errors_keep_the_data_and_are_logged(frozen, caplog):
    caplog.set_level(logging.INFO, logger="connectors.x")
    with recorder.use_cassette("search_partial_errors.yaml"):
        batch = connector().fetch(NEWEST)
    got = by_id(batch.mentions)
    assert set(got) == {"2119399198029212802", "2119398325616561892"}
    assert got["2119399198029212802"].author is None  # its author is the missing user
    assert got["2119398325616561892"].author == "maria_lopez"
    assert batch.cursor == "2119399198029212802"
    assert "1 partial errors" in caplog.text
    assert "Could not find user" in caplog.text


def test_malformed_posts_are_skipped_and_counted_and_the_rest_kept(frozen, caplog):
    with recorder.use_cassette("search_malformed_posts.yaml"):
        batch = connector().fetch(NEWEST)
    assert [m.external_id for m in batch.mentions] == [SEVILLE, "2119399198029212802"]
    assert batch.skipped == 4
    # The newest post had no text: skipped, but consumed, so the cursor moves past it.
    assert batch.cursor == "2119399407745727290"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4
    assert any("text: missing" in w for w in warnings)
    assert any("created_at: not an ISO 8601 timestamp" in w for w in warnings)
    assert any("not a JSON object" in w for w in warnings)
    assert any("id: missing or not an X id" in w for w in warnings)


def test_mentions_mode_reads_the_brand_timeline_with_pagination_token(frozen):
    conn = connector(mode="mentions", query=None, brand_handle=None, user_id=BRAND_ID)
    with recorder.use_cassette("mentions_two_pages.yaml") as cassette:
        batch = conn.fetch(NEWEST)
    assert cassette.all_played
    assert [m.external_id for m in batch.mentions] == [
        "2119395595122176261",
        "2119396010359705099",
        "2119398791184746154",
    ]
    assert batch.cursor == "2119398791184746154"
    # Without brand_handle, the account id decides: a reply to it, or an @-mention of it.
    assert all(m.metrics["direct_mention"] for m in batch.mentions)
    assert by_id(batch.mentions)["2119398791184746154"].in_reply_to == "2119390000111222333"
    assert by_id(batch.mentions)["2119395595122176261"].lang == "es"


def test_rate_limit_is_retriable_with_the_reset_time_and_never_slept_on(frozen):
    waits: list[float] = []
    with (
        recorder.use_cassette("search_rate_limited.yaml") as cassette,
        pytest.raises(RetriableConnectorError) as info,
    ):
        connector(waits).fetch(NEWEST)
    assert info.value.reset_at == datetime(2026, 11, 8, 12, 15, tzinfo=UTC)
    assert cassette.play_count == 1
    assert waits == [], "a reset 15 minutes away is left to the scheduler"


def test_bad_credentials_are_fatal_and_not_retried(frozen):
    waits: list[float] = []
    with (
        recorder.use_cassette("search_unauthorized.yaml") as cassette,
        pytest.raises(FatalConnectorError, match="401") as info,
    ):
        connector(waits).fetch(None)
    assert cassette.play_count == 1
    assert waits == []
    assert "test-bearer-token" not in str(info.value)


def test_a_query_x_cannot_parse_is_fatal_and_says_why(frozen):
    with (
        recorder.use_cassette("search_bad_query.yaml"),
        pytest.raises(FatalConnectorError, match="Missing closing parenthesis"),
    ):
        connector(query="(acme OR @acmehelp").fetch(None)


def test_a_server_error_is_retried_within_the_run(frozen):
    waits: list[float] = []
    with recorder.use_cassette("search_server_error_then_ok.yaml") as cassette:
        batch = connector(waits).fetch(NEWEST)
    assert cassette.all_played
    assert len(waits) == 1
    assert [m.author for m in batch.mentions] == ["ana_sev"]


def test_a_truncated_body_is_a_transport_problem_retried_then_retriable(frozen):
    waits: list[float] = []
    with (
        recorder.use_cassette("search_truncated_body.yaml") as cassette,
        pytest.raises(RetriableConnectorError, match="truncated or invalid JSON"),
    ):
        connector(waits).fetch(NEWEST)
    assert cassette.play_count == 3
    assert len(waits) == 2


def test_a_since_id_older_than_the_window_falls_back_to_the_window(frozen, caplog):
    with recorder.use_cassette("search_stale_since_id.yaml") as cassette:
        batch = connector().fetch("2115715256940167249")
    assert cassette.all_played
    assert [m.external_id for m in batch.mentions] == [SEVILLE]
    assert batch.cursor == SEVILLE
    assert "older than X's 7-day window" in caplog.text


# --- Transport, settings and the client -----------------------------------------------------------


@pytest.mark.parametrize(
    "error", [requests.ConnectTimeout, requests.ReadTimeout, requests.ConnectionError]
)
def test_timeouts_and_connection_errors_are_retriable(error):
    waits: list[float] = []
    conn = connector(waits, timeout=4.5)
    adapter = Failing(error)
    conn.client.session.mount(API, adapter)
    with pytest.raises(RetriableConnectorError, match="cannot reach X"):
        conn.fetch(NEWEST)
    assert adapter.timeouts == [4.5, 4.5, 4.5], "three attempts, each with the configured timeout"
    assert len(waits) == 2


def test_from_settings_builds_a_client_that_never_sleeps_on_rate_limits():
    conn = XConnector.from_settings(settings())
    assert conn.client.wait_on_rate_limit is False
    assert conn.client.return_type is dict
    assert conn.client.session.timeout == 15
    assert conn.client.consumer_key is None, "no user context unless all four keys are set"
    conn.close()


def test_settings_validate_mode_specific_keys_and_bounds():
    with pytest.raises(ValidationError, match="`query` is required"):
        settings(query=None)
    with pytest.raises(ValidationError, match="`user_id`"):
        settings(mode="mentions")
    for bad in ({"max_results": 9}, {"max_results": 101}, {"max_pages": 0}, {"max_pages": 51}):
        with pytest.raises(ValidationError):
            settings(**bad)
    with pytest.raises(ValidationError, match="bearer_token"):
        settings(bearer_token=" ")
    with pytest.raises(ValidationError, match="Extra inputs"):
        settings(max_result=10)
    ok = settings(mode="mentions", user_id=1580000000000000001, brand_handle="@AcmeHelp")
    assert (ok.user_id, ok.brand_handle) == ("1580000000000000001", "AcmeHelp")
    assert settings(enabled=False, bearer_token="").enabled is False, "disabled blocks may be empty"
    assert "test-bearer-token" not in repr(ok)


EXAMPLE_BLOCK = """
connectors:
  - name: x-acme
    type: x
    enabled: false                               # set X_BEARER_TOKEN, then enable
    mode: search                                 # or mentions, with user_id: the account's id
    query: '(acme OR @acmehelp) -is:retweet'
    brand_handle: acmehelp                       # marks direct mentions (answerable via API)
    bearer_token: ${X_BEARER_TOKEN}
    consumer_key: ${X_API_KEY:-}                 # these four only for replies from Slack
    consumer_secret: ${X_API_SECRET:-}
    access_token: ${X_ACCESS_TOKEN:-}
    access_token_secret: ${X_ACCESS_SECRET:-}
    max_results: 100
    max_pages: 3                                 # bounds paid reads: at most 300 posts a run
    lookback: 1d
    schedule: {cron: "*/5 * * * *"}
"""


@pytest.mark.parametrize("env", [{}, {"X_BEARER_TOKEN": "t"}])
def test_the_config_yaml_example_block_validates(tmp_path, env):
    config = parse_config(yaml.safe_load(EXAMPLE_BLOCK), base_dir=tmp_path, env=env)
    [block] = config.connectors
    assert isinstance(block, XSettings)
    assert (block.mode, block.max_pages, block.enabled) == ("search", 3, False)
    assert block.user_context() is None


def test_an_unreadable_cursor_restarts_from_the_lookback_window(frozen, fake_x, caplog):
    fake_x.append(items_at(NOW - timedelta(minutes=5)))
    batch = fake_x.build().fetch("not a cursor")
    assert len(batch.mentions) == 1
    assert "start_time" in fake_x.server.requests[0]
    assert "unreadable cursor" in caplog.text


def test_cursor_round_trip():
    assert Cursor.parse(None, "x") == Cursor()
    assert Cursor.parse("123", "x") == Cursor(123)
    assert Cursor(5, (1, 4)).dump() == '{"newest": "5", "gap": ["1", "4"]}'
    assert Cursor.parse(Cursor(5, (1, 4)).dump(), "x") == Cursor(5, (1, 4))
    assert Cursor(7).dump() == "7"
    assert Cursor().dump() is None


# --- Reading: the fake X on loopback (a timeline that grows) --------------------------------------


def items_at(*moments: datetime, prefix: str = "acme post") -> list[Any]:
    class It:
        def __init__(self, number: int, moment: datetime) -> None:
            self.external_id = snowflake(moment, number)
            self.text = f"{prefix} {number}"
            self.created_at = moment
            self.author = f"user{number % 4}"

    return [It(n, m) for n, m in enumerate(moments)]


def test_max_pages_leaves_a_gap_that_the_next_run_reads_first(frozen, fake_x, caplog):
    posts = items_at(*(NOW - timedelta(hours=3) + timedelta(minutes=i) for i in range(25)))
    fake_x.append(posts)
    first = fake_x.build().fetch(None)
    # 2 pages of 10: the 20 newest. The 5 oldest are not lost: the cursor keeps the gap.
    assert [m.external_id for m in first.mentions] == [p.external_id for p in posts[5:]]
    assert first.more is False, "the rest waits for the next run: reads are billed"
    state = json.loads(first.cursor)
    assert state == {
        "newest": posts[-1].external_id,
        "gap": [state["gap"][0], posts[5].external_id],
    }
    assert "max_pages (2) reached" in caplog.text

    new = items_at(NOW - timedelta(minutes=1), prefix="fresh")
    fake_x.append(new)
    second = fake_x.build().fetch(first.cursor)
    assert [m.external_id for m in second.mentions] == [
        *(p.external_id for p in posts[:5]),
        new[0].external_id,
    ]
    assert second.cursor == new[0].external_id
    third = fake_x.build().fetch(second.cursor)
    assert (third.mentions, third.cursor) == ([], second.cursor)

    gap_request = fake_x.server.requests[2]
    assert gap_request["until_id"] == posts[5].external_id
    assert "start_time" not in gap_request, "X refuses start_time together with since/until_id"


def test_the_lookback_setting_bounds_the_first_run(frozen, tmp_path):
    harness = XHarness(tmp_path, lookback="2h")
    try:
        harness.build().fetch(None)
        assert harness.server.requests[0]["start_time"] == "2026-11-08T10:00:00Z"
        assert harness.server.requests[0]["max_results"] == "10"
        assert harness.server.requests[0]["sort_order"] == "recency"
    finally:
        harness.close()


def test_a_forbidden_answer_is_fatal(fake_x):
    body = json.dumps({"title": "Client Forbidden", "detail": "client-not-enrolled"}).encode()
    fake_x.server.failures.append((403, {}, body))
    with pytest.raises(FatalConnectorError, match="403"):
        fake_x.build().fetch(None)


def test_an_unreachable_x_is_retriable(tmp_path):
    harness = XHarness(tmp_path)
    built = harness.build()
    conn = XConnector(built.settings, built.client, sleep=lambda _: None)
    harness.close()
    with pytest.raises(RetriableConnectorError, match="cannot reach X"):
        conn.fetch(None)


# --- Replying ------------------------------------------------------------------------------------


def test_reply_posts_with_user_context_and_returns_the_new_id():
    conn = with_replies()
    text = "Hi María, sorry about this. We are on it: https://acme.example/status/outage-2026-11-08"
    with recorder.use_cassette("reply_created.yaml") as cassette:
        assert conn.reply(mention(), text) == "2119399785234923955"
    assert cassette.all_played
    assert json.loads(cassette.requests[0].body) == {
        "reply": {"in_reply_to_tweet_id": NEWEST},
        "text": text,
    }


def test_a_duplicate_reply_is_rejected_for_the_agent():
    with (
        recorder.use_cassette("reply_duplicate.yaml"),
        pytest.raises(ReplyRejected, match=r"^duplicate"),
    ):
        with_replies().reply(mention(), "Sorry about this, we are on it.")


def test_a_reply_too_long_is_rejected_before_any_request():
    conn = with_replies()
    conn.client.session.mount("https://", NoNetwork())
    with pytest.raises(ReplyRejected, match=r"^too long: 281"):
        conn.reply(mention(), "x" * 281)
    # 269 characters, but the short link counts as 23: 257 + 1 + 23 = 281.
    with pytest.raises(ReplyRejected, match=r"^too long: 281"):
        conn.reply(mention(), "y" * 257 + " http://a.co")


def test_only_direct_mentions_can_be_answered():
    conn = with_replies()
    conn.client.session.mount("https://", NoNetwork())
    with pytest.raises(ReplyRejected, match=r"^not a direct mention"):
        conn.reply(mention(direct=False), "Hi! Sorry to hear that.")


def test_replies_need_user_context_credentials():
    conn = connector()
    conn.client.session.mount("https://", NoNetwork())
    with pytest.raises(FatalConnectorError, match="user-context credentials"):
        conn.reply(mention(), "Hi!")


# --- Pure helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("es", "es"),
        ("pt-BR", "pt"),
        ("in", "id"),
        ("iw", "he"),
        ("und", None),
        ("zxx", None),
        ("qme", None),
        ("qht", None),
        ("ckb", None),
        (None, None),
        ("", None),
    ],
)
def test_language_tags(tag, expected):
    assert normalise_lang(tag) == expected


def test_length_is_counted_as_x_counts_it():
    """twitter-text's rules: links 23 whatever their length, emoji and CJK characters 2."""
    assert weighted_length("thanks") == 6
    assert weighted_length("see https://status.acme.com/a/very/long/path/to/the/page") == 4 + 23
    assert weighted_length("www.acme.com and http://a.co") == 23 + 5 + 23
    assert weighted_length("déjà vu") == 7  # accented Latin: 1 each
    assert weighted_length("ありがとう") == 10
    assert weighted_length("ok 😡😡") == 3 + 2 + 2
    assert weighted_length("👨‍👩‍👧") == 2  # one emoji, however many code points
    assert weighted_length("😡" * 140) == 280  # the most emoji one post holds


@pytest.mark.parametrize(
    ("posted", "sent", "same"),
    [
        ("@maria_lopez Sorry about this, we are on it.", "Sorry about this, we are on it.", True),
        ("@maria_lopez @acme_es Sorry,  we are\non it.", "Sorry, we are on it. ", True),
        ("@ana Q&amp;A &lt;3 &gt; https://t.co/Ab12Cd34Ef.", "Q&A <3 > acme.example/faq.", True),
        ("@ana See https://t.co/Ab12Cd34Ef", "See https://acme.example/a/long/path", True),
        ("@ana Tarifa: est\u00e1 corregida", "Tarifa: esta\u0301 corregida", True),  # NFC
        ("@ana Thanks, DM us", "Sorry about this, we are on it.", False),
        ("@ana Sorry about this", "Sorry about this, we are on it.", False),
        ("@ana Sorry https://t.co/Ab12Cd34Ef", "Sorry", False),  # a link more
        ("@ana Sorry &amp;amp; more", "Sorry & more", False),
    ],
)
def test_a_post_is_our_reply_only_with_the_same_text_as_x_returns_it(posted, sent, same):
    assert same_reply_text(posted, sent) is same


def test_harness_fake_refuses_start_time_with_ids(fake_x):
    """The fake enforces X's rule, so the tests above would catch a connector that broke it."""
    fake_x.server.add(post_for("5", "acme", NOW, user_for("a")), user_for("a"))
    status, body = fake_x.server.answer(
        "/2/tweets/search/recent",
        {"query": "acme", "since_id": "1", "start_time": "2026-11-08T10:00:00Z"},
        "Bearer contract-bearer-token",
    )
    assert status == 400
    assert "in conjunction" in body["errors"][0]["message"]
    assert isinstance(fake_x.server, FakeX)
