"""normalize → brand/noise → language → score → rank → store, one transaction per batch.

The transaction holds the mentions, the connector's new cursor, new or joined cases and their
outbox rows, so a crash at any point leaves either all of a batch or none of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy.orm import Session, sessionmaker

from db import repository
from db.models import ConnectorState
from db.session import transaction
from monitor.brands import BrandMatcher
from monitor.config import AppConfig
from monitor.edits import StoredItem, apply_edits, find_edits
from monitor.intake import ScoredMention, open_or_join_cases
from monitor.models import Mention, Score, ScoreValues
from monitor.outcomes import follow_ups
from monitor.ranking import RankingPolicy, is_complaint, participation_tier, rank
from monitor.routing import Router
from monitor.scoring import MultiLanguageScorer, build_scorer
from monitor.textnorm import fold_text
from monitor.topics import TopicClassifier
from monitor.urgency import Signal, signal_named, signals

logger = logging.getLogger(__name__)
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
    edited: int = 0  # known reviews that came back with another rating or text
    newest: datetime | None = None

    def add(self, other: BatchResult) -> None:
        for name in ("received", "skipped", "excluded", "duplicates", "stored", "negative"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.cases_opened += other.cases_opened
        self.cases_joined += other.cases_joined
        self.edited += other.edited
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
            "edited": self.edited,
        }


#: An `Analysis` as plain values: brand, score values, complaint, topic, urgency signal names.
Packed = tuple[str | None, ScoreValues, bool, str | None, tuple[str, ...] | None]


@dataclass(slots=True)
class Analysis:
    """What the steps that need no database learned about one mention."""

    brand: str | None
    score: Score
    complaint: bool
    topic: str | None
    urgency: list[Signal] | None  # complaints only: it feeds their ranking
    #: The mention's columns a worker bound for the database ahead (`repository.mention_binder`).
    bound: tuple[Any, Any, Any] | None = None

    def packed(self) -> Packed:
        """Plain values for the trip back from a worker process: the storing process rebuilds
        these faster than it unpickles the dataclasses, and it is the import's bottleneck."""
        urgency = self.urgency
        names = None if urgency is None else tuple(signal.name for signal in urgency)
        return (self.brand, self.score.values(), self.complaint, self.topic, names)

    @classmethod
    def unpacked(cls, packed: Packed, bound: tuple[Any, Any, Any] | None = None) -> Analysis:
        brand, score, complaint, topic, names = packed
        urgency = None if names is None else [signal_named(name) for name in names]
        return cls(brand, Score(*score), complaint, topic, urgency, bound)


Key = tuple[str, str]
#: Analyses computed ahead (by `monitor.parallel`), by (source, external_id); None is noise.
Analyses = Mapping[Key, Analysis | None]


