"""Two `repmon serve` processes on one PostgreSQL share the work; killing one loses nothing.

Real processes, a real PostgreSQL, the loopback fake Slack (`--http` instead of Socket Mode,
which needs Slack's servers) and two sources that keep producing: a JSONL file the test appends
to and an RSS feed on a loopback server that grows.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import create_engine, text

from tests.connectors.fakeserver import FakeServer, Reply
from tests.processes import (
    Repmon,
    assert_polls_never_overlap,
    base_config,
    clean_env,
    free_port,
    wait_for,
    write_config,
)
from tests.responders.fakeslack import TOKEN, FakeSlack

SIGNING = "multi-instance-signing-secret"
ANGRY = "@acmehelp internet down again, worst service ever, refund me now"
HAPPY = "acme fibre is great today"


class Feed:
    """An RSS feed that grows while the daemons poll it."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, datetime]] = []
        self._lock = threading.Lock()

    def add(self, guid: str, title: str) -> None:
        with self._lock:
            self.items.append((guid, title, datetime.now(UTC)))

    def reply(self, _request: object) -> Reply:
        with self._lock:
            entries = "".join(
                f"<item><title>{escape(title)}</title><link>https://news.example/{guid}</link>"
                f"<guid>https://news.example/{guid}</guid>"
                f"<pubDate>{format_datetime(at, usegmt=True)}</pubDate></item>"
                for guid, title, at in self.items
            )
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            "<title>Acme news</title><link>https://news.example/</link>"
            f"<description>news</description>{entries}</channel></rss>"
        )
        return Reply.text(body, content_type="application/rss+xml")


class Source:
    """What the test feeds in, and so what must end up stored exactly once."""

    def __init__(self, folder: Path, feed: Feed) -> None:
        self.path = folder / "incoming.jsonl"
        self.path.touch()
        self.feed = feed
        self.expected: set[tuple[str, str]] = set()
        self.count = 0

    def add(self, lines: int) -> None:
        """`lines` file mentions (one in three a complaint; authors repeat) and a feed item."""
        records = []
        for _ in range(lines):
            i = self.count
            self.count += 1
            angry = i % 3 == 0
            records.append(
                {
                    "source": "x",
                    "external_id": f"m{i}",
                    "text": f"{ANGRY} ({i})" if angry else f"{HAPPY} #{i}",
                    "created_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
                    "author": f"angry{i % 40}" if angry else f"fan{i}",
                    "author_followers": 800,
                    "lang": "en",
                }
            )
            self.expected.add(("x", f"m{i}"))
        with self.path.open("a", encoding="utf-8") as stream:
            stream.writelines(json.dumps(r) + "\n" for r in records)
        guid = f"news-{self.count}"
        self.feed.add(guid, f"Acme outage: customers furious, service down ({self.count})")
        self.expected.add(("rss", f"https://news.example/{guid}"))


def keep_coming(source: Source, instance: Repmon):
    """A check for wait_for: has `instance` sent something? If not, a few more mentions (every
    2 s), so that the other instance cannot have taken all the work before it looked."""
    last = [time.monotonic()]

    def check() -> bool:
        if instance.events("send"):
            return True
        if time.monotonic() - last[0] > 2:
            source.add(3)
            last[0] = time.monotonic()
        return False

    return check


def count(engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar() or 0)


@pytest.mark.slow
def test_two_serve_instances_share_the_work_and_survive_one_being_killed(pg_url, tmp_path):
    fake = FakeSlack().start()
    feed = Feed()
    server = FakeServer()
    server.route("GET", "/feed.xml", feed.reply)
    engine = create_engine(pg_url)
    source = Source(tmp_path, feed)
    config = write_config(
        tmp_path,
        {
            **base_config(
                "${DATABASE_URL}",
                [
                    {
                        "name": "incoming",
                        "type": "file",
                        "path": "incoming.jsonl",
                        "batch_size": 25,
                        "schedule": {"every": "1s"},
                    },
                    {
                        "name": "news",
                        "type": "rss",
                        "url": f"{server.url}/feed.xml",
                        "schedule": {"every": "1s"},
                    },
                ],
            ),
            "slack": {
                "enabled": True,
                "bot_token": "${SLACK_BOT_TOKEN}",
                "signing_secret": "${SLACK_SIGNING_SECRET}",
                "base_url": fake.url,
                "post_interval": 0,
            },
        },
    )
    env = clean_env(
        DATABASE_URL=pg_url,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SIGNING,
        REPMON_LOG_FORMAT="json",
    )
    upgrade = Repmon.start(tmp_path, "upgrade", ["db", "upgrade", "--config", str(config)], env=env)
    assert upgrade.wait() == 0, upgrade.stderr()

    def serve(name: str) -> Repmon:
        listen = f"127.0.0.1:{free_port()}"
        args = ["serve", "--config", str(config), "--http", listen]
        return Repmon.start(tmp_path, name, args, env=env)

    def stored() -> int:
        return count(engine, "SELECT count(*) FROM mentions")

    source.add(60)
    first, second = serve("first"), serve("second")
    try:
        wait_for(lambda: stored() >= 40, what="the first mentions stored")
        source.add(60)
        wait_for(keep_coming(source, first), what="the first instance sending")
        wait_for(lambda: stored() >= len(source.expected) - 30, what="more mentions")
        first.kill()  # SIGKILL, mid-run: no chance to finish anything
        for _ in range(3):
            source.add(30)
        wait_for(lambda: stored() == len(source.expected), what="every mention stored")
        wait_for(
            lambda: count(engine, "SELECT count(*) FROM outbox WHERE state <> 'sent'") == 0,
            what="every outbox row sent",
        )
        second.process.terminate()
        assert second.wait() == 0, second.stderr()
    finally:
        first.kill()
        second.kill()
        server.close()
        fake.close()

    with engine.connect() as connection:
        keys = connection.execute(text("SELECT source, external_id FROM mentions")).all()
        cases = set(connection.execute(text("SELECT id FROM cases")).scalars())
        states = Counter(connection.execute(text("SELECT state FROM outbox")).scalars())
    engine.dispose()
    assert len(keys) == len(set(keys)) == len(source.expected)
    assert set(map(tuple, keys)) == source.expected
    assert len(cases) > 20 and states == {"sent": sum(states.values())}

    posted = [
        m["metadata"]["event_payload"]["key"]
        for channel in fake.messages.values()
        for m in channel
        if m.get("metadata")
    ]
    assert Counter(posted).most_common(1)[0][1] == 1, "a Slack message was posted twice"
    cards = Counter(key for key in posted if key.startswith("card:"))
    assert cards == Counter({f"card:{case_id}": 1 for case_id in cases})
    assert any(key.startswith("mention:") for key in posted)  # follow-ups were threaded too

    assert first.events("send") and second.events("send")  # both delivered
    assert assert_polls_never_overlap(first, second) > 10
    assert "stopped in" in second.stderr()
    for instance in (first, second):
        assert TOKEN not in instance.stderr() and SIGNING not in instance.stderr()
