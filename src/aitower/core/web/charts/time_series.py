"""Line charts of named series over time (UTC), with their time axis and legend.

The only chart kind with a time axis and a legend, so both live here with it rather than
among the helpers the other charts share.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from markupsafe import Markup

from aitower.core.web.charts.axes import draw_value_axis, tick_label_width
from aitower.core.web.charts.scales import (
    LinearScale,
    all_whole,
    format_value,
    nice_ticks,
    time_label,
    time_ticks,
    value_domain,
)
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    TITLE_HEIGHT,
    Box,
    add_element,
    add_line,
    add_text,
    add_tooltip,
    no_data_svg,
    shorten,
    svg_number,
    svg_root,
    to_markup,
)

SERIES_CLASSES = 8  # app.css defines .series-0 … .series-7; further series reuse the colours
LEGEND_ROW = 18


@dataclass(frozen=True, slots=True)
class Series:
    """One named line of a time series chart.

    ``dashed`` draws it dashed (and so in the legend): an estimate beside a measurement.
    ``links`` maps a point's time to a page: the point becomes a link to it.
    """

    name: str
    points: Sequence[tuple[datetime, float]]
    dashed: bool = False
    links: Mapping[datetime, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Limit:
    """A horizontal reference line across a chart: a threshold, a floor, a ceiling."""

    name: str
    value: float


Cleaned = list[tuple[int, str, list[tuple[datetime, float]]]]


def _clean_series(series: Sequence[Series]) -> Cleaned:
    """Finite points in time order, keeping each series' index so its colour stays stable."""
    cleaned = []
    for index, one in enumerate(series):
        points = sorted(
            ((t.astimezone(UTC), float(v)) for t, v in one.points if math.isfinite(v)),
            key=lambda p: p[0],
        )
        if points:
            cleaned.append((index, one.name, points))
    return cleaned


def _legend_rows(names: Sequence[str], width: float) -> list[list[tuple[int, str, float]]]:
    """Legend entries (position, label, x) flowed into rows that fit the width."""
    rows: list[list[tuple[int, str, float]]] = [[]]
    x = 0.0
    for position, name in enumerate(names):
        label = shorten(name, 40)
        item_width = 18 + len(label) * CHAR_WIDTH + 14
        if rows[-1] and x + item_width > width:
            rows.append([])
            x = 0.0
        rows[-1].append((position, label, x))
        x += item_width
    return rows


def draw_legend(
    svg: ET.Element,
    entries: Sequence[tuple[int, str]],
    left: float,
    top: float,
    width: float,
    dashed: frozenset[int] = frozenset(),
) -> None:
    group = add_element(svg, "g", class_="legend")
    for row_number, row in enumerate(_legend_rows([name for _, name in entries], width)):
        y = top + row_number * LEGEND_ROW
        for position, label, x in row:
            index, full = entries[position]
            item = add_element(group, "g", class_="legend-item")
            add_tooltip(item, full)
            css = f"series-{index % SERIES_CLASSES}"
            if index in dashed:
                add_line(item, f"line dashed {css}", left + x, y + 5, left + x + 12, y + 5)
            else:
                add_element(item, "rect", class_=css, x=left + x, y=y, width=10, height=10)
            add_text(item, left + x + 15, y + 9, label)


def _time_domain(cleaned: Cleaned) -> tuple[datetime, datetime]:
    start = min(points[0][0] for _, _, points in cleaned)
    end = max(points[-1][0] for _, _, points in cleaned)
    if start == end:  # one instant: centre it in a day-wide axis
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    return start, end


