"""Spike and silence incidents on SQLite and PostgreSQL: counted by GROUP BY, opened once,
threaded, closed, cooled down; and the bundled sample's outage burst gives exactly one spike."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from rich.console import Console
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from db.models import ConnectorState, Incident, OutboxRow
from db.session import transaction
from monitor.alert_store import acknowledge, evaluate, timings, window_counts
from monitor.app import App
from monitor.config import parse_config
from monitor.locks import try_lock
from monitor.runner import run_once
from responders.alert_delivery import ConsoleAlerts
from tests.support import NOW, mention, open_app

ROOT = Path(__file__).resolve().parents[1]
T = NOW - timedelta(days=2)  # the moment of the burst's evaluation
ALERTS = {
    "spike": {"window": "1h", "baseline": "1d", "sigma": 3, "min_count": 5, "cooldown": "6h"},
    "silence": {"after": "6h"},
}
DOWN = "Acme internet is down again, awful service, I hate this"
CHARGED = "Acme charged me twice, I want a refund, terrible"


def negatives(app: App, prefix: str, times: list[datetime], text: str = DOWN) -> None:
    app.pipeline.ingest(
        [
            mention(f"{prefix}{i}", f"{text} ({prefix}{i})", author=f"{prefix}u{i}", created_at=at)
            for i, at in enumerate(times)
        ]
    )


def burst(app: App, prefix: str, end: datetime, n: int = 8, text: str = DOWN) -> None:
    """`n` complaints in the hour before `end`."""
    negatives(app, prefix, [end - timedelta(minutes=5 + 6 * i) for i in range(n)], text)


def background(app: App, end: datetime) -> None:
    """One complaint every six hours during the day before the window."""
    negatives(app, "bg", [end - timedelta(hours=h, minutes=30) for h in (3, 9, 15, 21)])


def alert_keys(app: App) -> list[str]:
    with app.factory() as session:
        return list(
            session.scalars(
                select(OutboxRow.key).where(OutboxRow.kind == "alert").order_by(OutboxRow.id)
            )
        )


def incidents(app: App) -> list[Incident]:
    with app.factory() as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


@pytest.fixture
def app(db_url, tmp_path):
    application = open_app(db_url, tmp_path, alerts=ALERTS)
    yield application
    application.close()


def run(app: App, at: datetime, **options: bool):
    return evaluate(app.engine, app.factory, app.config, at=at, silence=False, **options)


def test_counts_are_grouped_into_windows_by_the_database(app):
    negatives(
        app,
        "c",
        [
            T - timedelta(minutes=1),
            T - timedelta(minutes=59, seconds=59),
            T - timedelta(hours=1),  # the current window is [T − 1h, T)
            T - timedelta(hours=1, seconds=1),  # the window before
            T - timedelta(hours=5, minutes=30),
            T - timedelta(hours=30),  # outside the baseline day: not counted
            T,  # the evaluation moment itself belongs to the next window
        ],
    )
    app.pipeline.ingest([mention("p1", "Acme support was wonderful, thank you", created_at=T)])
    with app.factory() as session:
        counts = window_counts(session, at=T, policy=app.config.alerts.spike)
    assert list(counts) and {scope.label for scope in counts} == {"Acme"}
    series = next(iter(counts.values()))
    assert len(series) == 25  # 24 baseline windows and the current one
    assert series[-1] == 3 and series[-2] == 1 and series[-6] == 1 and sum(series) == 5


def test_a_burst_opens_one_incident_and_later_posts_become_thread_notes(app):
    background(app, T - timedelta(hours=1))
    burst(app, "b", T)
    assert run(app, T - timedelta(hours=1)).opened == []  # before the burst: nothing
    first = run(app, T)
    assert len(first.opened) == 1
    (incident,) = incidents(app)
    assert (incident.kind, incident.scope, incident.state, incident.first_count) == (
        "spike",
        "Acme",
        "open",
        8,
    )
    assert incident.baseline_mean == pytest.approx(4 / 24, abs=1e-3)
    assert len(incident.details["samples"]) == 5
    assert all("Acme internet is down" in s["text"] for s in incident.details["samples"])
    phrases = {p["text"]: p["customers"] for p in incident.details["phrases"]}
    assert phrases["internet is down"] == 8 and phrases["awful service"] == 8

    assert not run(app, T)  # evaluating the same moment again does nothing
    negatives(app, "late", [T + timedelta(minutes=m) for m in (2, 4, 6)])
    second = run(app, T + timedelta(minutes=15))
    assert second.opened == [] and second.noted == [incident.id]
    assert not run(app, T + timedelta(minutes=16))  # nothing new since the note
    negatives(app, "later", [T + timedelta(minutes=17)])
    assert not run(app, T + timedelta(minutes=18))  # batched: one note per 10 minutes at most
    assert run(app, T + timedelta(minutes=26)).noted == [incident.id]
    assert alert_keys(app) == [
        f"alert:{incident.id}:open",
        f"alert:{incident.id}:note:1",
        f"alert:{incident.id}:note:2",
    ]
    with app.factory() as session:
        note = session.scalar(select(OutboxRow).where(OutboxRow.key.like("%:note:1")))
        assert note.payload["new"] == 3 and len(note.payload["samples"]) == 3
    (incident,) = incidents(app)
    assert incident.mention_count == 12 and incident.peak_count == 11


def test_it_closes_when_back_to_baseline_with_time_to_recover_then_cools_down(app):
    background(app, T - timedelta(hours=1))
    burst(app, "b", T)
    (opened,) = run(app, T).opened
    acknowledge(app.factory, opened, user="UAGENT1", now=T + timedelta(minutes=12))
    assert run(app, T + timedelta(minutes=30)).closed == []  # [T − 30m, T + 30m) still busy
    assert run(app, T + timedelta(hours=1)).closed == [opened]  # [T, T + 1h) is quiet again
    closed = incidents(app)[0]
    assert closed.state == "closed" and closed.open_key is None
    assert timings(closed) == {"time_to_acknowledge": 720.0, "time_to_recover": 3600.0}
    assert alert_keys(app)[-1] == f"alert:{opened}:closed"

    burst(app, "again", T + timedelta(hours=4))  # within the 6 h cooldown
    assert run(app, T + timedelta(hours=4)).opened == []
    burst(app, "third", T + timedelta(hours=8), n=10)  # the cooldown ended at T + 7h
    assert len(run(app, T + timedelta(hours=8)).opened) == 1
    assert [i.state for i in incidents(app)] == ["closed", "open"]


def test_hysteresis_keeps_it_open_while_volume_stays_above_the_recovery_level(app):
    background(app, T - timedelta(hours=1))
    burst(app, "b", T)
    (opened,) = run(app, T).opened
    # Two an hour is below the alert bar but above mean + 1σ (≈ 0.54): still open.
    negatives(app, "tail", [T + timedelta(minutes=20), T + timedelta(minutes=40)])
    assert run(app, T + timedelta(hours=1)).closed == []
    assert incidents(app)[0].state == "open"
    assert run(app, T + timedelta(hours=2)).closed == [opened]


def test_one_incident_per_topic_when_configured(db_url, tmp_path):
    alerts = {**ALERTS, "spike": {**ALERTS["spike"], "per_topic": True}}
    app = open_app(db_url, tmp_path, alerts=alerts)
    try:
        burst(app, "out", T, n=6)
        burst(app, "bill", T, n=3, text=CHARGED)
        assert len(run(app, T).opened) == 1
        assert [(i.scope, i.topic) for i in incidents(app)] == [("Acme · outage", "outage")]
        # Its phrases are the outage's own: the three billing complaints of the same hour
        # ("charged me twice", 3 customers) are not quoted.
        (outage,) = incidents(app)
        outage_phrases = {p["text"]: p["customers"] for p in outage.details["phrases"]}
        assert outage_phrases["internet is down"] == 6
        assert all(text in _words(DOWN) for text in outage_phrases), outage_phrases
        burst(app, "bill2", T + timedelta(hours=1), n=7, text=CHARGED)
        assert len(run(app, T + timedelta(hours=1)).opened) == 1  # billing is its own scope
        assert {i.scope for i in incidents(app)} == {"Acme · outage", "Acme · billing"}
        (billing,) = [i for i in incidents(app) if i.topic == "billing"]
        billing_phrases = {p["text"]: p["customers"] for p in billing.details["phrases"]}
        assert billing_phrases["charged me twice"] == 7
        assert all(text in _words(CHARGED) for text in billing_phrases), billing_phrases
    finally:
        app.close()


def _words(text: str) -> str:
    """`text` lower-cased, punctuation dropped: a phrase of `text` is a substring of it."""
    return " ".join("".join(c for c in word if c.isalnum()) for word in text.lower().split())


def test_two_evaluators_never_open_two_incidents(app):
    burst(app, "b", T)
    with try_lock(app.engine, "alerts") as held:
        assert held
        assert run(app, T).skipped_locked  # another process is evaluating: this one waits
    assert len(run(app, T).opened) == 1
    # Even without the lock, the database refuses a second open incident for the same scope.
    with pytest.raises(IntegrityError), transaction(app.factory) as session:
        session.add(
            Incident(
                kind="spike",
                scope="Acme",
                open_key="spike:Acme",
                state="open",
                first_count=0,
                peak_count=0,
                last_count=0,
                mention_count=0,
                notes=0,
                opened_at=T,
                last_seen_at=T,
            )
        )


def _connector_state(app: App, name: str = "feed", **fields) -> None:
    with transaction(app.factory) as session:
        state = session.get(ConnectorState, name) or ConnectorState(
            name=name,
            type="rss" if name == "feed" else "file",
            consecutive_failures=0,
            items_total=0,
            last_items=0,
            skipped_total=0,
            excluded_total=0,
            paused=False,
        )
        for name, value in fields.items():
            setattr(state, name, value)
        session.add(state)


def test_silence_opens_once_per_connector_and_closes_when_items_come_back(db_url, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("")
    app = open_app(
        db_url,
        tmp_path,
        alerts=ALERTS,
        connectors=[
            {"name": "feed", "type": "rss", "url": "http://127.0.0.1:9/feed.xml"},
            {"name": "drop", "type": "file", "path": str(feed)},
        ],
    )
    try:
        now = NOW
        check = lambda: evaluate(app.engine, app.factory, app.config, at=now, spikes=False)  # noqa: E731
        _connector_state(  # a file read long ago is not a silent source
            app,
            name="drop",
            last_run_at=now,
            last_success_at=now,
            newest_item_at=now - timedelta(days=3),
        )
        _connector_state(
            app,
            last_run_at=now - timedelta(minutes=5),
            last_success_at=now - timedelta(hours=8),
            last_error_at=now - timedelta(minutes=5),
            last_error="FatalConnectorError: 401 Unauthorized",
            consecutive_failures=12,
            newest_item_at=now - timedelta(hours=9),
        )
        (opened,) = check().opened
        assert not check()  # one open incident per connector, however often it is checked
        (incident,) = incidents(app)
        assert (incident.kind, incident.connector, incident.scope) == (
            "silence",
            "feed",
            "connector feed",
        )
        assert incident.reason.startswith("failing for more than 6 h (12 failed polls")
        assert incident.details["last_error"] == "FatalConnectorError: 401 Unauthorized"
        # It succeeds again but still returns nothing: still silent.
        _connector_state(app, last_success_at=now, consecutive_failures=0, last_error=None)
        assert not check()
        _connector_state(app, newest_item_at=now - timedelta(minutes=3))
        assert check().closed == [opened]
        assert alert_keys(app) == [f"alert:{opened}:open", f"alert:{opened}:closed"]
    finally:
        app.close()


def test_without_slack_alerts_are_printed(app):
    background(app, T - timedelta(hours=1))
    burst(app, "b", T)
    (opened,) = run(app, T).opened
    buffer = io.StringIO()
    printer = ConsoleAlerts(app.factory, Console(file=buffer, width=200, highlight=False))
    assert printer(f"alert:{opened}:open", {"incident_id": opened, "event": "open"}) == {
        "printed": "open"
    }
    printer(f"alert:{opened}:ack", {"incident_id": opened, "event": "ack", "by": "UAGENT1"})
    text = buffer.getvalue()
    assert f"alert #{opened} · spike · Acme" in text
    assert "8 negative mentions in 1 h" in text and "internet is down" in text
    assert "Acme internet is down again" in text and "acknowledged by UAGENT1" in text


# --- the bundled sample -------------------------------------------------------------------------

SAMPLE_START = datetime(2026, 11, 8, 6, 0, tzinfo=UTC)
SAMPLE_END = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BURST = (datetime(2026, 11, 20, 18, 0, tzinfo=UTC), datetime(2026, 11, 20, 21, 0, tzinfo=UTC))


def sample_app(db_url: str, **slack) -> App:
    """The shipped config.yaml (its alert settings) on `db_url`, with the sample imported."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["database"] = {"url": db_url}
    data["connectors"] = [c for c in data["connectors"] if c["name"] == "demo"]
    if slack:
        data["slack"] = slack
        data["alerts"]["channel"] = "#care-alerts"
    config = parse_config(data, base_dir=ROOT, env={})
    application = App.open(config, clock=lambda: SAMPLE_END, upgrade=True)
    (outcome,) = run_once(application, force=True)
    assert outcome.status == "ok" and outcome.result.stored > 400
    return application


