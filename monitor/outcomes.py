"""The outcome loop: after a reply, watch what the customer does next and record how it ended.

A case is watched from its first reply for `outcomes.window` (`cases.watch_until`). During the
watch, by the author of the case (an author is per source, so this covers answers to our reply;
someone else answering in the thread is not the customer's outcome) or on the case's own review:

- a review edited up to at least `recovered_rating` stars (a rise below it decides nothing),
- a new post that is neutral or positive,
- or nothing negative for `quiet_after` after the reply (checked by `tick`)

marks the case **recovered** (`recovered_at`, a `recovered` event; a case still waiting in
`replied` is resolved with outcome `recovered`). A review edited to fewer stars (or to negative
text) or a new negative post is **worse**: the recovery (if any) is undone; a closed case is
reopened (a `reopened` event, then the `reopen` transition: `reopened_count` + 1) with the post
in its Slack thread; an open case gets a `worsened` event and takes the post as a follow-up, as
intake always did. Posts and edits outside the watch change nothing here. Cases closed as not
relevant are never watched. Edited reviews are judged in monitor.edits, new posts in
`follow_ups`, the quiet rule in `tick`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from connectors.base import ConnectorError, ConnectorSettings, SupportsRecheck
from db import repository
from db.models import Author, Case, CaseEvent, MentionRow
from db.session import transaction
from monitor.cases import CLOSED, transition
from monitor.config import OutcomesConfig
from monitor.locks import try_lock
from monitor.models import Mention

if TYPE_CHECKING:
    from monitor.app import App
    from monitor.intake import ScoredMention

logger = logging.getLogger(__name__)

EDITABLE_SOURCES = frozenset({"googleplay", "appstore"})
"""Sources whose items come back edited under the same id (store reviews)."""
CALM_LABELS = frozenset({"neutral", "positive"})
NOT_WATCHED = frozenset({"not_relevant", "no_action_needed"})
RECOVERED, REOPENED, WORSENED = "recovered", "reopened", "worsened"  # decision events
RECHECK_LIMIT = 200  # watched items re-fetched per connector and tick
_CHUNK = 400  # ids per IN list, below SQLite's bound-parameter limit
Key = tuple[str, str]


@dataclass(slots=True)
class TickResult:
    aligned: int = 0
    rechecked: int = 0
    recovered: list[int] = field(default_factory=list)
    skipped_locked: bool = False


# --- the rules, as plain functions -------------------------------------------------------------


def judge_edit(
    old_rating: int | None,
    new_rating: int | None,
    old_label: str,
    new_label: str,
    *,
    recovered_rating: int,
) -> str | None:
    """Judge an edited item: "better", "worse" or None; stars decide when both have them."""
    if old_rating is not None and new_rating is not None and old_rating != new_rating:
        if new_rating < old_rating:
            return "worse"
        return "better" if new_rating >= recovered_rating else None
    if new_label == "negative" and old_label != "negative":
        return "worse"
    if old_label == "negative" and new_label in CALM_LABELS and new_rating is None:
        return "better"
    return None


def watching(case: Case, at: datetime, window: timedelta) -> bool:
    """Whether something that happened at `at` falls in the case's watch after its reply."""
    if case.replied_at is None or case.outcome in NOT_WATCHED:
        return False
    return case.replied_at <= at < case.replied_at + window


def stars(rating: int | None) -> str:
    return f"{rating}★" if rating is not None else "no rating"


# --- decisions on one case ---------------------------------------------------------------------


def recover(session: Session, case: Case, *, reason: str, now: datetime) -> bool:
    """Mark the case recovered (once); a case waiting in `replied` is resolved as recovered."""
    if case.recovered_at is not None:
        return False
    case.recovered_at = now
    events = [_event(case, RECOVERED, reason, now)]
    if case.status == "replied":
        events.append(
            transition(case, "resolve", actor="repmon", at=now, outcome="recovered", note=RECOVERED)
        )
    _record(session, case, events, now=now)
    logger.info("outcomes: case %s recovered (%s)", case.id, reason)
    return True


