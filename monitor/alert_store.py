"""Spike and silence alerts against the database: counts by GROUP BY, incidents, outbox rows.

`evaluate()` is what `repmon run --once` and the daemon's alerts job call. It holds the
`alerts` lock (one process evaluates at a time) and works in one transaction, so an incident's
state and the outbox rows that tell Slack about it are stored together. Counting is one indexed
GROUP BY over `mentions(label, created_at)` into window-sized buckets; only the few posts an
alert quotes are read row by row. Decisions are monitor.alerts; delivery is
responders.alert_delivery (outbox kind `alert`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    cast,
    extract,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from db import repository
from db.models import Author, ConnectorState, Incident, MentionRow
from db.session import transaction
from monitor.alerts import (
    Baseline,
    ConnectorHealth,
    Step,
    baseline,
    human,
    silence_reason,
    spike_step,
    windows_in,
)
from monitor.app import App
from monitor.config import AppConfig, SpikeConfig
from monitor.errors import RepmonError
from monitor.locks import try_lock
from monitor.phrases import ANY, emerging_phrases
from monitor.queries import is_stale
from monitor.records import iso

logger = logging.getLogger(__name__)
KIND = "alert"  # the outbox kind (responders.handlers)
NOTE_EVERY = timedelta(minutes=10)  # thread notes are batched: at most one per scope this often
TEXT_LIMIT = 280
PHRASES, PHRASE_MIN_CUSTOMERS = 5, 2
NO_BRAND = "(no brand)"


class AlertError(RepmonError):
    """An action on an incident that its state does not allow (e.g. acknowledging twice)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What a spike is about: a brand, or one topic of a brand (`alerts.spike.per_topic`)."""

    brand: str | None
    topic: str | None
    per_topic: bool

    @property
    def label(self) -> str:
        name = self.brand or NO_BRAND
        return f"{name} · {self.topic or 'no topic'}" if self.per_topic else name

    def where(self) -> list[ColumnElement[bool]]:
        conditions = [
            MentionRow.brand.is_(None) if self.brand is None else MentionRow.brand == self.brand
        ]
        if self.per_topic:
            conditions.append(
                MentionRow.topic.is_(None) if self.topic is None else MentionRow.topic == self.topic
            )
        return conditions


@dataclass(slots=True)
class Evaluation:
    """What one evaluation did (incident ids)."""

    opened: list[int] = field(default_factory=list)
    noted: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    skipped_locked: bool = False

    def __bool__(self) -> bool:
        return bool(self.opened or self.noted or self.closed)


# --- counting ------------------------------------------------------------------------------------


def _epoch(session: Session, column: Any) -> ColumnElement[int]:
    """Whole seconds since 1970 of a timestamp column, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", column), BigInteger)


def window_counts(session: Session, *, at: datetime, policy: SpikeConfig) -> dict[Scope, list[int]]:
    """Negative mentions per scope in each window before `at`, oldest first, current last.

    One GROUP BY over [at − window·(n+1), at), bucketed in the database; a scope with no
    mention in a window gets 0 there. `at` is cut to whole seconds so buckets are exact.
    """
    at = at.replace(microsecond=0)
    width = int(policy.window.total_seconds())
    n = windows_in(policy)
    start = at - timedelta(seconds=width * (n + 1))
    origin = int(start.timestamp())
    # Inline integers (not bound parameters): PostgreSQL must see the same expression in the
    # select list and in GROUP BY.
    bucket = (_epoch(session, MentionRow.created_at) - literal_column(str(origin))) / (
        literal_column(str(width))
    )
    columns: list[Any] = [MentionRow.brand]
    if policy.per_topic:
        columns.append(MentionRow.topic)
    stmt = (
        select(*columns, bucket.label("bucket"), func.count())
        .where(
            MentionRow.label == "negative",
            MentionRow.created_at >= start,
            MentionRow.created_at < at,
        )
        .group_by(*columns, bucket)
    )
    out: dict[Scope, list[int]] = {}
    for row in session.execute(stmt):
        brand = row[0]
        topic = row[1] if policy.per_topic else None
        index, count = int(row[-2]), int(row[-1])
        counts = out.setdefault(Scope(brand, topic, policy.per_topic), [0] * (n + 1))
        if 0 <= index <= n:
            counts[index] += count
    return out


