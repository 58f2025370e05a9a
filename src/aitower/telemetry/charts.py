"""The dashboards' charts (server-rendered SVG from ``core/web/charts``) and the trace waterfall.

The waterfall is drawn here rather than in the shared charts: one bar per span on a common time
axis, indented by depth. Like every chart it is built with ``xml.etree`` (labels escaped by the
serializer) and carries no ``style`` attribute, so the Content-Security-Policy holds.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from markupsafe import Markup

from aitower.core.web import charts
from aitower.core.web.charts.svg import add_element, add_text, add_tooltip, svg_root
from aitower.telemetry.queries import Overview
from aitower.telemetry.trace_detail import SpanView, TraceDetail


def _finite(value: float | None) -> float:
    return math.nan if value is None else value


def requests_chart(view: Overview) -> Markup:
    requests = [(p.at, float(p.figures.requests)) for p in view.series]
    errors = [(p.at, float(p.figures.errors)) for p in view.series]
    return charts.time_series_svg(
        [charts.Series("requests", requests), charts.Series("errors", errors)],
        title="Requests and errors",
    )


def latency_chart(view: Overview) -> Markup:
    series = [
        charts.Series(name, [(p.at, _finite(getattr(p.figures, attr))) for p in view.series])
        for name, attr in (
            ("p50", "latency_p50_ms"),
            ("p95", "latency_p95_ms"),
            ("p99", "latency_p99_ms"),
        )
    ]
    return charts.time_series_svg(series, title="Latency (ms)", unit="ms")


def cost_chart(view: Overview) -> Markup:
    series = [charts.Series(c.name, c.points) for c in view.cost_by_system]
    return charts.time_series_svg(series, title="Cost per system (USD)", unit="USD")


def tokens_chart(view: Overview) -> Markup:
    return charts.time_series_svg(
        [
            charts.Series("input", [(p.at, float(p.figures.input_tokens)) for p in view.series]),
            charts.Series("output", [(p.at, float(p.figures.output_tokens)) for p in view.series]),
        ],
        title="Tokens",
    )


def models_chart(view: Overview) -> Markup:
    return charts.bar_chart_svg(
        [(m.model, m.cost) for m in view.models], title="Cost by model (USD)", horizontal=True
    )


ROW = 22
LABEL_WIDTH = 260
WIDTH = 960


def _bar_class(span: SpanView) -> str:
    kind = (
        span.span_type if span.span_type in ("llm", "embedding", "tool", "retriever") else "other"
    )
    return f"span-bar span-{kind}" + (" span-error" if span.error else "")


def _span_row(svg: ET.Element, span: SpanView, row: int, total_ms: float) -> None:
    y = 36 + row * ROW
    scale = (WIDTH - LABEL_WIDTH - 10) / total_ms if total_ms > 0 else 0.0
    link = add_element(svg, "a", href=f"#span-{span.span_id}")
    label = charts.shorten(span.name, 38 - 2 * min(span.depth, 8))
    add_text(link, 4 + 12 * min(span.depth, 8), y + 14, label)
    x = LABEL_WIDTH + max(span.offset_ms, 0.0) * scale
    width = max(max(span.duration_ms, 0.0) * scale, 2.0)
    bar = add_element(link, "rect", class_=_bar_class(span), x=x, y=y + 4, width=width, height=14)
    add_tooltip(
        bar,
        f"{span.name} · {span.span_type} · +{span.offset_ms:.1f} ms · {span.duration_ms:.1f} ms",
    )


def waterfall_svg(detail: TraceDetail) -> Markup:
    """The span tree as bars on the trace's time axis, each linking to its details below."""
    total = detail.span_total_ms
    height = 46 + len(detail.spans) * ROW
    svg = svg_root(
        "Span waterfall", WIDTH, height, f"{len(detail.spans)} spans over {total:.1f} ms"
    )
    svg.set("class", "waterfall")
    add_text(svg, LABEL_WIDTH, 32, "0 ms")
    add_text(svg, WIDTH - 10, 32, f"{total:.1f} ms", "end")
    for row, span in enumerate(detail.spans):
        _span_row(svg, span, row, total)
    return charts.to_markup(svg)