def worsen(
    session: Session, case: Case, *, reason: str, now: datetime, thread: int | None = None
) -> None:
    """A worse follow-up: undo a recovery, reopen a closed case; `thread` is a mention to post
    in the case's Slack thread (new posts get theirs from intake when they join the case)."""
    case.recovered_at = None
    decision = REOPENED if case.status in CLOSED else WORSENED
    events = [_event(case, decision, reason, now)]
    if decision == REOPENED:
        events.append(transition(case, "reopen", actor="repmon", at=now, note=reason))
    _record(session, case, events, now=now, thread=[] if thread is None else [thread])
    logger.info("outcomes: case %s %s (%s)", case.id, decision, reason)


def _event(case: Case, action: str, note: str, now: datetime) -> CaseEvent:
    return CaseEvent(
        case_id=case.id,
        at=now,
        actor="repmon",
        action=action,
        from_status=case.status,
        to_status=case.status,
        note=note,
    )


def _record(
    session: Session,
    case: Case,
    events: list[CaseEvent],
    *,
    now: datetime,
    thread: Sequence[int] = (),
) -> None:
    """Store the events; the card (and its thread notes) catch up through the outbox."""
    session.add_all(events)
    session.flush()
    last = events[-1].id
    rows: list[dict[str, Any]] = [
        {
            "key": f"update:{case.id}:{last}",
            "kind": "card_update",
            "case_id": case.id,
            "payload": {"case_id": case.id, "event_id": last},
        }
    ]
    rows += [
        {
            "key": f"thread:{case.id}:{mention_id}:{last}",
            "kind": "thread",
            "case_id": case.id,
            "payload": {"case_id": case.id, "mention_id": mention_id},
        }
        for mention_id in thread
    ]
    repository.enqueue_many(session, rows, now=now)


# --- from the pipeline: new posts by watched authors -------------------------------------------


def follow_ups(
    session: Session,
    items: Sequence[ScoredMention],
    inserted: Mapping[Key, int],
    *,
    settings: OutcomesConfig,
    now: datetime,
) -> bool:
    """New posts by authors of watched cases: calm ones recover, negative ones reopen.

    Runs before intake, so a reopened case is open again when intake joins the post to it.
    Returns whether any case changed (intake then reads the open cases again).
    """
    if not settings.enabled:
        return False
    mine = [
        i
        for i in items
        if i.author_id is not None and (i.mention.source, i.mention.external_id) in inserted
    ]
    if not mine:
        return False
    earliest = min(i.mention.created_at for i in mine) - settings.window
    if not _any_watched_since(session, earliest):
        return False  # the usual batch: no case is watched, so no author needs looking up
    watched: dict[int, Case] = {}
    author_ids = sorted({cast(int, i.author_id) for i in mine})
    for start in range(0, len(author_ids), _CHUNK):
        for case in session.scalars(
            select(Case)
            .where(
                Case.author_id.in_(author_ids[start : start + _CHUNK]),
                Case.watch_until.is_not(None),
                Case.replied_at > earliest,
            )
            .order_by(Case.replied_at)
            .with_for_update()
        ):
            watched[cast(int, case.author_id)] = case  # the latest reply wins
    if not watched:
        return False
    changed = False
    for item in sorted(mine, key=lambda i: i.mention.created_at):
        target = watched.get(cast(int, item.author_id))
        m = item.mention
        if target is None or not watching(target, m.created_at, settings.window):
            continue
        if item.score.label == "negative":
            reason = f"new negative post by the author ({stars(m.rating)})"
            worsen(session, target, reason=reason, now=now)
            changed = True
        elif item.score.label in CALM_LABELS:
            recover(session, target, reason=f"{item.score.label} post by the author", now=now)
            changed = True
    session.flush()
    return changed


def _any_watched_since(session: Session, earliest: datetime) -> bool:
    """Whether any case was replied to after `earliest` and is watched: one indexed probe
    (`replied_at`), instead of looking every author of the batch up in IN-list chunks."""
    probe = (
        select(Case.id).where(Case.watch_until.is_not(None), Case.replied_at > earliest).limit(1)
    )
    return session.execute(probe).first() is not None


# --- the periodic tick: watch windows, re-checks, the quiet rule --------------------------------


