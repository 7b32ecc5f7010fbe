"""A small hand-built day (2026-11-21) and the day before it, with every figure of the daily report
worked out by hand in EXPECTED. Rows are written directly (no scoring) so the labels, topics,
priorities and case timings are exactly as stated.

Period [2026-11-21, 2026-11-22); previous [2026-11-20, 2026-11-21); report run at 2026-11-22 12:00.
SLA targets are the defaults: priority ≥ 0.8 → 30 min, ≥ 0.5 → 2 h, otherwise 8 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from db.models import Author, Case, MentionRow

DAY = datetime(2026, 11, 21, tzinfo=UTC)
PREV = DAY - timedelta(days=1)
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def at(day: datetime, hhmm: str, seconds: int = 0) -> datetime:
    hours, minutes = (int(p) for p in hhmm.split(":"))
    return day + timedelta(hours=hours, minutes=minutes, seconds=seconds)


AUTHORS = {  # key: (source, handle, followers)
    "a1": ("x", "bigvoice", 50_000),
    "a2": ("x", "maria_es", 200),
    "a3": ("googleplay", "Jean D.", None),
    "a4": ("reddit", "u_redditor", 10),
    "a5": ("googleplay", "Sam K.", None),
    "a6": ("appstore", "Lee P.", None),
}

# key, source, author, lang, label, topic, rating, created_at, priority
MENTIONS: list[tuple[str, str, str, str | None, str, str | None, int | None, datetime, Any]] = [
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
CASES: list[tuple[str, str, list[str], float, datetime, Any, Any, Any, Any]] = [
    ("c0", "p1", [], 0.7, at(PREV, "10:00"), at(PREV, "10:30"), at(DAY, "08:00"), "resolved", None),
    ("c1", "m1", [], 0.9, at(DAY, "09:10"), at(DAY, "09:40"), None, None, at(DAY, "20:00")),
    ("c2", "m2", ["m3"], 0.6, at(DAY, "09:40"), at(DAY, "13:40"), None, None, None),
    ("c3", "m5", [], 0.4, at(DAY, "10:00"), at(DAY, "11:00"), at(DAY, "12:00"), "resolved", None),
    ("c4", "m8", [], 0.85, at(DAY, "15:00"), None, None, None, None),
]

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
    },
    # the last trend day (21st): volume by source, cases opened and closed
    "trend_last": ({"x": 4, "googleplay": 2, "reddit": 1, "appstore": 1}, 4, 2),
    "trend_previous_day": ({"x": 1, "reddit": 2}, 1, 0),
}


def load(session: Any) -> dict[str, int]:
    """Write the dataset; returns the database ids of mentions by key."""
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
    for key, source, author, lang, label, topic, rating, created, priority in MENTIONS:
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
    for _key, first, others, priority, opened, replied, closed, outcome, recovered in CASES:
        mention = mentions[first]
        case = Case(
            brand="Acme",
            source=mention.source,
            author_id=mention.author_id,
            mention_id=mention.id,
            status="resolved" if closed else ("replied" if replied else "routed"),
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
    session.flush()
    return {key: row.id for key, row in mentions.items()}
