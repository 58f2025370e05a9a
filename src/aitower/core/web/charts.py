"""Server-side SVG charts (time series, bars, heat maps) as escaped markup for the templates.

Pure: no FastAPI, no SQLAlchemy. Why SVG on the server: pages stay script-free, print and
screenshot as they look, and a chart is one more part of the HTML the tests can read.

Three rules every chart keeps:

* The SVG is built with ``xml.etree`` and serialised by it, so every label (a unit called
  ``<script>``) is escaped by the serializer, never by hand. Only then is it wrapped in
  ``markupsafe.Markup`` for Jinja.
* No ``style=`` attribute anywhere: the Content-Security-Policy forbids inline styles. Colours
  come from classes in ``app.css`` (``.chart .series-N``) or presentation attributes
  (``fill="#…"``), which the CSP allows.
* Every point, bar and cell carries a ``<title>`` (the browser's hover tooltip), and the root
  has ``role="img"`` and an ``aria-label``; empty input gives a "No data" chart, never an error.
"""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
SERIES_CLASSES = 8  # app.css defines .series-0 … .series-7; further series reuse the colours
CHAR_WIDTH = 6.2  # average advance of an 11px system-ui glyph: sizes margins and legends
TITLE_HEIGHT = 26
LEGEND_ROW = 18
TICK_TARGET = 5

# Sequential scale (low → high) and the negative end of the diverging scale (Tableau-like
# blues and reds, matching --accent and --bad in app.css).
LOW_RGB = (238, 241, 251)
HIGH_RGB = (54, 79, 199)
NEG_RGB = (201, 42, 42)
MID_RGB = (248, 249, 250)
# Missing cells are unfilled with a dashed outline (app.css), never a colour a value could have.
EMPTY_FILL = "none"

# Characters XML 1.0 does not allow at all; a name holding one would make the SVG unparseable.
_XML_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


# --- plain inputs ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    """One named line of a time series chart."""

    name: str
    points: Sequence[tuple[datetime, float]]


@dataclass(frozen=True, slots=True)
class Box:
    """The plot area inside the margins, in SVG user units (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True, slots=True)
class LinearScale:
    """Maps the domain ``[lo, hi]`` linearly onto the pixel range ``[start, end]``."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


# --- scales and ticks ------------------------------------------------------------------------


def nice_step(raw: float) -> float:
    """The smallest step of 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``.

    Round steps give round tick labels (Heckbert, "Nice numbers for graph labels", 1990).
    """
    if not math.isfinite(raw) or raw <= 0:
        return 1.0
    base = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 2.5, 5.0):
        if raw <= multiple * base * (1 + 1e-9):
            return multiple * base
    return 10.0 * base


def step_decimals(step: float) -> int:
    """Decimals needed to write every multiple of ``step`` exactly (0.25 → 2, 20 → 0)."""
    for decimals in range(10):
        if abs(round(step, decimals) - step) <= 1e-9 * max(1.0, abs(step)):
            return decimals
    return 10


def nice_ticks(
    lo: float, hi: float, target: int = TICK_TARGET, *, integer: bool = False
) -> list[float]:
    """Round ticks covering ``[lo, hi]``; the first and last tick are the axis range.

    ``integer``: the values are counts, so no tick falls between two whole numbers.
    """
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = value_domain([lo], include_zero=False)
    step = nice_step((hi - lo) / max(1, target))
    if integer:
        step = max(1.0, step)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    decimals = step_decimals(step)
    count = round((last - first) / step)
    return [round(first + i * step, decimals) + 0.0 for i in range(count + 1)]


def all_whole(values: Sequence[float]) -> bool:
    return all(float(v).is_integer() for v in values)


