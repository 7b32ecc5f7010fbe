"""Contract harness for `type: reddit`: a fake Reddit API on loopback serving in-memory listings."""

from __future__ import annotations

import atexit
import base64
import json
import threading
import uuid
import weakref
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from connectors import Connector, build_connector
from tests.connectors.contract import Item

PAGE_MAX = 100
"""Reddit returns at most 100 children per listing page, whatever `limit` asks for."""


class FakeReddit:
    """Token endpoint plus newest-first listings honouring `limit` and `after`.

    Each client id owns one list of listing children (oldest first, as appended); every listing
    path (search, new, comments, inbox mentions) serves that list, so tests pick the mode.
    Children are stored as Reddit's JSON (`{"kind": "t3", "data": {...}}`), or anything else to
    play a malformed entry.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listings: dict[str, list[Any]] = {}
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeReddit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def listing(self, client_id: str) -> list[Any]:
        """The (mutable) children served to `client_id`; created on first use."""
        with self._lock:
            return self._listings.setdefault(client_id, [])

    def drop(self, client_id: str) -> None:
        with self._lock:
            self._listings.pop(client_id, None)

    def page(self, token: str, query: dict[str, list[str]]) -> dict[str, Any] | None:
        client_id = token.removeprefix("token-")
        with self._lock:
            if client_id not in self._listings:
                return None
            newest_first = list(reversed(self._listings[client_id]))
        limit = min(int(query.get("limit", ["25"])[0]), PAGE_MAX)
        start = 0
        after = query.get("after", [None])[0]
        if after is not None:
            names = [_fullname(child) for child in newest_first]
            start = names.index(after) + 1 if after in names else len(names)
        children = newest_first[start : start + limit]
        more = start + limit < len(newest_first)
        last = _fullname(children[-1]) if children and more else None
        return {"kind": "Listing", "data": {"after": last, "before": None, "children": children}}

    def token_for(self, authorization: str) -> str | None:
        if not authorization.startswith("Basic "):
            return None
        client_id = base64.b64decode(authorization[6:]).decode().partition(":")[0]
        with self._lock:
            return f"token-{client_id}" if client_id in self._listings else None


def _fullname(child: Any) -> str | None:
    if isinstance(child, dict) and isinstance(child.get("data"), dict):
        data = child["data"]
        return data.get("name") or f"{child.get('kind')}_{data.get('id')}"
    return None


def _handler(fake: FakeReddit) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: nothing left open afterwards

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            fake.requests.append(("POST", self.path, {}))
            if urlsplit(self.path).path != "/api/v1/access_token":
                self._send(404, {"message": "Not Found", "error": 404})
                return
            token = fake.token_for(self.headers.get("Authorization", ""))
            if token is None:
                self._send(401, {"message": "Unauthorized", "error": 401})
                return
            body = {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": 86400,
                "scope": "*",
            }
            self._send(200, body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            fake.requests.append(("GET", parts.path, query))
            token = self.headers.get("Authorization", "").removeprefix("bearer ")
            page = fake.page(token, query)
            if page is None:
                self._send(401, {"message": "Unauthorized", "error": 401})
            else:
                self._send(200, page)

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-ratelimit-remaining", "995.0")
            self.send_header("x-ratelimit-used", "5")
            self.send_header("x-ratelimit-reset", "300")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output

    return Handler


_shared: FakeReddit | None = None
_shared_lock = threading.Lock()


def shared_server() -> FakeReddit:
    """One fake for the whole test process (harnesses have no teardown); closed at exit."""
    global _shared  # noqa: PLW0603
    with _shared_lock:
        if _shared is None:
            _shared = FakeReddit()
            atexit.register(_shared.close)
        return _shared


def submission(
    reddit_id: str, text: str, created_utc: float, author: str = "someone", **extra: Any
) -> dict[str, Any]:
    """A `t3` child with the fields Reddit documents for search and /new listings."""
    data = {
        "id": reddit_id,
        "name": f"t3_{reddit_id}",
        "title": text,
        "selftext": "",
        "author": author,
        "author_fullname": f"t2_{author}",
        "created_utc": created_utc,
        "permalink": f"/r/acme/comments/{reddit_id}/post/",
        "url": f"https://www.reddit.com/r/acme/comments/{reddit_id}/post/",
        "subreddit": "acme",
        "subreddit_name_prefixed": "r/acme",
        "score": 1,
        "num_comments": 0,
        "upvote_ratio": 1.0,
        "over_18": False,
        **extra,
    }
    return {"kind": "t3", "data": data}


class RedditHarness:
    """`type: reddit`, search mode, against the shared fake; small pages so paging is exercised."""

    name = "contract-reddit"

    def __init__(self, tmp_path: Path) -> None:
        self.server = shared_server()
        self.client_id = f"harness-{uuid.uuid4().hex[:12]}"
        self.children = self.server.listing(self.client_id)
        weakref.finalize(self, self.server.drop, self.client_id)

    def build(self) -> Connector:
        return build_connector(
            {
                "name": self.name,
                "type": "reddit",
                "mode": "search",
                "subreddits": ["acme"],
                "query": "acme",
                "client_id": self.client_id,
                "client_secret": "harness-secret",
                "user_agent": "test:repmon-contract:0.1 (by /u/repmon)",
                "lookback": "3650d",  # the contract's items are dated; keep them in the window
                "limit": 100,
                "oauth_url": self.server.url,
                "reddit_url": self.server.url,
            }
        )

    def external_id_for(self, item_id: str) -> str:
        """Reddit reports submissions by fullname: item 1001 is `t3_1001`."""
        return f"t3_{item_id}"

    def append(self, new: Sequence[Item]) -> None:
        for item in new:
            created = item.created_at.timestamp()
            self.children.append(submission(item.external_id, item.text, created, item.author))

    def append_malformed(self, kind: str) -> None:
        good = submission("bad1", "acme bad", 1_700_000_000.0)
        if kind == "undecodable":
            child: Any = {"kind": "t3"}  # no data: not a post praw or anyone can read
        elif kind == "missing_field":
            del good["data"]["created_utc"]
            child = good
        elif kind == "out_of_range":
            good["data"]["created_utc"] = -1.0
            child = good
        else:
            raise ValueError(kind)
        self.children.append(child)
