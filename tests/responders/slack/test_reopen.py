"""A case reopened by a worse follow-up reaches Slack: the post in the case's thread, the card
open again, through the real outbox sender and the fake Slack Web API."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from db.models import Case, OutboxRow
from responders.slack.actions import resolve
from responders.slack.replies import mark_manual
from tests.responders.fakeslack import CHANNELS
from tests.support import NOW, mention

CARE = CHANNELS["care"]
AGAIN = "Acme charged me AGAIN. Terrible, I want my money back!"


def the_card(h):
    cards = [
        m
        for m in h.fake.top_level(CARE)
        if m.get("metadata", {}).get("event_type") == "repmon_card"
    ]
    assert len(cards) == 1
    return cards[0]


def card_text(h, ts):
    return json.dumps(h.fake.message(CARE, ts)["blocks"], ensure_ascii=False)


def card_lines(h, ts):
    """The card's context lines: the meta line (posts count) and the status line."""
    blocks = h.fake.message(CARE, ts)["blocks"]
    return [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]


def test_a_worse_follow_up_reopens_the_case_into_its_thread_and_reopens_its_card(
    harness_factory,
):
    h = harness_factory()
    h.app.pipeline.ingest(
        [mention("k1", "Acme charged me twice, refund now!", author="kim", created_at=NOW)]
    )
    assert h.send().failed == 0
    ts = the_card(h)["ts"]
    with h.app.factory() as session:
        case_id = session.scalars(select(Case.id)).one()
    h.now = NOW + timedelta(hours=1)
    assert mark_manual(h.app.factory, case_id, agent="UAGENT1", text="Sorry", key="r1", now=h.now)
    h.now = NOW + timedelta(hours=2)
    resolve(h.app.factory, case_id, actor="UAGENT1", outcome="resolved", now=h.now)
    assert h.send().failed == 0
    assert "Closed · Resolved" in card_lines(h, ts)
    assert "repmon_reply" not in card_text(h, ts)  # a closed card offers no reply
    before = len(h.fake.thread(CARE, ts))

    h.now = NOW + timedelta(days=1)
    h.app.pipeline.ingest(
        [mention("k3", AGAIN, author="kim", created_at=NOW + timedelta(hours=23))]
    )
    assert h.case(case_id).status == "routed"
    assert h.send().failed == 0

    thread = h.fake.thread(CARE, ts)[before:]
    texts = [m["text"] for m in thread]
    assert sum("charged me AGAIN" in text for text in texts) == 1, texts  # the post, once
    assert any("reopened the case" in text for text in texts), texts
    assert the_card(h)["ts"] == ts  # no second card for the reopened case
    lines = card_lines(h, ts)
    assert "Closed · Resolved" not in lines and "Assigned to <@UAGENT1>" in lines  # open again
    assert lines[0].endswith(" · 2 posts")
    assert "repmon_reply" in card_text(h, ts)  # and answerable again
    with h.app.factory() as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.case_id == case_id)).all()
    assert {r.state for r in rows} == {"sent"}
    assert h.send().sent == 0  # nothing posted twice