def replay(application: App, step: timedelta, after_each=None) -> list[datetime]:
    """Evaluate at every step through the sample's fortnight, as a scheduler would have."""
    opened_at = []
    at = SAMPLE_START
    while at <= SAMPLE_END:
        result = evaluate(
            application.engine, application.factory, application.config, at=at, silence=False
        )
        opened_at += [at] * len(result.opened)
        if after_each is not None:
            after_each(at)
        at += step
    return opened_at


@pytest.mark.parametrize("step", [timedelta(hours=1), timedelta(minutes=20)], ids=["1h", "20m"])
def test_the_sample_burst_triggers_exactly_one_spike_incident(db_url, step):
    application = sample_app(db_url)
    try:
        opened_at = replay(application, step)
        assert len(opened_at) == 1
        assert BURST[0] < opened_at[0] <= BURST[1]
        (incident,) = incidents(application)
        assert (incident.kind, incident.scope, incident.state) == ("spike", "Acme", "closed")
        assert incident.first_count >= 5 and incident.peak_count >= 11
        assert BURST[1] < incident.recovered_at < BURST[1] + timedelta(hours=6)
        assert incident.notes >= 1 and len(incident.details["samples"]) == 5
        phrases = [p["text"] for p in incident.details["phrases"]]
        assert phrases and any("internet" in p or "data" in p or "coupure" in p for p in phrases)
        keys = alert_keys(application)
        assert sum(k.endswith(":open") for k in keys) == 1
        assert keys[-1].endswith(":closed")
    finally:
        application.close()