def _samples(
    session: Session, scope: Scope, *, start: datetime, end: datetime, limit: int
) -> list[dict[str, Any]]:
    """The posts an alert quotes: highest priority first (the ranker's view of who matters)."""
    if limit <= 0:
        return []
    stmt = (
        select(MentionRow, Author.handle)
        .outerjoin(Author, Author.id == MentionRow.author_id)
        .where(
            MentionRow.label == "negative",
            MentionRow.created_at >= start,
            MentionRow.created_at < end,
            *scope.where(),
        )
        .order_by(MentionRow.priority.desc().nulls_last(), MentionRow.created_at, MentionRow.id)
        .limit(limit)
    )
    return [
        {
            "id": m.id,
            "source": m.source,
            "author": handle,
            "text": m.text[:TEXT_LIMIT],
            "url": m.url,
            "lang": m.lang,
            "rating": m.rating,
            "created_at": iso(m.created_at),
        }
        for m, handle in session.execute(stmt)
    ]


def _new_since(
    session: Session, scope: Scope, *, after: datetime, end: datetime
) -> tuple[int, datetime | None]:
    """How many negative posts arrived in (after, end), and the newest one's time."""
    count, newest = session.execute(
        select(func.count(), func.max(MentionRow.created_at)).where(
            MentionRow.label == "negative",
            MentionRow.created_at > after,
            MentionRow.created_at < end,
            *scope.where(),
        )
    ).one()
    return int(count or 0), newest


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(
    engine: Engine,
    factory: sessionmaker[Session],
    config: AppConfig,
    *,
    at: datetime,
    spikes: bool = True,
    silence: bool = True,
) -> Evaluation:
    """Open, note and close incidents as of `at` (now, or a past moment when replaying)."""
    result = Evaluation()
    with try_lock(engine, "alerts") as held:
        if not held:
            result.skipped_locked = True
            logger.info("alerts: another process is evaluating; skipped")
            return result
        with transaction(factory) as session:
            if spikes and config.alerts.spike.enabled:
                _evaluate_spikes(session, config, at=at, result=result)
            if silence and config.alerts.silence.enabled:
                _evaluate_silence(session, config, at=at, result=result)
    if result:
        logger.info(
            "alerts: %d opened, %d noted, %d closed",
            len(result.opened),
            len(result.noted),
            len(result.closed),
        )
    return result


def _open_incidents(session: Session, kind: str) -> dict[str, Incident]:
    rows = session.scalars(select(Incident).where(Incident.kind == kind, Incident.state == "open"))
    return {row.scope: row for row in rows}


def _last_closed(session: Session, kind: str, scope: str) -> datetime | None:
    return session.scalar(
        select(func.max(Incident.closed_at)).where(Incident.kind == kind, Incident.scope == scope)
    )


def _evaluate_spikes(
    session: Session, config: AppConfig, *, at: datetime, result: Evaluation
) -> None:
    policy = config.alerts.spike
    at = at.replace(microsecond=0)
    counts = window_counts(session, at=at, policy=policy)
    open_now = _open_incidents(session, "spike")
    scopes = {scope.label: scope for scope in counts}
    for row in open_now.values():
        scopes.setdefault(row.scope, Scope(row.brand, row.topic, policy.per_topic))
    zeros = [0] * (windows_in(policy) + 1)
    for label in sorted(scopes):
        scope = scopes[label]
        series = counts.get(scope, zeros)
        current, history = series[-1], series[:-1]
        incident = open_now.get(label)
        frozen = (
            Baseline(incident.baseline_mean or 0.0, incident.baseline_std or 0.0, 0)
            if incident is not None
            else None
        )
        step = spike_step(
            current,
            history,
            policy=policy,
            open_baseline=frozen,
            last_closed_at=None if incident else _last_closed(session, "spike", label),
            at=at,
        )
        if step is Step.OPEN:
            opened = _open_spike(session, config, scope, current, baseline(history), at=at)
            result.opened.append(opened.id)
        elif step is Step.NOTE and incident is not None:
            if _note_spike(session, config, incident, scope, current, at=at):
                result.noted.append(incident.id)
        elif step is Step.CLOSE and incident is not None:
            _close(session, incident, current, at=at)
            result.closed.append(incident.id)


