"""The daily and weekly reports' figures on a hand-built day and week, against numbers worked out
by hand (tests/reports/dataset.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest

from db.models import Case
from db.session import transaction
from monitor.reports import build_report, period_for
from monitor.reports.csvfile import render_csv
from tests.reports.dataset import DAY, EXPECTED, NOW, WEEKLY_EXPECTED, at


def _build(app):
    period = period_for("daily", now=NOW, on=DAY.date())
    with app.factory() as session:
        return build_report(session, app.config, period, now=NOW)


def _counts(s):
    return (s.negative, s.neutral, s.positive)


def _assert_volumes(report, expected):
    """Sentiment counts, net sentiment and its change, and the by-source and by-language rows."""
    assert _counts(report.sentiment) == expected["sentiment"]
    assert _counts(report.previous_sentiment) == expected["previous_sentiment"]
    assert report.sentiment.net == expected["net"]
    assert report.previous_sentiment.net == expected["previous_net"]
    assert report.net_change == expected["net_change"]
    for got, want in ((report.by_source, "by_source"), (report.by_lang, "by_lang")):
        rows = [(b.name, b.now.total, *_counts(b.now), b.previous_total) for b in got]
        assert rows == expected[want], want


def test_volume_sentiment_and_breakdowns_match_the_hand_computed_day(loaded):
    app, _ = loaded
    report = _build(app)
    _assert_volumes(report, EXPECTED)


def _groups(rows):
    return [
        (
            g.name,
            g.answered,
            g.first_response_median,
            g.resolution_rate,
            g.recovery_rate,
            g.reopen_rate,
        )
        for g in rows
    ]


def _same_rows(got, want):
    """Row by row: names and Nones exactly, numbers to float precision (1/3 and the like)."""
    assert [row[0] for row in got] == [row[0] for row in want]
    for got_row, want_row in zip(got, want, strict=True):
        assert got_row == pytest.approx(want_row), want_row[0]


def test_the_by_agent_table_keeps_the_ten_busiest_agents_and_the_unassigned_row(loaded):
    app, ids = loaded
    with transaction(app.factory) as session:  # 12 more agents, one case answered each
        for n in range(1, 13):
            session.add(
                Case(
                    brand="Acme",
                    source="x",
                    mention_id=ids["m6"],
                    status="replied",
                    priority=0.5,
                    reasons=[],
                    factors={},
                    assignee=f"U_Z{n:02d}",
                    opened_at=at(DAY, "16:00"),
                    updated_at=at(DAY, "16:00"),
                    replied_at=at(DAY, "16:10"),
                )
            )
    names = [g.name for g in _build(app).by_agent]
    # U_ANA answered 2; U_BEN and U_Z01–U_Z12 one each, by name: U_BEN, then U_Z01–U_Z08 fill
    # the ten; c4's unassigned row comes after them
    assert names == ["U_ANA", "U_BEN", *(f"U_Z{n:02d}" for n in range(1, 9)), "(none)"]


def test_themes_posts_and_facts_match_the_hand_computed_day(loaded):
    app, _ = loaded
    report = _build(app)
    assert [(t.topic, t.customers, t.previous, t.has_template) for t in report.themes] == (
        EXPECTED["themes"]
    )
    assert [p.url.rsplit("/", 1)[1] for p in report.influential] == EXPECTED["influential"]
    assert report.influential[0].followers == 50_000 and report.influential[0].author == "bigvoice"
    assert [p.url.rsplit("/", 1)[1] for p in report.praise] == EXPECTED["praise"]
    assert report.praise_count == EXPECTED["praise_count"]
    facts = report.facts
    assert facts.non_english_share == pytest.approx(EXPECTED["non_english_share"])
    assert (facts.busiest_hour, facts.busiest_hour_count) == EXPECTED["busiest_hour"]


def test_the_trend_has_one_point_per_day_of_the_last_week(loaded):
    app, _ = loaded
    report = _build(app)
    assert [p.day.isoformat() for p in report.trend] == [f"2026-11-{d}" for d in range(15, 22)]
    last, before = report.trend[-1], report.trend[-2]
    assert (last.by_source, last.cases_opened, last.cases_closed) == EXPECTED["trend_last"]
    assert (before.by_source, before.cases_opened, before.cases_closed) == (
        EXPECTED["trend_previous_day"]
    )
    assert all(not p.by_source for p in report.trend[:-2])
    assert _counts(last.sentiment) == EXPECTED["sentiment"]


def test_the_csv_holds_the_same_figures_one_tidy_row_each(loaded):
    app, _ = loaded
    rows = list(csv.DictReader(io.StringIO(render_csv(_build(app)))))
    assert {r["period"] for r in rows} == {"daily"}
    assert {r["start"] for r in rows} == {"2026-11-21T00:00:00+00:00"}
    by = {(r["section"], r["name"]): r for r in rows}
    assert (by["volume", "mentions"]["value"], by["volume", "mentions"]["previous"]) == ("8", "3")
    net = by["sentiment", "net"]
    assert (net["value"], net["previous"], net["change"]) == ("-50.0", "33.3", "-83.3")
    billing = by["theme_customers", "billing"]
    assert (billing["value"], billing["previous"], billing["change"]) == ("2", "1", "1")
    assert by["outcomes", "sla_breaches"]["value"] == "2"
    assert by["outcomes", "unanswered_low_ratings"]["value"] == "2"
    assert by["outcomes", "first_response_p90"]["value"] == "14400.0"
    assert by["outcomes", "resolution_rate"]["value"] == "1.0"
    assert (by["outcomes", "reopened"]["value"], by["outcomes", "reopen_rate"]["value"]) == (
        "1",
        "0.5",
    )  # c2 reopened, of c0 c3 closed (dataset EXPECTED["outcomes"])
    # EXPECTED["by_agent"]: the agent row holds the cases answered, one row per figure beside it
    assert [r["name"] for r in rows if r["section"] == "agent"] == ["U_ANA", "U_BEN", "(none)"]
    assert by["agent", "U_ANA"]["value"] == "2"
    assert by["agent_first_response_median", "U_ANA"]["value"] == "1800.0"
    assert by["agent_recovery_rate", "U_ANA"]["value"] == "0.5"
    assert by["agent_reopen_rate", "U_ANA"]["value"] == "0.0"
    assert by["agent_resolution_rate", "U_BEN"]["value"] == ""  # nothing closed: no rate
    assert by["template", "billing_refund"]["value"] == "1"
    assert by["template_recovery_rate", "billing_refund"]["value"] == "1.0"
    assert by["source", "reddit"]["change"] == "-1"
    assert by["language", "unknown"]["value"] == "1"
    assert float(by["facts", "non_english_share"]["value"]) == pytest.approx(3 / 7, abs=1e-4)


# --- the week [2026-11-16, 2026-11-23) that holds the day, against the week before --------------


def _build_week(app):
    period = period_for("weekly", now=NOW, on=DAY.date())
    assert (period.start.isoformat(), period.end.isoformat()) == (
        "2026-11-16T00:00:00+00:00",
        "2026-11-23T00:00:00+00:00",
    )
    with app.factory() as session:
        return build_report(session, app.config, period, now=NOW)


#: The day (`loaded`) and the week around it (`loaded_weeks`): fixture, builder, expectations.
PERIODS = pytest.mark.parametrize(
    ("data", "build", "expected"),
    [("loaded", _build, EXPECTED), ("loaded_weeks", _build_week, WEEKLY_EXPECTED)],
    ids=["day", "week"],
)


@PERIODS
def test_outcomes_sla_and_unanswered_reviews_match_the_hand_computed_figures(
    data, build, expected, request, db_url
):
    app, _ = request.getfixturevalue(data)  # on `db_url`: SQLite and PostgreSQL
    report = build(app)
    assert report.outcomes is not None
    for name, value in expected["outcomes"].items():
        assert getattr(report.outcomes, name) == pytest.approx(value), name
    assert (report.sla_breaches, report.sla_unanswered) == expected["sla"]
    assert report.unanswered_low_ratings == expected["unanswered_low_ratings"]


@PERIODS
def test_by_agent_and_by_template_rows_match_the_hand_computed_figures(
    data, build, expected, request, db_url
):
    app, _ = request.getfixturevalue(data)  # on `db_url`: SQLite and PostgreSQL
    report = build(app)
    _same_rows(_groups(report.by_agent), expected["by_agent"])
    _same_rows(_groups(report.by_template), expected["by_template"])


def test_weekly_themes_count_customers_with_the_change_vs_the_week_before(loaded_weeks):
    app, _ = loaded_weeks
    report = _build_week(app)
    assert [(t.topic, t.customers, t.previous, t.has_template) for t in report.themes] == (
        WEEKLY_EXPECTED["themes"]
    )
    assert [t.change for t in report.themes] == [1, 1, -1]


def test_weekly_volumes_sentiment_and_trend_match_the_hand_computed_week(loaded_weeks):
    app, _ = loaded_weeks
    report = _build_week(app)
    _assert_volumes(report, WEEKLY_EXPECTED)
    assert len(report.trend) == 28 and report.trend[0].day.isoformat() == "2026-10-26"
    busy = {
        p.day.isoformat(): (p.by_source, p.cases_opened, p.cases_closed)
        for p in report.trend
        if p.by_source or p.cases_opened or p.cases_closed
    }
    assert busy == WEEKLY_EXPECTED["trend"]
