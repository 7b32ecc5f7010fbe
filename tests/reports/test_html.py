"""summary.html stands alone (charts inlined), escapes customers' text, and has the PNGs beside it;
and a real headless Chromium shows its charts and tables on a phone-sized screen."""

from __future__ import annotations

import base64
import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from db.models import MentionRow
from db.session import transaction
from monitor.reports import build_report, period_for, write_outputs
from monitor.reports.html import safe_url
from tests.reports.dataset import DAY, NOW

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
PNG = b"\x89PNG\r\n\x1a\n"


def _write(app, directory: Path):
    period = period_for("daily", now=NOW, on=DAY.date())
    with app.factory() as session:
        report = build_report(session, app.config, period, now=NOW)
    return write_outputs(report, directory, brand="Acme")


def test_files_are_written_with_charts_inlined_and_user_text_escaped(loaded, tmp_path: Path):
    app, ids = loaded
    with transaction(app.factory) as session:  # URLs come from connectors: any scheme can arrive
        for key, url in (("m4", "javascript:alert(1)"), ("m6", " JavaScript:alert(2)")):
            session.execute(update(MentionRow).where(MentionRow.id == ids[key]).values(url=url))
    files, charts = _write(app, tmp_path / "out")
    assert sorted(p.name for p in files.directory.iterdir()) == [
        "cases.png",
        "net_sentiment.png",
        "sentiment.png",
        "summary.csv",
        "summary.html",
        "volume.png",
    ]
    html = files.html.read_text(encoding="utf-8")
    for chart, path in zip(charts, files.charts, strict=True):
        assert path.read_bytes().startswith(PNG)
        assert f"data:image/png;base64,{base64.b64encode(chart.png).decode()}" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "text of m1 &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html
    assert "2 customers asked about billing" in html
    assert "1 customer asked about app" in html and "1 customers" not in html
    assert "1 positive mention." in html
    assert "missing" in html  # roaming has no response template
    # dataset EXPECTED: c2 reopened of c0 c3 closed; by agent U_ANA, U_BEN, then c4 unassigned
    assert "<b>50 %</b><span>reopen rate (1 reopened, against 2 closed)</span>" in html
    agents = re.search(r"<h3>By agent</h3>.*?</table>", html, re.S)
    assert agents is not None
    assert re.findall(r"<tr><td>([^<]*)</td>", agents.group(0)) == ["U_ANA", "U_BEN", "unassigned"]
    assert (
        '<td>U_ANA</td><td class="num">2</td><td class="num">30 min</td><td class="num">100 %</td>'
        '<td class="num">50 %</td><td class="num">0 %</td>'
    ) in agents.group(0)
    assert "<td>no template</td>" in html
    assert '<a href="https://example.com/m1" rel="noopener noreferrer">' in html
    # m4 (an influential post) and m6 (praise) are still quoted, as text without a link.
    assert "text of m4 &lt;b&gt;bold&lt;/b&gt;</p>" in html
    assert "text of m6 &lt;b&gt;bold&lt;/b&gt;” — u_redditor</p>" in html
    assert "javascript:" not in html.lower()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("https://example.com/") for h in hrefs)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
        ("HTTP://example.com/x", "HTTP://example.com/x"),
        (" https://example.com/x ", "https://example.com/x"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("https://example.com/\njavascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("https:alert(1)", None),  # no host
        ("//evil.example/x", None),  # scheme-relative: whatever the page was opened with
        ("/relative/path", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_and_https_urls_become_links(url, expected):
    assert safe_url(url) == expected


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def test_chromium_shows_the_charts_and_tables_on_a_phone(loaded, tmp_path: Path):
    if not CHROMIUM.exists():
        if _ci():
            pytest.fail("/usr/bin/chromium is missing, and CI is set: the browser check must run")
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    app, _ = loaded
    files, charts = _write(app, tmp_path / "out")
    shot = tmp_path / "summary-phone.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            page.goto(files.html.resolve().as_uri())
            images = page.locator("figure img")
            assert images.count() == len(charts) == 4
            for index in range(images.count()):
                image = images.nth(index)
                image.scroll_into_view_if_needed()
                assert image.is_visible()
                natural = image.evaluate("img => [img.complete, img.naturalWidth]")
                assert natural == [True, charts[index].size[0]] and natural[1] > 0
                box = image.bounding_box()
                assert box is not None and 0 < box["width"] <= 390  # scaled to the screen
            tables = page.locator("table")
            assert tables.count() == 5  # by agent, by template, by source, by language, themes
            posts = page.locator("ol.posts li")
            assert posts.count() == 5 and posts.first.is_visible()
            assert posts.first.inner_text().startswith("text of m1 <b>bold</b>")
            for index in range(tables.count()):
                assert tables.nth(index).is_visible()
            assert page.locator("table.breakdown tbody tr").first.inner_text().startswith("x")
            # Nothing wider than the phone but the tables' own scroll boxes.
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 390
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.read_bytes().startswith(PNG)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(shot, ARTIFACTS / f"report-daily-{app.engine.dialect.name}.png")
