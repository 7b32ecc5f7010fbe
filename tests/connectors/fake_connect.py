"""A loopback App Store Connect API for tests: reviews, one developer response per review.

Every request must carry an ES256 JWT signed with the test's key (audience, `kid`, 20-minute
life), or it gets Apple's 401. POSTs are counted; `hold` makes the server take a POST in and
then wait (for the kill test) before it answers; `next_post` queues canned refusals.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
import weakref
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.connectors.fakeserver import FakeServer, Reply, Request

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads" / "appstore_connect"
APP_ID = "123456789"
ISSUER, KEY_ID = "57246542-96fe-1a63-e053-0824d011072a", "2X9R4HXF34"
KEVIN = "00000050-3f1c-0014-7d2e-a1b2c3d40002"
LUCIA = "00000050-3f1c-0014-7d2e-a1b2c3d40001"
CHLOE = "00000050-3f1c-0014-7d2e-a1b2c3d40000"
_RESPONSE = re.compile(r"/v1/customerReviews/([^/]+)/response")
_REVIEW = re.compile(r"/v1/customerReviews/([^/]+)")


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text("utf-8"))


def new_key() -> tuple[str, ec.EllipticCurvePublicKey]:
    """A throwaway P-256 key: its PKCS#8 PEM (as in a .p8 file) and the public half."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem, key.public_key()


def connect_block(url: str, pem: str, **extra: Any) -> dict[str, Any]:
    return {"issuer_id": ISSUER, "key_id": KEY_ID, "private_key": pem, "base_url": url, **extra}


