"""`type: rss`: a Google Alerts Atom feed and an RSS 2.0 news feed, replayed from cassettes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine
import vcr
from pydantic import ValidationError

from connectors import FatalConnectorError, RetriableConnectorError, build_connector, registry
from connectors._http import build_client, html_to_text, unwrap_google_url
from connectors.rss import RssConnector, RssSettings

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "rss"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ALERTS = "https://www.google.com/alerts/feeds/01234567890123456789/1234567890123456789"
NEWS = "https://news.example.com/technology/rss.xml"
GA = "tag:google.com,2013:googlealerts/feed:1186135791634649818"
APOLOGY = "https://news.example.com/technology/acme-apologises-outage"
LIVE = "https://news.example.com/technology/acme-outage-live"


def _same_validators(sent: Any, recorded: Any) -> None:
    """A cassette request that lists validators only matches a request sending the same ones."""
    for name in ("If-None-Match", "If-Modified-Since"):
        if name in recorded.headers:
            assert sent.headers.get(name) == recorded.headers[name], name


replay = vcr.VCR(record_mode="none", cassette_library_dir=str(CASSETTES))
replay.register_matcher("validators", _same_validators)
MATCH = ["method", "scheme", "host", "port", "path", "query", "validators"]


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered for these tests only, until the type is in connectors/registry.py."""
    monkeypatch.setitem(registry._REGISTRY, "rss", "connectors.rss:RssConnector")


def cassette(name: str, **options: Any) -> Any:
    options.setdefault("match_on", MATCH)
    return replay.use_cassette(f"{name}.yaml", **options)


class Made:
    def __init__(self) -> None:
        self.waits: list[float] = []
        self.sent: list[httpx.Request] = []
        self.connectors: list[RssConnector] = []

    def __call__(self, url: str = NEWS, **overrides: Any) -> RssConnector:
        settings = RssSettings.model_validate(
            {"name": "news", "type": "rss", "url": url, **overrides}
        )
        client = build_client(timedelta(seconds=5), accept="application/rss+xml")
        client.event_hooks["request"].append(self.sent.append)
        connector = RssConnector(settings, client, sleep=self.waits.append, clock=lambda: NOW)
        self.connectors.append(connector)
        return connector


@pytest.fixture
def make() -> Iterator[Made]:
    made = Made()
    yield made
    for connector in made.connectors:
        connector.close()


def ids(batch: Any) -> list[str]:
    return [m.external_id for m in batch.mentions]


# --- Google Alerts -----------------------------------------------------------------------------


def test_google_alerts_entries_are_stripped_of_html_and_unwrapped(make: Made) -> None:
    with cassette("google_alerts"):
        batch = make(ALERTS, name="alerts-acme").fetch(None)
    assert ids(batch) == [GA + "1", GA + "2", GA + "3"]
    outage = batch.mentions[0]
    assert outage.title == "Acme outage leaves thousands without internet in Madrid"
    assert outage.text == (
        "Acme outage leaves thousands without internet in Madrid — Customers of Acme reported "
        "no signal and no internet for six hours on Saturday & Sunday ..."
    )
    assert outage.url == "https://www.elpais.example/economia/2026-11-22/acme-caida-madrid.html"
    assert (outage.author, outage.author_name, outage.lang) == ("elpais.example", None, None)
    assert outage.created_at == datetime(2026, 11, 22, 9, 41, 12, tzinfo=UTC)
    assert (outage.source, outage.connector, outage.metrics) == (
        "rss",
        "alerts-acme",
        {"domain": "elpais.example"},
    )
    assert outage.raw is not None and outage.raw["id"] == GA + "1"
    json.dumps(outage.raw)  # stored as JSON: no struct_time left in it
    assert batch.mentions[2].url == "https://www.consumo.example/noticias/acme-cobros?ref=rss"


def test_keywords_keep_only_matching_entries_accent_and_case_insensitively(make: Made) -> None:
    with cassette("google_alerts"):
        batch = make(ALERTS, keywords=["OUTAGE", "reembols*"]).fetch(None)
    assert ids(batch) == [GA + "1", GA + "3"]  # the Q3 results entry is dropped, not skipped
    assert batch.skipped == 0
    with cassette("google_alerts"):  # dropped entries are consumed: not offered again
        assert ids(make(ALERTS).fetch(batch.cursor)) == []


# --- RSS 2.0 news --------------------------------------------------------------------------------


def test_news_items_dated_undated_and_malformed(make: Made) -> None:
    with cassette("news_rss"):
        batch = make().fetch(None)
    assert ids(batch) == [LIVE, APOLOGY, "news-88231"]  # newest first
    assert batch.skipped == 1  # "Sponsored": no date, no guid, no link
    by_id = {m.external_id: m for m in batch.mentions}
    apology = by_id[APOLOGY]
    assert apology.text == (
        "Acme apologises for weekend broadband outage — Acme said on Sunday that a faulty router "
        "update caused the outage. Customers & small businesses were offline for up to six hours."
    )
    assert (apology.author, apology.author_name, apology.lang) == ("Jane Doe", "Jane Doe", "en")
    assert apology.created_at == datetime(2026, 11, 22, 10, 5, tzinfo=UTC)
    # Undated, but it has a link: the channel's lastBuildDate stands in.
    assert by_id[LIVE].created_at == datetime(2026, 11, 22, 11, 30, tzinfo=UTC)
    assert by_id[LIVE].author == "news.example.com"
    # A description that repeats the title is not repeated in the text.
    prices = by_id["news-88231"]
    assert prices.text == "Acme to raise mobile prices in January"
    assert prices.created_at == datetime(2026, 11, 21, 16, 45, tzinfo=UTC)
    assert json.loads(batch.cursor or "") == {
        "newest": "2026-11-22T11:30:00Z",
        "ids": [LIVE],
        "etag": '"5f1a-63c2"',
        "modified": "Sun, 22 Nov 2026 11:30:00 GMT",
        "skipped": [json.loads(batch.cursor or "")["skipped"][0]],
    }


