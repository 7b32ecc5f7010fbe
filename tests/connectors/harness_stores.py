"""Contract harnesses for `appstore`, `googleplay` and `rss`: in-memory data served on loopback.

Each harness owns a FakeServer that renders its items in the platform's documented format:
Apple's customer-reviews JSON feed (50 per page, newest first, the app's metadata entry first on
page 1), the androidpublisher v3 `reviews.list` API behind an OAuth token endpoint, and an RSS 2.0
feed. `close()` stops the server; a `weakref.finalize` does it anyway when the harness is dropped.
"""

from __future__ import annotations

import email.utils
import functools
import json
import math
import re
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from connectors import Connector, build_connector
from tests.connectors.contract import Item
from tests.connectors.fakeserver import FakeServer, Reply, Request

APP_ID = "123456789"
PACKAGE = "com.acme.app"
ACCESS_TOKEN = "ya29.test-access-token"
LONG_AGO = "3650d"
"""The contract's items are dated 2026-11-08: a look-back that always reaches them."""
PACIFIC = timezone(timedelta(hours=-8))


# --- App Store ---------------------------------------------------------------------------------


def apple_review(
    review_id: str,
    text: str,
    updated: datetime,
    *,
    author: str = "someone",
    rating: str = "4",
    title: str = "A review",
    version: str = "5.2.1",
) -> dict[str, Any]:
    """One review entry as Apple's JSON feed writes it (every value under `label`)."""
    return {
        "author": {
            "uri": {"label": f"https://itunes.apple.com/us/reviews/id{abs(hash(author)) % 10**9}"},
            "name": {"label": author},
            "label": "",
        },
        "updated": {"label": updated.astimezone(PACIFIC).isoformat()},
        "im:rating": {"label": rating},
        "im:version": {"label": version},
        "id": {"label": review_id},
        "title": {"label": title},
        "content": {"label": text, "attributes": {"type": "text"}},
        "link": {
            "attributes": {
                "rel": "related",
                "href": f"https://itunes.apple.com/us/review?id={APP_ID}&type=Purple%20Software",
            }
        },
        "im:voteSum": {"label": "0"},
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "im:voteCount": {"label": "0"},
    }


def apple_app_entry(app_id: str = APP_ID) -> dict[str, Any]:
    """The app's own metadata entry, first on some page-1 responses (no `im:rating`)."""
    return {
        "im:name": {"label": "Acme Mobile"},
        "rights": {"label": "© 2026 Acme Inc."},
        "im:price": {"label": "Get", "attributes": {"amount": "0.00", "currency": "USD"}},
        "im:image": [
            {
                "label": "https://is1-ssl.mzstatic.com/image/thumb/acme/53x53bb.png",
                "attributes": {"height": "53"},
            }
        ],
        "im:artist": {
            "label": "Acme Inc.",
            "attributes": {"href": "https://apps.apple.com/us/developer/acme-inc/id1"},
        },
        "title": {"label": "Acme Mobile - Acme Inc."},
        "link": {
            "attributes": {
                "rel": "alternate",
                "type": "text/html",
                "href": f"https://apps.apple.com/us/app/acme-mobile/id{app_id}?uo=2",
            }
        },
        "id": {
            "label": f"https://apps.apple.com/us/app/acme-mobile/id{app_id}?uo=2",
            "attributes": {"im:id": app_id, "im:bundleId": PACKAGE},
        },
        "im:contentType": {"attributes": {"term": "Application", "label": "Application"}},
        "category": {"attributes": {"im:id": "6000", "term": "Business", "label": "Business"}},
        "im:releaseDate": {
            "label": "2019-03-01T00:00:00-07:00",
            "attributes": {"label": "March 1, 2019"},
        },
    }


