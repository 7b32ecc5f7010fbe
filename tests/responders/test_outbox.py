"""The outbox sender: delivers once, retries failures with backoff, gives up, and never overlaps."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Case, OutboxRow
from monitor.locks import try_lock
from responders.outbox import MAX_ATTEMPTS, backoff, send_pending
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


def test_gives_up_after_max_attempts(sqlite_url, tmp_path):
    app = open_app(sqlite_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY)])
    responder = Recorder(fail_times=10**6)
    when = NOW
    for _ in range(MAX_ATTEMPTS):
        send_pending(app.engine, app.factory, responder, clock=lambda at=when: at)
        when += timedelta(hours=2)
    with app.factory() as session:
        assert session.scalars(select(OutboxRow.state)).one() == "dead"
    app.close()


def test_a_second_sender_skips_while_the_first_holds_the_lock(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    app.pipeline.ingest([mention("1", ANGRY)])
    with try_lock(app.engine, "outbox") as held:
        assert held
        skipped = send_pending(app.engine, app.factory, Recorder(), clock=lambda: NOW)
    assert skipped.skipped_locked and skipped.sent == 0
    assert send_pending(app.engine, app.factory, Recorder(), clock=lambda: NOW).sent == 1
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