def test_not_modified_is_an_empty_batch_that_keeps_the_cursor(make: Made) -> None:
    with cassette("news_rss"):
        first = make().fetch(None)
    assert "If-None-Match" not in make.sent[0].headers
    with cassette("not_modified") as cas:
        again = make().fetch(first.cursor)
        assert cas.all_played
    assert (again.mentions, again.skipped, again.cursor) == ([], 0, first.cursor)
    assert make.sent[1].headers["If-None-Match"] == '"5f1a-63c2"'
    assert make.sent[1].headers["If-Modified-Since"] == "Sun, 22 Nov 2026 11:30:00 GMT"


def test_an_unchanged_feed_served_again_gives_nothing_and_counts_nothing(make: Made) -> None:
    with cassette("news_rss", allow_playback_repeats=True, match_on=MATCH[:-1]):
        first = make().fetch(None)
        again = make().fetch(first.cursor)
    assert (ids(again), again.skipped) == ([], 0)  # the malformed item was counted once


def test_max_items_keeps_the_newest_entries(make: Made) -> None:
    with cassette("news_rss"):
        batch = make(max_items=2).fetch(None)
    assert ids(batch) == [LIVE, APOLOGY]


def test_the_configured_language_wins_over_the_feeds(make: Made) -> None:
    with cassette("news_rss"):
        batch = make(lang="es").fetch(None)
    assert {m.lang for m in batch.mentions} == {"es"}


# --- Errors ------------------------------------------------------------------------------------


def test_rate_limit_is_retriable_with_reset_at_from_an_http_date(make: Made) -> None:
    with (
        time_machine.travel(NOW, tick=False),
        cassette("rate_limited"),
        pytest.raises(RetriableConnectorError, match="429") as info,
    ):
        make().fetch(None)
    assert info.value.reset_at == datetime(2026, 11, 22, 12, 10, tzinfo=UTC)
    assert make.waits == []


@pytest.mark.parametrize(("name", "status"), [("forbidden", "403"), ("gone", "410")])
def test_refused_or_deleted_feeds_are_fatal(make: Made, name: str, status: str) -> None:
    with cassette(name), pytest.raises(FatalConnectorError, match=f"HTTP {status}"):
        make().fetch(None)


def test_a_server_error_is_retried_with_backoff(make: Made) -> None:
    with cassette("server_error_then_ok") as cas:
        batch = make().fetch(None)
        assert cas.all_played
    assert len(batch.mentions) == 3 and len(make.waits) == 1


def test_a_document_cut_short_is_retried_then_retriable(make: Made) -> None:
    with cassette("truncated") as cas, pytest.raises(RetriableConnectorError, match="cut short"):
        make().fetch(None)
    assert cas.play_count == 3


def test_a_web_page_instead_of_a_feed_is_fatal(make: Made) -> None:
    with cassette("not_a_feed"), pytest.raises(FatalConnectorError, match="not an RSS or Atom"):
        make().fetch(None)


def test_an_empty_200_is_retriable_and_error_messages_carry_no_url_secrets() -> None:
    def empty(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"  ")

    settings = RssSettings(name="n", url="https://feeds.example/private?token=s3cr3t")
    with httpx.Client(transport=httpx.MockTransport(empty)) as client:
        connector = RssConnector(settings, client, sleep=lambda _: None)
        with pytest.raises(RetriableConnectorError) as info:
            connector.fetch(None)
    assert "feeds.example" in str(info.value) and "s3cr3t" not in str(info.value)


# --- Helpers and config ------------------------------------------------------------------------


def test_html_to_text_drops_tags_scripts_and_entities() -> None:
    markup = (
        "<p>Hello&nbsp;<b>world</b> &amp; co</p><script>x()</script><ul><li>1</li><li>2</li></ul>"
    )
    assert html_to_text(markup) == "Hello world & co 1 2"
    assert html_to_text("plain  text\n here") == "plain text here"


def test_google_redirects_are_unwrapped_and_other_links_kept() -> None:
    wrapped = "https://www.google.com/url?rct=j&sa=t&url=https://a.example/x%3Fy%3D1&ct=ga"
    assert unwrap_google_url(wrapped) == "https://a.example/x?y=1"
    assert unwrap_google_url("https://www.google.com/url?q=javascript:alert(1)") == (
        "https://www.google.com/url?q=javascript:alert(1)"
    )
    assert unwrap_google_url("https://a.example/url?url=https://b.example") == (
        "https://a.example/url?url=https://b.example"
    )


def test_settings_validate() -> None:
    settings = RssSettings.model_validate({"name": "n", "type": "rss", "url": NEWS})
    assert (settings.keywords, settings.max_items, settings.lang) == ([], 200, None)
    for bad in ({}, {"url": "ftp://x.example/feed"}, {"url": NEWS, "max_items": 0}):
        with pytest.raises(ValidationError):
            RssSettings.model_validate({"name": "n", "type": "rss", **bad})


def test_build_connector_gives_a_ready_connector() -> None:
    connector = build_connector({"name": "news", "type": "rss", "url": NEWS})
    assert isinstance(connector, RssConnector)
    connector.close()
