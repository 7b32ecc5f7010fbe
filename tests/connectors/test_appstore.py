"""`type: appstore`: Apple's customer-reviews JSON feed, replayed from hand-written cassettes."""

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
from connectors._http import build_client
from connectors.appstore import COUNTRY_LANGUAGES, AppStoreConnector, AppStoreSettings

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes" / "appstore"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
US5, US4, US3, US2, US1 = "11054455001", "11054455000", "11054454999", "11054454998", "11054454997"
US7, US6, ES2, ES1 = "11054455003", "11054455002", "11054460002", "11054460001"
FIRST_CURSOR = {
    "es": {"ids": [ES1], "updated": "2026-11-21T21:22:05Z"},
    "us": {"ids": [US5], "updated": "2026-11-22T10:14:09Z"},
}


@pytest.fixture(autouse=True)
def _registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registered for these tests only, until the type is in connectors/registry.py."""
    monkeypatch.setitem(registry._REGISTRY, "appstore", "connectors.appstore:AppStoreConnector")


def cassette(name: str, **options: Any) -> Any:
    return vcr.use_cassette(str(CASSETTES / f"{name}.yaml"), record_mode="none", **options)


class Made:
    def __init__(self) -> None:
        self.waits: list[float] = []
        self.sent: list[httpx.Request] = []
        self.connectors: list[AppStoreConnector] = []

    def __call__(self, **overrides: Any) -> AppStoreConnector:
        settings = AppStoreSettings.model_validate(
            {
                "name": "appstore-acme",
                "type": "appstore",
                "app_id": "123456789",
                "countries": ["us", "es"],
                **overrides,
            }
        )
        client = build_client(timedelta(seconds=5), accept="application/json")
        client.event_hooks["request"].append(self.sent.append)
        connector = AppStoreConnector(settings, client, sleep=self.waits.append, clock=lambda: NOW)
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


# --- Fetching ----------------------------------------------------------------------------------


def test_first_fetch_reads_every_page_of_every_country_within_the_look_back(make: Made) -> None:
    with cassette("first_fetch") as cas:
        batch = make().fetch(None)
        assert cas.all_played
    # us1 (2026-11-10) is older than the 7-day look-back: paging stops there.
    assert ids(batch) == [US5, US4, US3, US2, ES1]
    assert (batch.skipped, batch.more) == (0, False)  # the app's metadata entry is not a review
    assert json.loads(batch.cursor or "") == FIRST_CURSOR
    assert [r.url.path for r in make.sent] == [
        "/us/rss/customerreviews/page=1/id=123456789/sortby=mostrecent/json",
        "/us/rss/customerreviews/page=2/id=123456789/sortby=mostrecent/json",
        "/es/rss/customerreviews/page=1/id=123456789/sortby=mostrecent/json",
    ]
    assert make.sent[0].headers["user-agent"].startswith("repmon/")


def test_a_review_becomes_a_mention_with_rating_title_country_and_language(make: Made) -> None:
    with cassette("first_fetch"):
        by_id = {m.external_id: m for m in make().fetch(None).mentions}
    us5, us3, es1 = by_id[US5], by_id[US3], by_id[ES1]
    assert (us5.source, us5.connector, us5.rating, us5.title) == (
        "appstore",
        "appstore-acme",
        1,
        "Charged twice",
    )
    assert us5.text.startswith("Acme charged my card twice")
    assert (us5.author, us5.author_name, us5.lang) == ("kev_in_ohio", "kev_in_ohio", "en")
    assert us5.created_at == datetime(2026, 11, 22, 10, 14, 9, tzinfo=UTC)
    assert us5.url == "https://apps.apple.com/us/app/id123456789?see-all=reviews"
    assert us5.metrics == {"app_version": "5.2.1", "country": "us", "vote_count": 3, "vote_sum": 2}
    assert us5.raw is not None and us5.raw["id"]["label"] == US5
    assert us3.text == "After the update the app logs me out every time I switch apps.\nPlease fix."
    assert us3.metrics["app_version"] == "5.2.0"
    assert (es1.lang, es1.title, es1.metrics["country"]) == ("es", "Sin señal", "es")
    assert es1.url == "https://apps.apple.com/es/app/id123456789?see-all=reviews"


def test_resumed_with_nothing_new_reads_one_page_per_country(make: Made) -> None:
    with cassette("first_fetch", allow_playback_repeats=True):
        first = make().fetch(None)
        make.sent.clear()
        again = make().fetch(first.cursor)
    assert (ids(again), again.skipped) == ([], 0)
    assert again.cursor == first.cursor
    assert [r.url.path.split("/")[1:4] for r in make.sent] == [
        ["us", "rss", "customerreviews"],
        ["es", "rss", "customerreviews"],
    ]
    assert all("/page=1/" in r.url.path for r in make.sent)


def test_each_country_resumes_from_its_own_cursor_and_paging_stops_there(make: Made) -> None:
    with cassette("resume") as cas:  # no page 2 in the cassette: asking for it would fail
        batch = make().fetch(json.dumps(FIRST_CURSOR))
        assert cas.all_played
    # us6 shares its second with the cursor's us5 but is another review: it is new.
    assert ids(batch) == [US7, US6, ES2]
    assert json.loads(batch.cursor or "") == {
        "es": {"ids": [ES2], "updated": "2026-11-22T09:00:00Z"},
        "us": {"ids": [US7], "updated": "2026-11-22T11:30:00Z"},
    }


def test_max_pages_bounds_the_requests_per_country(make: Made) -> None:
    with cassette("first_fetch", allow_playback_repeats=True):
        batch = make(max_pages=1).fetch(None)
    assert ids(batch) == [US5, US4, US3, ES1]
    assert len(make.sent) == 2


def test_an_unreadable_or_partial_cursor_starts_from_the_look_back(make: Made) -> None:
    with cassette("first_fetch", allow_playback_repeats=True):
        assert ids(make().fetch("not json")) == [US5, US4, US3, US2, ES1]
        only_us = json.dumps({"us": FIRST_CURSOR["us"], "fr": {"updated": "garbage"}})
        batch = make().fetch(only_us)
    assert ids(batch) == [ES1]
    assert set(json.loads(batch.cursor or "")) == {"us", "es"}


def test_malformed_entries_are_skipped_counted_and_not_counted_again(make: Made) -> None:
    with cassette("malformed_entries", allow_playback_repeats=True):
        first = make(countries=["us"]).fetch(None)
        again = make(countries=["us"]).fetch(first.cursor)
    assert ids(first) == [US5, US4]
    assert first.skipped == 4  # a string, rating 9, no `updated`, a non-string content label
    # The string sits above the cursor, where it is met again; it was counted already.
    assert (ids(again), again.skipped) == ([], 0)


def test_language_comes_from_single_language_storefronts_only(make: Made) -> None:
    assert (COUNTRY_LANGUAGES["gb"], COUNTRY_LANGUAGES["mx"], COUNTRY_LANGUAGES["fr"]) == (
        "en",
        "es",
        "fr",
    )
    assert all(COUNTRY_LANGUAGES.get(cc) is None for cc in ("ca", "be", "ch", "in", "lu"))
    with cassette("first_fetch"):
        batch = make(lang_from_country=False).fetch(None)
    assert {m.lang for m in batch.mentions} == {None}


# --- Errors ------------------------------------------------------------------------------------


def test_rate_limit_is_retriable_with_reset_at_from_retry_after(make: Made) -> None:
    with (
        time_machine.travel(NOW, tick=False),
        cassette("rate_limited"),
        pytest.raises(RetriableConnectorError, match="429") as info,
    ):
        make().fetch(None)
    assert info.value.reset_at == NOW + timedelta(seconds=120)
    assert (len(make.sent), make.waits) == (1, [])  # two minutes is past max_wait: no sleeping


def test_forbidden_is_fatal(make: Made) -> None:
    with cassette("forbidden"), pytest.raises(FatalConnectorError, match="HTTP 403"):
        make().fetch(None)
    assert len(make.sent) == 1


def test_a_server_error_is_retried_with_backoff(make: Made) -> None:
    with cassette("server_error_then_ok") as cas:
        batch = make(countries=["us"]).fetch(None)
        assert cas.all_played
    assert ids(batch) == [US5, US4]
    assert len(make.waits) == 1 and make.waits[0] > 0


def test_json_cut_short_is_retried_then_retriable(make: Made) -> None:
    with cassette("truncated") as cas, pytest.raises(RetriableConnectorError, match="JSON"):
        make(countries=["us"]).fetch(None)
    assert cas.play_count == 3 and len(make.waits) == 2


def test_a_timeout_is_retriable() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    settings = AppStoreSettings(name="a", app_id="1")
    with httpx.Client(transport=httpx.MockTransport(slow)) as client:
        connector = AppStoreConnector(settings, client, sleep=lambda _: None)
        with pytest.raises(RetriableConnectorError, match="timed out"):
            connector.fetch(None)


# --- Config ------------------------------------------------------------------------------------


def test_settings_normalise_and_validate() -> None:
    settings = AppStoreSettings.model_validate(
        {"name": "a", "type": "appstore", "app_id": 123456789, "countries": ["US", "us", " Es "]}
    )
    assert (settings.app_id, settings.countries, settings.max_pages) == (
        "123456789",
        ["us", "es"],
        10,
    )
    for bad in (
        {"app_id": "id123"},
        {"app_id": "1", "countries": ["usa"]},
        {"app_id": "1", "countries": []},
        {"app_id": "1", "max_pages": 11},
        {"app_id": "1", "bearer_token": "x"},
    ):
        with pytest.raises(ValidationError):
            AppStoreSettings.model_validate({"name": "a", "type": "appstore", **bad})


def test_build_connector_gives_a_ready_connector() -> None:
    connector = build_connector({"name": "appstore-acme", "type": "appstore", "app_id": "1"})
    assert isinstance(connector, AppStoreConnector)
    assert connector.settings.countries == ["us"]
    connector.close()