def time_series_svg(
    series: Sequence[Series],
    *,
    title: str,
    width: float = 640,
    height: float = 260,
    include_zero: bool = True,
    unit: str = "",
    limits: Sequence[Limit] = (),
) -> Markup:
    """A line chart of one or more series over time (UTC), with gridlines, ticks and a legend.

    Non-finite values are dropped; a single point sits in the middle of a day-wide axis; a
    constant series gets an axis around its value. ``limits`` are drawn as labelled dashed
    lines, inside the value axis.
    """
    cleaned = _clean_series(series)
    if not cleaned:
        return no_data_svg(title, width, height)
    values = [v for _, _, points in cleaned for _, v in points]
    shown_limits = [limit for limit in limits if math.isfinite(limit.value)]
    domain = values + [limit.value for limit in shown_limits]
    ticks = nice_ticks(*value_domain(domain, include_zero=include_zero), integer=all_whole(domain))
    legend = [(index, name) for index, name, _ in cleaned]
    legend_height = len(_legend_rows([n for _, n in legend], width)) * LEGEND_ROW
    box = Box(
        tick_label_width(ticks) + 12, TITLE_HEIGHT + 6, width - 16, height - 26 - legend_height
    )
    svg = svg_root(title, width, height, f"{len(cleaned)} series, {len(values)} points")
    y = draw_value_axis(svg, box, ticks, vertical=True)
    start, end = _time_domain(cleaned)
    x = LinearScale(start.timestamp(), end.timestamp(), box.left, box.right)
    _time_axis(svg, box, x, start, end)
    for limit in shown_limits:
        _draw_limit(svg, box, y, limit)
    for index, name, points in cleaned:
        _draw_series(svg, series[index], (index, name), points, (x, y), unit)
    dashed = frozenset(index for index, _, _ in cleaned if series[index].dashed)
    draw_legend(svg, legend, box.left, box.bottom + 26, width - box.left, dashed)
    return to_markup(svg)


def _draw_limit(svg: ET.Element, box: Box, y: LinearScale, limit: Limit) -> None:
    pos = y(limit.value)
    group = add_element(svg, "g", class_="limit", data_limit=limit.name)
    add_tooltip(group, f"{limit.name}: {format_value(limit.value)}")
    add_line(group, "limit", box.left, pos, box.right, pos, data_value=repr(limit.value))
    add_text(group, box.right - 2, pos - 4, f"{limit.name} {format_value(limit.value)}", "end",
             class_="limit-label")  # fmt: skip


def _time_axis(svg: ET.Element, box: Box, x: LinearScale, start: datetime, end: datetime) -> None:
    add_line(svg, "axis", box.left, box.bottom, box.right, box.bottom)
    add_line(svg, "axis", box.left, box.top, box.left, box.bottom)
    ticks = time_ticks(start, end)
    for tick in ticks:
        pos = x(tick.timestamp())
        add_line(svg, "axis", pos, box.bottom, pos, box.bottom + 4)
        add_text(
            svg, pos, box.bottom + 16, time_label(tick, ticks), "middle", data_time=tick.isoformat()
        )


def _draw_series(
    svg: ET.Element,
    one: Series,
    which: tuple[int, str],
    points: Sequence[tuple[datetime, float]],
    scales: tuple[LinearScale, LinearScale],
    unit: str,
) -> None:
    (index, name), (x, y) = which, scales
    css = f"series-{index % SERIES_CLASSES}"
    extra = " dashed" if one.dashed else ""
    group = add_element(svg, "g", class_=f"series {css}{extra}", data_series=name)
    coords = [(x(t.timestamp()), y(v)) for t, v in points]
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{svg_number(px)},{svg_number(py)}"
        for i, (px, py) in enumerate(coords)
    )
    add_element(group, "path", class_=f"line {css}{extra}", d=path)
    # Smaller dots as points crowd together; each keeps its tooltip. A linked point gets a
    # larger dot: it is a target to click.
    radius = 3.0 if len(points) <= 20 else 2.0 if len(points) <= 60 else 1.5
    suffix = f" {unit}" if unit else ""
    for (t, v), (px, py) in zip(points, coords, strict=True):
        link = one.links.get(t)
        parent = group if link is None else add_element(group, "a", href=link, class_="point-link")
        dot = add_element(
            parent,
            "circle",
            class_=f"point {css}",
            cx=px,
            cy=py,
            r=radius if link is None else max(radius, 3.0),
            data_value=repr(v),
        )
        add_tooltip(dot, f"{name} · {t:%Y-%m-%d %H:%M} UTC · {format_value(v)}{suffix}")