def _open_spike(
    session: Session, config: AppConfig, scope: Scope, count: int, base: Baseline, *, at: datetime
) -> Incident:
    policy = config.alerts.spike
    start = at - policy.window
    phrases = _phrases(session, config, scope, start=start, end=at)
    _, newest = _new_since(session, scope, after=start - timedelta(microseconds=1), end=at)
    threshold = base.level(policy.sigma)
    details = {
        "window": human(policy.window),
        "baseline_span": human(policy.baseline),
        "samples": _samples(session, scope, start=start, end=at, limit=policy.samples),
        "phrases": phrases,
    }
    incident = Incident(
        kind="spike",
        scope=scope.label,
        open_key=f"spike:{scope.label}",
        state="open",
        brand=scope.brand,
        topic=scope.topic,
        window_seconds=int(policy.window.total_seconds()),
        baseline_mean=round(base.mean, 4),
        baseline_std=round(base.std, 4),
        threshold=round(threshold, 4),
        first_count=count,
        peak_count=count,
        last_count=count,
        mention_count=count,
        notes=0,
        details=details,
        opened_at=at,
        last_seen_at=newest or at,
    )
    session.add(incident)
    session.flush()
    _enqueue(session, incident, "open", at=at)
    logger.warning(
        "alerts: spike in %s: %d negative in %s (baseline %.1f ± %.1f)",
        scope.label,
        count,
        human(policy.window),
        base.mean,
        base.std,
    )
    return incident


def _note_spike(
    session: Session,
    config: AppConfig,
    incident: Incident,
    scope: Scope,
    count: int,
    *,
    at: datetime,
) -> bool:
    """New posts go to the thread, batched: one note per NOTE_EVERY at most."""
    incident.last_count = count
    incident.peak_count = max(incident.peak_count, count)
    if incident.last_note_at is not None and at - incident.last_note_at < NOTE_EVERY:
        return False
    new, newest = _new_since(session, scope, after=incident.last_seen_at, end=at)
    if not new or newest is None:
        return False
    samples = _samples(
        session,
        scope,
        start=incident.last_seen_at + timedelta(microseconds=1),
        end=at,
        limit=config.alerts.spike.samples,
    )
    started = incident.opened_at - config.alerts.spike.window
    phrases = _phrases(session, config, scope, start=started, end=at)
    incident.details = {**(incident.details or {}), "phrases": phrases}  # a new dict: JSON change
    incident.notes += 1
    incident.mention_count += new
    incident.last_seen_at = newest
    incident.last_note_at = at
    _enqueue(
        session,
        incident,
        f"note:{incident.notes}",
        at=at,
        extra={"new": new, "window_count": count, "samples": samples, "phrases": phrases},
    )
    return True


