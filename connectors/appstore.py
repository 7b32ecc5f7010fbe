"""`type: appstore` — an iOS app's customer reviews from Apple's public per-country review feed,
or, with a `connect:` block, from the App Store Connect API, which also lets agents respond."""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

import httpx
from pydantic import BeforeValidator, Field, field_validator, model_validator

from connectors._http import Clock, Sleep, build_client, get, utc_now
from connectors._watermark import (
    Watermark,
    dump_json_cursor,
    fingerprint,
    load_json_cursor,
    resume_from,
    unique,
)
from connectors.appstore_connect import (
    MAX_RESPONSE_CHARS,
    REVIEW_TYPE,
    ConnectApi,
    ConnectSettings,
    load_key,
    review_fields,
)
from connectors.base import (
    ConnectorSettings,
    FatalConnectorError,
    ReplyRejected,
    RetriableConnectorError,
)
from connectors.records import clean_text, parse_timestamp
from monitor.configtypes import Duration
from monitor.models import Batch, Mention

logger = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(minutes=1)
"""Between our clock (`since`) and Apple's `lastModifiedDate` when matching a response."""
MAX_FEED_PAGES = 10
"""Apple serves pages 1–10 of 50 reviews: the 500 most recent reviews per country, no more."""

_FEED_URL = "{base}/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
_APP_PAGE = "https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews"
_LAST_PAGE = re.compile(r"/page=(\d+)/")

COUNTRY_LANGUAGES: dict[str, str] = {
    **dict.fromkeys(["us", "gb", "au", "ie", "nz"], "en"),
    **dict.fromkeys(["es", "mx", "ar", "co", "cl", "pe", "uy", "ve", "ec", "do", "cr"], "es"),
    "fr": "fr",
}
"""Storefronts where one language dominates. Multilingual ones (ca, be, ch, lu, in, ...) give
None, so the pipeline's detection decides."""


def _digits(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class AppStoreSettings(ConnectorSettings):
    type: Literal["appstore"] = "appstore"
    app_id: Annotated[str, BeforeValidator(_digits), Field(pattern=r"^\d{1,20}$")]
    countries: list[str] = Field(default_factory=lambda: ["us"], min_length=1)
    max_pages: int = Field(MAX_FEED_PAGES, ge=1, le=MAX_FEED_PAGES)
    base_url: str = "https://itunes.apple.com"
    timeout: Duration = timedelta(seconds=30)
    lang_from_country: bool = True
    connect: ConnectSettings | None = None

    @model_validator(mode="after")
    def _usable_key(self) -> AppStoreSettings:
        if self.enabled and self.connect is not None:
            load_key(self.connect)  # a ValueError names the key, never shows it
        return self

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, value: list[str]) -> list[str]:
        codes = unique(code.strip().lower() for code in value)
        bad = [code for code in codes if not re.fullmatch(r"[a-z]{2}", code)]
        if bad:
            raise ValueError(f"expected two-letter storefront codes such as us, es, fr: {bad}")
        return codes


class _Malformed(ValueError):
    """One feed entry that cannot become a Mention."""


