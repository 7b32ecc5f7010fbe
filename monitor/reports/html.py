"""`summary.html`: one self-contained page (charts inlined as data URIs), readable on a phone.

The page is rendered by Jinja2's sandbox with autoescape on: it quotes customers' posts, which
must never become markup or script in the reader's browser. Escaping does not make a link safe
(`javascript:` survives it), so every href goes through `safe_url` as well.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from monitor.metrics import NO_GROUP
from monitor.reports import fmt
from monitor.reports.charts import Chart
from monitor.reports.model import Report

TEMPLATES = Path(__file__).resolve().parent / "templates"
LINK_SCHEMES = frozenset({"http", "https"})


def safe_url(url: str | None) -> str | None:
    """The URL if a reader may follow it (http or https to a host), else None: post URLs come
    from connectors, and a `javascript:` or `data:` one would run in the reader's browser."""
    if not url:
        return None
    url = url.strip()
    if any(not ch.isprintable() or ch.isspace() for ch in url):
        return None  # browsers drop tabs and newlines, so "java\tscript:" would still run
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in LINK_SCHEMES and parts.netloc else None


def environment(directory: Path = TEMPLATES) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        percent=fmt.percent,
        duration=fmt.duration,
        signed=fmt.signed,
        points=fmt.points,
        hour=fmt.hour,
        safe_url=safe_url,
    )
    env.globals["NO_GROUP"] = NO_GROUP  # the agent / template row of cases without one
    return env


def render_html(report: Report, charts: list[Chart], *, brand: str | None = None) -> str:
    inlined = [
        {
            "title": chart.title,
            "filename": chart.filename,
            "width": chart.size[0],
            "height": chart.size[1],
            "src": "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii"),
        }
        for chart in charts
    ]
    template = environment().get_template("summary.html.j2")
    return template.render(report=report, charts=inlined, brand=brand)