def apple_feed(
    country: str, page: int, entries: list[Any], last_page: int, app_id: str = APP_ID
) -> dict[str, Any]:
    """A customer-reviews page: `entry` is absent when empty and an object when alone."""
    base = f"https://itunes.apple.com/{country}/rss/customerreviews"

    def link(rel: str, number: int) -> dict[str, Any]:
        tail = f"page={number}/id={app_id}/sortby=mostrecent"
        href = f"{base}/{tail}/xml?urlDesc=/customerreviews/{tail}/json"
        return {"attributes": {"rel": rel, "href": href}}

    feed: dict[str, Any] = {
        "author": {
            "name": {"label": "iTunes Store"},
            "uri": {"label": "http://www.apple.com/us/itunes/"},
        },
        "updated": {"label": "2026-11-22T00:00:00-08:00"},
        "rights": {"label": "Copyright 2008 Apple Inc."},
        "title": {"label": "iTunes Store: Customer Reviews"},
        "icon": {"label": "http://itunes.apple.com/favicon.ico"},
        "link": [
            {
                "attributes": {
                    "rel": "alternate",
                    "type": "text/html",
                    "href": f"https://apps.apple.com/WebObjects/MZStore.woa/wa/viewGrouping?cc={country}&id=1",
                }
            },
            {
                "attributes": {
                    "rel": "self",
                    "href": f"{base}/page={page}/id={app_id}/sortby=mostrecent/json",
                }
            },
            link("first", 1),
            link("last", last_page),
            link("previous", max(1, page - 1)),
            link("next", min(last_page, page + 1)),
        ],
        "id": {"label": f"{base}/page={page}/id={app_id}/sortby=mostrecent/json"},
    }
    if entries:
        feed["entry"] = entries if len(entries) > 1 else entries[0]
    return {"feed": feed}


class AppStoreHarness:
    name = "contract-appstore"
    page_size = 50

    def __init__(self, tmp_path: Path) -> None:
        self.server = FakeServer()
        self._finalizer = weakref.finalize(self, self.server.close)
        self.entries: list[Any] = []  # oldest first, as appended
        pattern = re.compile(
            rf"/(?P<cc>[a-z]{{2}})/rss/customerreviews/page=(?P<page>\d+)/id={APP_ID}/sortby=mostrecent/json"
        )
        self.server.route(
            "GET", pattern, functools.partial(_serve_apple, self.entries, pattern, self.page_size)
        )

    def build(self) -> Connector:
        return build_connector(
            {
                "name": self.name,
                "type": "appstore",
                "app_id": APP_ID,
                "countries": ["us"],
                "base_url": self.server.url,
                "lookback": LONG_AGO,
            }
        )

    def append(self, new: Sequence[Item]) -> None:
        for item in new:
            self.entries.append(
                apple_review(item.external_id, item.text, item.created_at, author=item.author)
            )

    def append_malformed(self, kind: str) -> None:
        at = _after(
            self.entries,
            lambda e: e["updated"]["label"] if isinstance(e, dict) and "updated" in e else None,
        )
        good = apple_review("bad-1", "acme bad", at)
        if kind == "undecodable":
            self.entries.append("<entry>not an object</entry>")
        elif kind == "missing_field":
            self.entries.append({k: v for k, v in good.items() if k != "updated"})
        elif kind == "out_of_range":
            self.entries.append({**good, "im:rating": {"label": "9"}})
        else:
            raise ValueError(kind)

    def close(self) -> None:
        self._finalizer()


def _serve_apple(
    entries: list[Any], pattern: re.Pattern[str], size: int, request: Request
) -> Reply:
    match = pattern.fullmatch(request.path)
    assert match is not None
    page = int(match["page"])
    newest_first = list(reversed(entries))
    last = max(1, math.ceil(len(newest_first) / size))
    chunk = newest_first[(page - 1) * size : page * size]
    if page == 1:
        chunk = [apple_app_entry(), *chunk]
    return Reply.json(apple_feed(match["cc"], page, chunk, last))


# --- Google Play -------------------------------------------------------------------------------


