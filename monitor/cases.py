"""The case state machine: which action is allowed from which state, and what it records.

new ──route──► routed ──claim──► claimed ──reply──► replied ──resolve──► resolved
  │              │                  │                  │
  └──────────────┴── escalate / snooze / reply / resolve / dismiss ──► ...
resolved | dismissed ──reopen──► routed
"""

from __future__ import annotations

from datetime import datetime, timedelta

from db.models import Case, CaseEvent
from monitor.errors import InvalidTransition

OPEN = frozenset({"new", "routed", "claimed", "replied", "escalated", "snoozed"})
CLOSED = frozenset({"resolved", "dismissed"})
OUTCOMES = frozenset({"resolved", "not_resolved", "no_action_needed", "recovered"})
DEFAULT_WATCH = timedelta(days=7)  # config `outcomes.window`; monitor.outcomes keeps them in line

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "route": (frozenset({"new"}), "routed"),
    "claim": (frozenset({"new", "routed", "escalated", "snoozed", "replied"}), "claimed"),
    "reply": (frozenset({"new", "routed", "claimed", "escalated", "replied"}), "replied"),
    "escalate": (frozenset({"new", "routed", "claimed", "replied", "snoozed"}), "escalated"),
    "snooze": (frozenset({"new", "routed", "claimed", "replied", "escalated"}), "snoozed"),
    "wake": (frozenset({"snoozed"}), "routed"),
    "resolve": (OPEN, "resolved"),
    "dismiss": (OPEN, "dismissed"),
    "reopen": (CLOSED, "routed"),
}


def transition(
    case: Case,
    action: str,
    *,
    actor: str,
    at: datetime,
    note: str | None = None,
    snooze_until: datetime | None = None,
    outcome: str | None = None,
    watch: timedelta = DEFAULT_WATCH,
) -> CaseEvent:
    """Apply `action` to `case` in place and return the audit event to add to the session.

    The first reply starts the outcome loop's watch (`watch_until`, monitor.outcomes).
    """
    try:
        allowed, target = TRANSITIONS[action]
    except KeyError:
        raise InvalidTransition(f"unknown action {action!r}") from None
    if case.status not in allowed:
        raise InvalidTransition(f"case {case.id} is {case.status}: cannot {action}")
    if action == "snooze" and (snooze_until is None or snooze_until <= at):
        raise InvalidTransition("snooze needs a time in the future")
    if action == "resolve" and outcome is not None and outcome not in OUTCOMES:
        raise InvalidTransition(f"unknown outcome {outcome!r}")
    previous = case.status
    case.status = target
    case.updated_at = at
    if action == "route":
        case.routed_at = at
    elif action == "claim":
        case.claimed_at = case.claimed_at or at
        case.assignee = actor
    elif action == "reply":
        case.watch_until = case.watch_until if case.replied_at else at + watch
        case.replied_at = case.replied_at or at
    elif action == "escalate":
        case.escalated_at = at
    elif action == "snooze":
        case.snoozed_until = snooze_until
    elif action == "wake":
        case.snoozed_until = None
    elif action in {"resolve", "dismiss"}:
        case.closed_at = at
        case.outcome = outcome or ("resolved" if action == "resolve" else "not_relevant")
    elif action == "reopen":
        case.closed_at = None
        case.outcome = None
        case.reopened_count = (case.reopened_count or 0) + 1
        case.reopened_at = at
    return CaseEvent(
        case_id=case.id,
        at=at,
        actor=actor,
        action=action,
        from_status=previous,
        to_status=target,
        note=note,
    )
