"""The outbox sender: delivers once, retries failures with backoff, gives up, and never overlaps."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import select

from db.models import Case, OutboxRow
from monitor.locks import try_lock
from responders.outbox import GIVE_UP_AFTER, MAX_ATTEMPTS, backoff, send_pending
from tests.support import NOW, mention, open_app

ANGRY = "Acme is the worst, awful service, I hate it"


class Recorder:
    name = "recorder"

    def __init__(self, fail_times: int = 0) -> None:
        self.cards: list[int] = []
        self.threads: list[int] = []
        self.fail_times = fail_times

    def send_card(self, card):
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("slack is down")
        self.cards.append(card.case_id)
        return {"ts": str(card.case_id)}

    def send_thread(self, card):
        self.threads.append(card.case_id)
        return {"ts": "thread"}


def test_each_card_is_delivered_once_and_routes_its_case(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest(
        [
            mention("1", ANGRY, author="a"),
            mention("2", ANGRY, author="b"),
            mention("3", ANGRY + " again", author="a"),
        ]
    )
    responder = Recorder()
    first = send_pending(app.engine, app.factory, responder, clock=lambda: NOW)
    second = send_pending(app.engine, app.factory, responder, clock=lambda: NOW)
    assert (first.sent, second.sent) == (3, 0)
    assert sorted(responder.cards) == [1, 2] and responder.threads == [1]
    with app.factory() as session:
        assert {c.status for c in session.scalars(select(Case))} == {"routed"}
        rows = session.scalars(select(OutboxRow)).all()
        assert all(r.state == "sent" and r.result["via"] == "recorder" for r in rows)
    app.close()


def test_failures_back_off_then_succeed(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY)])
    responder = Recorder(fail_times=2)
    assert send_pending(app.engine, app.factory, responder, clock=lambda: NOW).failed == 1
    # Not due yet: the retry waits for its backoff.
    assert send_pending(app.engine, app.factory, responder, clock=lambda: NOW).failed == 0
    later = NOW + backoff(1)
    assert send_pending(app.engine, app.factory, responder, clock=lambda: later).failed == 1
    much_later = later + backoff(2)
    assert send_pending(app.engine, app.factory, responder, clock=lambda: much_later).sent == 1
    with app.factory() as session:
        row = session.scalars(select(OutboxRow)).one()
        assert (row.state, row.attempts, row.last_error) == (
            "sent",
            3,
            "ConnectionError: slack is down",
        )
    app.close()


def test_gives_up_after_max_attempts_and_a_day(sqlite_url, tmp_path):
    app = open_app(sqlite_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY)])
    responder = Recorder(fail_times=10**6)
    when = NOW
    states = []
    for _ in range(14):
        send_pending(app.engine, app.factory, responder, clock=lambda at=when: at)
        with app.factory() as session:
            states.append(session.scalars(select(OutboxRow.state)).one())
        when += timedelta(hours=2)
    # Eight and more failures within a day are not enough to give up; at a day they are.
    first_dead = states.index("dead")
    assert first_dead >= MAX_ATTEMPTS
    assert timedelta(hours=2) * first_dead == GIVE_UP_AFTER
    assert states[first_dead:] == ["dead"] * (len(states) - first_dead)
    app.close()


def test_a_twelve_hour_outage_leaves_nothing_dead(sqlite_url, tmp_path):
    app = open_app(sqlite_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY)])
    responder = Recorder(fail_times=10**6)
    when = NOW
    while when < NOW + timedelta(hours=12):
        result = send_pending(app.engine, app.factory, responder, clock=lambda at=when: at)
        assert result.dead == 0
        when += timedelta(minutes=5)
    responder.fail_times = 0
    later = when + timedelta(hours=1)
    assert send_pending(app.engine, app.factory, responder, clock=lambda: later).sent == 1
    assert responder.cards == [1]
    app.close()


def test_on_sqlite_a_second_sender_skips_while_the_first_holds_the_lock(sqlite_url, tmp_path):
    app = open_app(sqlite_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY)])
    with try_lock(app.engine, "outbox") as held:
        assert held
        skipped = send_pending(app.engine, app.factory, Recorder(), clock=lambda: NOW)
    assert skipped.skipped_locked and skipped.sent == 0
    assert send_pending(app.engine, app.factory, Recorder(), clock=lambda: NOW).sent == 1
    app.close()


def test_a_failing_card_holds_back_the_notes_of_its_case_but_not_other_cases(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest(
        [
            mention("1", ANGRY, author="a"),
            mention("2", ANGRY, author="b"),
            mention("3", ANGRY + " again", author="a"),
        ]
    )
    responder = Recorder(fail_times=1)  # the first card (case 1) fails once
    first = send_pending(app.engine, app.factory, responder, clock=lambda: NOW)
    assert (first.sent, first.failed) == (1, 1)
    assert responder.cards == [2] and responder.threads == []  # case 1's note waits
    later = NOW + backoff(1)
    second = send_pending(app.engine, app.factory, responder, clock=lambda: later)
    assert second.sent == 2
    assert responder.cards == [2, 1] and responder.threads == [1]
    app.close()


def test_stop_ends_a_round_between_rows_and_leaves_the_rest_pending(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest([mention(str(i), ANGRY, author=f"u{i}") for i in range(4)])
    stop = threading.Event()

    class StopsAfterOne(Recorder):
        def send_card(self, card):
            stop.set()  # SIGTERM arrives while this card is being sent
            return super().send_card(card)

    result = send_pending(app.engine, app.factory, StopsAfterOne(), clock=lambda: NOW, stop=stop)
    assert (result.sent, result.stopped) == (1, True)
    with app.factory() as session:
        states = sorted(session.scalars(select(OutboxRow.state)))
    assert states == ["pending"] * 3 + ["sent"]
    rest = send_pending(app.engine, app.factory, Recorder(), clock=lambda: NOW)
    assert rest.sent == 3
    app.close()


HOLD = """
import sys, psycopg
url, row_id, case_key = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with psycopg.connect(url, autocommit=True) as conn:
    if case_key:
        conn.execute("SELECT pg_advisory_lock(%s)", (case_key,))
    conn.execute("BEGIN")
    conn.execute("SELECT id FROM outbox WHERE id = %s FOR UPDATE", (row_id,))
    print("claimed", flush=True)
    sys.stdin.read()
