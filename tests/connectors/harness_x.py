"""`type: x` for the contract suite: an in-memory X API v2 on loopback, read by real tweepy.

Cassettes replay fixed answers; the contract suite needs a source that grows between fetches, so
`FakeX` keeps a timeline and answers recent search and user mentions the way X does: newest first,
`since_id` / `until_id` exclusive, `max_results` pages chained by an opaque token, the usual
`meta`, `includes.users` and rate-limit headers, and X's 400 for `start_time` mixed with ids.
"""

from __future__ import annotations

import base64
import json
import threading
import weakref
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from connectors import build_connector

API = "https://api.twitter.com"
TOKEN = "contract-bearer-token"
BRAND_ID = "1580000000000000001"
_MAX_ID = 2**63 - 1
_UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}


class ItemLike(Protocol):
    external_id: str
    text: str
    created_at: datetime
    author: str


def x_time(moment: datetime) -> str:
    """X's timestamp format: UTC, milliseconds, a Z."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def snowflake(moment: datetime, sequence: int = 0) -> str:
    """A realistic X id for a post created at `moment`."""
    return str(((int(moment.timestamp() * 1000) - 1_288_834_974_657) << 22) + sequence)


def user_for(username: str) -> dict[str, Any]:
    return {
        "id": str(10_000_000 + zlib.crc32(username.encode())),
        "name": username.title(),
        "username": username,
        "public_metrics": {
            "followers_count": 120,
            "following_count": 80,
            "tweet_count": 900,
            "listed_count": 2,
            "like_count": 40,
        },
    }


def post_for(
    post_id: str, text: str, created_at: datetime, author: dict[str, Any]
) -> dict[str, Any]:
    return {
        "id": post_id,
        "text": text,
        "edit_history_tweet_ids": [post_id],
        "author_id": author["id"],
        "created_at": x_time(created_at),
        "lang": "en",
        "conversation_id": post_id,
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": 1,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 35,
        },
    }


class FakeX:
    """An X API v2 timeline in memory, served on 127.0.0.1 until `close()`."""

    def __init__(self, *, token: str = TOKEN) -> None:
        self.token = token
        self.requests: list[dict[str, str]] = []
        """Path and query parameters of every request, for assertions."""
        self.failures: list[tuple[int, dict[str, str], bytes]] = []
        """Canned answers (status, headers, body) to give before the timeline, in order."""
        self._posts: list[tuple[float, Any, dict[str, Any] | None]] = []
        self._lock = threading.Lock()
        self._server = HTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_port}"

    def close(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def add(self, post: Any, author: dict[str, Any] | None) -> None:
        """Append a post (any JSON value: malformed ones too) after everything already there."""
        with self._lock:
            last = self._posts[-1][0] if self._posts else 0.0
            key = _id_key(post)
            self._posts.append((key if key is not None else last + 0.001, post, author))

    def answer(self, path: str, query: dict[str, str], auth: str | None) -> tuple[int, Any]:
        with self._lock:
            self.requests.append({"path": path, **query})
            if auth != f"Bearer {self.token}":
                return 401, _UNAUTHORIZED
            search = path == "/2/tweets/search/recent"
            if not search and not (path.startswith("/2/users/") and path.endswith("/mentions")):
                return 404, {"title": "Not Found Error", "detail": f"no route {path}"}
            problem = _check(query, search=search)
            if problem:
                return 400, _invalid(problem)
            return 200, self._page(query, search=search)

    def _page(self, query: dict[str, str], *, search: bool) -> dict[str, Any]:
        since = int(query.get("since_id", 0))
        until = int(query.get("until_id", _MAX_ID))
        token = query.get("next_token" if search else "pagination_token")
        below = float(base64.urlsafe_b64decode(token)) if token else float(_MAX_ID)
        matching = sorted(
            (p for p in self._posts if since < p[0] < until and p[0] < below),
            key=lambda p: p[0],
            reverse=True,
        )
        page = matching[: int(query.get("max_results", 10))]
        if not page:
            return {"meta": {"result_count": 0}}
        ids = [str(int(key)) for key, post, _ in page if _id_key(post) is not None]
        meta: dict[str, Any] = {"result_count": len(page)}
        if ids:
            meta.update(newest_id=ids[0], oldest_id=ids[-1])
        if len(matching) > len(page):
            meta["next_token"] = base64.urlsafe_b64encode(repr(page[-1][0]).encode()).decode()
        users = {u["id"]: u for _, _, u in page if u is not None}
        body: dict[str, Any] = {"data": [post for _, post, _ in page], "meta": meta}
        if users:
            body["includes"] = {"users": list(users.values())}
        return body


def _id_key(post: Any) -> int | None:
    value = post.get("id") if isinstance(post, dict) else None
    if isinstance(value, str) and value.isdigit() and 0 < int(value) <= _MAX_ID:
        return int(value)
    return None


def _check(query: dict[str, str], *, search: bool) -> str | None:
    """The parameter rules of X that a connector can get wrong."""
    low = 10 if search else 5
    if not low <= int(query.get("max_results", "10")) <= 100:
        return f"The `max_results` query parameter value is not between {low} and 100"
    if search and not query.get("query"):
        return "The `query` query parameter can not be empty"
    if ("pagination_token" if search else "next_token") in query:
        return "The query parameters [token] is not one of [...]"
    if {"since_id", "until_id"} & query.keys() and {"start_time", "end_time"} & query.keys():
        return (
            "Invalid use of 'since_id' or 'until_id' in conjunction with 'start_time' or "
            "'end_time'."
        )
    if "start_time" in query:
        start = datetime.strptime(query["start_time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if start < datetime.now(UTC) - timedelta(days=7):
            return "Invalid 'start_time'. 'start_time' must be on or after the last 7 days."
    return None


def _invalid(message: str) -> dict[str, Any]:
    return {
        "errors": [{"parameters": {}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }


def _handler_for(fake: FakeX) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if fake.failures:
                status, headers, body = fake.failures.pop(0)
                self._send(status, headers, body)
                return
            url = urlsplit(self.path)
            status, payload = fake.answer(
                url.path, dict(parse_qsl(url.query)), self.headers.get("Authorization")
            )
            reset = int(datetime.now(UTC).timestamp()) + 900
            headers = {
                "x-rate-limit-limit": "450",
                "x-rate-limit-remaining": str(max(0, 450 - len(fake.requests))),
                "x-rate-limit-reset": str(reset),
            }
            self._send(status, headers, json.dumps(payload).encode())

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.send_header("connection", "close")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler


class Loopback(HTTPAdapter):
    """Sends what tweepy addresses to https://api.twitter.com to the fake server instead."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        request.url = self.base_url + str(request.url)[len(API) :]
        return super().send(request, **kwargs)


