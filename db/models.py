"""The tables of DESIGN 1: mentions, authors, cases, outbox, replies, connector_state, runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, BigId, JsonData, UTCDateTime


class Author(Base):
    """A person or account on one platform; counts feed reach and repeat-complainer signals."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("source", "handle"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    handle: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(255))
    followers: Mapped[int | None] = mapped_column(Integer)
    mentions_seen: Mapped[int] = mapped_column(Integer, default=0)
    complaints_seen: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MentionRow(Base):
    """A stored, scored mention; unique on (source, external_id) so nothing is stored twice."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        # Report trends read this index only; it also serves created_at alone (0009).
        Index(None, "created_at", "source", "lang", "label"),
        Index(None, "label", "created_at"),
        Index(None, "brand", "created_at"),
        Index(None, "case_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(255))
    connector: Mapped[str] = mapped_column(String(128))
    brand: Mapped[str | None] = mapped_column(String(128))
    url: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    lang: Mapped[str | None] = mapped_column(String(8))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    metrics: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    compound: Mapped[float] = mapped_column(Float)
    pos: Mapped[float] = mapped_column(Float)
    neu: Mapped[float] = mapped_column(Float)
    neg: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(16))
    scorer: Mapped[str] = mapped_column(String(32))
    coverage: Mapped[float | None] = mapped_column(Float)
    topic: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str] | None] = mapped_column(JsonData)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))


class Case(Base):
    """A customer's problem as the contact center works it; see monitor.cases for its states."""

    __tablename__ = "cases"
    __table_args__ = (
        Index(None, "status", "priority"),
        Index(None, "author_id", "status"),
        Index(None, "opened_at"),
        Index(None, "replied_at"),  # outcome metrics (monitor.metrics) range over these three
        Index(None, "closed_at"),
        Index(None, "reopened_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    brand: Mapped[str | None] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    mention_id: Mapped[int] = mapped_column(
        BigId
    )  # the first mention; no FK: mentions → cases already
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JsonData)
    factors: Mapped[dict[str, Any]] = mapped_column(JsonData)
    topic: Mapped[str | None] = mapped_column(String(64))
    lang: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[str | None] = mapped_column(String(128))
    assignee: Mapped[str | None] = mapped_column(String(64))
    mention_count: Mapped[int] = mapped_column(Integer, default=1)
    outcome: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outcome loop (issue 6): after a reply the case is watched until `watch_until`; a
    # better rating, a calm answer from the author, or quiet marks it recovered; worse reopens it.
    recovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    watch_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class CaseEvent(Base):
    """Who did what to a case and when: the audit trail and the source of response-time metrics."""

    __tablename__ = "case_events"
    __table_args__ = (Index(None, "case_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)


class OutboxRow(Base):
    """Everything that leaves repmon, sent by a separate step that may crash and retry safely."""

    __tablename__ = "outbox"
    __table_args__ = (Index(None, "state", "next_attempt_at"), Index(None, "case_id", "state"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JsonData)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reply(Base):
    """A public answer to a mention: what an agent sent, where, and what the platform said."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"))
    agent: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(64))
    template: Mapped[str | None] = mapped_column(String(128))  # the response template it began as
    state: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the platform call last began (a `sending` row older than a crash is looked up first).
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ConnectorState(Base):
    """Per-connector cursor and health; the cursor is saved in the same transaction as mentions."""

    __tablename__ = "connector_state"

    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    cursor: Mapped[str | None] = mapped_column(Text)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    last_items: Mapped[int] = mapped_column(Integer, default=0)
    skipped_total: Mapped[int] = mapped_column(Integer, default=0)
    excluded_total: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    newest_item_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Run(Base):
    """One `run --once`, import or scheduled poll, with what it did."""

    __tablename__ = "runs"
    __table_args__ = (Index(None, "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    command: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    stats: Mapped[dict[str, Any] | None] = mapped_column(JsonData)
    error: Mapped[str | None] = mapped_column(Text)


class SlackMessage(Base):
    """A Slack message repmon posted (or is posting), keyed like the outbox row that caused it.

    A row without `ts` is a post in flight: after a crash the sender looks for the message by
    its metadata key before posting again, so nothing appears twice (responders.slack.sender).
    """

    __tablename__ = "slack_messages"
    __table_args__ = (Index(None, "case_id"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    digest: Mapped[str | None] = mapped_column(String(64))
    permalink: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AgentState(Base):
    """An agent's availability (`/repmon away|back`) and when round-robin last gave them a case."""

    __tablename__ = "agents"

    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    away: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_turn: Mapped[int] = mapped_column(Integer, default=0)  # round robin: lowest goes next


class Incident(Base):
    """A spike or silence alert (monitor.alerts): opened once, threaded while open, then closed.

    `open_key` is set only while the incident is open and is unique, so two processes evaluating
    at once can never open two incidents for the same brand, topic or connector.
    """

    __tablename__ = "incidents"
    __table_args__ = (Index(None, "kind", "scope", "closed_at"), Index(None, "state"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # spike | silence
    scope: Mapped[str] = mapped_column(String(255))  # what it is about, e.g. "Acme · outage"
    open_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    state: Mapped[str] = mapped_column(String(16))  # open | closed
    brand: Mapped[str | None] = mapped_column(String(128))
    topic: Mapped[str | None] = mapped_column(String(64))
    connector: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str | None] = mapped_column(Text)
    window_seconds: Mapped[int | None] = mapped_column(Integer)
    baseline_mean: Mapped[float | None] = mapped_column(Float)
    baseline_std: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    first_count: Mapped[int] = mapped_column(Integer, default=0)
    peak_count: Mapped[int] = mapped_column(Integer, default=0)
    last_count: Mapped[int] = mapped_column(Integer, default=0)
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[int] = mapped_column(Integer, default=0)  # thread notes queued so far
    last_note_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any] | None] = mapped_column(JsonData)  # what the alert showed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)  # newest item already reported
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    recovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