class Analyzer:
    """normalize → brand/noise → language → score → topic and urgency: no database, no clock.

    Pure, so `monitor.parallel` can run it in worker processes ahead of storage; the pipeline
    runs it inline for whatever was not analysed ahead.
    """

    def __init__(self, config: AppConfig, scorer: MultiLanguageScorer | None = None) -> None:
        self.scorer = scorer or build_scorer(
            config.scoring.languages,
            negative_threshold=config.scoring.negative_threshold,
            positive_threshold=config.scoring.positive_threshold,
        )
        self.brands = BrandMatcher(
            [(b.name, b.keywords, b.exclude, b.competitors) for b in config.brands]
        )
        self.topics = TopicClassifier(config.topics)
        self._connector_brand = {c.name: c.brand for c in config.connectors}

    def analyze(self, mention: Mention) -> Analysis | None:
        """The analysis of one mention, or None when the brand's `exclude` terms drop it."""
        full_text = f"{mention.title}. {mention.text}" if mention.title else mention.text
        folded = fold_text(full_text)
        brand, excluded, scoring_text = self.brands.match(
            folded, full_text, self._connector_brand.get(mention.connector)
        )
        if excluded:
            return None
        score = self.scorer.score(scoring_text, lang=mention.lang, rating=mention.rating)
        complaint = is_complaint(score, mention.rating)
        return Analysis(
            brand=brand,
            score=score,
            complaint=complaint,
            topic=self.topics.topic_of(folded),
            urgency=signals(mention.text, folded) if complaint else None,
        )

    def analyze_many(self, mentions: list[Mention]) -> list[Analysis | None]:
        return [self.analyze(mention) for mention in mentions]


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
        self.analyzer = Analyzer(config, scorer)
        self.router = Router(config.routing)
        self.policy = RankingPolicy.from_config(config.ranking)

    def ingest(
        self,
        mentions: list[Mention],
        *,
        cursor: CursorUpdate | None = None,
        skipped: int = 0,
        analyses: Analyses | None = None,
        session: Session | None = None,
    ) -> BatchResult:
        """Store one batch (and the cursor after it) in a single transaction.

        `analyses` are results of `Analyzer.analyze` computed ahead; mentions without one are
        analysed here. With `session`, the batch joins that session's open transaction, which
        the caller commits (a bulk import stores several batches per commit).
        """
        if session is not None:
            return self._ingest(session, mentions, cursor, skipped, analyses)
        with transaction(self.factory) as own:
            return self._ingest(own, mentions, cursor, skipped, analyses)

    def _ingest(
        self,
        session: Session,
        mentions: list[Mention],
        cursor: CursorUpdate | None,
        skipped: int,
        analyses: Analyses | None,
    ) -> BatchResult:
        now = self.clock()
        result = BatchResult(received=len(mentions) + skipped, skipped=skipped)
        fresh, edits = self._drop_known(session, mentions, result)
        scored = self._score(fresh, result, analyses)
        if scored:
            self._store(session, scored, now, result)
        if edits:
            self._store_edits(session, edits, now, result)
        if cursor is not None:
            self._save_cursor(session, cursor, result, now)
        return result

    def _drop_known(
        self, session: Session, mentions: list[Mention], result: BatchResult
    ) -> tuple[list[Mention], list[tuple[StoredItem, Mention]]]:
        """New mentions, and known reviews that came back edited (for the outcome loop)."""
        unique: dict[tuple[str, str], Mention] = {}
        for mention in mentions:
            unique.setdefault((mention.source, mention.external_id), mention)
        known = repository.existing_keys(session, unique)
        result.duplicates = len(mentions) - len(unique) + len(known)
        edits = find_edits(session, unique, known) if known else []
        return [m for key, m in unique.items() if key not in known], edits

    def _store_edits(
        self,
        session: Session,
        edits: list[tuple[StoredItem, Mention]],
        now: datetime,
        result: BatchResult,
    ) -> None:
        """Rescore edited reviews, store the new version and let the outcome loop judge it."""
        rescored = {
            (i.mention.source, i.mention.external_id): i
            for i in self._score([m for _, m in edits], BatchResult())
        }
        pairs = [
            (s, rescored[(s.source, s.external_id)])
            for s, _ in edits
            if (s.source, s.external_id) in rescored  # an edit can make a review noise
        ]
        result.edited = len(pairs)
        apply_edits(session, pairs, settings=self.config.outcomes, now=now)

    def _score(
        self, mentions: list[Mention], result: BatchResult, analyses: Analyses | None = None
    ) -> list[ScoredMention]:
        scored: list[ScoredMention] = []
        analyze = self.analyzer.analyze
        for mention in mentions:
            key = (mention.source, mention.external_id)
            if analyses is not None and key in analyses:
                analysis = analyses[key]
            else:
                analysis = analyze(mention)
            if analysis is None:
                result.excluded += 1
                continue
            result.negative += analysis.complaint
            scored.append(
                ScoredMention(
                    mention,
                    analysis.brand,
                    analysis.score,
                    analysis.complaint,
                    topic=analysis.topic,
                    urgency=analysis.urgency,
                    bound=analysis.bound,
                )
            )
        return scored

    def _store(
        self, session: Session, items: list[ScoredMention], now: datetime, result: BatchResult
    ) -> None:
        # Workers bound created_at, metrics and raw ahead (SQLite imports): all or none.
        bound_ahead = all(item.bound is not None for item in items)
        authors = repository.upsert_author_values(
            session, _author_values(items, bound_ahead), bound_ahead=bound_ahead
        )
        # Mentions by an author with an open case are stored linked to it: intake keeps the link
        # unless a follow-up changed the author's cases (then it corrects it).
        open_cases = repository.open_cases_by_author(session, [a.id for a in authors.values()])
        rows: list[tuple[Any, ...]] = []
        for item in items:
            m, s = item.mention, item.score
            author = authors.get((m.source, m.author)) if m.author else None
            item.author_id = author.id if author else None
            open_case = open_cases.get(author.id) if author else None
            item.case_id = open_case.id if open_case else None
            if item.complaint:
                followers = m.author_followers
                if followers is None and author is not None:
                    followers = author.followers
                item.ranking = rank(
                    s,
                    rating=m.rating,
                    followers=followers,
                    urgency=item.urgency or [],
                    author_complaints=author.complaints_seen if author else 0,
                    waiting=max(now - m.created_at, timedelta(0)),
                    policy=self.policy,
                    tier=participation_tier(
                        mentions_seen=author.mentions_seen if author else 1,
                        followers=followers,
                        is_reply=m.in_reply_to is not None,
                    ),
                )
            ranking = item.ranking
            if bound_ahead:
                created_at, metrics, raw = cast(tuple[Any, Any, Any], item.bound)
            else:
                created_at, metrics, raw = m.created_at, m.metrics or None, m.raw
            # In repository.MENTION_COLUMNS order (a test pins it): no dict per mention.
            rows.append(
                (
                    m.source,
                    m.external_id,
                    m.connector,
                    item.brand,
                    m.url,
                    m.text,
                    m.title,
                    item.author_id,
                    s.lang,
                    m.rating,
                    m.in_reply_to,
                    created_at,
                    now,
                    metrics,
                    raw,
                    s.compound,
                    s.pos,
                    s.neu,
                    s.neg,
                    s.label,
                    s.scorer,
                    s.coverage,
                    item.topic,
                    ranking.priority if ranking else None,
                    ranking.reasons if ranking else None,
                    item.case_id,
                )
            )
        inserted = repository.insert_mention_values(session, rows, bound_ahead=bound_ahead)
        result.stored = len(inserted)
        result.duplicates += len(rows) - len(inserted)
        if inserted:
            result.newest = max(i.mention.created_at for i in items)
            changed = follow_ups(session, items, inserted, settings=self.config.outcomes, now=now)
            intake = open_or_join_cases(
                session,
                items,
                inserted,
                policy=self.policy,
                router=self.router,
                now=now,
                open_cases=None if changed else open_cases,
            )
            result.cases_opened, result.cases_joined = intake.opened, intake.joined

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