def tick(app: App) -> TickResult:
    """Align watch windows with config, re-fetch watched items, apply the quiet rule.

    Run by `repmon run --once` and every `outcomes.every` by `repmon serve`; one process at a
    time.
    """
    result = TickResult()
    settings = app.config.outcomes
    if not settings.enabled:
        return result
    with try_lock(app.engine, "outcomes") as held:
        if not held:
            result.skipped_locked = True
            return result
        now = app.clock()
        with transaction(app.factory) as session:
            result.aligned = _align(session, settings.window, now)
        result.rechecked = _recheck(app, now)
        with transaction(app.factory) as session:
            result.recovered = _quiet(session, settings, app.clock())
    if result.recovered or result.rechecked:
        logger.info(
            "outcomes: %d re-checked, %d recovered after a quiet spell",
            result.rechecked,
            len(result.recovered),
        )
    return result


def _align(session: Session, window: timedelta, now: datetime) -> int:
    """`watch_until` as config says: replies armed it with the default window (monitor.cases)."""
    changed = 0
    for case in session.scalars(
        select(Case).where(Case.watch_until >= now - window, Case.replied_at.is_not(None))
    ):
        wanted = cast(datetime, case.replied_at) + window
        if case.watch_until != wanted:
            case.watch_until = wanted
            changed += 1
    return changed


def _recheck(app: App, now: datetime) -> int:
    """Re-fetch the first item of each watched case from connectors that can, and ingest it:
    the pipeline spots edits and judges them like edits found by a normal poll."""
    from connectors.registry import connector_class

    total = 0
    for settings in app.config.connectors:
        if not settings.enabled or not hasattr(connector_class(settings.type), "recheck"):
            continue
        with app.factory() as session:
            rows = session.execute(
                select(MentionRow, Author)
                .join(Case, Case.mention_id == MentionRow.id)
                .outerjoin(Author, Author.id == MentionRow.author_id)
                .where(
                    Case.watch_until > now,
                    MentionRow.connector == settings.name,
                    MentionRow.source.in_(EDITABLE_SOURCES),
                )
                .order_by(Case.watch_until)
                .limit(RECHECK_LIMIT)
            ).all()
        if rows:
            # The poll's lock: a poll and a re-check never store the same edit twice at once.
            with try_lock(app.engine, f"connector:{settings.name}") as held:
                if held:
                    total += _recheck_one(
                        app, settings, [repository.as_mention(m, a) for m, a in rows]
                    )
    return total


def _recheck_one(app: App, settings: ConnectorSettings, mentions: list[Mention]) -> int:
    from connectors.registry import build_connector

    connector: Any = None
    try:
        connector = build_connector(settings)
        if not isinstance(connector, SupportsRecheck):
            return 0
        fresh = connector.recheck(mentions)
    except ConnectorError as exc:
        logger.warning("outcomes: re-check through %s failed: %s", settings.name, exc)
        return 0
    finally:
        if connector is not None and hasattr(connector, "close"):
            connector.close()
    app.pipeline.ingest(fresh)
    return len(fresh)


def _quiet(session: Session, settings: OutcomesConfig, now: datetime) -> list[int]:
    """Cases whose author said nothing negative for `quiet_after` after the reply."""
    # Every negative post or edit during the watch left a `worsened` or `reopened` event
    # (follow_ups, monitor.edits), so the events alone say whether the author stayed quiet.
    worse = exists().where(
        CaseEvent.case_id == Case.id,
        CaseEvent.action.in_((WORSENED, REOPENED)),
    )
    candidates = session.scalars(
        select(Case)
        .where(
            Case.watch_until >= now - settings.window,
            Case.recovered_at.is_(None),
            Case.replied_at <= now - settings.quiet_after,
            or_(Case.reopened_at.is_(None), Case.reopened_at < Case.replied_at),
            ~worse,
        )
        .order_by(Case.id)
        .with_for_update(skip_locked=True)  # a case an agent is acting on waits for the next tick
    ).all()
    recovered = []
    days = settings.quiet_after / timedelta(days=1)
    reason = f"no further complaint for {days:g} days after the reply"
    for case in candidates:
        if case.outcome in NOT_WATCHED:
            continue
        if recover(session, case, reason=reason, now=now):
            recovered.append(case.id)
    return recovered
