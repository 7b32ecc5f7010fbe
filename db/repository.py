"""Set-based SQL for the ingest path: one statement per batch, not one per mention."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from db.models import Author, Case, ConnectorState, MentionRow, OutboxRow
from monitor.cases import OPEN
from monitor.models import Mention

_IN_CHUNK = 400  # stay below SQLite's bound-parameter limit with (source, external_id) pairs


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def existing_keys(session: Session, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (source, external_id) pairs are stored already."""
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    found: set[tuple[str, str]] = set()
    # `source = ? AND external_id IN (…)` is an index lookup; a row-value IN over both columns
    # made SQLite scan the whole unique index for every chunk.
    for source, ids in by_source.items():
        for start in range(0, len(ids), _IN_CHUNK):
            rows = session.scalars(
                select(MentionRow.external_id).where(
                    MentionRow.source == source,
                    MentionRow.external_id.in_(ids[start : start + _IN_CHUNK]),
                )
            )
            found.update((source, external_id) for external_id in rows)
    return found


@dataclass(frozen=True, slots=True)
class AuthorState:
    """What ranking needs to know about an author after this batch's counts are added."""

    id: int
    followers: int | None
    mentions_seen: int
    complaints_seen: int


def upsert_authors(
    session: Session, rows: Sequence[dict[str, Any]]
) -> dict[tuple[str, str], AuthorState]:
    """Insert or update authors; returns their current state keyed by (source, handle).

    Counts are added, followers take the newest known value, first-seen keeps the oldest.
    Core executemany (not ORM, not one giant VALUES list) so the statement is compiled once
    and batched by the driver.
    """
    if not rows:
        return {}
    table = Author.__table__
    stmt = _insert(session, table)
    excluded = stmt.excluded
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.source, table.c.handle],
        set_={
            "name": func.coalesce(excluded.name, table.c.name),
            "followers": func.coalesce(excluded.followers, table.c.followers),
            "mentions_seen": table.c.mentions_seen + excluded.mentions_seen,
            "complaints_seen": table.c.complaints_seen + excluded.complaints_seen,
            "last_seen_at": excluded.last_seen_at,
        },
    ).returning(
        table.c.id,
        table.c.source,
        table.c.handle,
        table.c.followers,
        table.c.mentions_seen,
        table.c.complaints_seen,
    )
    result = session.connection().execute(stmt, list(rows))
    return {
        (source, handle): AuthorState(author_id, followers, mentions, complaints)
        for author_id, source, handle, followers, mentions, complaints in result
    }


def insert_mentions(session: Session, rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """Insert what is new and return the ids of the rows this call actually inserted.

    ON CONFLICT DO NOTHING makes a concurrent or repeated insert harmless; only rows that came
    back from RETURNING get cases, so a mention never opens two cases. Core, not the ORM: the
    ORM's bulk insert splits rows by which values are None, one statement per pattern.
    """
    if not rows:
        return {}
    table = MentionRow.__table__
    stmt = (
        _insert(session, table)
        .on_conflict_do_nothing(index_elements=[table.c.source, table.c.external_id])
        .returning(table.c.id, table.c.source, table.c.external_id)
    )
    result = session.connection().execute(stmt, list(rows))
    return {(source, external_id): mention_id for mention_id, source, external_id in result}


def open_cases_by_author(session: Session, author_ids: Iterable[int]) -> dict[int, Case]:
    """The newest open case of each author (a new complaint joins it instead of opening one)."""
    ids = sorted(set(author_ids))
    found: dict[int, Case] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        cases = session.scalars(
            select(Case)
            .where(Case.author_id.in_(chunk), Case.status.in_(OPEN))
            .order_by(Case.opened_at)
        )
        for case in cases:
            if case.author_id is not None:
                found[case.author_id] = case
    return found


def enqueue_many(session: Session, rows: list[dict[str, Any]], *, now: datetime) -> None:
    """Add outbox rows (`key`, `kind`, `case_id`, `payload`); existing keys are left alone."""
    if not rows:
        return
    values = [
        {**row, "state": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now}
        for row in rows
    ]
    stmt = _insert(session, OutboxRow).on_conflict_do_nothing(index_elements=[OutboxRow.key])
    session.execute(stmt, values)


def connector_state(session: Session, name: str, type_name: str) -> ConnectorState:
    """The state row of a connector, created on first use; locked for update on PostgreSQL."""
    state = session.get(ConnectorState, name, with_for_update=_for_update(session))
    if state is None:
        state = ConnectorState(
            name=name,
            type=type_name,
            consecutive_failures=0,
            items_total=0,
            last_items=0,
            skipped_total=0,
            excluded_total=0,
            paused=False,
        )
        session.add(state)
        session.flush()
    return state


def _for_update(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def as_mention(row: MentionRow, author: Author | None) -> Mention:
    """A stored mention in the connector API's shape (DESIGN 3.3): for `reply()` and `recheck()`."""
    return Mention(
        source=row.source,
        external_id=row.external_id,
        text=row.text,
        created_at=row.created_at,
        connector=row.connector,
        url=row.url,
        author=author.handle if author else None,
        author_name=author.name if author else None,
        lang=row.lang,
        rating=row.rating,
        title=row.title,
        in_reply_to=row.in_reply_to,
        metrics=dict(row.metrics or {}),
        raw=row.raw,
    )