@functools.cache
def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def write_service_account(path: Path, token_uri: str) -> Path:
    """A service-account JSON key with a throwaway RSA key (generated once per test session)."""
    info = {
        "type": "service_account",
        "project_id": "repmon-test",
        "private_key_id": "0123456789abcdef",
        "private_key": _private_key_pem(),
        "client_email": "repmon@repmon-test.iam.gserviceaccount.com",
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    }
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def play_review(
    review_id: str,
    text: str,
    modified: datetime,
    *,
    author: str = "A Google user",
    rating: int = 4,
    language: str = "en_US",
    reply: tuple[str, datetime] | None = None,
) -> dict[str, Any]:
    """One `Review` as androidpublisher v3 returns it (`seconds` is a string: int64 in JSON)."""
    user: dict[str, Any] = {
        "text": text,
        "lastModified": _timestamp(modified),
        "starRating": rating,
        "reviewerLanguage": language,
        "device": "a54x",
        "androidOsVersion": 34,
        "appVersionCode": 5021,
        "appVersionName": "5.2.1",
        "thumbsUpCount": 0,
        "thumbsDownCount": 0,
        "deviceMetadata": {
            "productName": "a54x (Galaxy A54 5G)",
            "manufacturer": "Samsung",
            "ramMb": 6144,
        },
    }
    comments: list[dict[str, Any]] = [{"userComment": user}]
    if reply is not None:
        comments.append(
            {"developerComment": {"text": reply[0], "lastModified": _timestamp(reply[1])}}
        )
    return {"reviewId": review_id, "authorName": author, "comments": comments}


def _timestamp(moment: datetime) -> dict[str, Any]:
    return {"seconds": str(int(moment.timestamp())), "nanos": moment.microsecond * 1000}


def serve_play_token(request: Request) -> Reply:
    """The OAuth token exchange of a service account (JWT bearer grant)."""
    form = {k: v[0] for k, v in _form(request.body).items()}
    if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" or not form.get(
        "assertion"
    ):
        return Reply.json({"error": "invalid_grant"}, status=400)
    return Reply.json({"access_token": ACCESS_TOKEN, "expires_in": 3599, "token_type": "Bearer"})


def _form(body: bytes) -> dict[str, list[str]]:
    return parse_qs(body.decode("ascii"))


def serve_play_list(reviews: list[Any], request: Request) -> Reply:
    """`reviews.list`: newest first, `maxResults` per page, an opaque `token` for the next one."""
    if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
        return Reply.json(
            {
                "error": {
                    "code": 401,
                    "message": "Request had invalid authentication credentials.",
                    "status": "UNAUTHENTICATED",
                }
            },
            status=401,
        )
    size = int(request.param("maxResults", "10") or 10)
    start = int(request.param("token", "0") or 0)
    newest_first = list(reversed(reviews))
    page = newest_first[start : start + size]
    body: dict[str, Any] = {
        "pageInfo": {"totalResults": len(newest_first), "resultPerPage": size, "startIndex": start},
        "tokenPagination": {},
        "reviews": page,
    }
    if start + size < len(newest_first):
        body["tokenPagination"] = {"nextPageToken": str(start + size)}
    if not page:
        del body["reviews"]
    return Reply.json(body)


class GooglePlayHarness:
    name = "contract-googleplay"

    def __init__(self, tmp_path: Path) -> None:
        self.server = FakeServer()
        self._finalizer = weakref.finalize(self, self.server.close)
        self.reviews: list[Any] = []
        self.server.route("POST", "/token", serve_play_token)
        self.server.route(
            "GET",
            f"/androidpublisher/v3/applications/{PACKAGE}/reviews",
            functools.partial(serve_play_list, self.reviews),
        )
        self.key_file = write_service_account(
            tmp_path / "play-service-account.json", f"{self.server.url}/token"
        )

    def build(self) -> Connector:
        return build_connector(
            {
                "name": self.name,
                "type": "googleplay",
                "package_name": PACKAGE,
                "credentials_file": str(self.key_file),
                "api_endpoint": self.server.url,
                "max_results": 2,
                "max_pages": 50,
                "lookback": LONG_AGO,
            }
        )

    def append(self, new: Sequence[Item]) -> None:
        for item in new:
            self.reviews.append(
                play_review(item.external_id, item.text, item.created_at, author=item.author)
            )

    def append_malformed(self, kind: str) -> None:
        at = _after(self.reviews, _play_time)
        good = play_review("bad-1", "acme bad", at)
        if kind == "undecodable":
            self.reviews.append(["not", "a", "review"])
        elif kind == "missing_field":
            del good["comments"][0]["userComment"]["lastModified"]
            self.reviews.append(good)
        elif kind == "out_of_range":
            good["comments"][0]["userComment"]["starRating"] = 9
            self.reviews.append(good)
        else:
            raise ValueError(kind)

    def close(self) -> None:
        self._finalizer()


