"""normalize → brand/noise → language → score → rank → store, one transaction per batch.

The transaction holds the mentions, the connector's new cursor, new or joined cases and their
outbox rows, so a crash at any point leaves either all of a batch or none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from db import repository
from db.models import Case, CaseEvent, ConnectorState, MentionRow
from db.session import transaction
from monitor.brands import BrandMatcher
from monitor.config import AppConfig
from monitor.models import Mention, Score
from monitor.ranking import Ranking, RankingPolicy, Weights, is_complaint, rank
from monitor.routing import Router
from monitor.scoring import MultiLanguageScorer, build_scorer
from monitor.textnorm import fold_text
from monitor.topics import TopicClassifier
from monitor.urgency import signals

logger = logging.getLogger(__name__)
FOLLOW_UP_REASON = "raised by a follow-up post"
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class BatchResult:
    """What one batch did; summed into run statistics."""

    received: int = 0
    skipped: int = 0
    excluded: int = 0
    duplicates: int = 0
    stored: int = 0
    negative: int = 0
    cases_opened: int = 0
    cases_joined: int = 0
    newest: datetime | None = None

    def add(self, other: BatchResult) -> None:
        for name in ("received", "skipped", "excluded", "duplicates", "stored", "negative"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.cases_opened += other.cases_opened
        self.cases_joined += other.cases_joined
        if other.newest and (self.newest is None or other.newest > self.newest):
            self.newest = other.newest

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "skipped": self.skipped,
            "excluded": self.excluded,
            "duplicates": self.duplicates,
            "stored": self.stored,
            "negative": self.negative,
            "cases_opened": self.cases_opened,
            "cases_joined": self.cases_joined,
        }


@dataclass(slots=True)
class _Scored:
    mention: Mention
    brand: str | None
    folded: str
    score: Score
    complaint: bool
    topic: str | None = None
    author_id: int | None = None
    ranking: Ranking | None = None


@dataclass(frozen=True, slots=True)
class CursorUpdate:
    """The connector position to save together with the batch."""

    connector: str
    type: str
    cursor: str | None


class Pipeline:
    """Turns batches of mentions into stored, scored mentions and ranked cases."""

    def __init__(
        self,
        config: AppConfig,
        factory: sessionmaker[Session],
        *,
        scorer: MultiLanguageScorer | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.config = config
        self.factory = factory
        self.clock = clock
        self.scorer = scorer or build_scorer(
            config.scoring.languages,
            negative_threshold=config.scoring.negative_threshold,
            positive_threshold=config.scoring.positive_threshold,
        )
        self.brands = BrandMatcher([(b.name, b.keywords, b.exclude) for b in config.brands])
        self.topics = TopicClassifier(config.topics)
        self.router = Router(config.routing)
        ranking = config.ranking
        self.policy = RankingPolicy(
            weights=Weights(**ranking.weights.model_dump()),
            min_priority=ranking.min_priority,
            reach_full_at=ranking.reach_full_at,
            waiting_full_after=ranking.waiting_full_after,
        )
        self._connector_brand = {c.name: c.brand for c in config.connectors}

    def ingest(
        self, mentions: list[Mention], *, cursor: CursorUpdate | None = None, skipped: int = 0
    ) -> BatchResult:
        """Store one batch (and the cursor after it) in a single transaction."""
        now = self.clock()
        result = BatchResult(received=len(mentions) + skipped, skipped=skipped)
        with transaction(self.factory) as session:
            fresh = self._drop_known(session, mentions, result)
            scored = self._score(fresh, result)
            if scored:
                self._store(session, scored, now, result)
            if cursor is not None:
                self._save_cursor(session, cursor, result, now)
        return result

    def _drop_known(
        self, session: Session, mentions: list[Mention], result: BatchResult
    ) -> list[Mention]:
        unique: dict[tuple[str, str], Mention] = {}
        for mention in mentions:
            unique.setdefault((mention.source, mention.external_id), mention)
        known = repository.existing_keys(session, unique)
        result.duplicates = len(mentions) - len(unique) + len(known)
        return [m for key, m in unique.items() if key not in known]

    def _score(self, mentions: list[Mention], result: BatchResult) -> list[_Scored]:
        scored: list[_Scored] = []
        for mention in mentions:
            full_text = f"{mention.title}. {mention.text}" if mention.title else mention.text
            folded = fold_text(full_text)
            brand = self.brands.brand_of(folded, self._connector_brand.get(mention.connector))
            if self.brands.is_excluded(folded, brand):
                result.excluded += 1
                continue
            score = self.scorer.score(full_text, lang=mention.lang, rating=mention.rating)
            complaint = is_complaint(score, mention.rating)
            result.negative += complaint
            scored.append(_Scored(mention, brand, folded, score, complaint))
        return scored

    def _store(
        self, session: Session, items: list[_Scored], now: datetime, result: BatchResult
    ) -> None:
        authors = repository.upsert_authors(session, _author_rows(items, now))
        rows = []
        for item in items:
            m, s = item.mention, item.score
            author = authors.get((m.source, m.author)) if m.author else None
            item.topic = self.topics.topic_of(item.folded)
            item.author_id = author.id if author else None
            if item.complaint:
                item.ranking = rank(
                    s,
                    rating=m.rating,
                    followers=m.author_followers
                    if m.author_followers is not None
                    else (author.followers if author else None),
                    urgency=signals(m.text, item.folded),
                    author_complaints=author.complaints_seen if author else 0,
                    waiting=max(now - m.created_at, timedelta(0)),
                    policy=self.policy,
                )
            ranking = item.ranking
            row = {
                "source": m.source,
                "external_id": m.external_id,
                "connector": m.connector,
                "brand": item.brand,
                "url": m.url,
                "text": m.text,
                "title": m.title,
                "author_id": item.author_id,
                "lang": s.lang,
                "rating": m.rating,
                "in_reply_to": m.in_reply_to,
                "created_at": m.created_at,
                "fetched_at": now,
                "metrics": m.metrics or None,
                "raw": m.raw,
                "compound": s.compound,
                "pos": s.pos,
                "neu": s.neu,
                "neg": s.neg,
                "label": s.label,
                "scorer": s.scorer,
                "coverage": s.coverage,
                "topic": item.topic,
                "priority": ranking.priority if ranking else None,
                "reasons": ranking.reasons if ranking else None,
                "case_id": None,
            }
            rows.append(row)
        inserted = repository.insert_mentions(session, rows)
        result.stored = len(inserted)
        result.duplicates += len(rows) - len(inserted)
        if inserted:
            result.newest = max(i.mention.created_at for i in items)
            self._open_or_join_cases(session, items, inserted, now, result)

    def _open_or_join_cases(
        self,
        session: Session,
        items: list[_Scored],
        inserted: dict[tuple[str, str], int],
        now: datetime,
        result: BatchResult,
    ) -> None:
        mine = [i for i in items if (i.mention.source, i.mention.external_id) in inserted]
        author_ids = [i.author_id for i in mine if i.author_id is not None]
        open_cases = repository.open_cases_by_author(session, author_ids)
        for item in sorted(mine, key=lambda i: i.mention.created_at):
            mention_id = inserted[(item.mention.source, item.mention.external_id)]
            ranking = item.ranking
            author_id = item.author_id
            case = open_cases.get(author_id) if author_id is not None else None
            if case is not None:
                self._join(session, case, item, mention_id, now)
                result.cases_joined += 1
            elif ranking is not None and ranking.priority >= self.policy.min_priority:
                case = self._open(session, item, mention_id, now)
                if author_id is not None:
                    open_cases[author_id] = case
                result.cases_opened += 1

    def _open(self, session: Session, item: _Scored, mention_id: int, now: datetime) -> Case:
        ranking = item.ranking
        assert ranking is not None  # only ranked complaints open cases
        m = item.mention
        case = Case(
            brand=item.brand,
            source=m.source,
            author_id=item.author_id,
            mention_id=mention_id,
            status="new",
            priority=ranking.priority,
            reasons=ranking.reasons,
            factors={**ranking.factors, "created_at": m.created_at.isoformat()},
            topic=item.topic,
            lang=item.score.lang,
            channel=None,
            mention_count=1,
            opened_at=now,
            updated_at=now,
        )
        session.add(case)
        session.flush()
        case.channel = self.router.channel_for(case, rating=m.rating)
        session.add(
            CaseEvent(
                case_id=case.id,
                at=now,
                actor="repmon",
                action="open",
                from_status=None,
                to_status="new",
                note=None,
            )
        )
        _link_mention(session, mention_id, case.id)
        repository.enqueue(
            session,
            key=f"card:{case.id}",
            kind="card",
            payload={"case_id": case.id},
            now=now,
            case_id=case.id,
        )
        return case

    def _join(
        self, session: Session, case: Case, item: _Scored, mention_id: int, now: datetime
    ) -> None:
        ranking = item.ranking
        case.mention_count += 1
        case.updated_at = now
        if ranking is not None and ranking.priority > case.priority:
            # The follow-up now drives the case's rank: the queue must explain it, not the opener.
            case.priority = ranking.priority
            case.reasons = [*ranking.reasons, FOLLOW_UP_REASON]
            case.factors = {
                **ranking.factors,
                "created_at": item.mention.created_at.isoformat(),
                "follow_up": True,
            }
        _link_mention(session, mention_id, case.id)
        repository.enqueue(
            session,
            key=f"thread:{case.id}:{mention_id}",
            kind="thread",
            payload={"case_id": case.id, "mention_id": mention_id},
            now=now,
            case_id=case.id,
        )

    def _save_cursor(
        self, session: Session, cursor: CursorUpdate, result: BatchResult, now: datetime
    ) -> None:
        state: ConnectorState = repository.connector_state(session, cursor.connector, cursor.type)
        state.cursor = cursor.cursor
        state.items_total += result.stored
        state.skipped_total += result.skipped
        state.excluded_total += result.excluded
        if result.newest and (state.newest_item_at is None or result.newest > state.newest_item_at):
            state.newest_item_at = result.newest


def _link_mention(session: Session, mention_id: int, case_id: int) -> None:
    session.execute(update(MentionRow).where(MentionRow.id == mention_id).values(case_id=case_id))


def _author_rows(items: list[_Scored], now: datetime) -> list[dict[str, Any]]:
    """One row per (source, handle) in the batch: PostgreSQL refuses two updates of one row."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        m = item.mention
        if not m.author:
            continue
        row = rows.get((m.source, m.author))
        if row is None:
            row = rows[(m.source, m.author)] = {
                "source": m.source,
                "handle": m.author,
                "name": m.author_name,
                "followers": m.author_followers,
                "mentions_seen": 0,
                "complaints_seen": 0,
                "first_seen_at": m.created_at,
                "last_seen_at": m.created_at,
            }
        row["mentions_seen"] += 1
        row["complaints_seen"] += int(item.complaint)
        if m.created_at >= row["last_seen_at"]:
            row["last_seen_at"] = m.created_at
            row["name"] = m.author_name or row["name"]
            if m.author_followers is not None:
                row["followers"] = m.author_followers
        row["first_seen_at"] = min(row["first_seen_at"], m.created_at)
    return list(rows.values())