class AppStoreConnector:
    """Reads each country's feed newest first and stops at that country's cursor.

    Cursor: `{"us": {"updated": ISO, "ids": [...]}, ...}` — the newest review time seen per
    country and the review ids at that second. An edited review comes back with a newer
    `updated` and the same id; the pipeline stores the new version and keeps the old one in
    `raw["repmon_previous"]` (monitor.edits), so the outcome loop can judge the edit.
    """

    Settings: ClassVar[type[ConnectorSettings]] = AppStoreSettings

    def __init__(
        self,
        settings: AppStoreSettings,
        client: httpx.Client,
        *,
        sleep: Sleep | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self._client = client
        self._sleep = sleep
        self._clock = clock
        self._connect = (
            ConnectApi(
                settings.connect,
                client,
                label=f"appstore {settings.name}",
                sleep=sleep,
                clock=clock,
            )
            if settings.connect is not None
            else None
        )

    @classmethod
    def from_settings(
        cls, settings: AppStoreSettings, *, sleep: Sleep | None = None, clock: Clock = utc_now
    ) -> AppStoreConnector:
        client = build_client(settings.timeout, accept="application/json")
        connector = cls(settings, client, sleep=sleep, clock=clock)
        weakref.finalize(connector, client.close)
        return connector

    def close(self) -> None:
        self._client.close()

    def fetch(self, cursor: str | None) -> Batch:
        if self._connect is not None:
            return self._fetch_connect(cursor, self._connect)
        saved = load_json_cursor(cursor) or {}
        since = self._clock() - self.settings.lookback
        mentions: list[Mention] = []
        skipped = 0
        state: dict[str, Any] = {}
        for country in self.settings.countries:
            mark = resume_from(
                saved.get(country),
                since=since,
                time_key="updated",
                label=f"appstore {self.settings.name}/{country}",
            )
            found, bad, pages = self._read_country(country, mark)
            mentions.extend(found)
            skipped += bad
            state[country] = mark.as_dict(time_key="updated")
            logger.info(
                "appstore %s/%s: %d new, %d skipped, %d page(s)",
                self.settings.name,
                country,
                len(found),
                bad,
                pages,
            )
        return Batch(mentions, dump_json_cursor(state), skipped=skipped)

    # --- App Store Connect ---------------------------------------------------------------------

    def _fetch_connect(self, cursor: str | None, api: ConnectApi) -> Batch:
        """`customerReviews` newest first, down to the cursor `{"connect": {"created": ...}}`."""
        saved = load_json_cursor(cursor) or {}
        mark = resume_from(
            saved.get("connect"),
            since=self._clock() - self.settings.lookback,
            time_key="created",
            label=f"appstore {self.settings.name}/connect",
        )
        app_id = api.settings.app_id or self.settings.app_id
        items, skipped, pages = api.reviews(app_id, mark)
        mentions: list[Mention] = []
        for item in items:
            try:
                mentions.append(self._connect_mention(item))
            except (ValueError, KeyError) as exc:
                skipped += 1
                logger.warning("appstore %s: review %s skipped: %s", self.settings.name, item, exc)
        logger.info(
            "appstore %s (connect): %d new, %d skipped, %d page(s)",
            self.settings.name,
            len(mentions),
            skipped,
            pages,
        )
        state = {"connect": mark.as_dict(time_key="created")}
        return Batch(mentions, dump_json_cursor(state), skipped=skipped)

    def _connect_mention(self, item: dict[str, Any]) -> Mention:
        fields = review_fields(item)
        country = fields["country"]
        lang = (
            COUNTRY_LANGUAGES.get(country) if country and self.settings.lang_from_country else None
        )
        metrics: dict[str, Any] = {"country": country or fields["territory"]}
        if fields["territory"]:
            metrics["territory"] = fields["territory"]
        return Mention(
            source="appstore",
            connector=self.settings.name,
            external_id=str(item["id"]),
            text=fields["text"],
            created_at=parse_timestamp(item["attributes"]["createdDate"]),
            url=_APP_PAGE.format(country=country or "us", app_id=self.settings.app_id),
            author=fields["author"],
            author_name=fields["author"],
            lang=lang,
            rating=fields["rating"],
            title=fields["title"],
            metrics=metrics,
            raw=item,
        )

    def reply_rules(self) -> str:
        """For the reply modal."""
        return (
            f"App Store: up to {MAX_RESPONSE_CHARS} characters; one response per review (a new "
            "one replaces the old); Apple publishes it after a review of its own"
        )

    def reply_problem(self, mention: Mention, text: str | None) -> str | None:
        """Why App Store Connect would refuse this response, before any call; None if none."""
        if self._connect is None:
            return "App Store responses need the connector's `connect:` block (an API key)"
        if mention.source != "appstore":
            return f"not an App Store review: {mention.source}"
        if not isinstance(mention.raw, dict) or mention.raw.get("type") != REVIEW_TYPE:
            return (
                "this review was read from the public feed, whose ids App Store Connect does "
                "not know; answer it in App Store Connect"
            )
        return _text_problem(text)

    def reply(self, mention: Mention, text: str) -> str:
        """Create the developer response to a review; the response's id."""
        problem = self.reply_problem(mention, text)
        if problem or self._connect is None:
            raise ReplyRejected(problem or "no App Store Connect key")
        response_id = self._connect.respond(mention.external_id, text)
        logger.info("appstore %s: responded to review %s", self.settings.name, mention.external_id)
        return response_id

    def find_reply(self, mention: Mention, text: str, *, since: datetime) -> str | None:
        """The response's id when the review's response is this text, or was set since `since`
        (after a crash: posted, or not).

        Any response is not enough: a POST replaces the review's response, so an older one (an
        earlier reply, or one written in App Store Connect) says nothing about this send.
        """
        if self._connect is None:
            raise FatalConnectorError(f"appstore {self.settings.name}: no `connect:` block")
        found = self._connect.response_of(mention.external_id)
        if found is None:
            return None
        if _same_text(found.body, text):
            return found.id
        if found.modified is not None and found.modified >= since - CLOCK_SKEW:
            return found.id
        return None

    def recheck(self, mentions: list[Mention]) -> list[Mention]:
        """Each review as App Store Connect shows it now (`GET customerReviews/{id}`), for the
        outcome loop (monitor.outcomes): a rating edited after our reply is seen even though the
        incremental `fetch` (by `createdDate`) never returns the review again.

        A review is dated by its last edit (monitor.edits judges an edit by that date), but App
        Store Connect only gives `createdDate`: a review whose stars, title or text changed while
        its `createdDate` did not is dated when this re-check first saw the change.

        Deleted reviews (404), malformed ones and reviews read from the public feed (ids App
        Store Connect does not know) are left out. Without a `connect:` block nothing can be
        re-checked and every review is left out ([]): the public RSS feed has no lookup by id
        and only lists the 500 newest reviews per storefront; an edit still arrives through
        `fetch` there, because the feed dates a review by its last edit.
        """
        if self._connect is None:
            return []
        out: list[Mention] = []
        for mention in mentions:
            raw = mention.raw
            if not isinstance(raw, dict) or raw.get("type") != REVIEW_TYPE:
                continue
            item = self._connect.review(mention.external_id)
            try:
                if item is None:
                    raise ValueError("no longer in App Store Connect")
                out.append(_dated_by_edit(self._connect_mention(item), mention, self._clock()))
            except (ValueError, KeyError) as exc:
                logger.info(
                    "appstore %s: review %s left out of the re-check: %s",
                    self.settings.name,
                    mention.external_id,
                    exc,
                )
        return out

    # --- Public feed ---------------------------------------------------------------------------

    def _read_country(self, country: str, mark: Watermark) -> tuple[list[Mention], int, int]:
        """Mentions newer than `mark` (which moves over them) and the count of malformed entries."""
        before = mark.copy()
        found: list[Mention] = []
        skipped = 0
        page = 0
        while page < self.settings.max_pages:
            page += 1
            feed = self._page(country, page)
            entries = _entries(feed)
            where = f"appstore {self.settings.name} ({country}, page {page})"
            reviews = 0
            for entry in entries:
                if isinstance(entry, dict) and "im:rating" not in entry:
                    continue  # the app's own metadata entry, first on some page-1 responses
                reviews += 1
                try:
                    moment, review_id = _identity(entry)
                except _Malformed as exc:
                    if mark.first_skip(fingerprint(entry)):
                        skipped += 1
                        logger.warning("%s: entry skipped: %s", where, exc)
                    continue
                if before.is_older(moment):
                    return found, skipped, page  # newest first: the rest was read before
                mark.note(moment, review_id)
                if not before.is_new(moment, review_id):
                    continue
                try:
                    found.append(self._mention(entry, country, review_id, moment))
                except _Malformed as exc:
                    skipped += 1
                    logger.warning("%s: review %s skipped: %s", where, review_id, exc)
            if reviews == 0 or page >= _last_page(feed):
                break
        return found, skipped, page

    def _page(self, country: str, page: int) -> dict[str, Any]:
        url = _FEED_URL.format(
            base=self.settings.base_url.rstrip("/"),
            country=country,
            page=page,
            app_id=self.settings.app_id,
        )
        label = f"appstore {self.settings.name} ({country}, page {page})"
        return get(
            self._client,
            url,
            label=label,
            decode=lambda response: _decode(response, label),
            sleep=self._sleep,
            clock=self._clock,
        )

    def _mention(
        self, entry: dict[str, Any], country: str, review_id: str, moment: datetime
    ) -> Mention:
        rating_text = _label(entry, "im:rating")
        if not rating_text or not rating_text.strip().isdigit():
            raise _Malformed(f"im:rating is not a number: {rating_text!r}")
        rating = int(rating_text)
        if not 1 <= rating <= 5:
            raise _Malformed(f"im:rating out of range: {rating}")
        text = clean_text(_content(entry))
        title = clean_text(_label(entry, "title") or "", limit=500).strip() or None
        if not text.strip() and not title:
            raise _Malformed("no title and no text")
        author = (_nested_label(entry, "author", "name") or "").strip() or None
        metrics: dict[str, Any] = {"country": country}
        version = _label(entry, "im:version")
        if version:
            metrics["app_version"] = version
        for key, name in (("im:voteCount", "vote_count"), ("im:voteSum", "vote_sum")):
            value = _label(entry, key)
            if value is not None and value.strip().isdigit():
                metrics[name] = int(value)
        lang = COUNTRY_LANGUAGES.get(country) if self.settings.lang_from_country else None
        return Mention(
            source="appstore",
            connector=self.settings.name,
            external_id=review_id,
            text=text,
            created_at=moment,
            url=_APP_PAGE.format(country=country, app_id=self.settings.app_id),
            author=author,
            author_name=author,
            lang=lang,
            rating=rating,
            title=title,
            metrics=metrics,
            raw=entry,
        )


def _dated_by_edit(fresh: Mention, stored: Mention, seen: datetime) -> Mention:
    """`fresh` dated `seen` when it differs from `stored` but kept the same `createdDate`."""
    changed = (fresh.rating, fresh.title, fresh.text) != (stored.rating, stored.title, stored.text)
    if changed and fresh.created_at <= stored.created_at:
        return replace(fresh, created_at=max(seen, stored.created_at))
    return fresh


def _same_text(theirs: str, ours: str) -> bool:
    """Equal once whitespace is collapsed (line endings and trailing spaces may not survive)."""
    return " ".join(theirs.split()) == " ".join(ours.split())


def _text_problem(text: str | None) -> str | None:
    if text is None:
        return None
    if not text.strip():
        return "the reply is empty"
    if len(text) > MAX_RESPONSE_CHARS:
        return (
            f"App Store responses are limited to {MAX_RESPONSE_CHARS} characters "
            f"(this one has {len(text)})"
        )
    return None


def _decode(response: httpx.Response, label: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError: a body cut short
        raise RetriableConnectorError(f"{label}: response is not complete JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("feed"), dict):
        raise FatalConnectorError(f"{label}: not a customer-reviews feed (no `feed` object)")
    feed: dict[str, Any] = data["feed"]
    return feed


def _entries(feed: dict[str, Any]) -> list[Any]:
    """`feed.entry` is absent with no reviews and a single object when there is only one."""
    entries = feed.get("entry")
    if entries is None:
        return []
    return entries if isinstance(entries, list) else [entries]


def _last_page(feed: dict[str, Any]) -> int:
    """The page number in the feed's `rel=last` link; MAX_FEED_PAGES when it has none."""
    links = feed.get("link")
    for link in links if isinstance(links, list) else [links]:
        attributes = link.get("attributes") if isinstance(link, dict) else None
        if isinstance(attributes, dict) and attributes.get("rel") == "last":
            match = _LAST_PAGE.search(str(attributes.get("href", "")))
            if match:
                return int(match.group(1))
    return MAX_FEED_PAGES


def _label(entry: dict[str, Any], key: str) -> str | None:
    node = entry.get(key)
    value = node.get("label") if isinstance(node, dict) else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Malformed(f"{key}.label is not a string")
    return value


def _content(entry: dict[str, Any]) -> str:
    """`content.label`; from a list of contents (text and html, as in the XML feed) the text one."""
    node = entry.get("content")
    for candidate in node if isinstance(node, list) else [node]:
        if not isinstance(candidate, dict):
            continue
        attributes = candidate.get("attributes")
        kind = attributes.get("type", "text") if isinstance(attributes, dict) else "text"
        if kind == "text":
            return _label({"content": candidate}, "content") or ""
    return ""


def _nested_label(entry: dict[str, Any], key: str, sub: str) -> str | None:
    node = entry.get(key)
    return _label(node, sub) if isinstance(node, dict) else None


def _identity(entry: Any) -> tuple[datetime, str]:
    """The review's `updated` time and id: what places it relative to the cursor."""
    if not isinstance(entry, dict):
        raise _Malformed(f"entry is a {type(entry).__name__}, not an object")
    review_id = (_label(entry, "id") or "").strip()
    if not review_id:
        raise _Malformed("no id.label")
    updated = _label(entry, "updated")
    try:
        moment = parse_timestamp(updated)
    except ValueError as exc:
        raise _Malformed(f"updated.label is not a timestamp: {updated!r}") from exc
    return moment, review_id
