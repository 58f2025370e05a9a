"""The spend page's charts as server-side SVG: stacked bars of cost per period and group, and
a budget's burn-down (cumulative actual, forecast with its band, budget and soft lines).

Built with the core's chart helpers (``core.web.charts``): escaped labels, a tooltip on every
bar, no inline style (colours are the ``series-N`` classes of ``app.css``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from markupsafe import Markup

from aitower.core.web import charts
from aitower.core.web.charts.axes import (
    draw_category_labels,
    draw_value_axis,
    rotated_label_height,
    tick_label_width,
)
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    TITLE_HEIGHT,
    Box,
    add_element,
    add_tooltip,
    clean_text,
    no_data_svg,
    svg_root,
    to_markup,
)
from aitower.core.web.charts.time_series import LEGEND_ROW, SERIES_CLASSES, draw_legend
from aitower.core.web.money import format_usd
from aitower.spend.over_time import CostReport


def stacked_bars_svg(report: CostReport, *, title: str, width: float = 760) -> Markup:
    """A bar per period, stacked by group (the largest groups, the rest as one)."""
    groups = report.top()
    labels = [clean_text(label) for label in report.labels]
    totals = report.totals
    if not labels or not groups or max(totals, default=0.0) <= 0:
        return no_data_svg(title, width, 300)
    ticks = charts.nice_ticks(*charts.value_domain([0.0, max(totals)]))
    band_width = (width - 16 - tick_label_width(ticks) - 12) / len(labels)
    rotate = max(len(label) for label in labels) * CHAR_WIDTH > band_width
    names = [clean_text(g.label) for g in groups]
    flow = sum(32 + min(len(n), 40) * CHAR_WIDTH for n in names)
    legend_height = LEGEND_ROW * (math.ceil(flow / (width - 80)) + 1)
    height = 300 + legend_height
    bottom = 24 + (rotated_label_height(labels) if rotate else 0) + legend_height
    box = Box(tick_label_width(ticks) + 12, TITLE_HEIGHT + 6, width - 16, height - bottom)
    svg = svg_root(title, width, height, f"{len(labels)} periods, {len(groups)} groups")
    y = draw_value_axis(svg, box, ticks, vertical=True)
    band = (box.right - box.left) / len(labels)
    layer = add_element(svg, "g", class_="bars stacked")
    centres = []
    for i, period in enumerate(labels):
        x, base = box.left + i * band + band * 0.15, 0.0
        for k, group in enumerate(groups):
            value = group.amounts[i]
            if value <= 0:
                continue
            top, bottom_y = y(base + value), y(base)
            rect = add_element(
                layer, "rect", class_=f"bar series-{k % SERIES_CLASSES}", x=x, y=top,
                width=band * 0.7, height=max(bottom_y - top, 0.0), data_value=repr(value),
            )  # fmt: skip
            add_tooltip(rect, f"{period} · {names[k]}: {format_usd(value)}")
            base += value
        centres.append(x + band * 0.35)
    draw_category_labels(svg, labels, centres, box.bottom + 16, rotate)
    legend = list(enumerate(names))
    draw_legend(svg, legend, box.left, height - legend_height + LEGEND_ROW - 6, width - box.left)
    return to_markup(svg)


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def burn_down_svg(
    actual: Sequence[tuple[date, float]],
    projected: Sequence[tuple[date, float, float | None, float | None]],
    *,
    budget: float,
    soft: float,
    title: str,
) -> Markup:
    """Cumulative spend by day, its forecast to the period's end (dashed) with the interval's
    bounds (dashed), and the budget and soft thresholds as lines."""
    joined = [(_moment(d), v) for d, v in actual]
    start = joined[-1:] if joined else []
    series = [charts.Series("Spent", joined)]
    if projected:
        series.append(
            charts.Series("Forecast", start + [(_moment(d), p) for d, p, _, _ in projected], True)
        )
        lows = [(_moment(d), lo) for d, _, lo, _ in projected if lo is not None]
        highs = [(_moment(d), hi) for d, _, _, hi in projected if hi is not None]
        if lows and highs:
            series.append(charts.Series("Interval low", start + lows, True))
            series.append(charts.Series("Interval high", start + highs, True))
    limits = [charts.Limit("Budget", budget), charts.Limit("Soft threshold", soft)]
    return charts.time_series_svg(series, title=title, unit="USD", limits=limits, width=760)
