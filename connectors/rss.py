"""`type: rss` — RSS and Atom feeds (Google Alerts, news, blogs, forums), parsed with feedparser."""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

import feedparser
import httpx
from pydantic import Field

from connectors._http import (
    Clock,
    Sleep,
    build_client,
    domain_of,
    get,
    host_of,
    html_to_text,
    unwrap_google_url,
    utc_now,
)
from connectors._watermark import (
    Watermark,
    bounded_id,
    dump_json_cursor,
    fingerprint,
    load_json_cursor,
    resume_from,
)
from connectors.base import ConnectorSettings, FatalConnectorError, RetriableConnectorError
from connectors.records import clean_text
from monitor.configtypes import Duration
from monitor.language import normalize_hint
from monitor.models import Batch, Mention
from monitor.textnorm import fold_text, keyword_pattern

logger = logging.getLogger(__name__)

_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
)
_ROOT_OPEN = re.compile(rb"<(?:rss|feed|rdf:rdf|atom:feed)[\s>]")
_ROOT_CLOSE = (b"</rss>", b"</feed>", b"</rdf:rdf>", b"</atom:feed>")


class RssSettings(ConnectorSettings):
    type: Literal["rss"] = "rss"
    url: str = Field(pattern=r"^https?://\S+$")
    keywords: list[str] = []
    timeout: Duration = timedelta(seconds=30)
    max_items: int = Field(200, ge=1, le=10_000)
    lang: str | None = None


class _Malformed(ValueError):
    """One feed entry that cannot become a Mention."""


@dataclass
class _Fetched:
    feed: Any
    etag: str | None
    modified: str | None


class RssConnector:
    """Fetches the feed conditionally (ETag / Last-Modified from the cursor), keeps new entries.

    Cursor: `{"newest": ISO, "ids": [...], "etag": ..., "modified": ...}` — the newest entry time
    seen, the entry ids at that second and the validators for a 304. Entries need not be sorted.
    """

    Settings: ClassVar[type[ConnectorSettings]] = RssSettings

    def __init__(
        self,
        settings: RssSettings,
        client: httpx.Client,
        *,
        sleep: Sleep | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.settings = settings
        self._client = client
        self._sleep = sleep
        self._clock = clock
        self._pattern = keyword_pattern(settings.keywords)

    @classmethod
    def from_settings(
        cls, settings: RssSettings, *, sleep: Sleep | None = None, clock: Clock = utc_now
    ) -> RssConnector:
        client = build_client(settings.timeout, accept=_ACCEPT)
        connector = cls(settings, client, sleep=sleep, clock=clock)
        weakref.finalize(connector, client.close)
        return connector

    def close(self) -> None:
        self._client.close()

    def fetch(self, cursor: str | None) -> Batch:
        saved = load_json_cursor(cursor) or {}
        before = resume_from(
            saved or None,
            since=self._clock() - self.settings.lookback,
            time_key="newest",
            label=f"rss {self.settings.name}",
        )
        headers = {}
        if isinstance(saved.get("etag"), str):
            headers["If-None-Match"] = saved["etag"]
        if isinstance(saved.get("modified"), str):
            headers["If-Modified-Since"] = saved["modified"]
        label = f"rss {self.settings.name} ({host_of(self.settings.url)})"
        fetched = get(
            self._client,
            self.settings.url,
            label=label,
            decode=lambda response: _decode(response, label),
            headers=headers,
            sleep=self._sleep,
            clock=self._clock,
        )
        if fetched is None:
            logger.debug("rss %s: not modified", self.settings.name)
            return Batch([], cursor or _dump(before, saved.get("etag"), saved.get("modified")))
        mark = before.copy()
        found, skipped, filtered = self._read(fetched.feed, before, mark)
        logger.debug(
            "rss %s: %d new, %d filtered out, %d skipped",
            self.settings.name,
            len(found),
            filtered,
            skipped,
        )
        return Batch(found, _dump(mark, fetched.etag, fetched.modified), skipped=skipped)

    def _read(
        self, parsed: Any, before: Watermark, mark: Watermark
    ) -> tuple[list[Mention], int, int]:
        feed = parsed.get("feed") or {}
        feed_time = _entry_time(feed)
        dated: list[tuple[datetime, str, Any]] = []
        skipped = 0
        for entry in parsed.get("entries") or []:
            try:
                moment, entry_id = _identity(entry, feed_time)
            except _Malformed as exc:
                if mark.first_skip(fingerprint(_plain(entry))):
                    skipped += 1
                    logger.warning("rss %s: entry skipped: %s", self.settings.name, exc)
                continue
            dated.append((moment, entry_id, entry))
        dated.sort(key=lambda item: item[0], reverse=True)
        found: list[Mention] = []
        filtered = 0
        for moment, entry_id, entry in dated[: self.settings.max_items]:
            mark.note(moment, entry_id)
            if not before.is_new(moment, entry_id):
                continue
            try:
                mention = self._mention(entry, entry_id, moment, feed)
            except _Malformed as exc:
                skipped += 1
                logger.warning("rss %s: entry %s skipped: %s", self.settings.name, entry_id, exc)
                continue
            if mention is None:
                filtered += 1
            else:
                found.append(mention)
        return found, skipped, filtered

    def _mention(self, entry: Any, entry_id: str, moment: datetime, feed: Any) -> Mention | None:
        title = _field_text(entry, "title")
        summary = _summary_text(entry)
        if self._pattern is not None and not self._pattern.search(fold_text(f"{title} {summary}")):
            return None
        if summary == title or not summary:
            text = title
        else:
            text = f"{title} — {summary}" if title else summary
        if not text.strip():
            raise _Malformed("no title and no summary")
        link = unwrap_google_url(str(entry.get("link") or "")) or None
        domain = (
            domain_of(link)
            or domain_of(str(feed.get("link") or ""))
            or domain_of(self.settings.url)
        )
        detail = entry.get("author_detail") or {}
        name = str(detail.get("name") or entry.get("author") or "").strip() or None
        lang_hint = (
            self.settings.lang
            or (entry.get("title_detail") or {}).get("language")
            or feed.get("language")
        )
        return Mention(
            source="rss",
            connector=self.settings.name,
            external_id=entry_id,
            text=clean_text(text),
            created_at=moment,
            url=link,
            author=(name or domain or None),
            author_name=name,
            lang=normalize_hint(lang_hint),
            title=clean_text(title, limit=500) or None,
            metrics={"domain": domain} if domain else {},
            raw=_plain(entry),
        )


def _decode(response: httpx.Response, label: str) -> _Fetched | None:
    """The parsed feed; None for 304. A body cut short is retried, a non-feed body is fatal."""
    if response.status_code == 304:
        return None
    body = response.content
    if not body.strip():
        raise RetriableConnectorError(f"{label}: empty response body")
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers={
            "content-location": str(response.url),
            "content-type": response.headers.get("content-type", "application/xml"),
        },
    )
    if parsed.get("bozo") and _truncated(body):
        raise RetriableConnectorError(f"{label}: feed document cut short")
    if not parsed.get("version") and not parsed.get("entries"):
        raise FatalConnectorError(f"{label}: the response is not an RSS or Atom feed")
    return _Fetched(parsed, response.headers.get("ETag"), response.headers.get("Last-Modified"))


