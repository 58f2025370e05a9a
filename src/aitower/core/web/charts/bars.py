"""Bar charts: vertical or horizontal bars from a zero baseline, one per category.

Kept as its own module because bars lay out categories rather than time, and the two
orientations need their own margins and label placement.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from markupsafe import Markup

from aitower.core.web.charts.axes import (
    draw_category_labels,
    draw_value_axis,
    rotated_label_height,
    tick_label_width,
)
from aitower.core.web.charts.scales import all_whole, format_value, nice_ticks, value_domain
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    TITLE_HEIGHT,
    Box,
    add_element,
    add_text,
    add_tooltip,
    clean_text,
    no_data_svg,
    shorten,
    svg_root,
    to_markup,
)


def _bar_rect(
    parent: ET.Element, geometry: tuple[float, float, float, float], label: str, value: float
) -> None:
    x, y, w, h = geometry
    css = "bar series-0" + (" negative" if value < 0 else "")
    rect = add_element(
        parent, "rect", class_=css, x=x, y=y, width=w, height=h, data_value=repr(value)
    )
    add_tooltip(rect, f"{label}: {format_value(value)}")


def bar_chart_svg(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    horizontal: bool = False,
    width: float = 640,
    height: float | None = None,
) -> Markup:
    """Bars from a zero baseline, categories in the given order; negative values go the other
    way from the baseline. Horizontal charts size their height to the number of bars."""
    data = [(clean_text(label), float(v)) for label, v in bars if math.isfinite(v)]
    if not data:
        return no_data_svg(title, width, height or 260)
    values = [v for _, v in data]
    ticks = nice_ticks(*value_domain(values), integer=all_whole(values))
    if horizontal:
        return _horizontal_bars(data, ticks, title, width, height)
    return _vertical_bars(data, ticks, title, width, height or 260)


def _vertical_bars(
    data: Sequence[tuple[str, float]],
    ticks: Sequence[float],
    title: str,
    width: float,
    height: float,
) -> Markup:
    labels = [label for label, _ in data]
    left = tick_label_width(ticks) + 12
    band = (width - 16 - left) / len(data)
    rotate = max(len(label) for label in labels) * CHAR_WIDTH > band
    bottom = 24 + (rotated_label_height(labels) if rotate else 0)
    box = Box(left, TITLE_HEIGHT + 6, width - 16, height - bottom)
    svg = svg_root(title, width, height, f"{len(data)} bars")
    y = draw_value_axis(svg, box, ticks, vertical=True)
    group = add_element(svg, "g", class_="bars")
    centres = []
    for i, (label, value) in enumerate(data):
        x = box.left + i * band + band * 0.15
        top, base = sorted((y(value), y(0.0)))
        _bar_rect(group, (x, top, band * 0.7, base - top), label, value)
        centres.append(x + band * 0.35)
    draw_category_labels(svg, labels, centres, box.bottom + 16, rotate)
    return to_markup(svg)


def _horizontal_bars(
    data: Sequence[tuple[str, float]],
    ticks: Sequence[float],
    title: str,
    width: float,
    height: float | None,
) -> Markup:
    max_chars = min(30, max(len(label) for label, _ in data))
    left = max(40.0, max_chars * CHAR_WIDTH + 14)
    right = 16 + 8 * CHAR_WIDTH  # room for the value written after the longest bar
    height = height or TITLE_HEIGHT + 6 + 26 * len(data) + 26
    box = Box(left, TITLE_HEIGHT + 6, width - right, height - 26)
    band = (box.bottom - box.top) / len(data)
    svg = svg_root(title, width, height, f"{len(data)} bars")
    x = draw_value_axis(svg, box, ticks, vertical=False)
    group = add_element(svg, "g", class_="bars")
    for i, (label, value) in enumerate(data):
        y = box.top + i * band + band * 0.15
        start, stop = sorted((x(0.0), x(value)))
        _bar_rect(group, (start, y, stop - start, band * 0.7), label, value)
        mid = y + band * 0.35 + 4
        add_tooltip(add_text(svg, box.left - 6, mid, shorten(label, max_chars), "end"), label)
        after = 4 if value >= 0 else -4
        add_text(
            svg,
            x(value) + after,
            mid,
            format_value(value),
            "start" if value >= 0 else "end",
            class_="value",
        )
    return to_markup(svg)
