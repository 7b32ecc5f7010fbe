"""The report's charts as PNG bytes, drawn with matplotlib's Agg canvas (no display, no pyplot
state shared between threads), sized to read on a phone."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from monitor.reports.model import Report

SIZE = (5.6, 3.5)  # inches; at 150 dpi 840 × 525 px, with text still legible on a phone
DPI = 150
SENTIMENT_COLOURS = {"negative": "#d64545", "neutral": "#a0a7b4", "positive": "#3a9d5d"}
PALETTE = ("#3b6fb6", "#e39b2d", "#6a4fb3", "#2a9d8f", "#c9557a", "#7f8c8d", "#b5a33a")


@dataclass(frozen=True, slots=True)
class Chart:
    name: str  # file name without .png
    title: str
    png: bytes

    @property
    def filename(self) -> str:
        return f"{self.name}.png"

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels, from the PNG header."""
        return int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")


def render_charts(report: Report) -> list[Chart]:
    """Volume by source (the main chart, posted to Slack), sentiment share, net sentiment, and
    cases opened vs. closed, one point per day of the trend window."""
    drawings: list[tuple[str, str, Callable[[Axes, Report], None]]] = [
        ("volume", "Mentions per day by source", _volume),
        ("sentiment", "Sentiment share per day", _sentiment_share),
        ("net_sentiment", "Net sentiment per day (positive − negative, % of mentions)", _net),
        ("cases", "Cases opened vs. closed per day", _cases),
    ]
    return [Chart(name, title, _draw(title, draw, report)) for name, title, draw in drawings]


def _draw(title: str, draw: Callable[[Axes, Report], None], report: Report) -> bytes:
    figure = Figure(figsize=SIZE, dpi=DPI)
    # Fixed margins: a layout engine would cost more than drawing the chart itself.
    figure.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.1)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    draw(axes, report)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _days(report: Report) -> list[str]:
    return [point.day.strftime("%d %b") for point in report.trend]


def _tick(axes: Axes, labels: list[str]) -> None:
    step = max(1, len(labels) // 10)
    positions = list(range(0, len(labels), step))
    axes.set_xticks(positions, [labels[i] for i in positions], fontsize=8)


def _volume(axes: Axes, report: Report) -> None:
    days = _days(report)
    x = list(range(len(days)))
    bottom = [0] * len(days)
    for index, source in enumerate(report.sources):
        values = [point.by_source.get(source, 0) for point in report.trend]
        axes.bar(
            x, values, bottom=bottom, label=source, color=PALETTE[index % len(PALETTE)], width=0.8
        )
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    _tick(axes, days)
    axes.margins(y=0.25)  # room for the legend above the tallest bar
    if report.sources:
        axes.legend(fontsize=8, frameon=False, ncols=min(4, len(report.sources)))
    else:
        _empty(axes)


def _sentiment_share(axes: Axes, report: Report) -> None:
    days = _days(report)
    x = list(range(len(days)))
    bottom = [0.0] * len(days)
    for label, colour in SENTIMENT_COLOURS.items():
        values = [100 * (point.sentiment.share(label) or 0.0) for point in report.trend]
        axes.bar(x, values, bottom=bottom, label=label, color=colour, width=0.8)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_ylim(0, 118)  # the legend sits above the 100 % line
    axes.set_yticks(range(0, 101, 20))
    axes.set_ylabel("% of mentions")
    _tick(axes, days)
    axes.legend(fontsize=8, frameon=False, ncols=3, loc="upper left")


def _net(axes: Axes, report: Report) -> None:
    days = _days(report)
    points = [
        (i, p.sentiment.net) for i, p in enumerate(report.trend) if p.sentiment.net is not None
    ]
    axes.axhline(0, color="#555", linewidth=0.8)
    if points:
        xs, ys = zip(*points, strict=True)
        axes.plot(xs, ys, marker="o", color="#3b6fb6", linewidth=2)
        for x, y in points[-1:]:
            axes.annotate(f"{y:+.0f}", (x, y), textcoords="offset points", xytext=(0, 8))
    else:
        _empty(axes)
    axes.set_xlim(-0.5, len(days) - 0.5)
    axes.set_ylim(-100, 100)
    _tick(axes, days)


def _cases(axes: Axes, report: Report) -> None:
    days = _days(report)
    x = list(range(len(days)))
    opened = [p.cases_opened for p in report.trend]
    closed = [p.cases_closed for p in report.trend]
    axes.bar([i - 0.2 for i in x], opened, width=0.4, label="opened", color="#e39b2d")
    axes.bar([i + 0.2 for i in x], closed, width=0.4, label="closed", color="#3b6fb6")
    _tick(axes, days)
    axes.margins(y=0.25)
    axes.legend(fontsize=8, frameon=False, ncols=2, loc="upper left")


def _empty(axes: Axes) -> None:
    axes.text(0.5, 0.5, "no data", transform=axes.transAxes, ha="center", color="#777")
