"""A small hand-built day (2026-11-21) and the day before it, with every figure of the daily report
worked out by hand in EXPECTED. Rows are written directly (no scoring) so the labels, topics,
priorities and case timings are exactly as stated.

Period [2026-11-21, 2026-11-22); previous [2026-11-20, 2026-11-21); report run at 2026-11-22 12:00.
SLA targets are the defaults: priority ≥ 0.8 → 30 min, ≥ 0.5 → 2 h, otherwise 8 h.

The same rows also make up most of ISO week 2026-W47 [2026-11-16, 2026-11-23); `load(weeks=True)`
adds WEEK_MENTIONS and WEEK_CASES (the week's edges, the week before it, a case closed as "no
action needed") and WEEKLY_EXPECTED holds the weekly report's figures, also worked out by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from db.models import Author, Case, MentionRow, Reply

DAY = datetime(2026, 11, 21, tzinfo=UTC)
PREV = DAY - timedelta(days=1)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
WEEK = datetime(2026, 11, 16, tzinfo=UTC)  # the Monday of DAY's ISO week
WEEK_BEFORE = WEEK - timedelta(days=7)


def at(day: datetime, hhmm: str, seconds: int = 0) -> datetime:
    hours, minutes = (int(p) for p in hhmm.split(":"))
    return day + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def nov(day: int, hhmm: str = "00:00") -> datetime:
    """`nov(13, "08:00")`: a moment of November 2026 (the weekly rows span two weeks)."""
    return at(datetime(2026, 11, day, tzinfo=UTC), hhmm)


AUTHORS = {  # key: (source, handle, followers)
    "a1": ("x", "bigvoice", 50_000),
    "a2": ("x", "maria_es", 200),
    "a3": ("googleplay", "Jean D.", None),
    "a4": ("reddit", "u_redditor", 10),
    "a5": ("googleplay", "Sam K.", None),
    "a6": ("appstore", "Lee P.", None),
}

# key, source, author, lang, label, topic, rating, created_at, priority
MentionSpec = tuple[str, str, str, str | None, str, str | None, int | None, datetime, Any]
MENTIONS: list[MentionSpec] = [
    ("m1", "x", "a1", "en", "negative", "billing", None, at(DAY, "09:10"), 0.9),
    ("m2", "x", "a2", "es", "negative", "billing", None, at(DAY, "09:40"), 0.6),
    ("m3", "x", "a2", "es", "negative", "billing", None, at(DAY, "14:00"), 0.5),
    ("m4", "googleplay", "a3", "fr", "negative", "app", 2, at(DAY, "09:20"), None),
    ("m5", "googleplay", "a5", "en", "neutral", None, 3, at(DAY, "10:00"), 0.4),
    ("m6", "reddit", "a4", "en", "positive", None, None, DAY, None),  # first instant: inside
    ("m7", "x", "a2", None, "neutral", "roaming", None, at(DAY, "23:59", 59), None),
    ("m8", "appstore", "a6", "en", "negative", None, 1, at(DAY, "15:00"), 0.85),
    # the day before
    ("p1", "x", "a1", "en", "negative", "billing", None, at(PREV, "10:00"), 0.7),
    ("p2", "reddit", "a4", "en", "positive", None, None, at(PREV, "11:00"), None),
    ("p3", "reddit", "a4", "en", "positive", None, None, at(PREV, "12:00"), None),
    # the next day's first instant: in neither period
    ("n1", "x", "a1", "en", "positive", "billing", None, DAY + timedelta(days=1), None),
]

# key, first mention, other mentions, priority, opened, replied, closed, outcome, recovered
CaseSpec = tuple[str, str, list[str], float, datetime, Any, Any, Any, Any]
CASES: list[CaseSpec] = [
    ("c0", "p1", [], 0.7, at(PREV, "10:00"), at(PREV, "10:30"), at(DAY, "08:00"), "resolved", None),
    ("c1", "m1", [], 0.9, at(DAY, "09:10"), at(DAY, "09:40"), None, None, at(DAY, "20:00")),
    ("c2", "m2", ["m3"], 0.6, at(DAY, "09:40"), at(DAY, "13:40"), None, None, None),
    ("c3", "m5", [], 0.4, at(DAY, "10:00"), at(DAY, "11:00"), at(DAY, "12:00"), "resolved", None),
    ("c4", "m8", [], 0.85, at(DAY, "15:00"), None, None, None, None),
]

# Who works each case (`Case.assignee`), when it was last reopened, and its replies (state,
# template) in order. Cases not listed have none. No figure of the report but the outcome
# metrics' reopen counts and the by-agent / by-template rows reads these, so adding them left
# every other expectation below as it was (checked by hand against each query in
# monitor/reports/queries.py: none reads assignee, reopened_at or replies).
ASSIGNEES = {"c0": "U_ANA", "c1": "U_ANA", "c2": "U_BEN", "c3": "U_ANA"}
REOPENED = {
    # answered at 10:30 the day before, closed, reopened at 11:00, resolved again on DAY 08:00
    "c0": at(PREV, "11:00"),
    # answered at 13:40, closed, reopened by its follow-up m3 at 14:00; open since (status routed)
    "c2": at(DAY, "14:00"),
}
REPLIES = {
    "c0": [("sent", "billing_refund")],
    "c1": [("sent", "billing_refund")],
    "c2": [("manual", None)],  # typed by hand: no template
    "c3": [("sent", "app_help")],
}
# Only with load(weeks=True), like WEEK_CASES.
WEEK_ASSIGNEES = {"d0": "U_BEN", "d1": "U_CAL"}
WEEK_REOPENED = {"d0": nov(13, "09:00")}  # closed, reopened the week before, closed again 16th

EXPECTED: dict[str, Any] = {
    # 8 mentions in the day: negative m1 m2 m3 m4 m8, neutral m5 m7, positive m6
    "sentiment": (5, 2, 1),
    "net": -50.0,  # (1 − 5) / 8
    "previous_sentiment": (1, 0, 2),
    "previous_net": 33.3,  # (2 − 1) / 3
    "net_change": -83.3,
    # (name, total, negative, neutral, positive, previous total); ties by previous volume
    "by_source": [
        ("x", 4, 3, 1, 0, 1),
        ("googleplay", 2, 1, 1, 0, 0),
        ("reddit", 1, 0, 0, 1, 2),
        ("appstore", 1, 1, 0, 0, 0),
    ],
    "by_lang": [
        ("en", 4, 2, 1, 1, 3),
        ("es", 2, 2, 0, 0, 0),
        ("fr", 1, 1, 0, 0, 0),
        ("unknown", 1, 0, 1, 0, 0),
    ],
    # distinct customers: billing a1 a2 (before: a1); app a3; roaming a2 (no template for it)
    "themes": [("billing", 2, 1, True), ("app", 1, 0, True), ("roaming", 1, 0, False)],
    # by followers (a1 50k, a2 200 ×2 by priority), then unknown reach by priority
    "influential": ["m1", "m2", "m3", "m8", "m4"],
    "praise": ["m6"],
    "praise_count": 1,
    "non_english_share": 3 / 7,  # es es fr of the 7 with a known language
    "busiest_hour": (9, 3),  # 09:10, 09:20, 09:40
    # c2 answered after 4 h (target 2 h); c4 unanswered 21 h after opening (target 30 min);
    # c1 answered at exactly its 30 min target: not late
    "sla": (2, 1),
    "unanswered_low_ratings": 2,  # m4 (no case), m8 (case never answered); m5's case was
    # monitor.metrics definitions: opened c1–c4, responded c1 c2 c3 (30 min, 4 h, 1 h)
    "outcomes": {
        "opened": 4,
        "responded": 3,
        "first_response_median": 3600.0,
        "first_response_p90": 14400.0,
        "closed": 2,  # c0 and c3 closed in the day, both resolved
        "resolved": 2,
        "resolution_rate": 1.0,
        "replied": 3,  # first replies in the day: c1 c2 c3
        "recovered": 1,  # c1
        "recovery_rate": 1 / 3,
        "reopened": 1,  # c2 (14:00); c0's reopen was the day before
        "reopen_rate": 0.5,  # 1 reopened ÷ 2 closed
    },
    # monitor.metrics by agent (Case.assignee), ranked by cases first answered in the day:
    # (agent, answered, median first response s, resolution, recovery, reopen rate)
    "by_agent": [
        # c0 c1 c3. answered c1 c3 (c0 the day before); first responses of the opened c1 c3:
        # 30 min, 1 h, nearest rank of 2 → the 1st; closed c0 c3 both resolved; recovered c1 of
        # c1 c3; reopened none in the day, against 2 closed
        ("U_ANA", 2, 1800.0, 1.0, 0.5, 0.0),
        # c2: answered after 4 h; nothing closed (rates against closed: None); not recovered;
        # reopened 1 against 0 closed: None
        ("U_BEN", 1, 14400.0, None, 0.0, None),
        # c4: never answered, never closed, no assignee: last, whatever its count
        ("(none)", 0, None, None, None, None),
    ],
    # by the template of the first sent/manual reply; same columns. Ties by name.
    "by_template": [
        ("app_help", 1, 3600.0, 1.0, 0.0, 0.0),  # c3: 1 h, closed resolved, not recovered
        # c0 c1: answered c1 (30 min, recovered); closed c0 resolved; c0 reopened the day before
        ("billing_refund", 1, 1800.0, 1.0, 1.0, 0.0),
        # c2 (manual reply, 4 h, reopened, not closed) and c4 (no reply)
        ("(none)", 1, 14400.0, None, 0.0, None),
    ],
    # the last trend day (21st): volume by source, cases opened and closed
    "trend_last": ({"x": 4, "googleplay": 2, "reddit": 1, "appstore": 1}, 4, 2),
    "trend_previous_day": ({"x": 1, "reddit": 2}, 1, 0),
}


# Only with load(weeks=True). Same columns as MENTIONS.
WEEK_MENTIONS: list[MentionSpec] = [
    # the week before: [2026-11-09, 2026-11-16)
    ("w1", "x", "a1", "en", "negative", "billing", None, nov(9, "10:00"), 0.7),
    ("w2", "reddit", "a4", "en", "negative", "roaming", None, nov(13, "08:00"), 0.3),
    ("w7", "x", "a2", "es", "neutral", "roaming", None, nov(14, "18:00"), None),
    ("w3", "googleplay", "a3", "fr", "negative", "app", 1, WEEK - timedelta(seconds=1), None),
    # the week: its first instant is inside
    ("w4", "appstore", "a6", "en", "negative", "app", 2, WEEK, 0.2),
    ("w5", "x", "a2", "es", "positive", None, None, nov(18, "09:30"), None),
    # the next week's first instant: in neither
    ("w6", "reddit", "a4", "en", "negative", "billing", None, WEEK + timedelta(days=7), None),
]

# Only with load(weeks=True). Same columns as CASES.
WEEK_CASES: list[CaseSpec] = [
    # opened and answered the week before, closed unresolved on the week's first morning
    ("d0", "w1", [], 0.7, nov(9, "10:00"), nov(9, "11:00"), nov(16, "09:00"), "not_resolved", None),
    # opened the week before, first answered in the week, then recovered
    ("d1", "w2", [], 0.3, nov(13, "08:00"), nov(16, "08:00"), None, None, nov(17, "10:00")),
    # opened at the week's first instant, closed unanswered as "no action needed"
    ("d2", "w4", [], 0.2, WEEK, None, nov(16, "00:30"), "no_action_needed", None),
]

WEEKLY_EXPECTED: dict[str, Any] = {
    # In the week: m1–m8 (21st), p1 p2 p3 (20th), n1 (22nd 00:00), w4 (16th 00:00), w5 (18th).
    # Not: w1 w7 w2 w3 (the week before), w6 (23rd 00:00). 14 mentions:
    # negative m1 m2 m3 m4 m8 p1 w4 = 7, neutral m5 m7 = 2, positive m6 p2 p3 n1 w5 = 5
    "sentiment": (7, 2, 5),
    "net": -14.3,  # (5 − 7) / 14 = −14.29
    # the week before: w1 w2 w3 negative, w7 neutral
    "previous_sentiment": (3, 1, 0),
    "previous_net": -75.0,  # (0 − 3) / 4
    "net_change": 60.7,  # −14.3 − (−75.0)
    # (name, total, negative, neutral, positive, previous total)
    "by_source": [
        ("x", 7, 4, 1, 2, 2),  # m1 m2 m3 p1 − m7 − n1 w5; before w1 w7
        ("reddit", 3, 0, 0, 3, 1),  # m6 p2 p3; before w2 (w6 is next week)
        ("googleplay", 2, 1, 1, 0, 1),  # m4 − m5; before w3. Ties with appstore: more before
        ("appstore", 2, 2, 0, 0, 0),  # m8 w4
    ],
    "by_lang": [
        ("en", 9, 4, 1, 4, 2),  # m1 m8 p1 w4 − m5 − m6 p2 p3 n1; before w1 w2
        ("es", 3, 2, 0, 1, 1),  # m2 m3 − w5; before w7
        ("fr", 1, 1, 0, 0, 1),  # m4; before w3. Ties with unknown: more before
        ("unknown", 1, 0, 1, 0, 0),  # m7
    ],
    # (topic, distinct customers, the week before, has a template); biggest, then biggest rise:
    # app a3 (m4) a6 (w4), before a3 (w3): +1; billing a1 (m1 p1 n1) a2 (m2 m3), before a1
    # (w1): +1, after app by name; roaming a2 (m7), before a4 (w2) a2 (w7): −1
    "themes": [("app", 2, 1, True), ("billing", 2, 1, True), ("roaming", 1, 2, False)],
    "outcomes": {
        "opened": 6,  # c0 (20th) c1–c4 (21st) d2 (16th 00:00); not d0 d1 (the week before)
        "responded": 4,  # c0 c1 c2 c3; c4 and d2 never answered
        # first responses 30 min (c0), 30 min (c1), 1 h (c3), 4 h (c2): nearest rank of 4,
        # median the 2nd, p90 the 4th
        "first_response_median": 1800.0,
        "first_response_p90": 14400.0,
        "closed": 3,  # c0 c3 (21st, resolved), d0 (16th, not resolved); d2 is "no action needed"
        "resolved": 2,
        "resolution_rate": 2 / 3,
        "replied": 5,  # first replies in the week: c0 (20th) c1 c2 c3 (21st) d1 (16th)
        "recovered": 2,  # c1, d1
        "recovery_rate": 2 / 5,
        "reopened": 2,  # c0 (20th 11:00), c2 (21st 14:00); d0's reopen was the week before
        "reopen_rate": 2 / 3,  # 2 reopened ÷ 3 closed
    },
    # (agent, answered, median first response s, resolution, recovery, reopen rate), as daily
    "by_agent": [
        # c0 c1 c3, all opened and answered in the week: 30 min, 30 min, 1 h → median the 2nd
        # of 3; closed c0 c3 resolved; recovered c1 of 3; reopened c0 of 2 closed
        ("U_ANA", 3, 1800.0, 1.0, 1 / 3, 0.5),
        # c2 d0: opened c2 (4 h); answered c2 (d0 the week before); closed d0 not resolved;
        # reopened c2 (d0 the week before) against 1 closed
        ("U_BEN", 1, 14400.0, 0.0, 0.0, 1.0),
        # d1: opened the week before (no first response counted), answered on the 16th and
        # recovered; nothing closed. Ties with U_BEN on 1 answered: after it by name
        ("U_CAL", 1, None, None, 1.0, None),
        # c4 d2: never answered; d2 closed as "no action needed" is outside closed
        ("(none)", 0, None, None, None, None),
    ],
    "by_template": [
        # c0 c1: answered both (30 min each); closed c0 resolved; recovered c1; reopened c0
        ("billing_refund", 2, 1800.0, 1.0, 0.5, 1.0),
        ("app_help", 1, 3600.0, 1.0, 0.0, 0.0),  # c3
        # c2 c4 d0 d1 d2 (the weekly cases have no reply rows): answered c2 d1; opened and
        # answered c2 (4 h); closed d0 not resolved (d2 dismissed); recovered d1; reopened c2
        ("(none)", 2, 14400.0, 0.0, 0.5, 1.0),
    ],
    # As in the day (c2 4 h late, c4 unanswered 21 h); c0 30 min of 2 h; d2 (8 h target) stopped
    # by its close after 30 min
    "sla": (2, 1),
    # ≤3★: m4 (no case), m8 (c4 unanswered), w4 (d2 closed unanswered); m5's case c3 was answered;
    # w3 is the week before
    "unanswered_low_ratings": 3,
    # trend days with anything: (volume by source, cases opened, cases closed); the 28 days end
    # on the 22nd, so they start on 2026-10-26
    "trend": {
        "2026-11-09": ({"x": 1}, 1, 0),  # w1; d0 opened
        "2026-11-13": ({"reddit": 1}, 1, 0),  # w2; d1 opened
        "2026-11-14": ({"x": 1}, 0, 0),  # w7
        "2026-11-15": ({"googleplay": 1}, 0, 0),  # w3 at 23:59:59
        "2026-11-16": ({"appstore": 1}, 1, 2),  # w4; d2 opened; d0 and d2 closed
        "2026-11-18": ({"x": 1}, 0, 0),  # w5
        "2026-11-20": ({"x": 1, "reddit": 2}, 1, 0),  # p1 p2 p3; c0 opened
        "2026-11-21": ({"x": 4, "googleplay": 2, "reddit": 1, "appstore": 1}, 4, 2),  # c1–c4; c0 c3
        "2026-11-22": ({"x": 1}, 0, 0),  # n1
    },
}


def load(session: Any, *, weeks: bool = False) -> dict[str, int]:
    """Write the dataset (with `weeks`, the weekly rows too); returns mention ids by key."""
    authors = {}
    for key, (source, handle, followers) in AUTHORS.items():
        author = Author(
            source=source,
            handle=handle,
            name=handle,
            followers=followers,
            mentions_seen=1,
            complaints_seen=0,
            first_seen_at=PREV,
            last_seen_at=DAY,
        )
        session.add(author)
        authors[key] = author
    session.flush()
    mentions = {}
    rows = MENTIONS + (WEEK_MENTIONS if weeks else [])
    for key, source, author, lang, label, topic, rating, created, priority in rows:
        compound = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}[label]
        row = MentionRow(
            source=source,
            external_id=key,
            connector="test",
            brand="Acme",
            url=f"https://example.com/{key}",
            text=f"text of {key} <b>bold</b>",
            author_id=authors[author].id,
            lang=lang,
            rating=rating,
            created_at=created,
            fetched_at=created,
            compound=compound,
            pos=max(compound, 0),
            neu=1 - abs(compound),
            neg=max(-compound, 0),
            label=label,
            scorer="test",
            topic=topic,
            priority=priority,
        )
        session.add(row)
        mentions[key] = row
    session.flush()
    cases = CASES + (WEEK_CASES if weeks else [])
    assignees = ASSIGNEES | (WEEK_ASSIGNEES if weeks else {})
    reopens = REOPENED | (WEEK_REOPENED if weeks else {})
    for key, first, others, priority, opened, replied, closed, outcome, recovered in cases:
        mention = mentions[first]
        reopened = reopens.get(key)
        open_status = "replied" if replied and not reopened else "routed"  # reopen → routed
        case = Case(
            brand="Acme",
            source=mention.source,
            author_id=mention.author_id,
            mention_id=mention.id,
            status="resolved" if closed else open_status,
            assignee=assignees.get(key),
            reopened_at=reopened,
            reopened_count=1 if reopened else 0,
            priority=priority,
            reasons=[],
            factors={},
            topic=mention.topic,
            lang=mention.lang,
            mention_count=1 + len(others),
            outcome=outcome,
            opened_at=opened,
            updated_at=opened,
            routed_at=opened,
            replied_at=replied,
            closed_at=closed,
            recovered_at=recovered,
        )
        session.add(case)
        session.flush()
        for name in [first, *others]:
            mentions[name].case_id = case.id
        for index, (state, template) in enumerate(REPLIES.get(key, [])):
            session.add(
                Reply(
                    idempotency_key=f"dataset:{key}:{index}",
                    case_id=case.id,
                    mention_id=mention.id,
                    agent=assignees.get(key) or "U_NOBODY",
                    text=f"answer to {first}",
                    platform=mention.source,
                    template=template,
                    state=state,
                    created_at=replied,
                    sent_at=replied if state == "sent" else None,
                )
            )
    session.flush()
    return {key: row.id for key, row in mentions.items()}
