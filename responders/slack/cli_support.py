"""What `repmon run` / `repmon serve` call to use Slack: the responder, the app and its servers."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from monitor.config import AppConfig
from monitor.errors import ConfigError
from responders.slack.api import SlackApi
from responders.slack.notes import Audience
from responders.slack.sender import SlackResponder

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from responders.slack.context import SlackContext

logger = logging.getLogger(__name__)
SLACK_API = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"


def require(config: AppConfig, *, mode: str) -> None:
    """The secrets each way of running needs, named as config keys (values are never shown)."""
    slack = config.slack
    missing = [] if slack.bot_token else ["slack.bot_token (SLACK_BOT_TOKEN)"]
    if mode == "socket" and not slack.app_token:
        missing.append("slack.app_token (SLACK_APP_TOKEN)")
    if mode == "http" and not slack.signing_secret:
        missing.append("slack.signing_secret (SLACK_SIGNING_SECRET)")
    if missing:
        raise ConfigError(f"slack is enabled but not configured: set {', '.join(missing)}")


def build_client(config: AppConfig, *, for_posting: bool = False) -> WebClient:
    """A Web API client on `slack.base_url`.

    The posting client does not let slack_sdk retry on its own: a post whose answer was lost
    may have gone through, and only the sender's look-up can tell.
    """
    require(config, mode="token")
    token = config.slack.bot_token.get_secret_value() if config.slack.bot_token else ""
    client = WebClient(token=token, base_url=config.slack.base_url or SLACK_API, timeout=15)
    if for_posting:
        client.retry_handlers = []
    return client


def audience(config: AppConfig) -> Audience:
    slack = config.slack
    return Audience(
        oncall_group=slack.oncall_group,
        escalation_group=slack.escalation_group,
        escalation_channel=slack.escalation_channel,
    )


def build_responder(
    config: AppConfig,
    factory: sessionmaker[Session],
    clock: Callable[[], datetime],
    *,
    client: WebClient | None = None,
) -> SlackResponder:
    """The outbox responder that posts and updates cards (`repmon run --once`, `serve`)."""
    api = SlackApi(
        client or build_client(config, for_posting=True), post_interval=config.slack.post_interval
    )
    return SlackResponder(
        api, factory, routing=config.routing, audience=audience(config), clock=clock
    )


def serve_socket_mode(ctx: SlackContext) -> SocketModeHandler:
    """Connect the app over Socket Mode (no public URL) and return at once; `close()` it on exit."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from responders.slack.app import build_app

    require(ctx.config, mode="socket")
    token = ctx.config.slack.app_token
    handler = SocketModeHandler(
        build_app(ctx, socket_mode=True), token.get_secret_value() if token else None
    )
    handler.connect()  # type: ignore[no-untyped-call]
    logger.info("slack: connected in Socket Mode")
    return handler


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request: a slow listener must not hold up Slack's next call."""

    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        logger.debug("http: %s", format % args)


def http_server(ctx: SlackContext, host: str, port: int) -> ThreadingWSGIServer:
    """The app behind `POST /slack/events` with signature checks; call `serve_forever()` on it.

    Put it behind a TLS-terminating proxy (Slack only calls https URLs), or mount
    `wsgi_app(ctx)` in any WSGI server.
    """
    require(ctx.config, mode="http")
    server = make_server(
        host, port, wsgi_app(ctx), server_class=ThreadingWSGIServer, handler_class=_QuietHandler
    )
    logger.info("slack: listening on http://%s:%d%s", host, server.server_port, EVENTS_PATH)
    return server


def wsgi_app(ctx: SlackContext, **app_options: bool) -> WSGIApplication:
    """`POST /slack/events` as a WSGI application (for gunicorn & co., or `http_server`)."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    from responders.slack.app import build_app

    return SlackRequestHandler(build_app(ctx, socket_mode=False, **app_options), path=EVENTS_PATH)


def parse_listen(value: str) -> tuple[str, int]:
    """`--http HOST:PORT` (`:3000` listens on every interface; `[::1]:3000` for IPv6)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"--http wants HOST:PORT, e.g. 0.0.0.0:3000, not {value!r}")
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 - an explicit choice


@dataclass
class SlackRuntime:
    """The running Slack side of `repmon serve`; `stop()` it on SIGTERM."""

    ctx: SlackContext
    socket: SocketModeHandler | None = None
    server: ThreadingWSGIServer | None = None
    thread: threading.Thread | None = None

    def stop(self) -> None:
        if self.socket is not None:
            self.socket.close()  # type: ignore[no-untyped-call]
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(10)


def start(ctx: SlackContext, *, http: tuple[str, int] | None = None) -> SlackRuntime:
    """Socket Mode by default; with `http`, a threaded HTTP server in the background."""
    if http is None:
        return SlackRuntime(ctx, socket=serve_socket_mode(ctx))
    server = http_server(ctx, *http)
    thread = threading.Thread(target=server.serve_forever, name="repmon-slack-http", daemon=True)
    thread.start()
    return SlackRuntime(ctx, server=server, thread=thread)
