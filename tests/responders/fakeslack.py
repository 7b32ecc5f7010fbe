"""A loopback fake of the Slack Web API: the methods repmon uses, recorded, with injectable faults.

Use `WebClient(token, base_url=fake.url)`. Every call is kept in `fake.calls` as (method, args);
messages live per channel ID so `conversations.history` / `conversations.replies` can find what
was posted, including its metadata. `fail_next` makes the next call of a method answer 429 or 5xx,
optionally after accepting the message (Slack posted it, the sender never heard back).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
CHANNELS = {
    "care": "CCARE0001",
    "care-es": "CCAREES01",
    "care-fr": "CCAREFR01",
    "care-billing": "CCAREBILL",
    "care-escalations": "CESCALATE",
    "care-alerts": "CALERTS01",
}


@dataclass
class Failure:
    status: int
    error: str
    retry_after: int | None
    accept: bool


@dataclass
class FakeSlack:
    token: str = TOKEN
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    published: dict[str, dict[str, Any]] = field(default_factory=dict)
    opened: list[dict[str, Any]] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)  # file id -> name, bytes
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _stalls: dict[str, list[tuple[float, bool]]] = field(default_factory=dict)
    clock: Callable[[], float] = time.time  # Slack's clock: message ts are taken from it
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return f"{self.root}/api/"

    # --- test controls -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        error: str | None = None,
        retry_after: int | None = None,
        accept: bool = False,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail; with accept=True the call takes effect first."""
        default = "ratelimited" if status == 429 else "internal_error"
        failure = Failure(status, error or default, retry_after, accept)
        self._failures.setdefault(method, []).extend([failure] * times)

    def stall_next(
        self, method: str, seconds: float, *, accept: bool = False, times: int = 1
    ) -> None:
        """The next `times` calls of `method` answer only after `seconds` (a client timeout);
        with accept=True the call takes effect first (posted, but the answer came too late)."""
        self._stalls.setdefault(method, []).extend([(seconds, accept)] * times)

    def recover(self) -> None:
        """End every queued failure and stall: the outage is over."""
        with self._lock:
            self._failures.clear()
            self._stalls.clear()

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    def top_level(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") in (None, m["ts"])]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel, []) if m.get("thread_ts") == ts]

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        return next(m for m in self.messages[channel] if m["ts"] == ts)

    # --- HTTP ----------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        args: dict[str, Any] = dict(parse_qsl(parts.query))
        if raw and not parts.path.startswith("/upload/"):  # uploads are raw file bytes
            if (request.headers.get("Content-Type") or "").startswith("application/json"):
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        if parts.path.startswith("/upload/"):  # files.getUploadURLExternal's upload_url
            with self._lock:
                upload = self.uploads.get(parts.path.removeprefix("/upload/"))
                if upload is not None:
                    upload["data"] = raw
            self._reply(request, 200 if upload is not None else 404, {"ok": upload is not None})
            return
        if parts.path.startswith("/response/"):
            with self._lock:
                self.responses.append({"path": parts.path, **args})
            self._reply(request, 200, {"ok": True})
            return
        method = parts.path.removeprefix("/api/")
        with self._lock:
            self.calls.append((method, args))
            auth = request.headers.get("Authorization", "")
            if auth != f"Bearer {self.token}":
                self._reply(request, 200, {"ok": False, "error": "invalid_auth"})
                return
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            if failure is not None and not failure.accept:
                self._fail(request, failure)
                return
            stalls = self._stalls.get(method)
            stall = stalls.pop(0) if stalls else None
            took_effect = stall is None or stall[1]
            body = self._dispatch(method, args) if took_effect else None
        if stall is not None:
            time.sleep(stall[0])  # outside the lock: other calls go on meanwhile
            if body is None:  # never took effect; the client has given up by now anyway
                self._reply(request, 504, {"ok": False, "error": "request_timeout"})
                return
        if failure is not None:
            self._fail(request, failure)
            return
        self._reply(request, 200, body)

    def _fail(self, request: BaseHTTPRequestHandler, failure: Failure) -> None:
        headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
        self._reply(request, failure.status, {"ok": False, "error": failure.error}, headers)

    @staticmethod
    def _reply(
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(data)

    # --- API methods ---------------------------------------------------------------------

    def _dispatch(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        result: dict[str, Any] = handler(args)
        return result

    def _channel_id(self, value: str | None) -> str | None:
        if not value:
            return None
        name = value.removeprefix("#")
        if name in CHANNELS:
            return CHANNELS[name]
        return value if value in CHANNELS.values() else None

    def _next_ts(self) -> str:
        return f"{int(self.clock())}.{next(self._ts):06d}"

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://acme.slack.com/",
            "team": "Acme",
            "user": "repmon",
            "team_id": "T0001",
            "user_id": BOT_USER,
            "bot_id": "B0001",
        }

    def _api_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        channels = [{"id": cid, "name": name, "is_member": True} for name, cid in CHANNELS.items()]
        return {"ok": True, "channels": channels, "response_metadata": {"next_cursor": ""}}

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        thread_ts = args.get("thread_ts")
        if thread_ts and not any(m["ts"] == thread_ts for m in self.messages.get(channel, [])):
            return {"ok": False, "error": "thread_not_found"}
        message = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": "B0001",
            "ts": self._next_ts(),
            "text": args.get("text", ""),
            "blocks": _decoded(args.get("blocks")) or [],
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
        metadata = _decoded(args.get("metadata"))
        if metadata:
            message["metadata"] = metadata
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"))
        for message in self.messages.get(channel or "", []):
            if message["ts"] == args.get("ts"):
                message["text"] = args.get("text", message["text"])
                message["blocks"] = _decoded(args.get("blocks")) or message["blocks"]
                message["edited"] = True
                return {
                    "ok": True,
                    "channel": channel,
                    "ts": message["ts"],
                    "text": message["text"],
                }
        return {"ok": False, "error": "message_not_found"}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args.get("message_ts", "")).replace(".", "")
        return {
            "ok": True,
            "channel": args.get("channel"),
            "permalink": f"https://acme.slack.com/archives/{args.get('channel')}/p{ts}",
        }

    def _history(self, messages: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        oldest = float(args.get("oldest") or 0)
        limit = int(args.get("limit") or 100)
        with_meta = str(args.get("include_all_metadata", "")).lower() in {"1", "true"}
        found = [m for m in messages if float(m["ts"]) >= oldest]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        out = [
            m if with_meta else {k: v for k, v in m.items() if k != "metadata"}
            for m in found[:limit]
        ]
        return {"ok": True, "messages": out, "has_more": len(found) > limit}

    def _api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"))
        if channel is None or args.get("channel") != channel:
            return {"ok": False, "error": "channel_not_found"}  # the real API wants an ID
        return self._history(self.top_level(channel), args)

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_id(args.get("channel"))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return self._history(self.thread(channel, str(args.get("ts"))), args)

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = {"id": f"V{len(self.opened) + 1:04d}", "hash": "h1", **(_decoded(args["view"]))}
        self.opened.append(view)
        return {"ok": True, "view": view}

    def _api_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _decoded(args["view"])
        for index, existing in enumerate(self.opened):
            if existing["id"] == args.get("view_id"):
                self.opened[index] = {"id": existing["id"], "hash": "h2", **view}
                return {"ok": True, "view": self.opened[index]}
        return {"ok": False, "error": "not_found"}

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        self.published[str(args["user_id"])] = _decoded(args["view"])
        return {"ok": True, "view": {"id": "VHOME", **_decoded(args["view"])}}

    def _api_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{len(self.uploads) + 1:06d}"
        self.uploads[file_id] = {
            "id": file_id,
            "name": args.get("filename"),
            "length": int(args.get("length") or 0),
            "data": None,
        }
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        """Shares the uploaded files in `channel_id` (in `thread_ts`'s thread, if given)."""
        shared = []
        for item in _decoded(args.get("files")) or []:
            upload = self.uploads.get(item.get("id"))
            if upload is None or upload["data"] is None:
                return {"ok": False, "error": "file_not_found"}
            upload["title"] = item.get("title") or upload["name"]
            shared.append({k: upload[k] for k in ("id", "name", "title")})
        channel = self._channel_id(args.get("channel_id"))
        if args.get("channel_id") and channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel is not None:
            message = {
                "type": "message",
                "user": BOT_USER,
                "ts": self._next_ts(),
                "text": args.get("initial_comment") or "",
                "files": shared,
            }
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
            self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "files": shared}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user"))
        profile = self.users.get(user, {"real_name": f"Agent {user}", "display_name": ""})
        return {"ok": True, "user": {"id": user, "name": user.lower(), "profile": profile}}


def _decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