def _author_values(items: list[ScoredMention], bound_ahead: bool) -> list[tuple[Any, ...]]:
    """One row per (source, handle) in the batch, in `repository.AUTHOR_COLUMNS` order
    (PostgreSQL refuses two updates of one row in one statement): the batch's counts, the name
    and followers of the author's newest mention, and first/last seen. With `bound_ahead` the
    two datetimes go as the text the workers bound for their mentions' `created_at`."""
    # source, handle, name, followers, mentions, complaints, first, its value, last, its value
    rows: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        m = item.mention
        if not m.author:
            continue
        created = m.created_at
        value = cast(tuple[Any, Any, Any], item.bound)[0] if bound_ahead else created
        row = rows.get((m.source, m.author))
        if row is None:
            rows[(m.source, m.author)] = [
                m.source,
                m.author,
                m.author_name,
                m.author_followers,
                1,
                int(item.complaint),
                created,
                value,
                created,
                value,
            ]
            continue
        row[4] += 1
        row[5] += int(item.complaint)
        if created >= row[8]:  # the newest mention so far: its name and followers win
            row[8], row[9] = created, value
            row[2] = m.author_name or row[2]
            if m.author_followers is not None:
                row[3] = m.author_followers
        if created < row[6]:
            row[6], row[7] = created, value
    return [(r[0], r[1], r[2], r[3], r[4], r[5], r[7], r[9]) for r in rows.values()]
