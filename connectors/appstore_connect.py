"""App Store Connect API for `type: appstore` with a `connect:` block: reviews with the ids that
responses need, and developer responses (`customerReviewResponses`), signed with the team's key.

Every request carries a short-lived ES256 JWT (audience `appstoreconnect-v1`, 20 minutes, the
key id in its header). The token is made from the key in memory and is never logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import BeforeValidator, Field, SecretStr

from connectors._http import Clock, Sleep, get, status_error
from connectors._watermark import Watermark, fingerprint
from connectors.base import (
    ConnectorError,
    FatalConnectorError,
    ReplyRejected,
    RetriableConnectorError,
)
from connectors.records import clean_text, parse_timestamp
from connectors.retry import call_with_retries
from monitor.configtypes import Strict

logger = logging.getLogger(__name__)

MAX_RESPONSE_CHARS = 5970
"""App Store Connect refuses longer developer responses; checked before sending."""
TOKEN_LIFETIME = timedelta(minutes=20)
"""Apple refuses tokens that live longer than 20 minutes."""
AUDIENCE = "appstoreconnect-v1"
REVIEW_TYPE = "customerReviews"

TERRITORIES: dict[str, str] = {
    "USA": "us",
    "GBR": "gb",
    "AUS": "au",
    "IRL": "ie",
    "NZL": "nz",
    "CAN": "ca",
    "ESP": "es",
    "MEX": "mx",
    "ARG": "ar",
    "COL": "co",
    "CHL": "cl",
    "PER": "pe",
    "URY": "uy",
    "VEN": "ve",
    "ECU": "ec",
    "DOM": "do",
    "CRI": "cr",
    "FRA": "fr",
    "BEL": "be",
    "CHE": "ch",
}
"""App Store Connect names storefronts by ISO 3166 alpha-3; the feed and app pages by alpha-2."""


def _digits(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class ConnectSettings(Strict):
    """`connect:` in an appstore block: an App Store Connect API key (Users and Access → Keys)."""

    issuer_id: str = Field(min_length=1)
    key_id: str = Field(min_length=1)
    private_key: SecretStr  # the .p8 file's PEM text, from ${APPSTORE_CONNECT_KEY}
    app_id: Annotated[str | None, BeforeValidator(_digits), Field(pattern=r"^\d{1,20}$")] = None
    base_url: str = "https://api.appstoreconnect.apple.com"
    max_pages: int = Field(5, ge=1, le=50)
    limit: int = Field(100, ge=1, le=200)


def load_key(settings: ConnectSettings) -> ec.EllipticCurvePrivateKey:
    """The EC P-256 key; ValueError (without the key's text) when it is not one."""
    pem = settings.private_key.get_secret_value().strip()
    try:
        key = load_pem_private_key(pem.encode("utf-8"), password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError("connect.private_key is not a PEM private key (the .p8 file)") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("connect.private_key must be an EC P-256 key (App Store Connect .p8)")
    return key


class TokenSigner:
    """Signs one token and reuses it until a minute before it expires."""

    def __init__(self, settings: ConnectSettings, *, now: Callable[[], float] = time.time) -> None:
        self._settings = settings
        self._now = now
        self._token: str | None = None
        self._expires = 0.0

    def token(self) -> str:
        now = self._now()
        if self._token is None or now >= self._expires - 60:
            try:
                key = load_key(self._settings)
            except ValueError as exc:
                raise FatalConnectorError(f"app store connect: {exc}") from exc
            expires = int(now + TOKEN_LIFETIME.total_seconds())
            claims: dict[str, Any] = {
                "iss": self._settings.issuer_id,
                "iat": int(now),
                "exp": expires,
                "aud": AUDIENCE,
            }
            self._token = jwt.encode(
                claims,
                key,
                algorithm="ES256",
                headers={"kid": self._settings.key_id, "typ": "JWT"},
            )
            self._expires = float(expires)
        return self._token


@dataclass(frozen=True, slots=True)
class ReviewResponse:
    """A review's developer response (`customerReviewResponses`) as App Store Connect shows it."""

    id: str
    body: str
    modified: datetime | None  # `lastModifiedDate`; None when missing or unreadable


class ConnectApi:
    """The few App Store Connect calls repmon makes, errors mapped to the connector tree."""

    def __init__(
        self,
        settings: ConnectSettings,
        client: httpx.Client,
        *,
        label: str,
        sleep: Sleep | None = None,
        clock: Clock,
    ) -> None:
        self.settings = settings
        self._client = client
        self._label = label
        self._sleep = sleep
        self._clock = clock
        self._signer = TokenSigner(settings)
        self._base = settings.base_url.rstrip("/")

    def reviews(self, app_id: str, mark: Watermark) -> tuple[list[dict[str, Any]], int, int]:
        """Reviews newer than `mark` (moved over them), newest first; bad items; pages read."""
        before = mark.copy()
        url: str | None = (
            f"{self._base}/v1/apps/{app_id}/customerReviews"
            f"?sort=-createdDate&limit={self.settings.limit}"
        )
        found: list[dict[str, Any]] = []
        skipped = pages = 0
        while url and pages < self.settings.max_pages:
            pages += 1
            page = self._get(url, f"{self._label}: customerReviews (page {pages})")
            for item in page.get("data") or []:
                try:
                    review_id, moment = identity(item)
                except ValueError as exc:
                    if mark.first_skip(fingerprint(item)):
                        skipped += 1
                        logger.warning("%s: review skipped: %s", self._label, exc)
                    continue
                if before.is_older(moment):
                    return found, skipped, pages
                mark.note(moment, review_id)
                if before.is_new(moment, review_id):
                    found.append(item)
            links = page.get("links")
            nxt = links.get("next") if isinstance(links, dict) else None
            url = nxt if isinstance(nxt, str) and nxt else None
        return found, skipped, pages

    def respond(self, review_id: str, text: str) -> str:
        """POST customerReviewResponses; the response's id."""
        label = f"{self._label}: customerReviewResponses"
        body = {
            "data": {
                "type": "customerReviewResponses",
                "attributes": {"responseBody": text},
                "relationships": {"review": {"data": {"type": REVIEW_TYPE, "id": review_id}}},
            }
        }
        response = self._send("POST", f"{self._base}/v1/customerReviewResponses", label, body)
        if response.status_code == 409:
            raise ReplyRejected(
                f"duplicate: this review already has a response ({_detail(response)})"
            )
        if response.status_code in (400, 404, 422):
            what = "the review no longer exists" if response.status_code == 404 else "refused"
            raise ReplyRejected(
                f"App Store Connect {what} (HTTP {response.status_code}): {_detail(response)}"
            )
        self._raise_for(response, label)
        data = _json(response, label).get("data")
        response_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(response_id, str) or not response_id:
            raise ConnectorError(f"{label}: accepted, but no response id came back")
        return response_id

    def response_of(self, review_id: str) -> ReviewResponse | None:
        """GET customerReviews/{id}/response: the review's developer response as it is now, or
        None when it has none. A review holds one response and a POST replaces it, so callers
        compare its text and date: an older response proves nothing about ours."""
        label = f"{self._label}: customerReviews/response"
        url = f"{self._base}/v1/customerReviews/{review_id}/response"
        response = self._send("GET", url, label, None)
        if response.status_code == 404:
            return None
        self._raise_for(response, label)
        data = _json(response, label).get("data")
        found = data.get("id") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(found, str) or not found:
            return None
        attributes = data.get("attributes")
        attributes = attributes if isinstance(attributes, dict) else {}
        body = attributes.get("responseBody")
        try:
            modified: datetime | None = parse_timestamp(attributes.get("lastModifiedDate"))
        except ValueError:
            modified = None
        return ReviewResponse(found, body if isinstance(body, str) else "", modified)

    def review(self, review_id: str) -> dict[str, Any] | None:
        """GET customerReviews/{id}: the review as it is now (rating and text after any edit);
        None when Apple no longer has it (404). Transient failures are retried here."""
        label = f"{self._label}: customerReviews/{{id}}"
        url = f"{self._base}/v1/customerReviews/{quote(review_id, safe='')}"

        def attempt() -> dict[str, Any] | None:
            response = self._send("GET", url, label, None)
            if response.status_code == 404:
                return None
            self._raise_for(response, label)
            data = _json(response, label).get("data")
            return data if isinstance(data, dict) else None

        return call_with_retries(attempt, sleep=self._sleep)

    def _get(self, url: str, label: str) -> dict[str, Any]:
        return get(
            self._client,
            url,
            label=label,
            decode=lambda response: _json(response, label),
            headers=self._headers(),
            sleep=self._sleep,
            clock=self._clock,
        )

    def _send(self, method: str, url: str, label: str, body: Any) -> httpx.Response:
        try:
            return self._client.request(method, url, json=body, headers=self._headers())
        except httpx.TimeoutException as exc:
            raise RetriableConnectorError(f"{label}: timed out ({type(exc).__name__})") from exc
        except httpx.RequestError as exc:
            raise RetriableConnectorError(f"{label}: {type(exc).__name__}") from exc

    def _raise_for(self, response: httpx.Response, label: str) -> None:
        error = status_error(
            response.status_code,
            label=label,
            retry_after_header=response.headers.get("Retry-After"),
            now=self._clock(),
            hint="; check the App Store Connect key (issuer_id, key_id, private_key, its role)",
        )
        if error is not None:
            raise error

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._signer.token()}"}


def identity(item: Any) -> tuple[str, datetime]:
    """A review's id and createdDate; ValueError names what is wrong."""
    if not isinstance(item, dict) or item.get("type") != REVIEW_TYPE:
        raise ValueError("not a customerReviews resource")
    review_id = item.get("id")
    if not isinstance(review_id, str) or not review_id.strip():
        raise ValueError("no id")
    attributes = item.get("attributes")
    if not isinstance(attributes, dict):
        raise ValueError("no attributes")
    return review_id.strip(), parse_timestamp(attributes.get("createdDate"))


def review_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The parts of a customerReviews resource a Mention needs; ValueError when unusable."""
    attributes = item["attributes"]
    rating = attributes.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValueError(f"rating out of range: {rating!r}")
    body = clean_text(str(attributes.get("body") or ""))
    title = clean_text(str(attributes.get("title") or ""), limit=500).strip() or None
    if not body.strip() and not title:
        raise ValueError("no title and no body")
    territory = str(attributes.get("territory") or "").upper()
    nickname = str(attributes.get("reviewerNickname") or "").strip() or None
    return {
        "rating": rating,
        "text": body,
        "title": title,
        "territory": territory or None,
        "country": TERRITORIES.get(territory),
        "author": nickname,
    }


def _json(response: httpx.Response, label: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError as exc:
        raise RetriableConnectorError(f"{label}: response is not complete JSON") from exc
    if not isinstance(data, dict):
        raise FatalConnectorError(f"{label}: not a JSON:API document")
    return data


def _detail(response: httpx.Response) -> str:
    """The first JSON:API error's detail (or title), for the agent."""
    try:
        errors = response.json().get("errors")
    except (ValueError, AttributeError):
        return response.reason_phrase
    first = errors[0] if isinstance(errors, list) and errors else {}
    text = first.get("detail") or first.get("title") if isinstance(first, dict) else None
    return str(text or response.reason_phrase)[:300]