def _phrases(
    session: Session, config: AppConfig, scope: Scope, *, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    """Top phrases of the spike so far (monitor.phrases), shared by two customers or more.

    Only the spike's own mentions are quoted (its brand, or no brand; its topic when per topic):
    other complaints of the same hours are not what this incident is about.
    """
    found = emerging_phrases(
        session,
        start=start,
        end=end,
        languages=config.scoring.languages,
        brand=scope.brand,
        topic=scope.topic if scope.per_topic else ANY,
        min_customers=PHRASE_MIN_CUSTOMERS,
        limit=PHRASES,
    )
    return [{"text": p.text, "customers": p.customers} for p in found]


def _close(session: Session, incident: Incident, count: int, *, at: datetime) -> None:
    incident.state = "closed"
    incident.open_key = None
    incident.last_count = count
    incident.recovered_at = incident.closed_at = at
    _enqueue(session, incident, "closed", at=at, extra={"window_count": count})
    logger.info("alerts: %s incident %d in %s is over", incident.kind, incident.id, incident.scope)


def _enqueue(
    session: Session,
    incident: Incident,
    event: str,
    *,
    at: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    repository.enqueue_many(
        session,
        [
            {
                "key": f"alert:{incident.id}:{event}",
                "kind": KIND,
                "case_id": None,
                "payload": {
                    "incident_id": incident.id,
                    "event": event.partition(":")[0],
                    **(extra or {}),
                },
            }
        ],
        now=at,
    )


# --- silence -------------------------------------------------------------------------------------


def _evaluate_silence(
    session: Session, config: AppConfig, *, at: datetime, result: Evaluation
) -> None:
    policy = config.alerts.silence
    states = {s.name: s for s in session.scalars(select(ConnectorState))}
    open_now = _open_incidents(session, "silence")
    for settings in config.connectors:
        state = states.get(settings.name)
        health = ConnectorHealth(
            name=settings.name,
            enabled=settings.enabled,
            last_run_at=state.last_run_at if state else None,
            last_success_at=state.last_success_at if state else None,
            newest_item_at=state.newest_item_at if state else None,
            failures=state.consecutive_failures if state else 0,
            expects_flow=settings.type != "file",
        )
        stale = is_stale(state, now=at, stale_after=policy.after)
        reason = silence_reason(health, at=at, policy=policy, stale=stale)
        label = f"connector {settings.name}"
        incident = open_now.get(label)
        if reason and incident is None:
            incident = Incident(
                kind="silence",
                scope=label,
                open_key=f"silence:{settings.name}",
                state="open",
                connector=settings.name,
                reason=reason,
                first_count=0,
                peak_count=0,
                last_count=0,
                mention_count=0,
                notes=0,
                details={
                    "type": settings.type,
                    "last_error": state.last_error if state else None,
                    "last_success_at": iso(health.last_success_at),
                    "newest_item_at": iso(health.newest_item_at),
                },
                opened_at=at,
                last_seen_at=at,
            )
            session.add(incident)
            session.flush()
            _enqueue(session, incident, "open", at=at)
            result.opened.append(incident.id)
            logger.warning("alerts: connector %s is silent: %s", settings.name, reason)
        elif not reason and incident is not None:
            _close(session, incident, 0, at=at)
            result.closed.append(incident.id)


# --- acknowledging -------------------------------------------------------------------------------


def acknowledge(
    factory: sessionmaker[Session], incident_id: int, *, user: str, now: datetime
) -> Incident:
    """Someone is on it: recorded once (time to acknowledge), and said in the alert's thread."""
    with transaction(factory) as session:
        incident = session.get(Incident, incident_id, with_for_update=True)
        if incident is None:
            raise AlertError(f"incident {incident_id} does not exist")
        if incident.acknowledged_at is not None:
            raise AlertError(
                f"incident {incident_id} was already acknowledged by <@{incident.acknowledged_by}>"
            )
        if incident.state != "open":
            raise AlertError(f"incident {incident_id} is already over")
        incident.acknowledged_at, incident.acknowledged_by = now, user
        _enqueue(session, incident, "ack", at=now, extra={"by": user})
        return incident


def open_incidents(session: Session) -> list[dict[str, Any]]:
    """Open incidents for `repmon status`, oldest first."""
    rows = session.scalars(
        select(Incident).where(Incident.state == "open").order_by(Incident.opened_at)
    )
    return [
        {
            "id": i.id,
            "kind": i.kind,
            "scope": i.scope,
            "opened_at": iso(i.opened_at),
            "acknowledged_by": i.acknowledged_by,
            "peak": i.peak_count,
            "reason": i.reason,
        }
        for i in rows
    ]


def timings(incident: Incident) -> dict[str, float | None]:
    """Seconds from opening to acknowledgement and to recovery (None until they happen)."""

    def since(moment: datetime | None) -> float | None:
        return (moment - incident.opened_at).total_seconds() if moment else None

    return {
        "time_to_acknowledge": since(incident.acknowledged_at),
        "time_to_recover": since(incident.recovered_at),
    }


def evaluator(app: App) -> Callable[[], Evaluation]:
    """The job `repmon serve` runs every minute and `repmon run --once` runs after polling."""
    return lambda: evaluate(app.engine, app.factory, app.config, at=app.clock())


def incident_view(factory: sessionmaker[Session], incident_id: int) -> dict[str, Any]:
    """The incident as plain data, for the alert message (responders.alert_delivery)."""
    with factory() as session:
        i = session.get(Incident, incident_id)
        if i is None:
            raise AlertError(f"incident {incident_id} does not exist")
        return {
            "id": i.id,
            "kind": i.kind,
            "scope": i.scope,
            "state": i.state,
            "connector": i.connector,
            "reason": i.reason,
            "first_count": i.first_count,
            "peak_count": i.peak_count,
            "mention_count": i.mention_count,
            "baseline_mean": i.baseline_mean or 0.0,
            "baseline_std": i.baseline_std or 0.0,
            "threshold": i.threshold or 0.0,
            "details": dict(i.details or {}),
            "opened_at": i.opened_at,
            "acknowledged_at": i.acknowledged_at,
            "acknowledged_by": i.acknowledged_by,
            "recovered_at": i.recovered_at,
            **timings(i),
        }
