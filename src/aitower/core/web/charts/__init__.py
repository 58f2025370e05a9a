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

The package is split by concern: ``scales`` (ticks, domains, number and time labels),
``colours`` (the heat-map colour scale), ``svg`` (element helpers, the root element,
serialising), ``axes`` (axis drawing the charts share), and one module per chart kind:
``time_series`` (with ``Limit`` lines, dashed series and linked points), ``bars``,
``grouped_bars``, ``heat_map``, ``sparkline``. Import the names from here
(``from aitower.core.web import charts``; ``charts.bar_chart_svg(...)``).
"""

from __future__ import annotations

from aitower.core.web.charts.bars import bar_chart_svg
from aitower.core.web.charts.colours import (
    EMPTY_FILL,
    HIGH_RGB,
    LOW_RGB,
    MID_RGB,
    NEG_RGB,
    heat_colour,
    heat_rgb,
    is_dark,
)
from aitower.core.web.charts.grouped_bars import grouped_bar_chart_svg
from aitower.core.web.charts.heat_map import heat_map_svg
from aitower.core.web.charts.scales import (
    TICK_TARGET,
    TIME_STEPS,
    LinearScale,
    all_whole,
    format_tick,
    format_value,
    nice_step,
    nice_ticks,
    step_decimals,
    time_label,
    time_ticks,
    value_domain,
)
from aitower.core.web.charts.sparkline import SparkPoint, sparkline_svg
from aitower.core.web.charts.svg import (
    CHAR_WIDTH,
    SVG_NS,
    TITLE_HEIGHT,
    Box,
    clean_text,
    no_data_svg,
    shorten,
    to_markup,
)
from aitower.core.web.charts.time_series import (
    LEGEND_ROW,
    SERIES_CLASSES,
    Cleaned,
    Limit,
    Series,
    time_series_svg,
)

__all__ = [
    "CHAR_WIDTH",
    "EMPTY_FILL",
    "HIGH_RGB",
    "LEGEND_ROW",
    "LOW_RGB",
    "MID_RGB",
    "NEG_RGB",
    "SERIES_CLASSES",
    "SVG_NS",
    "TICK_TARGET",
    "TIME_STEPS",
    "TITLE_HEIGHT",
    "Box",
    "Cleaned",
    "Limit",
    "LinearScale",
    "Series",
    "SparkPoint",
    "all_whole",
    "bar_chart_svg",
    "clean_text",
    "format_tick",
    "format_value",
    "grouped_bar_chart_svg",
    "heat_colour",
    "heat_map_svg",
    "heat_rgb",
    "is_dark",
    "nice_step",
    "nice_ticks",
    "no_data_svg",
    "shorten",
    "sparkline_svg",
    "step_decimals",
    "time_label",
    "time_series_svg",
    "time_ticks",
    "to_markup",
    "value_domain",
]
