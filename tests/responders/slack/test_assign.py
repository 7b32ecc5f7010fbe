"""Assignment: round robin and least loaded among a rule's available agents; `/repmon away` and
`back` take an agent out of and into the rotation."""

from __future__ import annotations

import json

from sqlalchemy import select

from db.models import Case
from responders.assign import choose
from tests.responders.fakeslack import CHANNELS
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import command
from tests.support import mention

A1, A2, A3 = AGENTS
REFUND = "Acme took my money twice, awful, I want a refund now"
BILLING = CHANNELS["care-billing"]


def rule(assign, agents=AGENTS):
    return {
        "rules": [
            {
                "match": {"topic": "billing"},
                "channel": "#care-billing",
                "assign": assign,
                "agents": list(agents),
            }
        ]
    }


def assignees(h):
    with h.app.factory() as session:
        return [c.assignee for c in session.scalars(select(Case).order_by(Case.id))]


def ingest(h, *ids):
    h.app.pipeline.ingest([mention(i, REFUND, author=f"user{i}") for i in ids])
    return h.send()


def slash(h, text, user):
    response = h.dispatch(command(text, user=user, response_url=f"{h.fake.root}/response/{user}"))
    assert response.status == 200
    return h.fake.responses[-1]["text"] if h.fake.responses else None


def test_choose_round_robin_takes_turns_and_skips_the_away():
    turns = {A1: 3, A2: 1, A3: 2}
    assert choose("round_robin", AGENTS, away=set(), turns=turns, load={}) == A2
    assert choose("round_robin", AGENTS, away={A2}, turns=turns, load={}) == A3
    assert choose("round_robin", AGENTS, away=set(AGENTS), turns={}, load={}) is None
    assert choose("none", AGENTS, away=set(), turns={}, load={}) is None


def test_choose_least_loaded_prefers_the_fewest_open_cases():
    load = {A1: 2, A2: 0, A3: 1}
    assert choose("least_loaded", AGENTS, away=set(), turns={}, load=load) == A2
    assert choose("least_loaded", AGENTS, away={A2}, turns={}, load=load) == A3


def test_round_robin_skips_agents_who_are_away_until_they_are_back(harness_factory):
    h = harness_factory(routing=rule("round_robin"))
    h.bolt()
    assert "You are away" in slash(h, "away", A2)
    assert json.dumps(h.fake.published[A2]).count("away (no new assignments)") == 1
    ingest(h, "1", "2", "3", "4")
    assert assignees(h) == [A1, A3, A1, A3]
    assert "Welcome back" in slash(h, "back", A2)
    ingest(h, "5", "6")
    assert assignees(h)[4:] == [A2, A1]
    cards = [m for m in h.fake.top_level(BILLING) if m.get("metadata")]
    assert len(cards) == 6
    assert f"Claimed by <@{A1}>" in json.dumps(cards[0]["blocks"])
    notes = [m["text"] for m in h.fake.thread(BILLING, cards[0]["ts"])]
    assert notes == [f"repmon assigned the case to <@{A1}> (round robin)."]


def test_least_loaded_balances_open_cases(harness_factory):
    h = harness_factory(routing=rule("least_loaded", [A1, A2]))
    ingest(h, "1", "2", "3")
    assert assignees(h) == [A1, A2, A1]
    with h.app.factory() as session:  # A1 closes both of theirs
        for case in session.scalars(select(Case).where(Case.assignee == A1)):
            case.status = "resolved"
        session.commit()
    ingest(h, "4", "5")
    assert assignees(h)[3:] == [A1, A2]  # A1 had none open (round robin would pick A2); then a tie


def test_nobody_available_leaves_the_case_for_agents_to_claim(harness_factory):
    h = harness_factory(routing=rule("round_robin", [A2]), slack={"agents": [A1]})
    h.bolt()
    slash(h, "away", A2)
    ingest(h, "1")
    assert assignees(h) == [None]
    with h.app.factory() as session:
        assert session.get(Case, 1).status == "routed"


def test_rules_without_assignment_leave_cases_unassigned(harness_factory):
    h = harness_factory(routing=rule("none"))
    ingest(h, "1")
    assert assignees(h) == [None]
