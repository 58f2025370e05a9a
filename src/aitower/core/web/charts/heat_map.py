"""Heat maps: a grid of rows by columns coloured by value, with a colour-scale legend.

Kept as its own module because it is the one chart drawn with computed fills (see
``colours``) and a gradient legend instead of a value axis.
"""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

from aitower.core.web.charts.axes import draw_category_labels, rotated_label_height
from aitower.core.web.charts.colours import EMPTY_FILL, heat_colour, heat_rgb, hex_colour, is_dark
from aitower.core.web.charts.scales import format_value
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    TITLE_HEIGHT,
    Box,
    add_element,
    add_text,
    add_tooltip,
    no_data_svg,
    shorten,
    svg_root,
    to_markup,
)


def heat_map_svg(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Mapping[tuple[str, str], float],
    *,
    title: str,
    width: float = 640,
    cell_height: float = 26,
    value_format: Callable[[float], str] = format_value,
) -> Markup:
    """A grid of rows by columns coloured by value, with a colour-scale legend on the right.

    Missing cells are outlined, not filled (titled "no data"); the scale is sequential, or
    diverging around zero when values have both signs (see ``heat_rgb``).
    """
    row_labels, col_labels = list(dict.fromkeys(rows)), list(dict.fromkeys(columns))
    known = set(row_labels), set(col_labels)
    present = [
        v for (r, c), v in values.items() if r in known[0] and c in known[1] and math.isfinite(v)
    ]
    if not present:
        return no_data_svg(title, width, 260)
    max_chars = min(28, max(len(label) for label in row_labels))
    left = max(40.0, max_chars * CHAR_WIDTH + 14)
    cell_width = (width - left - 80) / len(col_labels)
    rotate = max(len(label) for label in col_labels) * CHAR_WIDTH > cell_width
    box = Box(left, TITLE_HEIGHT + 6, width - 80, TITLE_HEIGHT + 6 + cell_height * len(row_labels))
    height = box.bottom + 24 + (rotated_label_height(col_labels) if rotate else 0)
    svg = svg_root(title, width, height, f"{len(row_labels)} rows by {len(col_labels)} columns")
    grid = add_element(svg, "g", class_="cells")
    domain = (min(present), max(present))
    for i, row in enumerate(row_labels):
        y = box.top + i * cell_height
        add_tooltip(
            add_text(svg, box.left - 6, y + cell_height / 2 + 4, shorten(row, max_chars), "end"),
            row,
        )
        for j, col in enumerate(col_labels):
            cell = (box.left + j * cell_width, y, cell_width, cell_height)
            _heat_cell(grid, cell, (row, col), values.get((row, col)), domain, value_format)
    centres = [box.left + (j + 0.5) * cell_width for j in range(len(col_labels))]
    draw_category_labels(svg, col_labels, centres, box.bottom + 16, rotate)
    _colour_legend(svg, box, domain, value_format, title)
    return to_markup(svg)


def _heat_cell(
    grid: ET.Element,
    cell: tuple[float, float, float, float],
    key: tuple[str, str],
    value: float | None,
    domain: tuple[float, float],
    value_format: Callable[[float], str],
) -> None:
    x, y, w, h = cell
    box = {"x": x + 1, "y": y + 1, "width": max(0.0, w - 2), "height": max(0.0, h - 2)}
    if value is None or not math.isfinite(value):
        rect = add_element(grid, "rect", class_="cell empty", fill=EMPTY_FILL, **box)
        add_tooltip(rect, f"{key[0]} · {key[1]}: no data")
        return
    rgb = heat_rgb(value, *domain)
    rect = add_element(
        grid, "rect", class_="cell", fill=hex_colour(rgb), data_value=repr(value), **box
    )
    text = value_format(value)
    add_tooltip(rect, f"{key[0]} · {key[1]}: {text}")
    if len(text) * CHAR_WIDTH + 6 <= w and h >= 16:
        css = "cell-label on-dark" if is_dark(rgb) else "cell-label on-light"
        add_text(grid, x + w / 2, y + h / 2 + 4, text, "middle", class_=css)


def _colour_legend(
    svg: ET.Element,
    box: Box,
    domain: tuple[float, float],
    value_format: Callable[[float], str],
    title: str,
) -> None:
    """A vertical gradient from the lowest (bottom) to the highest value (top).

    The gradient's id is derived from the chart, so two heat maps on one page do not clash.
    """
    lo, hi = domain
    gradient_id = "heat-" + hashlib.sha256(f"{title}|{lo}|{hi}".encode()).hexdigest()[:10]
    gradient = add_element(
        add_element(svg, "defs"), "linearGradient", id=gradient_id, x1=0, y1=1, x2=0, y2=0
    )
    offsets = [0.0, 0.25, 0.5, 0.75, 1.0]
    if lo < 0 < hi:
        offsets = sorted({*offsets, -lo / (hi - lo)})
    for offset in offsets:
        add_element(
            gradient, "stop", offset=offset, stop_color=heat_colour(lo + (hi - lo) * offset, lo, hi)
        )
    x, height = box.right + 16, max(40.0, box.bottom - box.top)
    legend = add_element(svg, "g", class_="colour-legend")
    add_element(
        legend,
        "rect",
        class_="scale",
        x=x,
        y=box.top,
        width=12,
        height=height,
        fill=f"url(#{gradient_id})",
    )
    add_text(legend, x + 16, box.top + 9, value_format(hi))
    add_text(legend, x + 16, box.top + height, value_format(lo))
