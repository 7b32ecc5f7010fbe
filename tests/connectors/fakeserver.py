"""A small threaded HTTP server on loopback for connector tests: a route table, recorded requests.

    with FakeServer() as server:
        server.route("GET", "/feed.xml", Reply(200, body=b"<rss .../>"))
        server.route("GET", re.compile(r"/items/(\\d+)"), lambda request: Reply.json({...}))
        server.route("GET", "/flaky", [Reply(503), Reply.json({"ok": True})])  # in turn
        ...  # point the client at server.url
        assert server.requests[0].headers["user-agent"].startswith("repmon/")

A route answers with a `Reply`, a list of them (served in turn, the last one repeated), or a
callable taking the `Request`. Unrouted requests get 404 and are recorded too. The server speaks
HTTP/1.0, so every connection closes after its response (no sockets left behind for
`ResourceWarning`s), and `close()` (or leaving the `with`) stops it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.query.get(name, [default])[0]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        body = json.dumps(data).encode()
        return cls(status, body, {"Content-Type": "application/json", **headers})

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Reply:
        return cls(status, text.encode("utf-8"), {"Content-Type": content_type})


Responder = Reply | list[Reply] | Callable[[Request], Reply]


class FakeServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []
        self._routes: list[tuple[str, str | re.Pattern[str], Responder]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._closed = False
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, method: str, path: str | re.Pattern[str], responder: Responder) -> None:
        """Add (or, for the same method and path, replace) a route; later routes win."""
        with self._lock:
            self._routes = [r for r in self._routes if (r[0], r[1]) != (method.upper(), path)]
            if isinstance(responder, list):
                responder = list(responder)  # consumed as it is served
            self._routes.append((method.upper(), path, responder))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _respond(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            routes = list(reversed(self._routes))
        for method, path, responder in routes:
            if method != request.method:
                continue
            if isinstance(path, str) and path != request.path:
                continue
            if isinstance(path, re.Pattern) and not path.fullmatch(request.path):
                continue
            if isinstance(responder, Reply):
                return responder
            if isinstance(responder, list):
                with self._lock:
                    return responder.pop(0) if len(responder) > 1 else responder[0]
            try:
                return responder(request)
            except Exception as exc:  # a broken test route must not look like a server error
                self.errors.append(exc)
                return Reply(599, repr(exc).encode())
        return Reply(404, f"no route for {request.method} {request.path}".encode())


def _handler_class(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
            )
            reply = server._respond(request)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.status != 304 and "Content-Length" not in reply.headers:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.status != 304 and self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
