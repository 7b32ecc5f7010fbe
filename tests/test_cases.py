"""The case state machine refuses what its state does not allow and records who did what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.models import Case
from monitor.cases import transition
from monitor.errors import InvalidTransition
from tests.support import NOW


def new_case() -> Case:
    return Case(
        id=1,
        status="new",
        priority=0.5,
        reasons=[],
        factors={},
        source="x",
        mention_id=1,
        mention_count=1,
        opened_at=NOW,
        updated_at=NOW,
    )


def test_happy_path_sets_each_timestamp_and_audits_it():
    case = new_case()
    events = [
        transition(case, "route", actor="repmon", at=NOW),
        transition(case, "claim", actor="U01", at=NOW + timedelta(minutes=5)),
        transition(case, "reply", actor="U01", at=NOW + timedelta(minutes=9)),
        transition(case, "resolve", actor="U01", at=NOW + timedelta(hours=1), outcome="resolved"),
    ]
    assert [(e.from_status, e.to_status) for e in events] == [
        ("new", "routed"),
        ("routed", "claimed"),
        ("claimed", "replied"),
        ("replied", "resolved"),
    ]
    assert case.assignee == "U01"
    assert case.claimed_at == NOW + timedelta(minutes=5)
    assert case.replied_at == NOW + timedelta(minutes=9)
    assert case.closed_at == NOW + timedelta(hours=1) and case.outcome == "resolved"


def test_closed_cases_only_reopen():
    case = new_case()
    transition(case, "dismiss", actor="U01", at=NOW)
    assert case.outcome == "not_relevant"
    for action in ("claim", "reply", "resolve", "route"):
        with pytest.raises(InvalidTransition):
            transition(case, action, actor="U01", at=NOW)
    transition(case, "reopen", actor="U01", at=NOW)
    assert case.status == "routed" and case.closed_at is None


def test_snooze_needs_a_future_time_and_wake_clears_it():
    case = new_case()
    with pytest.raises(InvalidTransition):
        transition(case, "snooze", actor="U01", at=NOW, snooze_until=NOW)
    transition(case, "snooze", actor="U01", at=NOW, snooze_until=NOW + timedelta(hours=4))
    transition(case, "wake", actor="repmon", at=NOW + timedelta(hours=4))
    assert case.status == "routed" and case.snoozed_until is None


def test_unknown_action_and_outcome_are_refused():
    case = new_case()
    with pytest.raises(InvalidTransition):
        transition(case, "delete", actor="U01", at=NOW)
    with pytest.raises(InvalidTransition):
        transition(case, "resolve", actor="U01", at=NOW, outcome="maybe")
