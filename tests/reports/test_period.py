"""Report periods: a UTC day or a Monday-to-Sunday week, the previous one, sensible defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.reports import ReportError, period_for

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)  # a Sunday


def test_daily_defaults_to_yesterday_and_compares_with_the_day_before():
    period = period_for("daily", now=NOW)
    assert (period.start, period.end) == (
        datetime(2026, 11, 21, tzinfo=UTC),
        datetime(2026, 11, 22, tzinfo=UTC),
    )
    assert period.previous.start == datetime(2026, 11, 20, tzinfo=UTC)
    assert period.previous.end == period.start
    assert (period.label, period.slug) == ("2026-11-21", "daily-2026-11-21")


def test_weekly_is_the_iso_week_containing_the_date_and_defaults_to_last_week():
    given = period_for("weekly", now=NOW, on=date(2026, 11, 19))  # a Thursday
    assert given.start == datetime(2026, 11, 16, tzinfo=UTC)  # Monday
    assert given.end == datetime(2026, 11, 23, tzinfo=UTC)
    assert given.previous.start == datetime(2026, 11, 9, tzinfo=UTC)
    assert given.label == "2026-W47" and given.slug == "weekly-2026-11-16"
    last = period_for("weekly", now=NOW)
    assert last.start == datetime(2026, 11, 9, tzinfo=UTC)  # the last complete week


def test_unknown_kind_and_bad_date_are_report_errors():
    from monitor.reports.period import parse_date

    with pytest.raises(ReportError, match="daily or weekly"):
        period_for("monthly", now=NOW)
    with pytest.raises(ReportError, match="YYYY-MM-DD"):
        parse_date("21/11/2026")
