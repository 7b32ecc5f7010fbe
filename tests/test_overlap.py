"""Two `repmon run --once` processes started together never poll the same connector at once.

The feed's loopback server holds its answer until the test lets it go, so whichever process
polls the feed first is still inside that poll while the other one reaches it: the other one
must skip it (a log line, exit 0), poll the rest, and the totals must come out exact.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import create_engine, text

from tests.connectors.fakeserver import FakeServer, Reply
from tests.processes import (
    Repmon,
    assert_polls_never_overlap,
    base_config,
    clean_env,
    wait_for,
    write_config,
)

LINES = 1500
ITEMS = 12
ANGRY = "@acmehelp internet down again, worst service ever, refund me now"


def held_feed(release: threading.Event):
    now = datetime.now(UTC)
    entries = "".join(
        f"<item><title>Acme outage day {i}: service down, customers angry</title>"
        f"<link>https://news.example/{i}</link><guid>https://news.example/{i}</guid>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=i), usegmt=True)}</pubDate></item>"
        for i in range(ITEMS)
    )
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Acme news</title>'
        f"<link>https://news.example/</link><description>n</description>{entries}</channel></rss>"
    )

    def reply(_request: object) -> Reply:
        release.wait(60)  # the poll stays in flight, holding its connector lock, until released
        return Reply.text(body, content_type="application/rss+xml")

    return reply


def write_mentions(path) -> None:
    created = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with path.open("w", encoding="utf-8") as stream:
        for i in range(LINES):
            angry = i % 10 == 0
            record = {
                "source": "x",
                "external_id": f"o{i}",
                "text": f"{ANGRY} ({i})" if angry else f"acme fibre is great #{i}",
                "created_at": created,
                "author": f"angry{(i // 10) % 60}" if angry else f"fan{i}",
                "author_followers": 500,
                "lang": "en",
            }
            stream.write(json.dumps(record) + "\n")


@pytest.mark.slow
def test_overlapping_runs_skip_what_the_other_holds_and_store_everything_once(db_url, tmp_path):
    release = threading.Event()
    server = FakeServer()
    server.route("GET", "/feed.xml", held_feed(release))
    write_mentions(tmp_path / "incoming.jsonl")
    config = write_config(
        tmp_path,
        base_config(
            "${DATABASE_URL}",
            [
                {"name": "news", "type": "rss", "url": f"{server.url}/feed.xml"},
                {"name": "incoming", "type": "file", "path": "incoming.jsonl", "batch_size": 100},
            ],
        ),
    )
    env = clean_env(DATABASE_URL=db_url, REPMON_LOG_FORMAT="json")
    upgrade = Repmon.start(tmp_path, "upgrade", ["db", "upgrade", "--config", str(config)], env=env)
    assert upgrade.wait() == 0, upgrade.stderr()

    args = ["run", "--once", "-v", "--config", str(config)]
    runs = [Repmon.start(tmp_path, name, args, env=env) for name in ("a", "b")]
    try:
        wait_for(lambda: server.requests, what="one process inside the feed poll")
        # The other one finds the feed locked, skips it, polls the file and ends on its own.
        finished = []

        def one_done() -> bool:
            finished.extend(r for r in runs if r.process.poll() is not None)
            return bool(finished)

        wait_for(one_done, what="the other run done, while the feed is still held")
        release.set()
        codes = [r.wait() for r in runs]
    finally:
        release.set()
        for run in runs:
            run.kill()
        server.close()
    assert codes == [0, 0], [r.stderr() for r in runs]
    assert len(server.requests) == 1  # the feed was fetched by one process only

    skipper = finished[0]
    holder = next(r for r in runs if r is not skipper)
    news = {
        r.name: [e["status"] for e in r.events("poll") if e["connector"] == "news"] for r in runs
    }
    assert news == {skipper.name: ["locked"], holder.name: ["ok"]}
    assert "poll news: skipped: locked by another process" in skipper.stderr()
    assert assert_polls_never_overlap(*runs) >= 2

    engine = create_engine(db_url)
    with engine.connect() as connection:
        by_source = dict(
            connection.execute(text("SELECT source, count(*) FROM mentions GROUP BY source")).all()
        )
        distinct = connection.execute(
            text("SELECT count(DISTINCT source || ':' || external_id) FROM mentions")
        ).scalar()
        cases = set(connection.execute(text("SELECT id FROM cases")).scalars())
        unsent = connection.execute(text("SELECT count(*) FROM outbox WHERE state <> 'sent'"))
        unsent_count = unsent.scalar()
    engine.dispose()
    assert by_source == {"x": LINES, "rss": ITEMS} and distinct == LINES + ITEMS
    assert len(cases) > 10 and unsent_count == 0

    # Each card was delivered (printed by the console responder) by exactly one process.
    printed = Counter(
        int(n) for r in runs for n in re.findall(r"case #(\d+) ·", r.out.read_text("utf-8"))
    )
    assert printed == Counter(dict.fromkeys(cases, 1))
    sends = Counter(e["key"] for r in runs for e in r.events("send"))
    assert sends and max(sends.values()) == 1
