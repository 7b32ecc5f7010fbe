"""Store reviews that come back edited (same id, new stars or text): stored, then judged.

Google Play and the App Store date a review by its last edit, so an incremental fetch returns an
edited review again under its id. The pipeline used to drop every known id; now it hands the
known ids of those sources here, the new version replaces the stored one (the old one is kept in
`raw["repmon_previous"]`), and the outcome loop (monitor.outcomes) judges the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from db.models import Case, MentionRow
from monitor.config import OutcomesConfig
from monitor.models import Mention
from monitor.outcomes import EDITABLE_SOURCES, judge_edit, recover, stars, watching, worsen

if TYPE_CHECKING:
    from monitor.intake import ScoredMention

MENTIONS = cast(Table, MentionRow.__table__)
_CHUNK = 400  # ids per IN list, below SQLite's bound-parameter limit
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class StoredItem:
    """What the store knew about an item before it came back edited."""

    id: int
    source: str
    external_id: str
    rating: int | None
    text: str
    title: str | None
    label: str
    compound: float
    case_id: int | None
    raw: dict[str, Any] | None


def find_edits(
    session: Session, unique: Mapping[Key, Mention], known: Iterable[Key]
) -> list[tuple[StoredItem, Mention]]:
    """Known store reviews that came back with another rating, title or text.

    Only sources in EDITABLE_SOURCES are looked at, so other batches pay nothing, and only
    narrow columns at first: a review is read in full only when its rating differs or it comes
    back with a later time (stores date a review by its last edit), so re-reading unchanged
    reviews costs one index lookup per chunk.
    """
    by_source: dict[str, list[str]] = {}
    for source, external_id in known:
        if source in EDITABLE_SOURCES:
            by_source.setdefault(source, []).append(external_id)
    suspects: list[int] = []
    for source, ids in by_source.items():
        for start in range(0, len(ids), _CHUNK):
            rows = session.execute(
                select(
                    MentionRow.id, MentionRow.external_id, MentionRow.rating, MentionRow.created_at
                ).where(
                    MentionRow.source == source,
                    MentionRow.external_id.in_(ids[start : start + _CHUNK]),
                )
            )
            for row_id, external_id, rating, created_at in rows:
                new = unique[(source, external_id)]
                if new.rating != rating or new.created_at > created_at:
                    suspects.append(row_id)
    out: list[tuple[StoredItem, Mention]] = []
    for start in range(0, len(suspects), _CHUNK):
        for row in session.execute(
            select(
                MentionRow.id,
                MentionRow.source,
                MentionRow.external_id,
                MentionRow.rating,
                MentionRow.text,
                MentionRow.title,
                MentionRow.label,
                MentionRow.compound,
                MentionRow.case_id,
                MentionRow.raw,
            ).where(MentionRow.id.in_(suspects[start : start + _CHUNK]))
        ):
            stored = StoredItem(*row)
            new = unique[(stored.source, stored.external_id)]
            if (new.rating, new.text, new.title) != (stored.rating, stored.text, stored.title):
                out.append((stored, new))
    return out


def apply_edits(
    session: Session,
    edits: Sequence[tuple[StoredItem, ScoredMention]],
    *,
    settings: OutcomesConfig,
    now: datetime,
) -> int:
    """Store the new version of each edited item (the old one kept in `raw`) and judge it."""
    if not edits:
        return 0
    session.connection().execute(
        update(MENTIONS).where(MENTIONS.c.id == bindparam("mention_id")),
        [_edited_row(stored, item) for stored, item in edits],
    )
    case_ids = {stored.case_id for stored, _ in edits if stored.case_id is not None}
    if not settings.enabled or not case_ids:
        return 0
    locked = select(Case).where(Case.id.in_(case_ids)).order_by(Case.id).with_for_update()
    cases = {c.id: c for c in session.scalars(locked)}  # against a concurrent Slack action
    decided = 0
    for stored, item in sorted(edits, key=lambda e: e[1].mention.created_at):
        case = cases.get(stored.case_id) if stored.case_id is not None else None
        m = item.mention
        if case is None or not watching(case, m.created_at, settings.window):
            continue
        verdict = judge_edit(
            stored.rating,
            m.rating,
            stored.label,
            item.score.label,
            recovered_rating=settings.recovered_rating,
        )
        change = f"{stars(stored.rating)} → {stars(m.rating)}"
        if verdict == "better":
            decided += recover(session, case, reason=f"review edited: {change}", now=now)
        elif verdict == "worse":
            worsen(session, case, reason=f"review edited: {change}", now=now, thread=stored.id)
            decided += 1
    return decided


def _edited_row(stored: StoredItem, item: ScoredMention) -> dict[str, Any]:
    m, s = item.mention, item.score
    previous = {
        "rating": stored.rating,
        "title": stored.title,
        "text": stored.text,
        "label": stored.label,
        "compound": stored.compound,
    }
    earlier = list((stored.raw or {}).get("repmon_previous") or [])
    raw = {**(m.raw or {}), "repmon_previous": [*earlier, previous]}
    return {
        "mention_id": stored.id,
        "rating": m.rating,
        "text": m.text,
        "title": m.title,
        "metrics": m.metrics or None,
        "raw": raw,
        **s.columns(),
    }
