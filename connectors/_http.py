"""Web plumbing shared by connectors: one client shape, one status → error mapping, HTML → text."""

from __future__ import annotations

import email.utils
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from connectors.base import ConnectorError, FatalConnectorError, RetriableConnectorError
from connectors.retry import call_with_retries
from monitor import __version__

T = TypeVar("T")

USER_AGENT = f"repmon/{__version__} (reputation monitor)"

Sleep = Callable[[float], None]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def build_client(timeout: timedelta, *, accept: str) -> httpx.Client:
    """The client `from_settings` gives a connector: bounded time, an honest User-Agent."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout.total_seconds()),
        headers={"User-Agent": USER_AGENT, "Accept": accept},
        follow_redirects=True,
    )


def retry_after(value: str | None, *, now: datetime) -> datetime | None:
    """`Retry-After` as seconds or an HTTP date → the UTC instant; None if absent or unreadable."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return now + timedelta(seconds=int(text))
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def status_error(
    status: int, *, label: str, retry_after_header: str | None, now: datetime, hint: str = ""
) -> ConnectorError | None:
    """The connector error an HTTP status means (None below 400; 304 is not an error).

    429 carries `reset_at` from `Retry-After`; 408 and 5xx are transient; 401/403 mean the
    credentials need a human (`hint` says where), and so do other 4xx (a wrong id or URL).
    """
    if status < 400:
        return None
    if status == 429:
        reset = retry_after(retry_after_header, now=now)
        return RetriableConnectorError(f"{label}: rate limited (HTTP 429)", reset_at=reset)
    if status >= 500 or status == 408:
        return RetriableConnectorError(f"{label}: server error (HTTP {status})")
    if status in (401, 403):
        return FatalConnectorError(f"{label}: access refused (HTTP {status}){hint}")
    if status in (404, 410):
        return FatalConnectorError(f"{label}: not found (HTTP {status}); check the configuration")
    return FatalConnectorError(f"{label}: request refused (HTTP {status})")


def get(
    client: httpx.Client,
    url: str,
    *,
    label: str,
    decode: Callable[[httpx.Response], T],
    headers: Mapping[str, str] | None = None,
    sleep: Sleep | None = None,
    clock: Clock = utc_now,
) -> T:
    """GET `url` and decode it, retrying transient failures (a truncated body is one of them).

    `decode` runs inside the retried attempt, so it can raise RetriableConnectorError for a body
    that was cut short and the request is made again.
    """

    def attempt() -> T:
        try:
            response = client.get(url, headers=dict(headers or {}))
        except (httpx.UnsupportedProtocol, httpx.TooManyRedirects) as exc:
            raise FatalConnectorError(f"{label}: {type(exc).__name__}: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise RetriableConnectorError(f"{label}: timed out ({type(exc).__name__})") from exc
        except httpx.RequestError as exc:
            raise RetriableConnectorError(f"{label}: {type(exc).__name__}: {exc}") from exc
        error = status_error(
            response.status_code,
            label=label,
            retry_after_header=response.headers.get("Retry-After"),
            now=clock(),
        )
        if error is not None:
            raise error
        return decode(response)

    return call_with_retries(attempt, sleep=sleep)


def host_of(url: str) -> str:
    """The host part of a URL, for messages that must not carry paths or query secrets."""
    try:
        return httpx.URL(url).host or "no-host"
    except httpx.InvalidURL:
        return "invalid-url"


def domain_of(url: str | None) -> str | None:
    """`https://www.example.com/a` → `example.com`; None without a host."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def unwrap_google_url(link: str) -> str:
    """Google Alerts links go through `https://www.google.com/url?...&url=REAL`: return REAL."""
    parts = urlsplit(link)
    if parts.hostname in ("www.google.com", "google.com") and parts.path == "/url":
        query = parse_qs(parts.query)
        for key in ("url", "q"):
            real = (query.get(key) or [""])[0]
            if real.startswith(("http://", "https://")):
                return real
    return link


class _TextExtractor(HTMLParser):
    _BLOCK = frozenset(
        {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
        | {"blockquote", "ul", "ol", "table", "hr"}
    )
    _HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return " ".join("".join(extractor.parts).split())
