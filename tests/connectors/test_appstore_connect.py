"""`type: appstore` with `connect:`: reviews and responses through the App Store Connect API.

The connector's real httpx client talks to a loopback App Store Connect (tests/connectors/
fake_connect.py) that serves Apple's documented JSON:API payloads (tests/payloads/
appstore_connect) and checks every request's ES256 token against a key made for the test.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from connectors import (
    FatalConnectorError,
    Mention,
    ReplyRejected,
    RetriableConnectorError,
    build_connector,
)
from connectors.appstore import AppStoreConnector, AppStoreSettings
from connectors.appstore_connect import MAX_RESPONSE_CHARS
from connectors.base import ChecksReplies, FindsReplies, SupportsRecheck, SupportsReply
from monitor.config import parse_config
from tests.connectors.fake_connect import (
    APP_ID,
    CHLOE,
    KEVIN,
    LUCIA,
    FakeConnect,
    connect_block,
    new_key,
    payload,
)
from tests.connectors.fakeserver import Reply

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def key() -> tuple[str, Any]:
    return new_key()


@pytest.fixture
def fake(key: tuple[str, Any]) -> Iterator[FakeConnect]:
    server = FakeConnect(key[1])
    server.reviews = payload("reviews_page1.json")["data"] + payload("reviews_page2.json")["data"]
    yield server
    server.close()
    assert server.server.errors == []


def settings(fake: FakeConnect, pem: str, **connect: Any) -> AppStoreSettings:
    return AppStoreSettings.model_validate(
        {
            "name": "appstore-acme",
            "type": "appstore",
            "app_id": APP_ID,
            "lookback": "7d",
            "connect": connect_block(fake.url, pem, **connect),
        }
    )


@pytest.fixture
def make(fake: FakeConnect, key: tuple[str, Any]) -> Iterator[Any]:
    built: list[AppStoreConnector] = []

    def build(**connect: Any) -> AppStoreConnector:
        made = AppStoreConnector.from_settings(
            settings(fake, key[0], **connect), sleep=lambda _: None, clock=lambda: NOW
        )
        built.append(made)
        return made

    yield build
    for connector in built:
        connector.close()


def review(review_id: str = KEVIN, **fields: Any) -> Mention:
    raw = {"type": "customerReviews", "id": review_id, "attributes": {}}
    return Mention("appstore", review_id, "x", NOW, connector="appstore-acme", raw=raw, **fields)


def test_fetch_reads_customer_reviews_newest_first_across_pages(
    make: Any, fake: FakeConnect
) -> None:
    batch = make(limit=2).fetch(None)
    assert [m.external_id for m in batch.mentions] == [KEVIN, LUCIA, CHLOE]
    kevin = batch.mentions[0]
    assert (kevin.rating, kevin.title, kevin.author) == (1, "Charged twice", "kevin_r")
    assert kevin.text.startswith("Acme charged me twice")
    assert kevin.created_at == datetime(2026, 11, 22, 10, 14, 9, tzinfo=UTC)
    assert (kevin.lang, kevin.metrics["country"], kevin.metrics["territory"]) == ("en", "us", "USA")
    assert kevin.url == f"https://apps.apple.com/us/app/id{APP_ID}?see-all=reviews"
    assert kevin.raw is not None and kevin.raw["type"] == "customerReviews"
    assert batch.mentions[1].lang == "es" and batch.mentions[2].lang == "fr"
    gets = [r for r in fake.requests if r.method == "GET"]
    assert len(gets) == 2  # page 2 through `links.next`
    assert (gets[0].param("sort"), gets[0].param("limit")) == ("-createdDate", "2")
    assert json.loads(batch.cursor or "{}")["connect"] == {
        "created": "2026-11-22T10:14:09Z",
        "ids": [KEVIN],
    }


def test_a_resumed_fetch_stops_at_the_cursor(make: Any, fake: FakeConnect) -> None:
    connector = make(limit=2)
    first = connector.fetch(None)
    again = connector.fetch(first.cursor)
    assert again.mentions == []
    assert len([r for r in fake.requests if r.method == "GET"]) == 3  # one page was enough


def test_every_request_carries_a_short_lived_es256_token(make: Any, fake: FakeConnect) -> None:
    make().fetch(None)
    claims, header = fake.tokens[0], fake.headers[0]
    assert header == {"alg": "ES256", "kid": "2X9R4HXF34", "typ": "JWT"}
    assert claims["aud"] == "appstoreconnect-v1"
    assert claims["exp"] - claims["iat"] == 20 * 60


def test_a_refused_key_is_fatal_and_the_token_is_never_logged(
    make: Any, fake: FakeConnect, caplog: pytest.LogCaptureFixture
) -> None:
    fake.public_key = new_key()[1]  # Apple knows another key than the one we sign with
    connector = make()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(FatalConnectorError, match="HTTP 401"):
        connector.fetch(None)
    token = fake.requests[0].headers["authorization"].removeprefix("Bearer ")
    assert token and token not in caplog.text


def test_reply_posts_a_customer_review_response(make: Any, fake: FakeConnect) -> None:
    connector = make()
    assert isinstance(connector, SupportsReply)
    assert isinstance(connector, ChecksReplies) and isinstance(connector, FindsReplies)
    text = "Sorry about the double charge, Kevin. We refunded it today."
    response_id = connector.reply(review(), text)
    assert response_id == fake.responses[KEVIN]["data"]["id"]
    post = next(r for r in fake.requests if r.method == "POST")
    assert post.path == "/v1/customerReviewResponses"
    assert post.json() == {
        "data": {
            "type": "customerReviewResponses",
            "attributes": {"responseBody": text},
            "relationships": {"review": {"data": {"type": "customerReviews", "id": KEVIN}}},
        }
    }
    assert connector.find_reply(review(), text, since=NOW) == response_id


def test_find_reply_is_none_when_the_review_has_no_response(make: Any, fake: FakeConnect) -> None:
    assert make().find_reply(review(LUCIA), "hello", since=NOW) is None


def existing_response(fake: FakeConnect, text: str, modified: str) -> str:
    """Kevin's review already has a developer response (ours or anyone's); its id."""
    found = payload("response_created.json")
    found["data"]["attributes"].update(responseBody=text, lastModifiedDate=modified)
    fake.responses[KEVIN] = found
    return str(found["data"]["id"])


def test_find_reply_wants_this_text_or_a_response_set_since_the_attempt(
    make: Any, fake: FakeConnect
) -> None:
    connector = make()
    ours = "Sorry about the double charge, Kevin."
    # Another text, last changed two days before the attempt: not this send.
    existing_response(fake, "Thanks for the feedback!", "2026-11-20T09:00:00-08:00")
    assert connector.find_reply(review(), ours, since=NOW) is None
    # Another text changed since the attempt (less Apple's clock skew): the POST went through.
    found = existing_response(fake, "Thanks for the feedback!", "2026-11-22T03:59:30-08:00")
    assert connector.find_reply(review(), ours, since=NOW) == found
    assert connector.find_reply(review(), ours, since=NOW + timedelta(minutes=2)) is None
    # This text, however old and however its whitespace came back: ours.
    found = existing_response(fake, f"  {ours}\r\n", "2026-11-20T09:00:00-08:00")
    assert connector.find_reply(review(), ours, since=NOW) == found
    # No usable date and another text: not ours.
    existing_response(fake, "Thanks for the feedback!", "not a date")
    assert connector.find_reply(review(), ours, since=NOW) is None


def test_recheck_reads_each_review_as_it_is_now(make: Any, fake: FakeConnect) -> None:
    page = payload("reviews_page1.json")["data"] + payload("reviews_page2.json")["data"]
    connector = make()
    assert isinstance(connector, SupportsRecheck)
    kevin_1, _, chloe = connector.fetch(None).mentions  # as stored when first read
    kevin = json.loads(json.dumps(page[0]))
    kevin["attributes"].update(rating=4, title="Refund arrived", body="Refunded, thanks Acme.")
    fake.reviews = [kevin, page[2]]  # Lucía's review was deleted, Chloé's is unchanged
    fake.requests.clear()
    feed_review = Mention("appstore", "11054455001", "x", NOW, raw={"im:rating": {"label": "1"}})
    fresh = connector.recheck([kevin_1, review(LUCIA), chloe, feed_review])
    assert [(m.external_id, m.rating, m.title) for m in fresh] == [
        (KEVIN, 4, "Refund arrived"),
        (CHLOE, chloe.rating, chloe.title),
    ]
    assert fresh[0].connector == "appstore-acme" and fresh[0].raw == kevin
    # Same createdDate, other stars: dated when the re-check saw the edit (the connector's clock).
    assert kevin_1.created_at == datetime(2026, 11, 22, 10, 14, 9, tzinfo=UTC)
    assert fresh[0].created_at == NOW
    assert fresh[1] == chloe  # unchanged: dated as before
    paths = [r.path for r in fake.requests]  # the feed's id was never sent to Apple
    assert paths == [f"/v1/customerReviews/{id_}" for id_ in (KEVIN, LUCIA, CHLOE)]


def test_recheck_failures_are_the_connector_errors(make: Any, fake: FakeConnect) -> None:
    fake.server.route(
        "GET",
        re.compile(r"/v1/customerReviews/[^/]+"),
        Reply.json(payload("error_429.json"), 429, **{"Retry-After": "3600"}),
    )
    with pytest.raises(RetriableConnectorError, match="rate limited") as info:
        make().recheck([review()])
    assert info.value.reset_at == NOW + timedelta(hours=1)
    fake.server.route("GET", re.compile(r"/v1/customerReviews/[^/]+"), fake.review)
    fake.public_key = new_key()[1]
    with pytest.raises(FatalConnectorError, match="HTTP 401"):
        make().recheck([review()])


def test_without_a_key_nothing_can_be_rechecked(fake: FakeConnect) -> None:
    without_key = AppStoreConnector.from_settings(
        AppStoreSettings.model_validate(
            {"name": "a", "type": "appstore", "app_id": APP_ID, "base_url": fake.url}
        )
    )
    assert without_key.recheck([review()]) == []
    without_key.close()
    assert fake.requests == []


def test_an_existing_response_is_a_duplicate(make: Any, fake: FakeConnect) -> None:
    fake.next_post.append(Reply.json(payload("error_409.json"), 409))
    with pytest.raises(ReplyRejected, match=r"^duplicate: .*already exists"):
        make().reply(review(), "Thanks!")


def test_a_deleted_review_is_refused(make: Any, fake: FakeConnect) -> None:
    fake.next_post.append(Reply.json(payload("error_404.json"), 404))
    with pytest.raises(ReplyRejected, match="no longer exists"):
        make().reply(review(), "Thanks!")


def test_a_rate_limit_is_retriable_with_the_reset_time(make: Any, fake: FakeConnect) -> None:
    fake.next_post.append(Reply.json(payload("error_429.json"), 429, **{"Retry-After": "120"}))
    with pytest.raises(RetriableConnectorError) as info:
        make().reply(review(), "Thanks!")
    assert info.value.reset_at == NOW + timedelta(seconds=120)


def test_too_long_is_refused_before_any_request(make: Any, fake: FakeConnect) -> None:
    connector = make()
    with pytest.raises(ReplyRejected, match=f"limited to {MAX_RESPONSE_CHARS}"):
        connector.reply(review(), "x" * (MAX_RESPONSE_CHARS + 1))
    assert connector.reply_problem(review(), "x" * MAX_RESPONSE_CHARS) is None
    assert fake.requests == []


def test_reviews_from_the_public_feed_cannot_be_answered(make: Any, fake: FakeConnect) -> None:
    feed_review = Mention("appstore", "11054455001", "x", NOW, raw={"im:rating": {"label": "1"}})
    problem = make().reply_problem(feed_review, None)
    assert problem is not None and "public feed" in problem
    without_key = AppStoreConnector.from_settings(
        AppStoreSettings.model_validate({"name": "a", "type": "appstore", "app_id": APP_ID})
    )
    assert "connect:" in (without_key.reply_problem(review(), "hi") or "")
    without_key.close()
    assert fake.requests == []


def test_the_key_comes_from_the_environment_and_must_be_a_p256_pem(
    fake: FakeConnect, key: tuple[str, Any], tmp_path: Any
) -> None:
    block = {
        "name": "appstore-acme",
        "type": "appstore",
        "app_id": APP_ID,
        "reply": {"enabled": True},
        "connect": {
            "issuer_id": "57246542-96fe-1a63-e053-0824d011072a",
            "key_id": "2X9R4HXF34",
            "private_key": "${APPSTORE_CONNECT_KEY}",
            "base_url": fake.url,
        },
    }
    config = parse_config(
        {"connectors": [block]}, base_dir=tmp_path, env={"APPSTORE_CONNECT_KEY": key[0]}
    )
    built = build_connector(config.connector("appstore-acme"))
    assert isinstance(built, AppStoreConnector)
    built.close()
    assert key[0] not in repr(config)
    with pytest.raises(ValidationError, match="PEM private key"):
        AppStoreSettings.model_validate(
            {**block, "connect": {**block["connect"], "private_key": "nope"}}
        )
