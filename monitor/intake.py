"""From stored complaints to cases: open one per author, or join the author's open case.

Set-based: every new case of a batch is inserted in one statement, mention links are one
bulk UPDATE, and the cards and thread updates are one outbox INSERT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from db import repository
from db.models import Case, CaseEvent, MentionRow
from monitor.models import Mention, Score
from monitor.ranking import Ranking, RankingPolicy
from monitor.routing import Router

FOLLOW_UP_REASON = "raised by a follow-up post"


@dataclass(slots=True)
class ScoredMention:
    """A mention on its way through the pipeline, with what each step learned about it."""

    mention: Mention
    brand: str | None
    folded: str
    score: Score
    complaint: bool
    topic: str | None = None
    author_id: int | None = None
    ranking: Ranking | None = None


@dataclass(slots=True)
class IntakeResult:
    opened: int = 0
    joined: int = 0


def open_or_join_cases(
    session: Session,
    items: list[ScoredMention],
    inserted: dict[tuple[str, str], int],
    *,
    policy: RankingPolicy,
    router: Router,
    now: datetime,
) -> IntakeResult:
    """Cases for the mentions this batch inserted (`inserted` maps their keys to row ids)."""
    result = IntakeResult()
    mine = [i for i in items if (i.mention.source, i.mention.external_id) in inserted]
    author_ids = [i.author_id for i in mine if i.author_id is not None]
    open_cases = repository.open_cases_by_author(session, author_ids)
    opened: list[Case] = []
    joins: list[tuple[Case, int]] = []
    quiet_links: list[tuple[Case, int]] = []
    for item in sorted(mine, key=lambda i: i.mention.created_at):
        mention_id = inserted[(item.mention.source, item.mention.external_id)]
        case = open_cases.get(item.author_id) if item.author_id is not None else None
        if case is not None:
            # Everything the author says is linked to the case (the outcome loop reads it), but
            # only a further complaint notifies the agents in the case's thread.
            _join(case, item, now)
            if item.complaint:
                joins.append((case, mention_id))
            else:
                quiet_links.append((case, mention_id))
        elif item.ranking is not None and item.ranking.priority >= policy.min_priority:
            case = _new_case(item, item.ranking, mention_id, now)
            case.channel = router.channel_for(case, rating=item.mention.rating)
            opened.append(case)
            if item.author_id is not None:
                open_cases[item.author_id] = case
    if not opened and not joins and not quiet_links:
        return result
    session.add_all(opened)
    session.flush()  # one INSERT … RETURNING gives every new case its id
    session.add_all(
        CaseEvent(case_id=c.id, at=now, actor="repmon", action="open", to_status="new")
        for c in opened
    )
    links = [{"id": c.mention_id, "case_id": c.id} for c in opened]
    links += [{"id": mention_id, "case_id": c.id} for c, mention_id in joins + quiet_links]
    session.execute(update(MentionRow), links)
    outbox: list[dict[str, Any]] = [
        {"key": f"card:{c.id}", "kind": "card", "case_id": c.id, "payload": {"case_id": c.id}}
        for c in opened
    ]
    outbox += [
        {
            "key": f"thread:{c.id}:{mention_id}",
            "kind": "thread",
            "case_id": c.id,
            "payload": {"case_id": c.id, "mention_id": mention_id},
        }
        for c, mention_id in joins
    ]
    repository.enqueue_many(session, outbox, now=now)
    result.opened, result.joined = len(opened), len(joins)
    return result


def _new_case(item: ScoredMention, ranking: Ranking, mention_id: int, now: datetime) -> Case:
    m = item.mention
    return Case(
        brand=item.brand,
        source=m.source,
        author_id=item.author_id,
        mention_id=mention_id,
        status="new",
        priority=ranking.priority,
        reasons=ranking.reasons,
        factors={
            **ranking.factors,
            "created_at": m.created_at.isoformat(),
            "weights": ranking.weights,
        },
        topic=item.topic,
        lang=item.score.lang,
        mention_count=1,
        opened_at=now,
        updated_at=now,
    )


def _join(case: Case, item: ScoredMention, now: datetime) -> None:
    """Count the mention on its author's open case; a stronger complaint re-ranks the case."""
    case.mention_count += 1
    case.updated_at = now
    ranking = item.ranking
    if ranking is not None and ranking.priority > case.priority:
        # The follow-up now drives the case's rank: the queue must explain it, not the opener.
        case.priority = ranking.priority
        case.reasons = [*ranking.reasons, FOLLOW_UP_REASON]
        case.factors = {
            **ranking.factors,
            "created_at": item.mention.created_at.isoformat(),
            "follow_up": True,
            "weights": [*ranking.weights, 0.0],
        }
