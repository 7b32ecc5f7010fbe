"""Cards and notes as Block Kit: customer text can never ping, link or format its way out."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from responders.cards import CardView
from responders.slack.blocks import (
    ASSIGN,
    CLAIM,
    DISMISS,
    TEXT_LIMIT,
    CardState,
    card_blocks,
    card_fallback,
    case_id_of,
    compact,
    escape,
    link,
    tier,
)
from responders.slack.notes import Audience, duration, note_text
from tests.support import NOW

HOSTILE = "<!channel> refund me NOW <@U0BOSS> <http://phish.example/login|acme.com> & @here"


def view(**fields) -> CardView:
    values = {
        "case_id": 7,
        "status": "routed",
        "priority": 0.83,
        "reasons": ["very negative", "4.2k followers"],
        "channel": "#care",
        "source": "x",
        "url": "https://x.com/a/status/1",
        "author": "angry_al",
        "followers": 4200,
        "rating": None,
        "title": None,
        "text": "Acme charged me twice",
        "lang": "en",
        "label": "negative",
        "compound": -0.71,
        "topic": "billing",
        "created_at": NOW - timedelta(hours=2),
        "mention_count": 1,
    }
    values.update(fields)
    return CardView(**values)


def all_text(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def elements(blocks):
    actions = [b for b in blocks if b["type"] == "actions"]
    return {e["action_id"]: e for e in actions[0]["elements"]} if actions else {}


def test_escape_neutralises_mentions_links_and_entities():
    out = escape(HOSTILE)
    assert "<" not in out and ">" not in out
    assert "&lt;!channel&gt;" in out and "&lt;@U0BOSS&gt;" in out
    assert "&lt;http://phish.example/login|acme.com&gt;" in out
    assert " &amp; " in out
    assert "@here" not in out and "@\u2060here" in out


def test_hostile_text_is_shown_harmlessly_on_the_card():
    blocks = card_blocks(view(text=HOSTILE, author="<!here>", title="<@U1>"), CardState())
    text = all_text(blocks)
    for dangerous in ("<!channel>", "<!here>", "<@U0BOSS>", "<@U1>", "<http://phish"):
        assert dangerous not in text
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in card_fallback(view(text=HOSTILE))


def test_links_cannot_be_broken_out_of():
    assert link("https://x.com/a|<!channel>", "post") == "<https://x.com/a%7C%3C!channel%3E|post>"
    assert link("javascript:alert(1)", "post") == "post"
    assert link(None, "<b>") == "&lt;b&gt;"


def test_long_text_is_truncated_with_a_link_to_the_rest():
    blocks = card_blocks(view(text="word " * 400), CardState())
    quoted = blocks[2]["text"]["text"]
    assert len(quoted) < TEXT_LIMIT + 200
    assert "…" in quoted and "<https://x.com/a/status/1|read the whole post>" in quoted


def test_card_shows_source_author_reach_stars_and_facts():
    blocks = card_blocks(view(rating=2, source="appstore"), CardState(coverage=0.9))
    text = all_text(blocks)
    assert "@angry_al (4.2k followers · notable) · ★★☆☆☆" in text
    assert "<https://x.com/a/status/1|appstore post>" in text
    assert "negative -0.71 · confidence 90% · topic billing" in text
    assert "Case #7 · priority 0.83 · billing" in blocks[0]["text"]["text"]
    assert "*Why:* very negative · 4.2k followers" in text


def test_actions_follow_the_case_state():
    open_actions = elements(card_blocks(view(), CardState()))
    assert {CLAIM, ASSIGN, DISMISS} <= set(open_actions)
    claimed = elements(card_blocks(view(status="claimed"), CardState(assignee="UAGENT1")))
    assert CLAIM not in claimed and claimed[ASSIGN]["initial_user"] == "UAGENT1"
    assert elements(card_blocks(view(status="resolved"), CardState(outcome="resolved"))) == {}
    block = next(b for b in card_blocks(view(), CardState()) if b["type"] == "actions")
    assert case_id_of(block["block_id"]) == 7


def test_status_line_and_breach():
    state = CardState(assignee="UAGENT2", sla_breached=True)
    text = all_text(card_blocks(replace(view(), status="claimed"), state))
    assert "Claimed by <@UAGENT2>" in text and "first-response target missed" in text


def test_reach_helpers():
    assert (compact(999), compact(4200), compact(1_250_000)) == ("999", "4.2k", "1.2M")
    assert (tier(None), tier(50), tier(20_000), tier(2_000_000)) == (
        "reach unknown",
        "regular",
        "influencer",
        "major reach",
    )
    assert (duration(1800), duration(7200), duration(3 * 86400)) == ("30 min", "2 h", "3 days")


def test_notes_say_who_did_what_and_escape_what_people_typed():
    audience = Audience(oncall_group="SONCALL", escalation_group="SESC")
    assert note_text("claim", "UAGENT1", None, audience) == "<@UAGENT1> claimed the case."
    assert "to <@UAGENT2> (round robin)" in note_text(
        "assign", "repmon", "UAGENT2 round_robin", audience
    )
    escalated = note_text("escalate", "UAGENT1", "<!channel> legal threat", audience)
    assert "<!subteam^SESC>" in escalated and "&lt;!channel&gt; legal threat" in escalated
    breach = note_text("sla_breach", "repmon", "1800", audience)
    assert breach.startswith("<!subteam^SONCALL>") and "30 min" in breach
    assert "No action needed" in note_text("resolve", "UAGENT1", "no_action_needed", audience)
    manual = note_text("reply", "UAGENT1", "manual https://x.com/a/status/1", audience)
    assert "<https://x.com/a/status/1|see the post>" in manual