class FakeConnect:
    def __init__(self, public_key: ec.EllipticCurvePublicKey) -> None:
        self.server = FakeServer()
        self.url = self.server.url
        self.public_key = public_key
        self.reviews: list[dict[str, Any]] = []
        self.responses: dict[str, dict[str, Any]] = {}
        self.posts = 0
        self.tokens: list[dict[str, Any]] = []
        self.headers: list[dict[str, Any]] = []
        self.next_post: list[Reply] = []
        self.hold = threading.Event()
        self.hold.set()  # not holding unless a test clears it
        self.received = threading.Event()
        self._lock = threading.Lock()
        self.server.route("GET", re.compile(r"/v1/apps/(\d+)/customerReviews"), self._list)
        self.server.route("POST", "/v1/customerReviewResponses", self._post)
        self.server.route("GET", _RESPONSE, self._response)
        self.server.route("GET", _REVIEW, self.review)

    def close(self) -> None:
        self.hold.set()
        self.server.close()

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    def _auth(self, request: Request) -> Reply | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token, self.public_key, algorithms=["ES256"], audience="appstoreconnect-v1"
            )
        except jwt.PyJWTError:
            return Reply.json(payload("error_401.json"), 401)
        if header.get("kid") != KEY_ID or claims.get("iss") != ISSUER:
            return Reply.json(payload("error_401.json"), 401)
        if claims["exp"] - claims["iat"] > 20 * 60:
            return Reply.json(payload("error_401.json"), 401)
        self.tokens.append(claims)
        self.headers.append(header)
        return None

    def _list(self, request: Request) -> Reply:
        refused = self._auth(request)
        if refused:
            return refused
        limit = int(request.param("limit") or 100)
        start = int(request.param("cursor") or 0)
        page = self.reviews[start : start + limit]
        links: dict[str, str] = {"self": f"{self.url}{request.path}"}
        if start + limit < len(self.reviews):
            links["next"] = (
                f"{self.url}{request.path}?cursor={start + limit}&sort=-createdDate&limit={limit}"
            )
        return Reply.json({"data": page, "links": links, "meta": {"paging": {"limit": limit}}})

    def _post(self, request: Request) -> Reply:
        refused = self._auth(request)
        if refused:
            return refused
        with self._lock:
            self.posts += 1
            canned = self.next_post.pop(0) if self.next_post else None
        if canned is not None:
            return canned
        body = request.json()["data"]
        review = body["relationships"]["review"]["data"]["id"]
        created = payload("response_created.json")
        created["data"]["id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, review))
        created["data"]["attributes"]["responseBody"] = body["attributes"]["responseBody"]
        created["data"]["relationships"]["review"]["data"]["id"] = review
        with self._lock:
            self.responses[review] = created
        self.received.set()
        self.hold.wait(timeout=60)  # the kill test stops the sender here
        return Reply.json(created, 201)

    def _response(self, request: Request) -> Reply:
        refused = self._auth(request)
        if refused:
            return refused
        match = _RESPONSE.fullmatch(request.path)
        review = match.group(1) if match else ""
        with self._lock:
            found = self.responses.get(review)
        if found is None:
            return Reply.json(payload("error_404.json"), 404)
        return Reply.json({"data": found["data"], "links": {"self": f"{self.url}{request.path}"}})

    def review(self, request: Request) -> Reply:
        """`GET /v1/customerReviews/{id}`, from `reviews` (404 when not there)."""
        refused = self._auth(request)
        if refused:
            return refused
        match = _REVIEW.fullmatch(request.path)
        wanted = unquote(match.group(1)) if match else ""
        for item in self.reviews:
            if isinstance(item, dict) and item.get("id") == wanted:
                return Reply.json({"data": item, "links": {"self": f"{self.url}{request.path}"}})
        return Reply.json(payload("error_404.json"), 404)

    def post_count(self) -> int:
        return sum(1 for r in self.requests if r.method == "POST")


class AppStoreConnectHarness:
    """`type: appstore` with `connect:`, for the contract suite (tests/connectors/test_contract)."""

    name = "contract-appstore-connect"

    def __init__(self, tmp_path: Path) -> None:
        self.pem, public = new_key()
        self.fake = FakeConnect(public)
        self._finalizer = weakref.finalize(self, self.fake.close)
        self.entries: list[Any] = []  # oldest first, as appended

    def build(self) -> Any:
        from connectors import build_connector

        return build_connector(
            {
                "name": self.name,
                "type": "appstore",
                "app_id": APP_ID,
                "lookback": "3650d",
                "connect": connect_block(self.fake.url, self.pem, limit=2),
            }
        )

    def append(self, new: Sequence[Any]) -> None:
        for item in new:
            self.entries.append(review_resource(item.external_id, item.text, item.created_at))
        self.fake.reviews = list(reversed(self.entries))  # Apple serves newest first

    def append_malformed(self, kind: str) -> None:
        newest = max(e["attributes"]["createdDate"] for e in self.entries if isinstance(e, dict))
        at = datetime.fromisoformat(newest) + timedelta(seconds=30)
        good = review_resource("bad-1", "acme bad", at)
        if kind == "undecodable":
            self.entries.append("<review>not an object</review>")
        elif kind == "missing_field":
            good["attributes"].pop("createdDate")
            self.entries.append(good)
        elif kind == "out_of_range":
            good["attributes"]["rating"] = 9
            self.entries.append(good)
        else:
            raise ValueError(kind)
        self.fake.reviews = list(reversed(self.entries))

    def close(self) -> None:
        self._finalizer()


def review_resource(review_id: str, text: str, created: datetime) -> dict[str, Any]:
    """A `customerReviews` resource as App Store Connect sends it."""
    link = f"https://api.appstoreconnect.apple.com/v1/customerReviews/{review_id}"
    return {
        "type": "customerReviews",
        "id": review_id,
        "attributes": {
            "rating": 2,
            "title": "Not great",
            "body": text,
            "reviewerNickname": "someone",
            "createdDate": created.astimezone(timezone(timedelta(hours=-8))).isoformat(),
            "territory": "USA",
        },
        "relationships": {
            "response": {
                "links": {"self": f"{link}/relationships/response", "related": f"{link}/response"}
            }
        },
        "links": {"self": link},
    }
