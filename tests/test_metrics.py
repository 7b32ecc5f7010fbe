"""Outcome metrics against hand-computed expectations, on SQLite and PostgreSQL alike.

The fixture is nine cases around the window [S, E) = [NOW - 7 days, NOW); the comments on each
say which counts it lands in, and each test's expectations are worked out from them by hand.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from db.models import Case, MentionRow, Reply
from db.session import transaction
from monitor.metrics import NO_GROUP, OutcomeMetrics, outcome_metrics
from tests.support import NOW, open_app

S, E = NOW - timedelta(days=7), NOW
H, MIN, D = timedelta(hours=1), timedelta(minutes=1), timedelta(days=1)


def _mention(session: Any, n: int) -> MentionRow:
    row = MentionRow(
        source="x",
        external_id=f"m{n}",
        connector="test",
        text="acme is broken",
        created_at=S,
        fetched_at=S,
        compound=-0.5,
        pos=0.0,
        neu=0.5,
        neg=0.5,
        label="negative",
        scorer="vader-en",
    )
    session.add(row)
    session.flush()
    return row


def add_case(
    session: Any,
    n: int,
    *,
    brand: str,
    source: str,
    opened: Any,
    assignee: str | None = None,
    replied: Any = None,
    closed: Any = None,
    outcome: str | None = None,
    status: str = "routed",
    recovered: bool = False,
    reopened: Any = None,
    replies: tuple[tuple[str, str | None], ...] = (),
) -> None:
    """One case; `replies` are (state, template) in the order they were made."""
    mention = _mention(session, n)
    case = Case(
        brand=brand,
        source=source,
        mention_id=mention.id,
        status=status,
        priority=0.5,
        reasons=[],
        factors={},
        assignee=assignee,
        outcome=outcome,
        opened_at=opened,
        updated_at=opened,
        replied_at=replied,
        closed_at=closed,
        recovered_at=(closed or replied) if recovered else None,
        reopened_at=reopened,
        reopened_count=1 if reopened else 0,
    )
    session.add(case)
    session.flush()
    for i, (state, template) in enumerate(replies):
        session.add(
            Reply(
                idempotency_key=f"reply:{n}:{i}",
                case_id=case.id,
                mention_id=mention.id,
                agent=assignee or "U0",
                text="sorry",
                platform=source,
                template=template,
                state=state,
                created_at=replied or opened,
            )
        )
        session.flush()


@pytest.fixture
def app(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    with transaction(app.factory) as s:
        # 1: in opened (10 min), closed resolved, replied, recovered
        add_case(
            s,
            1,
            brand="Acme",
            source="googleplay",
            assignee="U1",
            opened=S + H,
            replied=S + H + 10 * MIN,
            closed=S + 2 * D,
            outcome="resolved",
            status="resolved",
            recovered=True,
            replies=(("sent", "apology"),),
        )
        # 2: in opened (30 min), closed by the outcome loop (recovered), replied, recovered
        add_case(
            s,
            2,
            brand="Acme",
            source="googleplay",
            assignee="U1",
            opened=S + 2 * H,
            replied=S + 2 * H + 30 * MIN,
            closed=S + 3 * D,
            outcome="recovered",
            status="resolved",
            recovered=True,
            replies=(("manual", "apology"),),
        )
        # 3: in opened (60 min), still open, replied; its first *answered* reply is "billing"
        add_case(
            s,
            3,
            brand="Acme",
            source="x",
            assignee="U2",
            opened=S + 3 * H,
            replied=S + 4 * H,
            status="replied",
            replies=(("failed", "other"), ("sent", "billing")),
        )
        # 4: in opened (120 min), closed not resolved after a reopen, replied, no template
        add_case(
            s,
            4,
            brand="Acme",
            source="x",
            assignee="U2",
            opened=S + 4 * H,
            replied=S + 6 * H,
            closed=S + 5 * D,
            outcome="not_resolved",
            status="resolved",
            reopened=S + 4 * D,
            replies=(("sent", None),),
        )
        # 5: in opened, never answered, dismissed as not relevant (outside `closed`)
        add_case(
            s,
            5,
            brand="Beta",
            source="x",
            opened=S + 5 * H,
            closed=S + D,
            outcome="not_relevant",
            status="dismissed",
        )
        # 6: in opened (20 min), closed "no action needed" (outside `closed`), replied
        add_case(
            s,
            6,
            brand="Beta",
            source="x",
            assignee="U3",
            opened=S + 6 * H,
            replied=S + 6 * H + 20 * MIN,
            closed=S + D,
            outcome="no_action_needed",
            status="resolved",
            replies=(("manual", "billing"),),
        )
        # 7: opened and replied before the window, closed resolved inside it
        add_case(
            s,
            7,
            brand="Acme",
            source="googleplay",
            assignee="U1",
            opened=S - D,
            replied=S - D + 5 * MIN,
            closed=S + D,
            outcome="resolved",
            status="resolved",
            replies=(("sent", "apology"),),
        )
        # 8: entirely after the window
        add_case(
            s,
            8,
            brand="Acme",
            source="x",
            assignee="U1",
            opened=E + H,
            replied=E + 2 * H,
            replies=(("sent", "apology"),),
        )
        # 9: in opened, never answered, still open
        add_case(s, 9, brand="Beta", source="googleplay", assignee="U3", opened=S + D)
    yield app
    app.close()


def metrics(app, **kwargs) -> list[OutcomeMetrics]:
    with app.factory() as session:
        return outcome_metrics(session, S, E, **kwargs)


def test_all_cases(app):
    (row,) = metrics(app)
    assert row == OutcomeMetrics(
        group=None,
        opened=7,  # 1-6, 9
        responded=5,  # 1, 2, 3, 4, 6
        first_response_median=30 * MIN,  # of 10, 20, 30, 60, 120 min: the 3rd of 5
        first_response_p90=2 * H,  # ceil(0.9 * 5) = 5th
        closed=4,  # 1, 2, 4, 7 (5 and 6 were never a customer problem)
        resolved=3,  # 1, 2 (recovered), 7
        resolution_rate=0.75,
        replied=5,  # 1, 2, 3, 4, 6 (7 before, 8 after)
        recovered=2,
        recovery_rate=0.4,
        reopened=1,
        reopen_rate=0.25,
        dismissed=2,
    )


def test_by_brand(app):
    acme, beta = metrics(app, by="brand")
    assert (acme.group, acme.opened, acme.responded) == ("Acme", 4, 4)
    # 10, 30, 60, 120 min: median is the 2nd of 4, p90 the 4th
    assert (acme.first_response_median, acme.first_response_p90) == (30 * MIN, 2 * H)
    assert (acme.closed, acme.resolved, acme.resolution_rate) == (4, 3, 0.75)
    assert (acme.replied, acme.recovered, acme.recovery_rate) == (4, 2, 0.5)
    assert (acme.reopened, acme.reopen_rate) == (1, 0.25)
    assert (beta.group, beta.opened, beta.responded) == ("Beta", 3, 1)
    assert (beta.first_response_median, beta.first_response_p90) == (20 * MIN, 20 * MIN)
    assert (beta.closed, beta.resolved, beta.resolution_rate, beta.dismissed) == (0, 0, None, 2)
    assert (beta.replied, beta.recovered, beta.recovery_rate) == (1, 0, 0.0)
    assert (beta.reopened, beta.reopen_rate) == (0, None)


def test_by_agent_groups_unassigned_cases_last(app):
    rows = {r.group: r for r in metrics(app, by="agent")}
    assert list(rows) == ["U1", "U2", "U3", NO_GROUP]
    u1, u2, u3, nobody = rows["U1"], rows["U2"], rows["U3"], rows[NO_GROUP]
    # U1: 10 and 30 min; median is the 1st of 2, p90 the 2nd
    assert (u1.opened, u1.first_response_median, u1.first_response_p90) == (2, 10 * MIN, 30 * MIN)
    assert (u1.closed, u1.resolved, u1.recovery_rate, u1.reopen_rate) == (3, 3, 1.0, 0.0)
    assert (u2.first_response_median, u2.first_response_p90) == (H, 2 * H)
    assert (u2.closed, u2.resolution_rate, u2.reopened, u2.reopen_rate) == (1, 0.0, 1, 1.0)
    assert (u3.opened, u3.responded, u3.closed, u3.dismissed, u3.replied) == (2, 1, 0, 1, 1)
    assert (nobody.opened, nobody.responded, nobody.first_response_median) == (1, 0, None)
    assert nobody.dismissed == 1


def test_by_template_uses_the_first_answered_reply(app):
    rows = {r.group: r for r in metrics(app, by="template")}
    assert set(rows) == {"apology", "billing", NO_GROUP}  # the failed "other" draft never went
    apology, billing, none = rows["apology"], rows["billing"], rows[NO_GROUP]
    assert (apology.opened, apology.closed, apology.resolved, apology.recovered) == (2, 3, 3, 2)
    # billing: cases 3 (60 min) and 6 (20 min)
    assert (billing.first_response_median, billing.first_response_p90) == (20 * MIN, H)
    assert (billing.replied, billing.recovered, billing.closed, billing.dismissed) == (2, 0, 0, 1)
    # no template: 4 (replied without one), 5 and 9 (never answered)
    assert (none.opened, none.responded, none.first_response_median) == (3, 1, 2 * H)
    assert (none.closed, none.resolution_rate, none.reopen_rate) == (1, 0.0, 1.0)


def test_brand_filter_with_source_groups(app):
    rows = metrics(app, by="source", brand="Beta")
    assert [(r.group, r.opened, r.responded, r.dismissed) for r in rows] == [
        ("googleplay", 1, 0, 0),
        ("x", 2, 1, 2),
    ]


def test_empty_window_gives_one_row_of_zeros(app):
    with app.factory() as session:
        (row,) = outcome_metrics(session, E + 10 * D, E + 11 * D)
        assert outcome_metrics(session, E + 10 * D, E + 11 * D, by="brand") == []
    assert (row.opened, row.closed, row.first_response_median, row.resolution_rate) == (
        0,
        0,
        None,
        None,
    )


def test_nearest_rank_percentiles_over_ten_responses(db_url, tmp_path):
    app = open_app(db_url, tmp_path)
    with transaction(app.factory) as s:
        # answered after 10, 1, 9, 2, 8, 3, 7, 4, 6, 5 minutes (insertion order is not sorted)
        for n, minutes in enumerate((10, 1, 9, 2, 8, 3, 7, 4, 6, 5)):
            add_case(
                s,
                n,
                brand="Acme",
                source="x",
                opened=S + n * H,
                replied=S + n * H + minutes * MIN + 29 * timedelta(seconds=1),
            )
    with app.factory() as session:
        (row,) = outcome_metrics(session, S, E)
    app.close()
    second = timedelta(seconds=1)
    assert row.first_response_median == 5 * MIN + 29 * second  # the 5th of 10
    assert row.first_response_p90 == 9 * MIN + 29 * second  # the 9th of 10


def test_unknown_grouping_is_refused(app):
    with app.factory() as session, pytest.raises(ValueError, match="cannot group by"):
        outcome_metrics(session, S, E, by="topic")  # type: ignore[arg-type]