def _truncated(body: bytes) -> bool:
    """A feed root was opened and never closed: the connection dropped mid-document."""
    head, tail = body[:4096].lower(), body.rstrip()[-64:].lower()
    return _ROOT_OPEN.search(head) is not None and not tail.endswith(_ROOT_CLOSE)


def _dump(mark: Watermark, etag: Any, modified: Any) -> str:
    state = mark.as_dict(time_key="newest")
    state.update({"etag": etag or None, "modified": modified or None})
    return dump_json_cursor(state)


def _entry_time(node: Any) -> datetime | None:
    """published, else updated, else created; feedparser gives them as UTC struct_time.

    Read with `dict.get`: FeedParserDict's own lookup maps a missing `updated_parsed` to
    `published_parsed` with a DeprecationWarning (feedparser issue 310).
    """
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = dict.get(node, key) if isinstance(node, dict) else None
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError):
                continue
    return None


def _identity(entry: Any, feed_time: datetime | None) -> tuple[datetime, str]:
    """The entry's time and id.

    No date: the feed's own updated time stands in, if the entry has an id or link to be
    recognised by later; an entry with neither, or in a feed without a date, is malformed.
    """
    entry_id = str(entry.get("id") or "").strip()
    link = str(entry.get("link") or "").strip()
    moment = _entry_time(entry)
    if moment is None:
        if not (entry_id or link):
            raise _Malformed("no usable date and no id or link")
        if feed_time is None:
            raise _Malformed("no usable date, and the feed has none either")
        moment = feed_time
    if not entry_id:
        title = str(entry.get("title") or "").strip()
        if not (link or title):
            raise _Malformed("no id, link or title")
        entry_id = link or "title:" + fingerprint([title, link])
    return moment, bounded_id(entry_id)


def _field_text(entry: Any, key: str) -> str:
    value = str(entry.get(key) or "")
    kind = str((entry.get(f"{key}_detail") or {}).get("type") or "text/plain")
    return html_to_text(value) if "html" in kind else " ".join(value.split())


def _summary_text(entry: Any) -> str:
    """The summary (RSS description), else the first content; HTML unless declared plain text."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    value = str(entry.get("summary") or (contents[0]["value"] if contents else ""))
    detail = entry.get("summary_detail") or (contents[0] if contents else {})
    kind = str(detail.get("type") or "text/html")
    return html_to_text(value) if "html" in kind else " ".join(value.split())


def _plain(value: Any) -> Any:
    """feedparser's dicts as plain JSON (its `*_parsed` struct_times are left out)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if not str(k).endswith("_parsed")}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
