"""From stored complaints to cases: open one per author, or join the author's open case.

Set-based, in Core rather than the ORM's unit of work: every new case of a batch is one INSERT
… RETURNING (matched back by its first mention, which is unique), the joined cases one
executemany UPDATE (two: those a follow-up re-ranked also get new reasons and factors), the
audit events, mention links and outbox rows one statement each. The ORM would send one INSERT
per case on SQLite, where it cannot batch RETURNING in order. Open cases are read as plain rows
and written through db.repository's batched statements, whose per-row cost on SQLite is the
driver's, not SQLAlchemy's parameter bookkeeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from db import repository
from db.models import Case, CaseEvent, MentionRow
from monitor.models import Mention, Score
from monitor.ranking import Ranking, RankingPolicy
from monitor.routing import Router
from monitor.urgency import Signal

FOLLOW_UP_REASON = "raised by a follow-up post"
CASES = cast(Table, Case.__table__)
EVENTS = cast(Table, CaseEvent.__table__)
MENTIONS = cast(Table, MentionRow.__table__)


@dataclass(slots=True)
class ScoredMention:
    """A mention on its way through the pipeline, with what each step learned about it."""

    mention: Mention
    brand: str | None
    score: Score
    complaint: bool
    topic: str | None = None
    author_id: int | None = None
    ranking: Ranking | None = None
    urgency: list[Signal] | None = None  # complaints only: it feeds their ranking
    case_id: int | None = None  # the case the mention was stored linked to, if any
    bound: tuple[Any, Any, Any] | None = None  # see `Analysis.bound`


@dataclass(slots=True)
class IntakeResult:
    opened: int = 0
    joined: int = 0


@dataclass(slots=True)
class CaseDraft:
    """A case being opened or joined in this batch; `id` is None until it is inserted.

    `reasons`/`factors` of a stored case are not read (None): they are only written when a
    follow-up re-ranks it (`reranked`), which replaces them whole.
    """

    id: int | None
    mention_id: int
    priority: float
    reasons: list[str] | None
    factors: dict[str, Any] | None
    mention_count: int
    row: dict[str, Any] = field(default_factory=dict)  # the other columns of a new case
    changed: bool = False
    reranked: bool = False


@dataclass(frozen=True, slots=True)
class _RoutingProbe:
    """What routing rules read of a case, without building a transient ORM `Case`."""

    priority: float
    lang: str | None
    topic: str | None
    source: str
    brand: str | None


def open_or_join_cases(
    session: Session,
    items: list[ScoredMention],
    inserted: dict[tuple[str, str], int],
    *,
    policy: RankingPolicy,
    router: Router,
    now: datetime,
    open_cases: Mapping[int, repository.OpenCase] | None = None,
) -> IntakeResult:
    """Cases for the mentions this batch inserted (`inserted` maps their keys to row ids).

    `open_cases` are the authors' open cases as read before the mentions were stored linked to
    them (`ScoredMention.case_id`); None reads them now. Only links that differ are updated.
    """
    mine = [i for i in items if (i.mention.source, i.mention.external_id) in inserted]
    if open_cases is None:
        author_ids = [i.author_id for i in mine if i.author_id is not None]
        open_cases = repository.open_cases_by_author(session, author_ids)
    drafts: dict[int, CaseDraft] = {
        author_id: CaseDraft(
            id=c.id,
            mention_id=c.mention_id,
            priority=c.priority,
            reasons=None,
            factors=None,
            mention_count=c.mention_count,
        )
        for author_id, c in open_cases.items()
    }
    opened: list[CaseDraft] = []
    links: list[tuple[CaseDraft, int, bool]] = []  # (case, mention id, notify the thread?)
    linked: dict[int, int] = {}  # mention id -> the case it was stored linked to
    stale: list[int] = []  # mentions stored linked to a case they do not join after all
    for item in sorted(mine, key=lambda i: i.mention.created_at):
        mention_id = inserted[(item.mention.source, item.mention.external_id)]
        if item.case_id is not None:
            linked[mention_id] = item.case_id
        case = drafts.get(item.author_id) if item.author_id is not None else None
        if case is not None:
            # Everything the author says is linked to the case (the outcome loop reads it), but
            # only a further complaint notifies the agents in the case's thread.
            _join(case, item, now)
            links.append((case, mention_id, item.complaint))
        elif item.ranking is not None and item.ranking.priority >= policy.min_priority:
            case = _draft(item, item.ranking, mention_id, router, now)
            opened.append(case)
            if item.author_id is not None:
                drafts[item.author_id] = case
        elif item.case_id is not None:
            stale.append(mention_id)
    if opened or links or stale:
        _write(session, opened, links, list(drafts.values()), now, linked=linked, stale=stale)
    return IntakeResult(opened=len(opened), joined=sum(notify for _, _, notify in links))


def _write(
    session: Session,
    opened: list[CaseDraft],
    links: list[tuple[CaseDraft, int, bool]],
    drafts: list[CaseDraft],
    now: datetime,
    *,
    linked: Mapping[int, int],
    stale: list[int],
) -> None:
    """`linked`: the case each mention was stored linked to (by mention id); `stale`: mentions
    stored linked to a case they did not join after all."""
    connection = session.connection()
    if opened:
        rows = [{**_columns(c), **c.row} for c in opened]
        numbered = repository.insert_numbered(connection, "intake.cases", insert(CASES), rows)
        if numbered is not None:  # SQLite
            for case, case_id in zip(opened, numbered, strict=True):
                case.id = case_id
        else:
            returned = repository.returning_many(
                connection,
                "intake.cases",
                insert(CASES).returning(CASES.c.id, CASES.c.mention_id),
                rows,
            )
            ids = {mention_id: case_id for case_id, mention_id in returned}
            for case in opened:
                case.id = ids[case.mention_id]
        repository.execute_many(
            connection,
            "intake.events",
            insert(EVENTS),
            [
                {
                    "case_id": c.id,
                    "at": now,
                    "actor": "repmon",
                    "action": "open",
                    "from_status": None,
                    "to_status": "new",
                    "note": None,
                }
                for c in opened
            ],
        )
    new = {id(c) for c in opened}
    changed = [c for c in drafts if c.changed and id(c) not in new]
    reranked = [c for c in changed if c.reranked]
    if reranked:
        repository.execute_many(
            connection,
            "intake.reranked",
            update(CASES).where(CASES.c.id == bindparam("case_id")),
            [{"case_id": c.id, "updated_at": now, **_columns(c)} for c in reranked],
        )
    counted = [c for c in changed if not c.reranked]
    if counted:
        repository.execute_many(
            connection,
            "intake.counted",
            update(CASES).where(CASES.c.id == bindparam("case_id")),
            [
                {"case_id": c.id, "updated_at": now, "mention_count": c.mention_count}
                for c in counted
            ],
        )
    link_rows: list[dict[str, Any]] = [
        {"mention_id": c.mention_id, "case_id": c.id} for c in opened
    ]
    link_rows += [{"mention_id": m, "case_id": c.id} for c, m, _ in links if linked.get(m) != c.id]
    link_rows += [{"mention_id": m, "case_id": None} for m in stale]
    repository.execute_many(
        connection,
        "intake.links",
        update(MENTIONS)
        .where(MENTIONS.c.id == bindparam("mention_id"))
        .values(case_id=bindparam("case_id")),
        link_rows,
    )
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
        for c, mention_id, notify in links
        if notify
    ]
    repository.enqueue_many(session, outbox, now=now)


def _columns(case: CaseDraft) -> dict[str, Any]:
    return {
        "priority": case.priority,
        "reasons": case.reasons,
        "factors": case.factors,
        "mention_count": case.mention_count,
    }


def _draft(
    item: ScoredMention, ranking: Ranking, mention_id: int, router: Router, now: datetime
) -> CaseDraft:
    m = item.mention
    row = {
        "brand": item.brand,
        "source": m.source,
        "author_id": item.author_id,
        "mention_id": mention_id,
        "status": "new",
        "topic": item.topic,
        "lang": item.score.lang,
        "opened_at": now,
        "updated_at": now,
        "reopened_count": 0,  # the column's default, given: no per-row default to compute
    }
    probe = _RoutingProbe(ranking.priority, item.score.lang, item.topic, m.source, item.brand)
    row["channel"] = router.channel_for(cast(Case, probe), rating=m.rating)
    return CaseDraft(
        id=None,
        mention_id=mention_id,
        priority=ranking.priority,
        reasons=ranking.reasons,
        factors={
            **ranking.factors,
            "created_at": m.created_at.isoformat(),
            "weights": ranking.weights,
        },
        mention_count=1,
        row=row,
    )


def _join(case: CaseDraft, item: ScoredMention, now: datetime) -> None:
    """Count the mention on its author's open case; a stronger complaint re-ranks the case."""
    case.mention_count += 1
    case.changed = True
    ranking = item.ranking
    if ranking is not None and ranking.priority > case.priority:
        # The follow-up now drives the case's rank: the queue must explain it, not the opener.
        case.priority = ranking.priority
        case.reranked = True
        case.reasons = [*ranking.reasons, FOLLOW_UP_REASON]
        case.factors = {
            **ranking.factors,
            "created_at": item.mention.created_at.isoformat(),
            "follow_up": True,
            "weights": [*ranking.weights, 0.0],
        }