def _play_time(review: Any) -> str | None:
    try:
        seconds = int(review["comments"][0]["userComment"]["lastModified"]["seconds"])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat()


# --- RSS ---------------------------------------------------------------------------------------


def rss_item(
    guid: str | None,
    title: str,
    published: str | None,
    *,
    link: str | None = None,
    author: str | None = None,
    description: str | None = None,
) -> str:
    """One RSS 2.0 `<item>`; every part optional so that malformed items can be written."""
    parts = [f"<title>{escape(title)}</title>"] if title else []
    if link:
        parts.append(f"<link>{escape(link)}</link>")
    if description:
        parts.append(f"<description>{escape(description)}</description>")
    if author:
        parts.append(f"<dc:creator>{escape(author)}</dc:creator>")
    if guid:
        parts.append(f'<guid isPermaLink="false">{escape(guid)}</guid>')
    if published:
        parts.append(f"<pubDate>{published}</pubDate>")
    return "<item>" + "".join(parts) + "</item>"


def rss_document(items: Sequence[str], *, title: str = "Acme news", language: str = "en-us") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.com/</link>"
        f"<description>News about Acme</description><language>{language}</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )


class RssHarness:
    name = "contract-rss"

    def __init__(self, tmp_path: Path) -> None:
        self.server = FakeServer()
        self._finalizer = weakref.finalize(self, self.server.close)
        self.items: list[str] = []  # oldest first; served newest first like most feeds
        self._count = 0
        self.server.route("GET", "/feed.xml", functools.partial(_serve_rss, self.items))

    def build(self) -> Connector:
        return build_connector(
            {
                "name": self.name,
                "type": "rss",
                "url": f"{self.server.url}/feed.xml",
                "lookback": LONG_AGO,
            }
        )

    def append(self, new: Sequence[Item]) -> None:
        for item in new:
            self._count += 1
            offset = timezone(timedelta(hours=2)) if self._count % 2 else UTC
            published = email.utils.format_datetime(item.created_at.astimezone(offset))
            self.items.append(rss_item(item.external_id, item.text, published, author=item.author))

    def append_malformed(self, kind: str) -> None:
        if kind == "undecodable":  # an invalid character reference: not well-formed XML
            self.items.append("<item><title>&#0;acme bad</title><pubDate>garbage</pubDate></item>")
        elif kind == "missing_field":  # identified and dated, but no title and no description
            self.items.append(rss_item("bad-1", "", "Sun, 08 Nov 2026 10:02:30 GMT"))
        elif kind == "out_of_range":  # 31 February, 25:61 — and no guid or link to fall back on
            self.items.append(rss_item(None, "acme bad", "Tue, 31 Feb 2026 25:61:00 GMT"))
        else:
            raise ValueError(kind)

    def close(self) -> None:
        self._finalizer()


def _serve_rss(items: list[str], request: Request) -> Reply:
    body = rss_document(items[::-1]).encode("utf-8")
    return Reply(200, body, {"Content-Type": "application/rss+xml; charset=utf-8"})


def _after(existing: Sequence[Any], when: Any) -> datetime:
    """A time just after the newest well-formed item, so a bad item sits where it was appended."""
    times = [t for t in (when(e) for e in existing) if t]
    latest = max(
        (datetime.fromisoformat(t) for t in times), default=datetime(2026, 11, 8, 10, tzinfo=UTC)
    )
    return latest + timedelta(seconds=30)
