"""`type: googleplay`: the real google-api-python-client against a loopback androidpublisher API.

vcrpy cannot replay httplib2 here (vcrpy 9.4 patches `httplib2.HTTPSConnectionWithTimeout`, but
httplib2 0.32 picks its connection class from `SCHEME_TO_CONNECTION`, and the stub then fails in
`super().__init__`). So the documented payloads under tests/payloads/googleplay are served over
real HTTP on 127.0.0.1: the service account's `token_uri` and `api_endpoint` point there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import time_machine
from pydantic import ValidationError

from connectors import (
    FatalConnectorError,
    Mention,
    ReplyRejected,
    RetriableConnectorError,
    SupportsReply,
    build_connector,
    registry,
)
from connectors.googleplay import GooglePlayConnector, GooglePlaySettings
from monitor.config import parse_config
from monitor.errors import ConfigError
from tests.connectors.fakeserver import FakeServer, Reply, Request
from tests.connectors.harness_stores import write_service_account

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads" / "googleplay"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PACKAGE = "com.acme.app"
LIST = f"/androidpublisher/v3/applications/{PACKAGE}/reviews"
REPLY = re.compile(rf"/androidpublisher/v3/applications/{re.escape(PACKAGE)}/reviews/(.+):reply")
KEVIN = "gp:AOqpTOH6bq2RA1sRYkL0B9s1mFSw8b6fxYxCRZ8mKOcG5yQ7yKf1"
LUCIA = "gp:AOqpTOG2lYv8Zq9cN4mQp0sT3uW5xY7zA1bC3dE5fG7hI9jK1lM2"
CHLOE = "gp:AOqpTOF9xW8vU7tS6rQ5pO4nM3lK2jI1hG0fE9dC8bA7zY6xW5vU"
BEARER = "Bearer ya29.c.b0AXv0zTPlay-test-token"


def payload(name: str, status: int = 200, **headers: str) -> Reply:
    body = (PAYLOADS / name).read_bytes()
    return Reply(status, body, {"Content-Type": "application/json; charset=UTF-8", **headers})


def pages(first: str, second: str = "reviews_page2.json") -> Any:
    """`reviews.list`: `first` without a token, `second` for the token `first` hands out."""

    def respond(request: Request) -> Reply:
        return payload(second if request.param("token") else first)

    return respond


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered for these tests only, until the type is in connectors/registry.py."""
    monkeypatch.setitem(
        registry._REGISTRY, "googleplay", "connectors.googleplay:GooglePlayConnector"
    )


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as fake:
        fake.route("POST", "/token", payload("token.json"))
        yield fake
    assert fake.errors == []


class Made:
    def __init__(self, server: FakeServer, key_file: Path) -> None:
        self.server, self.key_file = server, key_file
        self.waits: list[float] = []
        self.connectors: list[GooglePlayConnector] = []

    def __call__(self, **overrides: Any) -> GooglePlayConnector:
        settings = GooglePlaySettings.model_validate(
            {
                "name": "play-acme",
                "type": "googleplay",
                "package_name": PACKAGE,
                "credentials_file": str(self.key_file),
                "api_endpoint": self.server.url,
                **overrides,
            }
        )
        connector = GooglePlayConnector.from_settings(
            settings, sleep=self.waits.append, clock=lambda: NOW
        )
        self.connectors.append(connector)
        return connector

    def gets(self) -> list[Request]:
        return [r for r in self.server.requests if r.method == "GET"]


@pytest.fixture
def make(server: FakeServer, tmp_path: Path) -> Iterator[Made]:
    made = Made(server, write_service_account(tmp_path / "sa.json", f"{server.url}/token"))
    yield made
    for connector in made.connectors:
        connector.close()


def ids(batch: Any) -> list[str]:
    return [m.external_id for m in batch.mentions]


# --- Fetching ----------------------------------------------------------------------------------


def test_first_fetch_follows_the_page_token_and_maps_every_field(
    make: Made, server: FakeServer
) -> None:
    server.route("GET", LIST, pages("reviews_page1.json"))
    batch = make().fetch(None)
    assert ids(batch) == [KEVIN, LUCIA, CHLOE]
    assert (batch.skipped, batch.more) == (0, False)
    token, first, second = server.requests
    assert (token.method, token.path) == ("POST", "/token")
    assert "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" in token.body.decode()
    assert first.headers["authorization"] == second.headers["authorization"] == BEARER
    assert (first.param("maxResults"), first.param("token")) == ("100", None)
    assert second.param("token") == "CAESBggCEAIYAQ"
    kevin, lucia, chloe = batch.mentions
    # Title and body come tab-separated in some reviews.
    assert (kevin.title, kevin.text) == (
        "Charged twice",
        "Acme billed me twice this month and the chat agent closed my case. I want a refund.",
    )
    assert (kevin.source, kevin.connector, kevin.rating, kevin.lang) == (
        "googleplay",
        "play-acme",
        1,
        "en",
    )
    assert kevin.created_at == datetime(2026, 11, 22, 10, 0, 0, 512000, tzinfo=UTC)
    assert (kevin.author, kevin.author_name) == ("Kevin B.", "Kevin B.")
    assert kevin.url == f"https://play.google.com/store/apps/details?id={PACKAGE}&reviewId={KEVIN}"
    assert kevin.metrics == {
        "rating": 1,
        "last_modified": "2026-11-22T10:00:00.512000Z",
        "app_version": "5.2.1",
        "app_version_code": 5021,
        "device": "a54x",
        "android_os_version": 34,
        "thumbs_up": 4,
    }
    assert kevin.raw is not None and kevin.raw["reviewId"] == KEVIN
    assert (lucia.lang, lucia.title, lucia.rating) == ("es", None, 2)
    assert lucia.metrics["developer_reply"] == {
        "text": "Hola Lucía, sentimos las molestias. Escríbenos por DM con tu número de cliente "
        "y lo revisamos.",
        "last_modified": "2026-11-21T16:05:00Z",
    }
    assert "developer_reply" not in kevin.metrics
    assert chloe.lang == "fr"
    assert json.loads(batch.cursor or "") == {
        "last_modified": "2026-11-22T10:00:00Z",
        "ids": [KEVIN],
    }