"""
"""Another sender, as a separate process: claims a case and/or a row, then waits to be killed."""


def test_on_postgresql_claims_are_shared_and_a_dead_claimant_frees_its_rows(pg_url, tmp_path):
    """Another process claims case 1 and a report row, then is killed: they are sent after."""
    from monitor.locks import _lock_key

    app = open_app(pg_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY, author="a"), mention("2", ANGRY, author="b")])
    _queue(app, "report:daily:2026-11-21", "report", {"period": "daily"})
    with app.factory() as session:
        report_id = session.scalars(select(OutboxRow.id).where(OutboxRow.kind == "report")).one()
    url = pg_url.replace("postgresql+psycopg://", "postgresql://")
    claimant = _claim_in_other_process(url, report_id, 0)
    case_claimant = _claim_in_other_process(url, 0, _lock_key("outbox:case:1"))
    delivered: list[str] = []
    handlers = {"report": lambda key, payload: delivered.append(key) or {"ok": True}}
    try:
        recorder = Recorder()
        first = send_pending(
            app.engine, app.factory, recorder, clock=lambda: NOW, handlers=handlers
        )
        assert recorder.cards == [2] and delivered == []
        assert (first.sent, first.held_elsewhere) == (1, 2)
    finally:
        for process in (claimant, case_claimant):
            process.kill()
            process.wait(timeout=30)
            process.stdout.close()
            process.stdin.close()
    second = _send_when_free(app, handlers)
    assert second.cards == [1] and delivered == ["report:daily:2026-11-21"]
    with app.factory() as session:
        assert set(session.scalars(select(OutboxRow.state))) == {"sent"}
    app.close()


def _claim_in_other_process(url, row_id, case_key):
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, url, str(row_id), str(case_key)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "claimed"
    return process


def _send_when_free(app, handlers):
    """The server ends a killed client's session when it notices the closed socket."""
    import time

    recorder = Recorder()
    deadline = time.monotonic() + 30
    while True:
        result = send_pending(
            app.engine, app.factory, recorder, clock=lambda: NOW, handlers=handlers
        )
        if result.held_elsewhere == 0 or time.monotonic() > deadline:
            return recorder
        time.sleep(0.1)


