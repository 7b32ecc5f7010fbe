"""First-response SLA: one reminder in the thread pinging on-call, recorded as a breach; snoozes
that run out put the case back in the queue."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from db.models import CaseEvent
from monitor.config import SlaTarget
from monitor.locks import try_lock
from monitor.sla import target_for, tick
from responders.slack.blocks import SNOOZE
from tests.responders.fakeslack import CHANNELS
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import select as choose
from tests.support import mention

ANGRY = "Acme is the worst, awful service, I hate it"
CARE = CHANNELS["care"]
SLA = {"default_channel": "#care", "sla": [{"min_priority": 0, "within": "30m"}]}


def run_sla(h):
    return tick(h.app.engine, h.app.factory, h.app.config.routing, clock=lambda: h.now)


def breaches(h):
    with h.app.factory() as session:
        return session.scalars(select(CaseEvent).where(CaseEvent.action == "sla_breach")).all()


def thread(h):
    card = next(m for m in h.fake.top_level(CARE) if m.get("metadata"))
    return card, [m["text"] for m in h.fake.thread(CARE, card["ts"])]


def test_target_for_picks_the_highest_band_reached():
    bands = [
        SlaTarget(min_priority=0.8, within=timedelta(minutes=30)),
        SlaTarget(min_priority=0.5, within=timedelta(hours=2)),
    ]
    assert target_for(0.9, bands) == timedelta(minutes=30)
    assert target_for(0.6, bands) == timedelta(hours=2)
    assert target_for(0.2, bands) is None


def test_an_unanswered_case_gets_one_reminder_and_one_breach(harness_factory):
    h = harness_factory(routing=SLA, slack={"oncall_group": "SONCALL"})
    h.app.pipeline.ingest([mention("1", ANGRY)])
    h.send()
    h.now += timedelta(minutes=29)
    assert run_sla(h).breached == []
    h.now += timedelta(minutes=2)
    assert run_sla(h).breached == [1]
    assert run_sla(h).breached == []  # never twice
    h.send()
    card, notes = thread(h)
    assert notes == ["<!subteam^SONCALL> :alarm_clock: No first response within 30 min."]
    assert "first-response target missed" in json.dumps(h.fake.message(CARE, card["ts"])["blocks"])
    [event] = breaches(h)
    assert (event.actor, event.from_status, event.to_status) == ("repmon", "routed", "routed")


def test_answered_and_closed_cases_do_not_breach(harness_factory):
    h = harness_factory(routing=SLA)
    h.app.pipeline.ingest([mention("1", ANGRY, author="a"), mention("2", ANGRY, author="b")])
    h.send()
    with h.app.factory() as session:
        from db.models import Case

        first, second = session.get(Case, 1), session.get(Case, 2)
        first.replied_at, first.status = h.now, "replied"
        second.status = "resolved"
        session.commit()
    h.now += timedelta(hours=5)
    assert run_sla(h).breached == []


def test_snoozed_cases_wait_then_wake_and_can_breach(harness_factory):
    h = harness_factory(routing=SLA)
    h.app.pipeline.ingest([mention("1", ANGRY)])
    h.send()
    h.bolt()
    h.dispatch(choose(SNOOZE, 1, "1h", user=AGENTS[0]))
    h.now += timedelta(minutes=45)
    assert run_sla(h).breached == []  # snoozed: no reminder yet
    h.now += timedelta(minutes=20)
    result = run_sla(h)
    assert (result.woken, result.breached) == ([1], [1])
    assert h.case().status == "routed"
    h.send()
    _, notes = thread(h)
    assert notes[-2:] == [
        "The snooze is over: the case is back in the queue.",
        ":alarm_clock: No first response within 30 min.",
    ]


def test_only_one_process_runs_the_timers(harness_factory):
    h = harness_factory(routing=SLA)
    with try_lock(h.app.engine, "sla") as held:
        assert held
        assert run_sla(h).skipped_locked