def _shutdown(server: FakeX, built: list[Any]) -> None:
    for connector in built:
        connector.close()
    server.close()


class XHarness:
    """The contract harness: builds connectors through the registry, pointed at a `FakeX`.

    The server stops when the harness is garbage-collected (or at exit); `close()` stops it now.
    """

    name = "contract-x"

    def __init__(self, tmp_path: Path | None = None, **settings: Any) -> None:
        self.server = FakeX()
        self.settings: dict[str, Any] = {
            "name": self.name,
            "type": "x",
            "query": "acme -is:retweet",
            "bearer_token": TOKEN,
            "max_results": 10,
            **settings,
        }
        self._built: list[Any] = []
        self._finalizer = weakref.finalize(self, _shutdown, self.server, self._built)

    def close(self) -> None:
        self._finalizer()

    def build(self) -> Any:
        connector: Any = build_connector(self.settings)
        connector.client.session.mount(API, Loopback(self.server.url))
        self._built.append(connector)
        return connector

    def append(self, new: Sequence[ItemLike]) -> None:
        for item in new:
            author = user_for(item.author)
            self.server.add(post_for(item.external_id, item.text, item.created_at, author), author)

    def append_malformed(self, kind: str) -> None:
        author = user_for("someone")
        good = post_for("1", "acme bad", datetime(2026, 11, 8, 10, tzinfo=UTC), author)
        if kind == "undecodable":
            post: Any = json.dumps(good)[:-9]  # a JSON text cut short, where an object should be
        elif kind == "missing_field":
            post = {k: v for k, v in good.items() if k not in ("id", "edit_history_tweet_ids")}
        elif kind == "out_of_range":
            post = {**good, "id": str(2**64 + 7), "edit_history_tweet_ids": [str(2**64 + 7)]}
        else:
            raise ValueError(kind)
        self.server.add(post, author)
