"""The executive report's charts, one function each, for the page and the PDF alike.

The page and the printed report call the same functions on the same ``ExecutiveReport``, so
the SVG in the PDF is the page's, byte for byte (a test holds this).

Why ``paint``: the charts colour their marks by class (``app.css``), but WeasyPrint applies a
document's CSS only to HTML, never inside an inline ``<svg>``, where only the SVG's own
``<style>`` counts, and a ``<style>`` in a page breaks the Content-Security-Policy. So each
chart also carries the colours ``app.css`` gives it as SVG presentation attributes (``fill``,
``stroke``, ``font-size``), which the CSP allows, which the page's CSS overrides (CSS outranks
presentation attributes, so the page looks as every other chart) and which WeasyPrint draws.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

from markupsafe import Markup

from aitower.core.web import charts
from aitower.core.web.charts.svg import SVG_NS
from aitower.portfolio.report_model import RISK_LEVELS, ExecutiveReport

# app.css: .chart .series-0 … .series-7
SERIES = ("#3b5bdb", "#e8590c", "#2b8a3e", "#ae3ec9", "#1098ad", "#f08c00", "#5c7cfa", "#d6336c")
INK, MUTED, LINE, GRID, BAD = "#1d2333", "#667085", "#e3e6ee", "#eef0f5", "#c92a2a"
TOP = 8


def _series_colour(classes: list[str]) -> str | None:
    for name in classes:
        if name.startswith("series-") and name[7:].isdigit():
            return SERIES[int(name[7:]) % len(SERIES)]
    return None


def _paint_element(element: ET.Element) -> None:
    tag = element.tag.rsplit("}", 1)[-1]
    classes = (element.get("class") or "").split()
    colour = _series_colour(classes)
    if tag == "text":
        title = "title" in classes
        element.set("font-family", "sans-serif")
        element.set("font-size", "13" if title else "11")
        if title:
            element.set("font-weight", "600")
        element.set("fill", INK if title or "value" in classes else MUTED)
        if "limit-label" in classes:
            element.set("fill", BAD)
    elif tag == "path" and "line" in classes:
        element.set("fill", "none")
        element.set("stroke", colour or INK)
        element.set("stroke-width", "2")
        if "dashed" in classes:
            element.set("stroke-dasharray", "6 4")
    elif tag == "line":
        if "limit" in classes:
            element.set("stroke", BAD)
            element.set("stroke-dasharray", "4 3")
        else:
            element.set("stroke", colour or (GRID if "grid" in classes else LINE))
    elif tag in ("rect", "circle") and colour is not None:
        fill = BAD if "negative" in classes else colour
        element.set("fill", fill)
        element.set("stroke", "#ffffff" if tag == "circle" else "none")


def paint(markup: Markup) -> Markup:
    """The chart with ``app.css``'s colours and fonts as presentation attributes."""
    ET.register_namespace("", SVG_NS)
    root = ET.fromstring(str(markup))  # noqa: S314 - our own serialised chart, not input
    for element in root.iter():
        _paint_element(element)
    return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704 - serialised by ET


def _at(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def cost_value_chart(report: ExecutiveReport) -> Markup:
    cost = [(_at(m.month), m.cost) for m in report.months]
    value = [(_at(m.month), m.value) for m in report.months]
    return paint(
        charts.time_series_svg(
            [charts.Series("Cost", cost), charts.Series("Value", value)],
            title="Cost and value per month (USD)",
            unit="USD",
        )
    )


def cost_by_source_chart(report: ExecutiveReport) -> Markup:
    series = [
        charts.Series(
            source, [(_at(m.month), m.cost_by_source.get(source, 0.0)) for m in report.months]
        )
        for source in report.sources
    ]
    return paint(charts.time_series_svg(series, title="Cost per month by source (USD)", unit="USD"))


def requests_chart(report: ExecutiveReport) -> Markup:
    points = [(_at(m.month), float(m.requests)) for m in report.months]
    return paint(
        charts.time_series_svg([charts.Series("Requests", points)], title="Requests per month")
    )


def users_chart(report: ExecutiveReport) -> Markup:
    points = [(_at(m.month), float(m.active_users)) for m in report.months]
    return paint(
        charts.time_series_svg(
            [charts.Series("Active users", points)],
            title="Active users per month (summed over systems)",
        )
    )


def top_cost_chart(report: ExecutiveReport) -> Markup:
    bars = [(s.name, s.cost) for s in report.top_by_cost(TOP)]
    return paint(
        charts.bar_chart_svg(bars, title="Top systems by cost, 12 months (USD)", horizontal=True)
    )


def top_roi_chart(report: ExecutiveReport) -> Markup:
    bars = [(s.name, round((s.roi or 0.0) * 100, 1)) for s in report.top_by_roi(TOP)]
    return paint(
        charts.bar_chart_svg(bars, title="Top systems by ROI, 12 months (%)", horizontal=True)
    )


def risk_chart(report: ExecutiveReport) -> Markup:
    bars = [(level, float(report.risks_by_level.get(level, 0))) for level in RISK_LEVELS]
    if not any(v for _, v in bars):
        bars = []
    return paint(charts.bar_chart_svg(bars, title="Open risks by residual level"))


def tier_chart(report: ExecutiveReport) -> Markup:
    bars = [(tier, float(n)) for tier, n in sorted(report.systems_by_tier.items())]
    return paint(charts.bar_chart_svg(bars, title="Systems by EU AI Act tier"))


def report_charts(report: ExecutiveReport) -> dict[str, Markup]:
    """Every chart of the report by name, in the order the page shows them."""
    return {
        "cost_value": cost_value_chart(report),
        "cost_by_source": cost_by_source_chart(report),
        "requests": requests_chart(report),
        "users": users_chart(report),
        "top_cost": top_cost_chart(report),
        "top_roi": top_roi_chart(report),
        "risks": risk_chart(report),
        "tiers": tier_chart(report),
    }
