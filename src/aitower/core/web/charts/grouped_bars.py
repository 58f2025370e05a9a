"""Grouped bars: several series side by side per category, with optional reference lines.

For comparisons within a category: a feature's reference against its current distribution
per bin, or a group's selection rate, true- and false-positive rate side by side. A flagged
category (a group too small to judge) is drawn hatched-looking (class ``flagged``) and says so
in its tooltip and label; a missing value (a rate that is undefined for the group) leaves a
gap, never a zero bar.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence

from markupsafe import Markup

from aitower.core.web.charts.axes import (
    draw_category_labels,
    draw_value_axis,
    rotated_label_height,
    tick_label_width,
)
from aitower.core.web.charts.scales import format_value, nice_ticks, value_domain
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    TITLE_HEIGHT,
    Box,
    add_element,
    add_line,
    add_text,
    add_tooltip,
    clean_text,
    no_data_svg,
    svg_root,
    to_markup,
)
from aitower.core.web.charts.time_series import LEGEND_ROW, SERIES_CLASSES, Limit, draw_legend

BarValues = Sequence[float | None]


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def grouped_bar_chart_svg(
    categories: Sequence[str],
    series: Sequence[tuple[str, BarValues]],
    *,
    title: str,
    limits: Sequence[Limit] = (),
    flagged: Collection[int] = (),
    flag_note: str = "too small to judge",
    width: float = 640,
    height: float = 260,
    percent: bool = False,
    thin_labels: bool = False,
) -> Markup:
    """Bars of each series for each category, from zero; ``percent`` writes 0.25 as 25 %.

    ``flagged`` holds category indexes drawn as flagged; ``limits`` are reference lines.
    ``thin_labels`` (ordered bins of a number line, labelled "start–end"): instead of rotating
    crowded labels, write the start of every k-th bin only; each bar's tooltip keeps its label.
    """
    labels = [clean_text(c) for c in categories]
    values = [v for _, vs in series for v in vs if _finite(v)]
    if not labels or not values:
        return no_data_svg(title, width, height)
    domain = [float(v) for v in values if v is not None] + [limit.value for limit in limits]
    ticks = nice_ticks(*value_domain(domain))
    left = tick_label_width(ticks) + 12
    band = (width - 16 - left) / len(labels)
    shown = [f"{label} ({flag_note})" if i in flagged else label for i, label in enumerate(labels)]
    every = 1
    if thin_labels:
        shown = [label.split("–")[0] for label in shown]
        widest = max(len(label) for label in shown) * CHAR_WIDTH + 8
        every = max(1, math.ceil(widest / band))
    rotate = every == 1 and max(len(label) for label in shown) * CHAR_WIDTH > band
    bottom = 24 + (rotated_label_height(shown) if rotate else 0) + LEGEND_ROW + 8
    box = Box(left, TITLE_HEIGHT + 6, width - 16, height - bottom)
    svg = svg_root(title, width, height, f"{len(labels)} categories, {len(series)} series")
    y = draw_value_axis(svg, box, ticks, vertical=True)
    bar = band * 0.8 / max(1, len(series))
    for s, (name, bars) in enumerate(series):
        css = f"series-{s % SERIES_CLASSES}"
        group = add_element(svg, "g", class_=f"bars {css}", data_series=name)
        for i, value in enumerate(bars):
            if not _finite(value) or i >= len(labels):
                continue
            assert value is not None
            x = box.left + i * band + band * 0.1 + s * bar
            top, base = sorted((y(value), y(0.0)))
            extra = " flagged" if i in flagged else ""
            rect = add_element(
                group, "rect", class_=f"bar {css}{extra}", x=x, y=top, width=bar * 0.92,
                height=base - top, data_value=repr(value), data_category=labels[i],
            )  # fmt: skip
            text = f"{value * 100:.1f} %" if percent else format_value(value)
            note = f" ({flag_note})" if i in flagged else ""
            add_tooltip(rect, f"{labels[i]} · {name}: {text}{note}")
    for limit in limits:
        pos = y(limit.value)
        line = add_element(svg, "g", class_="limit", data_limit=limit.name)
        add_line(line, "limit", box.left, pos, box.right, pos, data_value=repr(limit.value))
        add_text(line, box.right - 2, pos - 4, f"{limit.name} {format_value(limit.value)}", "end",
                 class_="limit-label")  # fmt: skip
    kept = range(0, len(labels), every)
    centres = [box.left + i * band + (band / 2 if every == 1 else 0) for i in kept]
    draw_category_labels(svg, [shown[i] for i in kept], centres, box.bottom + 16, rotate)
    legend_top = height - LEGEND_ROW
    draw_legend(svg, [(s, name) for s, (name, _) in enumerate(series)], box.left, legend_top,
                 width - box.left)  # fmt: skip
    return to_markup(svg)