def test_resumed_with_nothing_new_reads_one_page(make: Made, server: FakeServer) -> None:
    server.route("GET", LIST, pages("reviews_page1.json"))
    first = make().fetch(None)
    again = make().fetch(first.cursor)
    assert (ids(again), again.skipped, again.cursor) == ([], 0, first.cursor)
    assert len(make.gets()) == 3  # two pages, then one


def test_an_edited_review_comes_back_with_its_new_rating(make: Made, server: FakeServer) -> None:
    server.route("GET", LIST, pages("reviews_page1.json"))
    first = make().fetch(None)
    server.route("GET", LIST, pages("reviews_edited.json"))
    edited = make().fetch(first.cursor)
    # Same review id (the store keeps one row per id); the edit shows in metrics.
    assert ids(edited) == [KEVIN]
    review = edited.mentions[0]
    assert (review.rating, review.metrics["rating"], review.title) == (4, 4, "Refund arrived")
    assert review.metrics["last_modified"] == "2026-11-22T11:40:00Z"
    assert review.created_at == datetime(2026, 11, 22, 11, 40, tzinfo=UTC)
    assert len(make.gets()) == 4  # page 1 had a new review, so page 2 was read: nothing new there


def test_malformed_reviews_are_skipped_and_counted_once(make: Made, server: FakeServer) -> None:
    server.route("GET", LIST, payload("reviews_malformed.json"))
    first = make().fetch(None)
    assert ids(first) == [KEVIN, CHLOE]
    assert first.skipped == 4  # not an object, 9 stars, no lastModified, no userComment
    again = make().fetch(first.cursor)
    assert (ids(again), again.skipped) == ([], 0)


def test_translation_language_is_requested_and_becomes_the_language(
    make: Made, server: FakeServer
) -> None:
    translated = {
        "reviews": [
            {
                "reviewId": "gp:t1",
                "authorName": "Pablo",
                "comments": [
                    {
                        "userComment": {
                            "text": "No signal since Tuesday.",
                            "originalText": "Sin señal desde el martes.",
                            "lastModified": {"seconds": "1795341600"},
                            "starRating": 1,
                            "reviewerLanguage": "es_ES",
                        }
                    }
                ],
            }
        ]
    }
    server.route("GET", LIST, Reply.json(translated))
    batch = make(translation_language="en_GB").fetch(None)
    assert make.gets()[0].param("translationLanguage") == "en_GB"
    assert (batch.mentions[0].lang, batch.mentions[0].metrics["original_lang"]) == ("en", "es")


# --- Errors ------------------------------------------------------------------------------------


def test_quota_exhausted_is_retriable_with_reset_at(make: Made, server: FakeServer) -> None:
    server.route("GET", LIST, payload("error_429.json", 429, **{"Retry-After": "3600"}))
    with (
        time_machine.travel(NOW, tick=False),
        pytest.raises(RetriableConnectorError, match="429") as info,
    ):
        make().fetch(None)
    assert info.value.reset_at == NOW + timedelta(hours=1)
    assert (len(make.gets()), make.waits) == (1, [])


def test_a_service_account_without_access_is_fatal(make: Made, server: FakeServer) -> None:
    server.route("GET", LIST, payload("error_403.json", 403))
    with pytest.raises(FatalConnectorError, match=r"HTTP 403.*Play Console"):
        make().fetch(None)
    assert len(make.gets()) == 1


def test_unauthorized_after_refreshing_the_token_is_fatal(make: Made, server: FakeServer) -> None:
    server.route(
        "GET", LIST, Reply.json({"error": {"code": 401, "status": "UNAUTHENTICATED"}}, 401)
    )
    with pytest.raises(FatalConnectorError, match="HTTP 401"):
        make().fetch(None)
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == len(make.gets()) >= 2  # google-auth refreshed the token and retried


def test_an_unknown_package_is_fatal(make: Made, server: FakeServer) -> None:
    server.route("GET", LIST, payload("error_400.json", 400))
    with pytest.raises(FatalConnectorError, match="HTTP 400"):
        make().fetch(None)


