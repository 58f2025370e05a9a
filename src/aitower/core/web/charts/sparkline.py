"""Sparklines: a row's trend in a table cell, without axes, title text or legend.

A sparkline answers "is this going up, and when was it bad?" at a glance: the line of the
values in time order, flagged points (e.g. a feature's drifted runs) as red dots, the last
value as a dot. Missing values break the line rather than being drawn as zero. The exact
numbers are in each point's tooltip and in the page the row links to.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from aitower.core.web.charts.scales import LinearScale, format_value
from aitower.core.web.charts.svg import (
    SVG_NS,
    add_element,
    add_tooltip,
    clean_text,
    svg_number,
    to_markup,
)


@dataclass(frozen=True, slots=True)
class SparkPoint:
    at: datetime
    value: float | None
    flagged: bool = False


def _root(label: str, width: float, height: float, summary: str) -> ET.Element:
    svg = ET.Element("svg")
    for key, value in {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {svg_number(width)} {svg_number(height)}",
        "width": svg_number(width),
        "height": svg_number(height),
        "role": "img",
        "aria-label": clean_text(f"{label}: {summary}"),
        "class": "sparkline",
    }.items():
        svg.set(key, value)
    add_tooltip(svg, label)
    return svg


def _segments(coords: Sequence[tuple[float, float] | None]) -> str:
    """An SVG path of the points, a new segment after each missing value."""
    parts, pen_down = [], False
    for point in coords:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{svg_number(point[0])},{svg_number(point[1])}")
        pen_down = True
    return " ".join(parts)


def sparkline_svg(
    points: Sequence[SparkPoint],
    *,
    label: str,
    width: float = 120,
    height: float = 28,
    reference: float | None = None,
) -> Markup:
    """A small line of ``points`` (oldest first); ``reference`` draws a faint level line (a
    threshold). An empty or all-missing input gives an empty box with "no data" as its label.
    """
    finite = [p.value for p in points if p.value is not None and math.isfinite(p.value)]
    summary = f"{len(finite)} points" if finite else "no data"
    svg = _root(label, width, height, summary)
    if not finite:
        return to_markup(svg)
    levels = finite + ([reference] if reference is not None else [])
    lo, hi = min(levels), max(levels)
    if hi == lo:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 3.0
    x = LinearScale(0, max(1, len(points) - 1), pad, width - pad)
    y = LinearScale(lo, hi, height - pad, pad)
    if reference is not None:
        level = y(reference)
        add_element(
            svg, "line", class_="spark-reference", x1=pad, x2=width - pad, y1=level, y2=level
        )
    coords = [
        None if p.value is None or not math.isfinite(p.value) else (x(i), y(p.value))
        for i, p in enumerate(points)
    ]
    add_element(svg, "path", class_="spark-line", d=_segments(coords))
    last = max(i for i, c in enumerate(coords) if c is not None)
    for i, (point, coord) in enumerate(zip(points, coords, strict=True)):
        if coord is None or not (point.flagged or i == last):
            continue
        css = "spark-point flagged" if point.flagged else "spark-point"
        dot = add_element(svg, "circle", class_=css, cx=coord[0], cy=coord[1], r=2.0)
        value = format_value(point.value) if point.value is not None else "—"
        note = " (flagged)" if point.flagged else ""
        add_tooltip(dot, f"{point.at:%Y-%m-%d %H:%M} UTC · {value}{note}")
    return to_markup(svg)
