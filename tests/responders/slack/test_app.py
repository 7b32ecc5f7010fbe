"""The real Bolt app, driven by signed requests: every button works, updates the card and says so
in the thread; forged or stale signatures and non-agents change nothing."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from db.models import CaseEvent, OutboxRow
from responders.slack.blocks import CLAIM, DISMISS, ESCALATE, RESOLVE, SNOOZE
from responders.slack.views import NOTE_ACTION, NOTE_BLOCK
from tests.responders.fakeslack import CHANNELS
from tests.responders.slack.conftest import AGENTS
from tests.responders.slack.signing import button, pick_user, submission
from tests.responders.slack.signing import select as choose
from tests.support import mention

ANGRY = "Acme is the worst, awful service, I hate it"
CARE = CHANNELS["care"]
AGENT, OTHER_AGENT, STRANGER = AGENTS[0], AGENTS[1], "USTRANGER"


@pytest.fixture
def h(harness_factory):
    harness = harness_factory(
        slack={
            "agents": [AGENT, OTHER_AGENT],
            "escalation_channel": "#care-escalations",
            "escalation_group": "SESCALATE",
        },
    )
    harness.app.pipeline.ingest([mention("1", ANGRY, author="al")])
    harness.send()
    harness.bolt()
    return harness


def card(h):
    return next(m for m in h.fake.top_level(CARE) if m.get("metadata"))


def card_text(h):
    return json.dumps(card(h)["blocks"], ensure_ascii=False)


def thread(h):
    return [m["text"] for m in h.fake.thread(CARE, card(h)["ts"])]


def outbox_count(h):
    with h.app.factory() as session:
        return session.scalar(select(func.count()).select_from(OutboxRow))


def ephemerals(h):
    return [c["text"] for c in h.fake.calls_to("chat.postEphemeral")]


def test_claim_updates_the_card_and_says_so_in_the_thread(h):
    response = h.dispatch(button(CLAIM, 1, user=AGENT))
    assert response.status == 200
    assert h.case().status == "claimed" and h.case().assignee == AGENT
    assert f"Claimed by <@{AGENT}>" in card_text(h)
    assert "repmon_claim" not in card_text(h)
    assert thread(h) == [f"<@{AGENT}> claimed the case."]
    assert len(h.fake.calls_to("chat.update")) == 1
    # A second claim by someone else is refused, and only they hear about it.
    h.dispatch(button(CLAIM, 1, user=OTHER_AGENT))
    assert h.case().assignee == AGENT
    assert ephemerals(h) == ["Nothing changed: case 1 is claimed: cannot claim"]


def test_forged_and_stale_signatures_are_refused(h):
    before = outbox_count(h)
    forged = h.dispatch(button(CLAIM, 1, user=AGENT), secret="not-the-secret")
    stale = h.dispatch(button(CLAIM, 1, user=AGENT), timestamp=int(time.time()) - 600)
    assert (forged.status, stale.status) == (401, 401)
    assert h.case().status == "routed" and outbox_count(h) == before
    assert h.fake.calls_to("chat.update") == []


def test_non_agents_are_told_no_and_nothing_changes(h):
    before = outbox_count(h)
    for body in (
        button(CLAIM, 1, user=STRANGER),
        choose(RESOLVE, 1, "resolved", user=STRANGER),
        button(DISMISS, 1, user=STRANGER),
        pick_user(1, STRANGER, user=STRANGER),
    ):
        assert h.dispatch(body).status == 200
    assert h.case().status == "routed" and h.case().assignee is None
    assert outbox_count(h) == before
    calls = h.fake.calls_to("chat.postEphemeral")
    assert len(calls) == 4 and {c["user"] for c in calls} == {STRANGER}
    assert all("only repmon agents" in c["text"] for c in calls)


def test_assign_to_an_agent_and_not_to_anyone_else(h):
    h.dispatch(pick_user(1, OTHER_AGENT, user=AGENT))
    assert (h.case().status, h.case().assignee) == ("claimed", OTHER_AGENT)
    assert f"Claimed by <@{OTHER_AGENT}>" in card_text(h)
    assert thread(h) == [f"<@{AGENT}> assigned the case to <@{OTHER_AGENT}>."]
    h.dispatch(pick_user(1, STRANGER, user=AGENT))
    assert h.case().assignee == OTHER_AGENT
    assert ephemerals(h) == [f"Nothing changed: <@{STRANGER}> is not a repmon agent"]


def test_snooze_then_resolve(h):
    h.dispatch(choose(SNOOZE, 1, "4h", user=AGENT))
    case = h.case()
    assert case.status == "snoozed" and case.snoozed_until == h.now + timedelta(hours=4)
    assert "Snoozed until <!date^" in card_text(h)
    h.dispatch(choose(RESOLVE, 1, "no_action_needed", user=AGENT))
    case = h.case()
    assert (case.status, case.outcome) == ("resolved", "no_action_needed")
    assert "Closed · No action needed" in card_text(h)
    assert not any(b["type"] == "actions" for b in card(h)["blocks"])
    assert thread(h)[-1] == f"<@{AGENT}> closed the case: No action needed."


def test_not_relevant_closes_and_counts_as_a_false_positive(h):
    h.dispatch(button(DISMISS, 1, user=AGENT))
    case = h.case()
    assert (case.status, case.outcome) == ("dismissed", "not_relevant")
    assert "Closed · not relevant" in card_text(h)
    assert "false positive" in thread(h)[0]


def test_escalate_opens_a_modal_and_posts_to_the_escalation_channel(h):
    h.dispatch(button(ESCALATE, 1, user=AGENT))
    modal = h.fake.opened[-1]
    assert modal["callback_id"] == "repmon_escalate"
    values = {
        NOTE_BLOCK: {NOTE_ACTION: {"type": "plain_text_input", "value": "Legal threat <!channel>"}}
    }
    assert h.dispatch(submission(modal, values, user=AGENT)).status == 200
    assert h.case().status == "escalated"
    note = thread(h)[-1]
    assert "<!subteam^SESCALATE>" in note and "&lt;!channel&gt;" in note
    escalations = h.fake.top_level(CHANNELS["care-escalations"])
    assert len(escalations) == 1
    assert "escalated <https://acme.slack.com/archives/" in escalations[0]["text"]
    with h.app.factory() as session:
        event = session.scalars(select(CaseEvent).where(CaseEvent.action == "escalate")).one()
        assert event.note == "Legal threat <!channel>"  # stored as typed, escaped when shown


def test_every_action_is_delivered_once_even_if_sent_again(h):
    h.dispatch(button(CLAIM, 1, user=AGENT))
    updates = len(h.fake.calls_to("chat.update"))
    assert h.send().sent == 0
    h.responder.sync(1)  # a repeated sync posts nothing new and skips an unchanged card
    assert len(h.fake.calls_to("chat.update")) == updates and len(thread(h)) == 1
