"""HTTP mode on loopback (`repmon serve --http`): signed requests only; config is checked first."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest

from monitor.daemon import jobs as daemon_jobs
from monitor.errors import ConfigError
from responders.slack.blocks import CLAIM
from responders.slack.cli_support import (
    EVENTS_PATH,
    build_client,
    http_server,
    parse_listen,
    require,
    start,
)
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import button, headers
from tests.support import make_config, mention

ANGRY = "Acme is the worst, awful service, I hate it"


@pytest.fixture
def served(harness_factory):
    h = harness_factory()
    h.app.pipeline.ingest([mention("1", ANGRY)])
    h.send()
    server = http_server(h.context(), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield h, f"http://127.0.0.1:{server.server_port}{EVENTS_PATH}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def post(url, body, **options):
    request = urllib.request.Request(
        url, data=body.encode(), method="POST", headers=headers(body, **options)
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_signed_requests_work_and_forged_or_stale_ones_get_401(served):
    h, url = served
    body = button(CLAIM, 1, user=AGENTS[0])
    assert post(url, body, secret="forged") == 401
    assert post(url, body, timestamp=int(time.time()) - 3600) == 401
    assert h.case().status == "routed"
    assert post(url, body) == 200
    assert wait_for(lambda: h.case().status == "claimed")  # the listener runs after the ack


def test_each_mode_names_the_secret_it_is_missing(sqlite_url, tmp_path):
    config = make_config(sqlite_url, tmp_path, slack={"enabled": True, "bot_token": "xoxb-1"})
    with pytest.raises(ConfigError, match=r"slack.app_token \(SLACK_APP_TOKEN\)"):
        require(config, mode="socket")
    with pytest.raises(ConfigError, match=r"slack.signing_secret \(SLACK_SIGNING_SECRET\)"):
        require(config, mode="http")
    bare = make_config(sqlite_url, tmp_path, slack={"enabled": True})
    with pytest.raises(ConfigError, match=r"slack\.bot_token"):
        build_client(bare)


def test_the_client_uses_the_configured_api_root(sqlite_url, tmp_path):
    config = make_config(
        sqlite_url,
        tmp_path,
        slack={"enabled": True, "bot_token": "xoxb-1", "base_url": "https://slack-gov.com/api"},
    )
    assert build_client(config).base_url == "https://slack-gov.com/api/"
    default = make_config(sqlite_url, tmp_path, slack={"enabled": True, "bot_token": "xoxb-1"})
    assert build_client(default).base_url == "https://slack.com/api/"
    assert build_client(default, for_posting=True).retry_handlers == []


def test_parse_listen():
    assert parse_listen("127.0.0.1:3000") == ("127.0.0.1", 3000)
    assert parse_listen(":8080") == ("0.0.0.0", 8080)
    assert parse_listen("[::1]:3000") == ("::1", 3000)
    for bad in ("3000", "host:", "host:99999", "host:http"):
        with pytest.raises(ConfigError, match="HOST:PORT"):
            parse_listen(bad)


def test_start_serves_http_and_the_jobs_deliver_and_remind(harness_factory):
    h = harness_factory(routing={"sla": [{"min_priority": 0, "within": "30m"}]})
    h.app.pipeline.ingest([mention("1", ANGRY)])
    ctx = h.context()
    runtime = start(ctx, http=("127.0.0.1", 0))
    try:
        url = f"http://127.0.0.1:{runtime.server.server_port}{EVENTS_PATH}"
        assert post(url, button(CLAIM, 1, user=AGENTS[0]), secret="forged") == 401
        jobs = {job.name: job for job in daemon_jobs(h.app, ctx.responder)}
        assert jobs["outbox"].run().sent == 1
        h.now += timedelta(hours=1)
        assert jobs["sla"].run().breached == [1]
    finally:
        runtime.stop()
    assert not runtime.thread.is_alive()
