"""Who works a case: the routing rule's agents, round robin or least loaded, skipping those away."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AgentState, Case, CaseEvent, MentionRow
from monitor.cases import CLOSED, OPEN, transition
from monitor.config import AppConfig, RoutingConfig, RoutingRule
from monitor.errors import InvalidTransition
from monitor.routing import rule_matches


def agents_of(config: AppConfig) -> frozenset[str]:
    """Everyone allowed to act on cases: `slack.agents` plus every routing rule's agents."""
    return frozenset(config.slack.agents).union(*(r.agents for r in config.routing.rules))


def rule_for(routing: RoutingConfig, case: Case, *, rating: int | None) -> RoutingRule | None:
    """The rule that routed the case (the first matching one with a channel, as monitor.routing)."""
    for rule in routing.rules:
        if rule.channel and rule_matches(rule.match, case, rating=rating):
            return rule
    return None


def choose(
    strategy: str,
    agents: Sequence[str],
    *,
    away: set[str],
    turns: Mapping[str, int],
    load: Mapping[str, int],
) -> str | None:
    """Pick an available agent; ties go to the one listed first in the rule.

    round_robin: the agent whose last turn is oldest (never assigned first), so the rule's agents
    take turns and one coming back from away simply takes the next turn. least_loaded: the fewest
    open cases, then the oldest turn.
    """
    candidates = [a for a in dict.fromkeys(agents) if a not in away]
    if not candidates or strategy not in {"round_robin", "least_loaded"}:
        return None
    order = {agent: index for index, agent in enumerate(candidates)}
    if strategy == "least_loaded":
        return min(candidates, key=lambda a: (load.get(a, 0), turns.get(a, 0), order[a]))
    return min(candidates, key=lambda a: (turns.get(a, 0), order[a]))


def assign_case(
    case: Case, assignee: str, *, actor: str, at: datetime, how: str | None = None
) -> CaseEvent:
    """Give the case to `assignee`; an unclaimed case becomes claimed, others keep their state."""
    if case.status in CLOSED or case.status not in OPEN:
        raise InvalidTransition(f"case {case.id} is {case.status}: cannot assign")
    if case.status in {"new", "routed"}:
        event = transition(case, "claim", actor=actor, at=at)
        event.action = "assign"
    else:
        event = CaseEvent(
            case_id=case.id,
            at=at,
            actor=actor,
            action="assign",
            from_status=case.status,
            to_status=case.status,
        )
        case.updated_at = at
    case.assignee = assignee
    event.note = assignee + (f" {how}" if how else "")
    return event


def open_load(session: Session, agents: Sequence[str]) -> dict[str, int]:
    """Open cases per agent."""
    rows = session.execute(
        select(Case.assignee, func.count())
        .where(Case.assignee.in_(list(agents)), Case.status.in_(OPEN))
        .group_by(Case.assignee)
    )
    return {str(assignee): int(count) for assignee, count in rows}


def agent_state(session: Session, user_id: str, *, now: datetime) -> AgentState:
    state = session.get(AgentState, user_id)
    if state is None:
        state = AgentState(user_id=user_id, away=False, changed_at=now, last_turn=0)
        session.add(state)
    return state


def set_away(session: Session, user_id: str, *, away: bool, now: datetime) -> bool:
    """Mark an agent away or back; returns whether anything changed."""
    state = agent_state(session, user_id, now=now)
    changed = bool(state.away) != away
    if changed:
        state.away, state.changed_at = away, now
    return changed


def away_agents(session: Session) -> set[str]:
    return set(session.scalars(select(AgentState.user_id).where(AgentState.away.is_(True))))


def auto_assign(
    session: Session, case: Case, *, routing: RoutingConfig, now: datetime
) -> CaseEvent | None:
    """Assign a newly routed case if its rule says so and someone is available."""
    if case.assignee:
        return None
    rating = session.scalar(select(MentionRow.rating).where(MentionRow.id == case.mention_id))
    rule = rule_for(routing, case, rating=rating)
    if rule is None or rule.assign == "none" or not rule.agents:
        return None
    states = {
        s.user_id: s
        for s in session.scalars(select(AgentState).where(AgentState.user_id.in_(rule.agents)))
    }
    agent = choose(
        rule.assign,
        rule.agents,
        away={user for user, s in states.items() if s.away},
        turns={user: s.last_turn for user, s in states.items()},
        load=open_load(session, rule.agents) if rule.assign == "least_loaded" else {},
    )
    if agent is None:
        return None
    state = agent_state(session, agent, now=now)
    state.last_assigned_at = now
    state.last_turn = (session.scalar(select(func.max(AgentState.last_turn))) or 0) + 1
    return assign_case(case, agent, actor="repmon", at=now, how=rule.assign)
