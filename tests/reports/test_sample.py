"""The daily and weekly reports on the bundled sample (samples/mentions.jsonl), imported with a
fixed clock. The day's volumes and unanswered ≤3★ reviews are counted by hand from the file
(lines of the day, less the brand's `exclude` noise); every figure must also agree with a plain
Python recount over the stored rows, a different path from the report's GROUP BY queries."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from connectors.filereader import RecordReader
from db.models import Author, Case, MentionRow
from monitor.app import App
from monitor.config import parse_config
from monitor.reports import build_report, period_for, write_outputs
from tests.support import NOW

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "mentions.jsonl"


@pytest.fixture
def sample_app(db_url: str, tmp_path: Path):
    shipped = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data = {key: shipped[key] for key in ("brands", "scoring", "ranking", "topics", "routing")}
    data["database"] = {"url": db_url}
    data["reports"] = shipped["reports"]
    config = parse_config(data, base_dir=tmp_path, env={})
    app = App.open(config, clock=lambda: NOW, upgrade=True)
    with SAMPLE.open("rb") as stream:
        reader = RecordReader(stream, fmt="jsonl", connector="demo")
        while not reader.eof:
            app.pipeline.ingest(reader.read(500))
    yield app
    app.close()


def _from_file(start: str, end: str) -> list[dict]:
    """The sample's lines in [start, end) without the brand's exclude terms (plain substring
    match: close enough for the hand-checked day, whose two noise posts are cartoon fans)."""
    shipped = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    exclude = [term.lower() for term in shipped["brands"][0]["exclude"]]
    lines = [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines()]
    return [
        r
        for r in lines
        if start <= r["created_at"][:10] < end
        and not any(term in r["text"].lower() for term in exclude)
    ]


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "hand"),
    [
        # 21 Nov: 17 on X (two are Looney Tunes noise), 6 RSS, 3 Google Play, 2 App Store
        (
            "daily",
            "2026-11-21",
            "2026-11-21",
            "2026-11-22",
            {"x": 15, "rss": 6, "googleplay": 3, "appstore": 2},
        ),
        ("weekly", "2026-11-18", "2026-11-16", "2026-11-23", None),
    ],
)
def test_sample_report_volumes_agree_with_the_file_and_a_recount(
    sample_app, tmp_path, kind, day, start, end, hand
):
    from datetime import date

    period = period_for(kind, now=NOW, on=date.fromisoformat(day))
    assert period.start.date().isoformat() == start
    with sample_app.factory() as session:
        report = build_report(session, sample_app.config, period, now=NOW)
        stored = session.execute(
            select(MentionRow, Author.followers, Case.replied_at)
            .outerjoin(Author, Author.id == MentionRow.author_id)
            .outerjoin(Case, Case.id == MentionRow.case_id)
            .where(MentionRow.created_at >= period.start, MentionRow.created_at < period.end)
        ).all()

    rows = [m for m, _, _ in stored]
    if hand is not None:  # by hand from the file: the day's lines less the brand's noise
        from_file = _from_file(start, end)
        assert Counter(r["source"] for r in from_file) == hand
        low = [r for r in from_file if r.get("rating") is not None and r["rating"] <= 3]
        assert report.unanswered_low_ratings == len(low) == 1  # nothing answered yet
    by_source = Counter(m.source for m in rows)
    assert {b.name: b.now.total for b in report.by_source if b.now.total} == dict(by_source)
    assert report.sentiment.total == len(rows)
    low_stored = [m for m, _, replied in stored if m.rating is not None and m.rating <= 3]
    assert report.unanswered_low_ratings == len(low_stored) > 0
    labels = Counter(m.label for m in rows)
    assert (report.sentiment.negative, report.sentiment.neutral, report.sentiment.positive) == (
        labels["negative"],
        labels["neutral"],
        labels["positive"],
    )
    net = round(100 * (labels["positive"] - labels["negative"]) / len(rows), 1)
    assert report.sentiment.net == net
    langs = Counter(m.lang or "unknown" for m in rows)
    assert {b.name: b.now.total for b in report.by_lang if b.now.total} == dict(langs)
    customers: dict[str, set] = {}
    for m in rows:
        if m.topic and m.author_id is not None:
            customers.setdefault(m.topic, set()).add(m.author_id)
    assert {t.topic: t.customers for t in report.themes if t.customers} == {
        topic: len(ids) for topic, ids in customers.items()
    }
    hours = Counter(m.created_at.hour for m in rows)
    top = max(hours.values())
    assert report.facts.busiest_hour == min(h for h, n in hours.items() if n == top)
    negatives = sorted(
        ((f if f is not None else -1, m.priority if m.priority is not None else -1.0, -m.id), m)
        for m, f, _ in stored
        if m.label == "negative"
    )
    assert [p.url for p in report.influential] == [m.url for _, m in negatives[::-1][:5]]
    # Cases were opened at import time (NOW): after the daily period, inside the weekly one.
    assert report.outcomes is not None
    with sample_app.factory() as session:
        cases = len(session.scalars(select(Case.id)).all())
    assert report.outcomes.opened == (cases if kind == "weekly" else 0) and cases > 20
    assert report.outcomes.responded == 0

    files, _ = write_outputs(report, tmp_path / period.slug)
    assert files.html.stat().st_size > 10_000 and len(files.charts) == 4