def test_on_postgresql_concurrent_senders_deliver_each_row_once_and_cases_in_order(
    pg_url, tmp_path
):
    app = open_app(pg_url, tmp_path)
    batch = []
    for i in range(12):
        batch.append(mention(f"{i}", ANGRY, author=f"u{i}"))
        batch.append(mention(f"{i}b", ANGRY + " again", author=f"u{i}"))
    app.pipeline.ingest(batch)
    with app.factory() as session:
        expected = sorted(session.scalars(select(OutboxRow.key)))
    assert len(expected) == 24  # a card and a thread note per case

    class Slow(Recorder):
        """Records deliveries; fails the test if one case is handled by two senders at once."""

        busy: set[int] = set()
        log: list[tuple[str, int]] = []
        guard = threading.Lock()

        def _enter(self, case_id, kind):
            with self.guard:
                assert case_id not in self.busy, f"case {case_id} sent by two senders at once"
                self.busy.add(case_id)
                self.log.append((kind, case_id))
            time.sleep(0.02)
            with self.guard:
                self.busy.discard(case_id)

        def send_card(self, card):
            self._enter(card.case_id, "card")
            return super().send_card(card)

        def send_thread(self, card):
            self._enter(card.case_id, "thread")
            return super().send_thread(card)

    results = []

    def sender():
        results.append(send_pending(app.engine, app.factory, Slow(), clock=lambda: NOW))

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    while (leftover := send_pending(app.engine, app.factory, Slow(), clock=lambda: NOW)).sent:
        results.append(leftover)
    assert sum(r.sent for r in results) == 24 and not any(r.failed for r in results)
    assert sorted(Slow.log) == sorted({*Slow.log})  # nothing delivered twice
    for case_id in {c for _, c in Slow.log}:
        assert [k for k, c in Slow.log if c == case_id] == ["card", "thread"]
    with app.factory() as session:
        assert set(session.scalars(select(OutboxRow.state))) == {"sent"}
    app.close()


def _queue(app, key, kind, payload):
    from db.repository import enqueue_many

    with app.factory.begin() as session:
        enqueue_many(
            session, [{"key": key, "kind": kind, "case_id": None, "payload": payload}], now=NOW
        )


def test_other_kinds_go_to_their_handler_once_and_unknown_kinds_wait_with_an_error(
    db_url, tmp_path
):
    app = open_app(db_url, tmp_path)
    _queue(app, "report:daily:2026-11-21", "report", {"period": "daily"})
    _queue(app, "mystery:1", "mystery", {})
    calls: list[tuple[str, dict]] = []

    def deliver_report(key, payload):
        calls.append((key, payload))
        return {"ts": "1.0"}

    handlers = {"report": deliver_report}
    first = send_pending(app.engine, app.factory, Recorder(), clock=lambda: NOW, handlers=handlers)
    later = NOW + timedelta(days=1)
    send_pending(app.engine, app.factory, Recorder(), clock=lambda: later, handlers=handlers)
    assert calls == [("report:daily:2026-11-21", {"period": "daily"})]
    assert (first.sent, first.failed) == (1, 1)
    with app.factory() as session:
        rows = {r.kind: r for r in session.scalars(select(OutboxRow))}
        assert rows["report"].state == "sent" and rows["report"].result == {
            "ts": "1.0",
            "via": "report",
        }
        assert rows["mystery"].state == "pending"
        assert "no handler registered for outbox kind 'mystery'" in rows["mystery"].last_error
    app.close()