# --- through the real CLI -----------------------------------------------------------------------


def test_run_once_fires_a_due_alert_and_status_lists_it(tmp_path):
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    now = datetime.now(UTC)
    lines = [
        {
            "source": "x",
            "external_id": f"burst{i}",
            "text": f"Acme internet is down again, awful service, I hate this #{i}",
            "created_at": (now - timedelta(minutes=3 + 4 * i)).isoformat(),
            "author": f"angry{i}",
            "lang": "en",
        }
        for i in range(7)
    ]
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "mentions.jsonl").write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    env = dict(os.environ)  # conftest has already removed credentials and REPMON_/DATABASE_URL
    run_cli = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "monitor", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    first = run_cli("run", "--once")
    assert first.returncode == 0, first.stderr
    assert "alert #1 · spike · Acme" in first.stdout
    assert "7 negative mentions in 1 h" in first.stdout
    second = run_cli("run", "--once", "--force")
    assert second.returncode == 0 and "alert #" not in second.stdout  # no second alert
    status = run_cli("status", "--format", "json")
    data = json.loads(status.stdout)
    assert [(i["kind"], i["scope"]) for i in data["incidents"]] == [("spike", "Acme")]
    table = run_cli("status")
    assert "open alert #1: spike · Acme" in table.stdout


def test_postgres_counts_match_sqlite_on_the_sample(sqlite_url, pg_url):
    """The same GROUP BY on both backends: the same window counts for the burst's hour."""
    at = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
    results = []
    for url in (sqlite_url, pg_url):
        application = sample_app(url)
        try:
            with application.factory() as session:
                counts = window_counts(session, at=at, policy=application.config.alerts.spike)
                total = session.scalar(select(func.count()).select_from(Incident))
            results.append({scope.label: series for scope, series in counts.items()})
            assert total == 0
        finally:
            application.close()
    assert results[0] == results[1] and results[0]["Acme"][-1] == 21