def value_domain(values: Sequence[float], *, include_zero: bool = True) -> tuple[float, float]:
    """The range a value axis must show; never empty, so a constant series still has an axis.

    Counts and money read best against a zero baseline, hence ``include_zero``.
    """
    lo, hi = min(values), max(values)
    if include_zero:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    if lo == hi == 0:
        return 0.0, 1.0
    if lo == hi:
        pad = abs(lo) * 0.1
        return lo - pad, hi + pad
    return lo, hi


TIME_STEPS = (
    1,
    5,
    15,
    30,
    60,
    300,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86400,
    2 * 86400,
    7 * 86400,
    14 * 86400,
    30 * 86400,
    91 * 86400,
    365 * 86400,
)


def time_ticks(start: datetime, end: datetime, target: int = 6) -> list[datetime]:
    """Ticks at round UTC instants (whole minutes, hours, midnights) within ``[start, end]``."""
    span = max(1.0, (end - start).total_seconds())
    step = next((s for s in TIME_STEPS if span / s <= target), None)
    if step is None:
        step = TIME_STEPS[-1] * math.ceil(span / target / TIME_STEPS[-1])
    first = math.ceil(start.timestamp() / step) * step
    last = end.timestamp()
    return [
        datetime.fromtimestamp(first + i * step, UTC)
        for i in range(int((last - first) // step) + 1)
    ]


def time_label(moment: datetime, ticks: Sequence[datetime]) -> str:
    """A tick label as short as the tick spacing allows: "14:30", "3 Mar", "Mar 2024"."""
    moment = moment.astimezone(UTC)
    step = (ticks[1] - ticks[0]).total_seconds() if len(ticks) > 1 else 86400.0
    if step >= 28 * 86400:
        return f"{moment:%b %Y}"
    if step >= 86400:
        return f"{moment.day} {moment:%b}"
    clock = f"{moment:%H:%M:%S}" if step < 60 else f"{moment:%H:%M}"
    spans_days = ticks[0].date() != ticks[-1].date()
    return f"{moment.day} {moment:%b} {clock}" if spans_days else clock


def format_tick(value: float, step: float) -> str:
    """A tick label: thousands as k, millions as M, otherwise as many decimals as the step."""
    magnitude = abs(value)
    if magnitude >= 1e6 and step >= 1e5:
        return f"{value / 1e6:g}M"
    if magnitude >= 1e4 and step >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:,.{step_decimals(step)}f}"


def format_value(value: float) -> str:
    """A value for a tooltip or label: grouped integers, else up to four significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    return f"{value:.4g}"


# --- colours ---------------------------------------------------------------------------------


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heat_rgb(value: float, lo: float, hi: float) -> tuple[int, int, int]:
    """The cell colour: sequential light → blue over ``[lo, hi]``; when the range spans zero,
    diverging red ← white → blue with white at zero, so sign is visible at a glance."""
    if lo < 0 < hi:
        if value >= 0:
            return _mix(MID_RGB, HIGH_RGB, value / hi)
        return _mix(MID_RGB, NEG_RGB, value / lo)
    if hi == lo:
        return _mix(LOW_RGB, HIGH_RGB, 0.5)
    return _mix(LOW_RGB, HIGH_RGB, (value - lo) / (hi - lo))


def heat_colour(value: float, lo: float, hi: float) -> str:
    return _hex(heat_rgb(value, lo, hi))


def is_dark(rgb: tuple[int, int, int]) -> bool:
    """Whether white text reads better than dark text on this fill (relative luminance, sRGB)."""
    luminance = (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255
    return luminance < 0.55


# --- SVG building ----------------------------------------------------------------------------


def clean_text(text: object) -> str:
    """Text safe to place in XML: characters XML 1.0 forbids are dropped (escaping is ET's job)."""
    return str(text).translate(_XML_ILLEGAL)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _add(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: object) -> ET.Element:
    """A child element. Keyword names become attributes: ``class_`` → ``class``, and ``_`` →
    ``-`` (``text_anchor`` → ``text-anchor``); floats are written with two decimals at most."""
    element = ET.SubElement(parent, tag)
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")
        element.set(name, _num(value) if isinstance(value, float) else clean_text(value))
    if text is not None:
        element.text = clean_text(text)
    return element


def _line(
    parent: ET.Element, css: str, x1: float, y1: float, x2: float, y2: float, **attrs: object
) -> None:
    _add(
        parent, "line", class_=css, x1=float(x1), x2=float(x2), y1=float(y1), y2=float(y2), **attrs
    )


def _text(
    parent: ET.Element, x: float, y: float, text: str, anchor: str | None = None, **attrs: object
) -> ET.Element:
    if anchor is not None:
        attrs["text_anchor"] = anchor
    return _add(parent, "text", text, x=float(x), y=float(y), **attrs)


def _tooltip(parent: ET.Element, text: str) -> None:
    _add(parent, "title", text)


def _root(title: str, width: float, height: float, summary: str) -> ET.Element:
    svg = ET.Element("svg")
    for key, value in {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {_num(width)} {_num(height)}",
        "width": _num(width),
        "height": _num(height),
        "role": "img",
        "aria-label": clean_text(f"{title}: {summary}" if summary else title),
        "class": "chart-svg",
    }.items():
        svg.set(key, value)
    _tooltip(svg, title)
    _text(svg, 2, 15, title, class_="title")
    return svg


def to_markup(svg: ET.Element) -> Markup:
    """Serialise (ET escapes ``&``, ``<``, ``>`` and quotes) and mark safe for Jinja."""
    return Markup(ET.tostring(svg, encoding="unicode"))  # noqa: S704 - serialised by ET


def no_data_svg(title: str, width: float = 640, height: float = 260) -> Markup:
    """The chart shown when there is nothing to draw: its title and a plain "No data"."""
    svg = _root(title, width, height, "no data")
    _text(svg, width / 2, height / 2, "No data", "middle", class_="no-data")
    return to_markup(svg)


def _value_axis(
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
            _line(svg, css, box.left, pos, box.right, pos, data_value=repr(tick))
            _text(svg, box.left - 6, pos + 4, label, "end")
        else:
            _line(svg, css, pos, box.top, pos, box.bottom, data_value=repr(tick))
            _text(svg, pos, box.bottom + 14, label, "middle")
    return scale


def _tick_label_width(ticks: Sequence[float]) -> float:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(len(format_tick(t, step)) for t in ticks) * CHAR_WIDTH


# --- time series -----------------------------------------------------------------------------

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


def _draw_legend(
    svg: ET.Element, entries: Sequence[tuple[int, str]], left: float, top: float, width: float
) -> None:
    group = _add(svg, "g", class_="legend")
    for row_number, row in enumerate(_legend_rows([name for _, name in entries], width)):
        y = top + row_number * LEGEND_ROW
        for position, label, x in row:
            index, full = entries[position]
            item = _add(group, "g", class_="legend-item")
            _tooltip(item, full)
            css = f"series-{index % SERIES_CLASSES}"
            _add(item, "rect", class_=css, x=left + x, y=y, width=10, height=10)
            _text(item, left + x + 15, y + 9, label)


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
) -> Markup:
    """A line chart of one or more series over time (UTC), with gridlines, ticks and a legend.

    Non-finite values are dropped; a single point sits in the middle of a day-wide axis; a
    constant series gets an axis around its value.
    """
    cleaned = _clean_series(series)
    if not cleaned:
        return no_data_svg(title, width, height)
    values = [v for _, _, points in cleaned for _, v in points]
    ticks = nice_ticks(*value_domain(values, include_zero=include_zero), integer=all_whole(values))
    legend = [(index, name) for index, name, _ in cleaned]
    legend_height = len(_legend_rows([n for _, n in legend], width)) * LEGEND_ROW
    box = Box(
        _tick_label_width(ticks) + 12, TITLE_HEIGHT + 6, width - 16, height - 26 - legend_height
    )
    svg = _root(title, width, height, f"{len(cleaned)} series, {len(values)} points")
    y = _value_axis(svg, box, ticks, vertical=True)
    start, end = _time_domain(cleaned)
    x = LinearScale(start.timestamp(), end.timestamp(), box.left, box.right)
    _time_axis(svg, box, x, start, end)
    for index, name, points in cleaned:
        _draw_series(svg, (index, name), points, (x, y), unit)
    _draw_legend(svg, legend, box.left, box.bottom + 26, width - box.left)
    return to_markup(svg)


def _time_axis(svg: ET.Element, box: Box, x: LinearScale, start: datetime, end: datetime) -> None:
    _line(svg, "axis", box.left, box.bottom, box.right, box.bottom)
    _line(svg, "axis", box.left, box.top, box.left, box.bottom)
    ticks = time_ticks(start, end)
    for tick in ticks:
        pos = x(tick.timestamp())
        _line(svg, "axis", pos, box.bottom, pos, box.bottom + 4)
        _text(
            svg, pos, box.bottom + 16, time_label(tick, ticks), "middle", data_time=tick.isoformat()
        )


def _draw_series(
    svg: ET.Element,
    which: tuple[int, str],
    points: Sequence[tuple[datetime, float]],
    scales: tuple[LinearScale, LinearScale],
    unit: str,
) -> None:
    (index, name), (x, y) = which, scales
    css = f"series-{index % SERIES_CLASSES}"
    group = _add(svg, "g", class_=f"series {css}", data_series=name)
    coords = [(x(t.timestamp()), y(v)) for t, v in points]
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{_num(px)},{_num(py)}" for i, (px, py) in enumerate(coords)
    )
    _add(group, "path", class_=f"line {css}", d=path)
    # Smaller dots as points crowd together; each keeps its tooltip.
    radius = 3.0 if len(points) <= 20 else 2.0 if len(points) <= 60 else 1.5
    suffix = f" {unit}" if unit else ""
    for (t, v), (px, py) in zip(points, coords, strict=True):
        dot = _add(
            group, "circle", class_=f"point {css}", cx=px, cy=py, r=radius, data_value=repr(v)
        )
        _tooltip(dot, f"{name} · {t:%Y-%m-%d %H:%M} UTC · {format_value(v)}{suffix}")


# --- bars ------------------------------------------------------------------------------------


def _category_labels(
    svg: ET.Element, labels: Sequence[str], centres: Sequence[float], y: float, rotate: bool
) -> None:
    """Labels under columns; rotated (and shortened) when they would overlap."""
    for label, cx in zip(labels, centres, strict=True):
        if rotate:
            turn = f"rotate(-40 {_num(cx)} {_num(y)})"
            text = _text(svg, cx, y, shorten(label, 20), "end", transform=turn)
        else:
            text = _text(svg, cx, y, label, "middle")
        _tooltip(text, label)


def _rotated_label_height(labels: Sequence[str]) -> float:
    """Height taken by labels rotated 40° (sin 40° ≈ 0.64, rounded up), at most 20 characters."""
    return min(20, max(len(label) for label in labels)) * CHAR_WIDTH * 0.7


def _bar_rect(
    parent: ET.Element, geometry: tuple[float, float, float, float], label: str, value: float
) -> None:
    x, y, w, h = geometry
    css = "bar series-0" + (" negative" if value < 0 else "")
    rect = _add(parent, "rect", class_=css, x=x, y=y, width=w, height=h, data_value=repr(value))
    _tooltip(rect, f"{label}: {format_value(value)}")


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
    left = _tick_label_width(ticks) + 12
    band = (width - 16 - left) / len(data)
    rotate = max(len(label) for label in labels) * CHAR_WIDTH > band
    bottom = 24 + (_rotated_label_height(labels) if rotate else 0)
    box = Box(left, TITLE_HEIGHT + 6, width - 16, height - bottom)
    svg = _root(title, width, height, f"{len(data)} bars")
    y = _value_axis(svg, box, ticks, vertical=True)
    group = _add(svg, "g", class_="bars")
    centres = []
    for i, (label, value) in enumerate(data):
        x = box.left + i * band + band * 0.15
        top, base = sorted((y(value), y(0.0)))
        _bar_rect(group, (x, top, band * 0.7, base - top), label, value)
        centres.append(x + band * 0.35)
    _category_labels(svg, labels, centres, box.bottom + 16, rotate)
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
    svg = _root(title, width, height, f"{len(data)} bars")
    x = _value_axis(svg, box, ticks, vertical=False)
    group = _add(svg, "g", class_="bars")
    for i, (label, value) in enumerate(data):
        y = box.top + i * band + band * 0.15
        start, stop = sorted((x(0.0), x(value)))
        _bar_rect(group, (start, y, stop - start, band * 0.7), label, value)
        mid = y + band * 0.35 + 4
        _tooltip(_text(svg, box.left - 6, mid, shorten(label, max_chars), "end"), label)
        after = 4 if value >= 0 else -4
        _text(
            svg,
            x(value) + after,
            mid,
            format_value(value),
            "start" if value >= 0 else "end",
            class_="value",
        )
    return to_markup(svg)


# --- heat maps -------------------------------------------------------------------------------


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
    height = box.bottom + 24 + (_rotated_label_height(col_labels) if rotate else 0)
    svg = _root(title, width, height, f"{len(row_labels)} rows by {len(col_labels)} columns")
    grid = _add(svg, "g", class_="cells")
    domain = (min(present), max(present))
    for i, row in enumerate(row_labels):
        y = box.top + i * cell_height
        _tooltip(
            _text(svg, box.left - 6, y + cell_height / 2 + 4, shorten(row, max_chars), "end"), row
        )
        for j, col in enumerate(col_labels):
            cell = (box.left + j * cell_width, y, cell_width, cell_height)
            _heat_cell(grid, cell, (row, col), values.get((row, col)), domain, value_format)
    centres = [box.left + (j + 0.5) * cell_width for j in range(len(col_labels))]
    _category_labels(svg, col_labels, centres, box.bottom + 16, rotate)
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
        rect = _add(grid, "rect", class_="cell empty", fill=EMPTY_FILL, **box)
        _tooltip(rect, f"{key[0]} · {key[1]}: no data")
        return
    rgb = heat_rgb(value, *domain)
    rect = _add(grid, "rect", class_="cell", fill=_hex(rgb), data_value=repr(value), **box)
    text = value_format(value)
    _tooltip(rect, f"{key[0]} · {key[1]}: {text}")
    if len(text) * CHAR_WIDTH + 6 <= w and h >= 16:
        css = "cell-label on-dark" if is_dark(rgb) else "cell-label on-light"
        _text(grid, x + w / 2, y + h / 2 + 4, text, "middle", class_=css)


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
    gradient = _add(_add(svg, "defs"), "linearGradient", id=gradient_id, x1=0, y1=1, x2=0, y2=0)
    offsets = [0.0, 0.25, 0.5, 0.75, 1.0]
    if lo < 0 < hi:
        offsets = sorted({*offsets, -lo / (hi - lo)})
    for offset in offsets:
        _add(
            gradient, "stop", offset=offset, stop_color=heat_colour(lo + (hi - lo) * offset, lo, hi)
        )
    x, height = box.right + 16, max(40.0, box.bottom - box.top)
    legend = _add(svg, "g", class_="colour-legend")
    _add(
        legend,
        "rect",
        class_="scale",
        x=x,
        y=box.top,
        width=12,
        height=height,
        fill=f"url(#{gradient_id})",
    )
    _text(legend, x + 16, box.top + 9, value_format(hi))
    _text(legend, x + 16, box.top + height, value_format(lo))
