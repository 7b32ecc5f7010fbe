"""The "new emerging phrase" fact, bounded in cost: n-grams are counted in Python, so on a busy
day the negative mentions are sampled by customer (every k-th author id) instead of all read.

Sampling whole customers keeps monitor.phrases' rule (a phrase counts once per customer) intact;
the counts are scaled back by k, so they are estimates when `sampled` is more than 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import MentionRow
from monitor.phrases import customer_counts, emerging, stopwords

#: At most about this many negative mentions per period go through the n-gram counter.
MAX_TEXTS = 1_500


@dataclass(frozen=True, slots=True)
class Emerging:
    text: str
    customers: int
    previous: int
    sampled: int  # 1: every customer counted; k: one customer in k, counts scaled by k


def _negatives(session: Session, start: datetime, end: datetime) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                MentionRow.label == "negative",
                MentionRow.created_at >= start,
                MentionRow.created_at < end,
            )
        )
        or 0
    )


def _texts(session: Session, start: datetime, end: datetime, step: int) -> list[tuple[str, str]]:
    stmt = select(MentionRow.author_id, MentionRow.text).where(
        MentionRow.label == "negative",
        MentionRow.created_at >= start,
        MentionRow.created_at < end,
        MentionRow.author_id.is_not(None),
    )
    if step > 1:
        stmt = stmt.where(MentionRow.author_id % step == 0)
    return [(f"a{author}", text) for author, text in session.execute(stmt)]


def emerging_phrase(
    session: Session, *, start: datetime, end: datetime, languages: Iterable[str]
) -> Emerging | None:
    """The phrase of [start, end) that grew most against the period before, if any."""
    before = start - (end - start)
    busiest = max(_negatives(session, start, end), _negatives(session, before, start))
    step = max(1, math.ceil(busiest / MAX_TEXTS))
    stop = stopwords(languages)
    now = customer_counts(_texts(session, start, end, step), stop)
    previous = customer_counts(_texts(session, before, start, step), stop)
    found = emerging(now, previous, min_customers=3 if step == 1 else 2, limit=1)
    if not found:
        return None
    top = found[0]
    return Emerging(top.text, top.customers * step, top.previous * step, step)