def test_a_refused_token_exchange_is_fatal(make: Made, server: FakeServer) -> None:
    server.route("POST", "/token", payload("token_invalid_grant.json", 400))
    with pytest.raises(FatalConnectorError, match="refused a token"):
        make().fetch(None)
    assert make.gets() == []


def test_a_server_error_is_retried_with_backoff(make: Made, server: FakeServer) -> None:
    server.route(
        "GET", LIST, [Reply.json({"error": {"code": 503}}, 503), payload("reviews_page2.json")]
    )
    batch = make().fetch(None)
    assert ids(batch) == [CHLOE]
    assert len(make.gets()) == 2 and len(make.waits) == 1


def test_json_cut_short_is_retried_then_retriable(make: Made, server: FakeServer) -> None:
    whole = (PAYLOADS / "reviews_page1.json").read_bytes()
    server.route(
        "GET", LIST, Reply(200, whole[: len(whole) // 2], {"Content-Type": "application/json"})
    )
    with pytest.raises(RetriableConnectorError, match="JSON"):
        make().fetch(None)
    assert len(make.gets()) == 3 and len(make.waits) == 2


def test_an_unreachable_api_is_retriable(make: Made) -> None:
    with pytest.raises(RetriableConnectorError):
        make(api_endpoint="http://127.0.0.1:9").fetch(None)


# --- Replies -----------------------------------------------------------------------------------


def review_mention(review_id: str = KEVIN) -> Mention:
    return Mention(source="googleplay", external_id=review_id, text="x", created_at=NOW)


def test_reply_sets_the_developer_reply_and_returns_the_review_id(
    make: Made, server: FakeServer
) -> None:
    server.route("POST", REPLY, payload("reply.json"))
    connector = make()
    assert isinstance(connector, SupportsReply)
    text = "Sorry about the double charge, Kevin. We have refunded it; it shows in 3-5 days."
    assert connector.reply(review_mention(), text) == KEVIN
    sent = server.requests[-1]
    match = REPLY.fullmatch(sent.path)
    assert match is not None and unquote(match.group(1)) == KEVIN
    assert sent.json() == {"replyText": text}
    assert sent.headers["authorization"] == BEARER


def test_a_reply_over_350_characters_is_rejected_before_any_request(
    make: Made, server: FakeServer
) -> None:
    connector = make()
    assert connector.reply is not None
    with pytest.raises(ReplyRejected, match="350 characters"):
        connector.reply(review_mention(), "x" * 351)
    with pytest.raises(ReplyRejected, match="empty"):
        connector.reply(review_mention(), "   ")
    assert server.requests == []


def test_a_reply_refused_for_access_is_fatal_and_for_content_rejected(
    make: Made, server: FakeServer
) -> None:
    server.route("POST", REPLY, payload("error_403.json", 403))
    with pytest.raises(FatalConnectorError, match="HTTP 403"):
        make().reply(review_mention(), "Thanks!")
    server.route("POST", REPLY, payload("error_400.json", 400))
    with pytest.raises(ReplyRejected, match="HTTP 400"):
        make().reply(review_mention(), "Thanks!")


# --- Credentials and config --------------------------------------------------------------------


def test_missing_or_invalid_credentials_are_fatal(tmp_path: Path) -> None:
    block = {"name": "p", "type": "googleplay", "package_name": PACKAGE}
    with pytest.raises(FatalConnectorError, match="cannot read credentials file"):
        build_connector({**block, "credentials_file": str(tmp_path / "missing.json")})
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "service_account", "client_email": "x@y"}', encoding="utf-8")
    with pytest.raises(FatalConnectorError, match="not a service-account JSON key") as info:
        build_connector({**block, "credentials_file": str(bad)})
    assert "x@y" not in str(info.value)


def test_settings_validate() -> None:
    base = {"name": "p", "type": "googleplay", "credentials_file": "sa.json"}
    settings = GooglePlaySettings.model_validate({**base, "package_name": PACKAGE})
    assert (settings.max_results, settings.max_pages, settings.api_endpoint) == (100, 5, None)
    for bad in ({"package_name": "acme"}, {"package_name": PACKAGE, "max_results": 101}):
        with pytest.raises(ValidationError):
            GooglePlaySettings.model_validate({**base, **bad})


def test_a_disabled_block_may_name_an_unset_credentials_variable(tmp_path: Path) -> None:
    block = {
        "name": "play-acme",
        "type": "googleplay",
        "package_name": PACKAGE,
        "credentials_file": "${GOOGLE_APPLICATION_CREDENTIALS}",
    }
    config = parse_config({"connectors": [{**block, "enabled": False}]}, base_dir=tmp_path, env={})
    assert config.connectors[0].enabled is False
    with pytest.raises(ConfigError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        parse_config({"connectors": [block]}, base_dir=tmp_path, env={})
    env = {"GOOGLE_APPLICATION_CREDENTIALS": "keys/play.json"}
    enabled = parse_config({"connectors": [block]}, base_dir=tmp_path, env=env)
    assert enabled.connectors[0].credentials_file == tmp_path / "keys" / "play.json"  # type: ignore[attr-defined]
