"""Axis drawing shared by the chart kinds: value-axis gridlines and category labels.

Time series and both bar orientations share the value axis, vertical bars and heat maps
share the category labels under their columns; keeping them here spares each chart module a
copy and keeps the axes of different charts looking alike.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from aitower.core.web.charts.scales import LinearScale, format_tick
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    Box,
    add_line,
    add_text,
    add_tooltip,
    shorten,
    svg_number,
)


def draw_value_axis(
    svg: ET.Element, box: Box, ticks: Sequence[float], *, vertical: bool
) -> LinearScale:
    """Gridlines and labels for a value axis; returns its scale. ``data-value`` names each
    gridline so tests (and people reading the source) can find a value's pixel."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    if vertical:
        scale = LinearScale(ticks[0], ticks[-1], box.bottom, box.top)
    else:
        scale = LinearScale(ticks[0], ticks[-1], box.left, box.right)
    for tick in ticks:
        pos = scale(tick)
        label = format_tick(tick, step)
        css = "axis zero" if tick == 0 else "grid"
        if vertical:
            add_line(svg, css, box.left, pos, box.right, pos, data_value=repr(tick))
            add_text(svg, box.left - 6, pos + 4, label, "end")
        else:
            add_line(svg, css, pos, box.top, pos, box.bottom, data_value=repr(tick))
            add_text(svg, pos, box.bottom + 14, label, "middle")
    return scale


def tick_label_width(ticks: Sequence[float]) -> float:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(len(format_tick(t, step)) for t in ticks) * CHAR_WIDTH


def draw_category_labels(
    svg: ET.Element, labels: Sequence[str], centres: Sequence[float], y: float, rotate: bool
) -> None:
    """Labels under columns; rotated (and shortened) when they would overlap."""
    for label, cx in zip(labels, centres, strict=True):
        if rotate:
            turn = f"rotate(-40 {svg_number(cx)} {svg_number(y)})"
            text = add_text(svg, cx, y, shorten(label, 20), "end", transform=turn)
        else:
            text = add_text(svg, cx, y, label, "middle")
        add_tooltip(text, label)


def rotated_label_height(labels: Sequence[str]) -> float:
    """Height taken by labels rotated 40° (sin 40° ≈ 0.64, rounded up), at most 20 characters."""
    return min(20, max(len(label) for label in labels)) * CHAR_WIDTH * 0.7
