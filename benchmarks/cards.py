"""Card latency: from the commit of a new case to its card in Slack, against the fake Slack.

    python -m benchmarks.cards [--cards 100] [--db sqlite,postgresql] [--repeats 5]

The fake Slack Web API of the tests (tests/responders/fakeslack.py) listens on 127.0.0.1; repmon
talks to it with its real responder (`responders.slack` through slack_sdk's WebClient, over HTTP)
and the real outbox sender (`send_pending`). The fake notes when each `chat.postMessage` arrives.

* **single**: one complaint is ingested (`Pipeline.ingest` commits its case and outbox row),
  then `send_pending` runs; latency = card posted − commit. `--repeats` times; median and p90.
* **burst**: `--cards` complaints from distinct authors in one batch, then one `send_pending`;
  each card's latency from the commit (it includes waiting behind earlier cards), the gap
  between consecutive cards, and cards/s.
* **baseline**, same run: the very same messages (text, blocks, metadata, channel) replayed
  with a bare `WebClient.chat_postMessage` to a fresh fake; ratio = repmon cards/s ÷ raw posts/s.

Pacing (`slack.post_interval`, 1 s per channel by default, Slack's limit) is off for these
figures, since it would dominate them; a short burst with pacing on is recorded as a note.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import (
    BACKENDS,
    Databases,
    app_config,
    databases,
    log,
    median,
    percentile,
    stamp,
)
from tests.responders.fakeslack import TOKEN, FakeSlack

COMPLAINTS = (
    ("en", "@acmehelp no internet for {n} hours in Austin, third outage this week. Awful, furious"),
    ("es", "@acmehelp llevo {n} horas sin internet en Sevilla, es la tercera caída esta semana"),
    ("fr", "@acmehelp plus d'internet depuis {n} heures à Lyon, troisième coupure cette semaine"),
    ("en", "Acme charged me twice, {n} dollars gone and no refund. Terrible, worst service ever"),
)
PACED_CARDS = 4


@dataclass
class TimedSlack(FakeSlack):
    """The test fake, noting when each chat.postMessage arrived (perf_counter)."""

    posted_at: list[float] = field(default_factory=list)

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        self.posted_at.append(time.perf_counter())
        return super()._api_chat_postMessage(args)


@contextmanager
def fake_slack() -> Iterator[TimedSlack]:
    fake = TimedSlack()
    fake.start()
    try:
        yield fake
    finally:
        fake.close()


def complaints(start: int, count: int, *, one_channel: bool = False) -> list[Any]:
    """`count` complaints from distinct authors, each of which opens a case; with one_channel
    all are the English outage text, which routes to the default channel."""
    from monitor.models import Mention

    created = datetime.now(UTC) - timedelta(minutes=5)
    out = []
    for i in range(start, start + count):
        lang, template = COMPLAINTS[0 if one_channel else i % len(COMPLAINTS)]
        out.append(
            Mention(
                source="x",
                external_id=f"card-bench-{i}",
                text=template.format(n=2 + i % 9),
                created_at=created,
                connector="bench",
                url=f"https://x.com/bench{i}/status/{i}",
                author=f"bench_author_{i}",
                author_followers=150 + i,
                lang=lang,
            )
        )
    return out


class Harness:
    """A repmon app on one database, its Slack responder on the fake, and the outbox sender."""

    def __init__(self, url: str, fake: TimedSlack, workdir: Path, *, post_interval: float) -> None:
        from slack_sdk import WebClient

        from monitor.app import App
        from monitor.config import parse_config
        from responders.slack.cli_support import build_responder

        slack = {
            "enabled": True,
            "bot_token": TOKEN,
            "base_url": fake.url,
            "post_interval": post_interval,
        }
        config = parse_config(app_config(url, slack=slack), base_dir=workdir, env={})
        self.app = App.open(config, upgrade=True)
        client = WebClient(token=TOKEN, base_url=fake.url)
        client.retry_handlers = []  # as the posting client of build_client
        self.responder = build_responder(config, self.app.factory, self.app.clock, client=client)
        self.fake = fake
        self._next = 0

    def ingest(self, count: int, *, one_channel: bool = False) -> float:
        """Ingest `count` new complaints; returns perf_counter right after the commit."""
        mentions = complaints(self._next, count, one_channel=one_channel)
        self._next += count
        result = self.app.pipeline.ingest(mentions)
        committed = time.perf_counter()
        if result.cases_opened != count:
            raise SystemExit(f"expected {count} new cases, got {result.cases_opened}")
        return committed

    def send(self, count: int) -> float:
        """Deliver everything pending; returns the seconds it took."""
        from responders.outbox import send_pending

        started = time.perf_counter()
        sent = send_pending(
            self.app.engine,
            self.app.factory,
            self.responder,
            clock=self.app.clock,
            limit=count * 4 + 10,
        )
        elapsed = time.perf_counter() - started
        if sent.sent < count or sent.failed or sent.dead:
            raise SystemExit(f"outbox: sent {sent.sent} of {count}, {sent.failed} failed")
        return elapsed

    def close(self) -> None:
        self.app.close()


def raw_posts(messages: list[dict[str, Any]]) -> float:
    """Seconds for a bare WebClient to post the same messages to a fresh fake."""
    from slack_sdk import WebClient

    with fake_slack() as fake:
        client = WebClient(token=TOKEN, base_url=fake.url)
        client.retry_handlers = []
        started = time.perf_counter()
        for message in messages:
            client.chat_postMessage(**message)
        return time.perf_counter() - started


def _replayable(args: dict[str, Any]) -> dict[str, Any]:
    """chat.postMessage arguments as the fake received them, back in WebClient form."""
    out = dict(args)
    for key in ("blocks", "metadata"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def measure_backend(
    dbs: Databases, backend: str, *, cards: int, repeats: int, paced: bool
) -> dict[str, Any]:
    url = dbs.url(backend, "cards")
    with fake_slack() as fake:
        harness = Harness(url, fake, dbs.workdir, post_interval=0)
        try:
            harness.ingest(1)  # warm-up: channel list, first connections, statement caches
            harness.send(1)
            single: list[float] = []
            for _ in range(repeats):
                before = len(fake.posted_at)
                committed = harness.ingest(1)
                harness.send(1)
                single.append(fake.posted_at[before] - committed)
            before = len(fake.posted_at)
            committed = harness.ingest(cards)
            send_seconds = harness.send(cards)
            times = fake.posted_at[before:]
            cards_posted = [args for name, args in fake.calls if name == "chat.postMessage"]
            messages = [_replayable(a) for a in cards_posted[-len(times) :]]
        finally:
            harness.close()
    dbs.drop(url)
    latencies = [t - committed for t in times]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    raw_seconds = raw_posts(messages)
    result: dict[str, Any] = {
        **stamp(),
        "cards": cards,
        "posts": len(times),
        "single_latency_ms_median": round(median(single) * 1000, 2),
        "single_latency_ms_p90": round(percentile(single, 0.9) * 1000, 2),
        "burst_latency_ms_median": round(median(latencies) * 1000, 1),
        "burst_latency_ms_p90": round(percentile(latencies, 0.9) * 1000, 1),
        "burst_gap_ms_median": round(median(gaps) * 1000, 2) if gaps else None,
        "burst_gap_ms_p90": round(percentile(gaps, 0.9) * 1000, 2) if gaps else None,
        "send_seconds": round(send_seconds, 3),
        "cards_per_s": round(cards / send_seconds, 1),
        "baseline_raw_posts_per_s": round(len(messages) / raw_seconds, 1),
        "ratio": round((cards / send_seconds) / (len(messages) / raw_seconds), 3),
        "raw": {"single_latency_s": [round(s, 4) for s in single]},
    }
    if paced:
        result["paced"] = measure_paced(dbs, backend)
    log(
        f"cards/{backend}: single {result['single_latency_ms_median']} ms, "
        f"burst {result['cards_per_s']} cards/s vs raw {result['baseline_raw_posts_per_s']}/s"
    )
    return result


def measure_paced(dbs: Databases, backend: str) -> dict[str, Any]:
    """A short burst to one channel with the default pacing (1 s per channel)."""
    url = dbs.url(backend, "cards_paced")
    with fake_slack() as fake:
        harness = Harness(url, fake, dbs.workdir, post_interval=1.0)
        try:
            committed = harness.ingest(PACED_CARDS, one_channel=True)
            seconds = harness.send(PACED_CARDS)
            latencies = [t - committed for t in fake.posted_at]
            channels = {str(a.get("channel")) for n, a in fake.calls if n == "chat.postMessage"}
        finally:
            harness.close()
    dbs.drop(url)
    return {
        "post_interval": 1.0,
        "cards": PACED_CARDS,
        "channels": len(channels),
        "send_seconds": round(seconds, 3),
        "latency_ms": [round(s * 1000) for s in latencies],
    }


def run(
    dbs: Databases, backends: list[str], *, cards: int, repeats: int, paced: bool = True
) -> dict[str, Any]:
    return {b: measure_backend(dbs, b, cards=cards, repeats=repeats, paced=paced) for b in backends}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="card latency against the fake Slack")
    parser.add_argument("--cards", type=int, default=100)
    parser.add_argument("--db", default=",".join(BACKENDS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-paced", action="store_true", help="skip the paced burst")
    args = parser.parse_args(argv)
    backends = [b for b in args.db.split(",") if b]
    with tempfile.TemporaryDirectory(prefix="repmon-bench-") as tmp, databases(Path(tmp)) as dbs:
        results = run(
            dbs, backends, cards=args.cards, repeats=args.repeats, paced=not args.no_paced
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
