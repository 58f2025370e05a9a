"""SVG charts: geometry checked against hand-computed cases, escaping, and edge cases.

Every chart is parsed with xml.etree, so a test also proves the SVG is well-formed XML.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from aitower.core.web import charts
from aitower.core.web.charts import Series

NS = {"svg": charts.SVG_NS}
T0 = datetime(2024, 3, 1, tzinfo=UTC)
XSS = "<script>alert(1)</script>"


def parse(markup: Markup) -> ET.Element:
    assert isinstance(markup, Markup)
    return ET.fromstring(str(markup))


def find_all(root: ET.Element, path: str) -> list[ET.Element]:
    return root.findall(path, NS)


def num(element: ET.Element, attribute: str) -> float:
    return float(element.attrib[attribute])


def gridline(root: ET.Element, value: float) -> ET.Element:
    """The value axis line drawn for ``value`` (gridlines are named by ``data-value``)."""
    for line in find_all(root, ".//svg:line[@data-value]"):
        if float(line.attrib["data-value"]) == value:
            return line
    raise AssertionError(f"no gridline for {value}")


def all_text(root: ET.Element) -> str:
    return " ".join("".join(e.itertext()) for e in root.iter())


# --- scales ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "step"),
    [
        (0.7, 1.0),
        (1.0, 1.0),
        (1.2, 2.0),
        (2.2, 2.5),
        (3.0, 5.0),
        (7.0, 10.0),
        (20.0, 20.0),
        (0.013, 0.02),
        (450.0, 500.0),
    ],
)
def test_nice_step_rounds_up_to_1_2_25_5(raw: float, step: float) -> None:
    assert charts.nice_step(raw) == pytest.approx(step)


def test_nice_ticks_cover_the_range_with_round_values() -> None:
    assert charts.nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(-3, 7) == [-4, -2, 0, 2, 4, 6, 8]
    assert charts.nice_ticks(0, 0.37) == [0, 0.1, 0.2, 0.3, 0.4]
    assert charts.nice_ticks(12, 12) == [10.5, 11, 11.5, 12, 12.5, 13, 13.5]


def test_counts_get_whole_number_ticks() -> None:
    assert charts.nice_ticks(0, 2) == [0, 0.5, 1, 1.5, 2]
    assert charts.nice_ticks(0, 2, integer=True) == [0, 1, 2]
    root = parse(charts.bar_chart_svg([("a", 1), ("b", 2)], title="Counts"))
    ticks = [float(x.attrib["data-value"]) for x in find_all(root, ".//svg:line[@data-value]")]
    assert ticks == [0, 1, 2]
    fractional = parse(charts.bar_chart_svg([("a", 0.5), ("b", 2)], title="Rates"))
    assert len(find_all(fractional, ".//svg:line[@data-value]")) == 5


def test_value_domain_keeps_zero_and_never_collapses() -> None:
    assert charts.value_domain([3, 7]) == (0, 7)
    assert charts.value_domain([-5, -1]) == (-5, 0)
    assert charts.value_domain([0, 0]) == (0, 1)
    assert charts.value_domain([5, 5], include_zero=False) == (4.5, 5.5)


def test_linear_scale_maps_ends_and_midpoint() -> None:
    scale = charts.LinearScale(0, 100, 200, 0)  # y grows downwards
    assert (scale(0), scale(50), scale(100)) == (200, 100, 0)


def test_time_ticks_fall_on_round_utc_instants() -> None:
    days = charts.time_ticks(T0, T0 + timedelta(days=29))
    assert all(t.hour == 0 and t.minute == 0 for t in days)
    assert 3 <= len(days) <= 7
    hours = charts.time_ticks(T0 + timedelta(minutes=7), T0 + timedelta(hours=5))
    assert [t.hour for t in hours] == [1, 2, 3, 4, 5]
    assert charts.time_label(hours[0], hours) == "01:00"
    assert charts.time_label(days[1], days) == f"{days[1].day} Mar"


def test_heat_colour_ends_and_middle() -> None:
    assert charts.heat_colour(0, 0, 10) == "#eef1fb"  # LOW_RGB
    assert charts.heat_colour(10, 0, 10) == "#364fc7"  # HIGH_RGB
    mid = charts.heat_rgb(5, 0, 10)
    expected = tuple(
        round((a + b) / 2) for a, b in zip(charts.LOW_RGB, charts.HIGH_RGB, strict=True)
    )
    assert all(abs(m - e) <= 1 for m, e in zip(mid, expected, strict=True))
    # both signs: diverging, white at zero, each end saturated
    assert charts.heat_colour(0, -4, 2) == "#f8f9fa"
    assert charts.heat_colour(-4, -4, 2) == "#c92a2a"
    assert charts.heat_colour(2, -4, 2) == "#364fc7"


def test_numbers_are_written_for_people() -> None:
    assert charts.format_value(1234) == "1,234"
    assert charts.format_value(0.12345) == "0.1235"
    assert charts.format_tick(25000, 5000) == "25k"
    assert charts.format_tick(0.25, 0.25) == "0.25"
    assert charts.format_tick(3_000_000, 1_000_000) == "3M"


# --- time series -----------------------------------------------------------------------------


def test_midpoint_value_and_time_land_on_the_midpoint_pixels() -> None:
    points = [(T0, 0.0), (T0 + timedelta(days=1), 50.0), (T0 + timedelta(days=2), 100.0)]
    root = parse(charts.time_series_svg([Series("calls", points)], title="Calls"))
    circles = find_all(root, ".//svg:circle")
    assert len(circles) == 3
    bottom, top = num(gridline(root, 0), "y1"), num(gridline(root, 100), "y1")
    left, right = num(gridline(root, 0), "x1"), num(gridline(root, 0), "x2")
    assert num(circles[0], "cy") == pytest.approx(bottom)
    assert num(circles[2], "cy") == pytest.approx(top)
    assert num(circles[1], "cy") == pytest.approx((top + bottom) / 2, abs=0.01)
    assert [num(c, "cx") for c in circles] == pytest.approx(
        [left, (left + right) / 2, right], abs=0.01
    )
    path = root.find(".//svg:path", NS)
    assert path is not None and path.attrib["d"].startswith("M")
    assert path.attrib["d"].count("L") == 2


def test_several_series_get_own_classes_tooltips_and_legend() -> None:
    a = Series("p50", [(T0, 1.0), (T0 + timedelta(hours=1), 2.0)])
    b = Series("p95", [(T0, 3.0), (T0 + timedelta(hours=1), 4.0)])
    root = parse(charts.time_series_svg([a, b], title="Latency", unit="ms"))
    groups = find_all(root, ".//svg:g[@data-series]")
    assert [g.attrib["class"] for g in groups] == ["series series-0", "series series-1"]
    titles = [t.text for t in find_all(root, ".//svg:circle/svg:title")]
    assert titles[0] == "p50 · 2024-03-01 00:00 UTC · 1 ms"
    legend = [t.text for t in find_all(root, ".//svg:g[@class='legend']//svg:text")]
    assert legend == ["p50", "p95"]


def test_chart_is_accessible_and_has_no_inline_style() -> None:
    markup = charts.time_series_svg([Series("a", [(T0, 1.0)])], title="Errors")
    root = parse(markup)
    assert root.tag == f"{{{charts.SVG_NS}}}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["aria-label"].startswith("Errors: 1 series")
    assert root.attrib["viewBox"] == "0 0 640 260"
    assert all("style" not in e.attrib for e in root.iter())
    assert "style=" not in str(markup)


def test_negative_values_sit_below_the_zero_line() -> None:
    points = [(T0, -10.0), (T0 + timedelta(days=1), 10.0)]
    root = parse(charts.time_series_svg([Series("delta", points)], title="Delta"))
    zero = num(gridline(root, 0), "y1")
    low, high = (num(c, "cy") for c in find_all(root, ".//svg:circle"))
    assert low > zero > high
    assert zero - high == pytest.approx(low - zero)


def test_single_point_sits_in_the_middle_of_the_time_axis() -> None:
    root = parse(charts.time_series_svg([Series("one", [(T0, 5.0)])], title="One"))
    (dot,) = find_all(root, ".//svg:circle")
    left, right = num(gridline(root, 0), "x1"), num(gridline(root, 0), "x2")
    assert num(dot, "cx") == pytest.approx((left + right) / 2, abs=0.01)


def test_constant_series_draws_a_flat_line_inside_the_axis() -> None:
    points = [(T0 + timedelta(days=i), 7.0) for i in range(5)]
    for include_zero in (True, False):
        root = parse(
            charts.time_series_svg([Series("c", points)], title="C", include_zero=include_zero)
        )
        ys = {num(c, "cy") for c in find_all(root, ".//svg:circle")}
        assert len(ys) == 1
        lines = find_all(root, ".//svg:line[@data-value]")
        tops = [num(x, "y1") for x in lines]
        assert min(tops) <= ys.pop() <= max(tops)


def test_non_finite_values_are_dropped_and_all_empty_is_no_data() -> None:
    points = [(T0, math.nan), (T0 + timedelta(days=1), 3.0), (T0 + timedelta(days=2), math.inf)]
    root = parse(charts.time_series_svg([Series("a", points)], title="Gaps"))
    assert len(find_all(root, ".//svg:circle")) == 1
    for empty in ([], [Series("a", [])], [Series("a", [(T0, math.nan)])]):
        nothing = parse(charts.time_series_svg(empty, title="Nothing"))
        assert "No data" in all_text(nothing)
        assert nothing.attrib["aria-label"] == "Nothing: no data"
        assert not find_all(nothing, ".//svg:circle")


def test_points_are_drawn_in_time_order_whatever_the_input_order() -> None:
    points = [(T0 + timedelta(days=2), 2.0), (T0, 0.0), (T0 + timedelta(days=1), 1.0)]
    root = parse(charts.time_series_svg([Series("a", points)], title="Order"))
    xs = [num(c, "cx") for c in find_all(root, ".//svg:circle")]
    assert xs == sorted(xs)


# --- bars ------------------------------------------------------------------------------------


def bar_rects(root: ET.Element) -> list[ET.Element]:
    return find_all(root, ".//svg:rect[@data-value]")


def test_vertical_bar_heights_are_proportional_to_values() -> None:
    root = parse(charts.bar_chart_svg([("a", 10), ("b", 20), ("c", 40)], title="Bars"))
    heights = [num(r, "height") for r in bar_rects(root)]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    assert heights[2] == pytest.approx(4 * heights[0], abs=0.02)
    zero, top = num(gridline(root, 0), "y1"), num(gridline(root, 40), "y1")
    assert heights[2] == pytest.approx(zero - top, abs=0.01)  # 40 is the top of the axis
    for rect in bar_rects(root):
        assert num(rect, "y") + num(rect, "height") == pytest.approx(zero, abs=0.01)
    widths = {num(r, "width") for r in bar_rects(root)}
    assert len(widths) == 1


def test_horizontal_bar_lengths_are_proportional_and_labelled() -> None:
    root = parse(
        charts.bar_chart_svg([("user.create", 30), ("auth.login", 15)], title="T", horizontal=True)
    )
    widths = [num(r, "width") for r in bar_rects(root)]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.02)
    zero = num(gridline(root, 0), "x1")
    assert all(num(r, "x") == pytest.approx(zero) for r in bar_rects(root))
    assert [t.text for t in find_all(root, ".//svg:rect/svg:title")] == [
        "user.create: 30",
        "auth.login: 15",
    ]
    assert root.attrib["height"] == str(charts.TITLE_HEIGHT + 6 + 26 * 2 + 26)


def test_negative_bars_hang_from_the_zero_line() -> None:
    root = parse(charts.bar_chart_svg([("gain", 20), ("loss", -10)], title="Net"))
    gain, loss = bar_rects(root)
    zero = num(gridline(root, 0), "y1")
    assert num(gain, "y") + num(gain, "height") == pytest.approx(zero)
    assert num(loss, "y") == pytest.approx(zero)
    assert num(gain, "height") == pytest.approx(2 * num(loss, "height"), abs=0.02)
    assert "negative" in loss.attrib["class"] and "negative" not in gain.attrib["class"]


def test_bar_edge_cases() -> None:
    assert "No data" in all_text(parse(charts.bar_chart_svg([], title="None")))
    zeros = parse(charts.bar_chart_svg([("a", 0), ("b", 0)], title="Zeros"))
    assert [num(r, "height") for r in bar_rects(zeros)] == [0, 0]
    one = parse(charts.bar_chart_svg([("only", 5)], title="One", horizontal=True))
    assert len(bar_rects(one)) == 1
    many = parse(charts.bar_chart_svg([(f"category number {i}", i) for i in range(30)], title="M"))
    rotated = find_all(many, ".//svg:text[@transform]")
    assert len(rotated) == 30 and rotated[0].attrib["transform"].startswith("rotate(-40")


# --- heat maps -------------------------------------------------------------------------------


def test_heat_map_colours_min_and_max_and_blanks_missing_cells() -> None:
    values = {("r1", "c1"): 0.0, ("r1", "c2"): 5.0, ("r2", "c1"): 10.0}
    root = parse(charts.heat_map_svg(["r1", "r2"], ["c1", "c2"], values, title="Heat"))
    cells = find_all(root, ".//svg:rect[@class='cell']")
    fills = {c.find("svg:title", NS).text: c.attrib["fill"] for c in cells}  # type: ignore[union-attr]
    assert fills["r1 · c1: 0"] == charts.heat_colour(0, 0, 10) == "#eef1fb"
    assert fills["r2 · c1: 10"] == "#364fc7"
    (empty,) = find_all(root, ".//svg:rect[@class='cell empty']")
    assert empty.find("svg:title", NS).text == "r2 · c2: no data"  # type: ignore[union-attr]
    xs = sorted({num(c, "x") for c in cells})
    ys = sorted({num(c, "y") for c in cells})
    assert len(xs) == 2 and len(ys) == 2


def test_heat_map_legend_runs_from_min_to_max() -> None:
    values = {("a", "x"): -2.0, ("a", "y"): 6.0}
    root = parse(charts.heat_map_svg(["a"], ["x", "y"], values, title="Diverging"))
    stops = find_all(root, ".//svg:linearGradient/svg:stop")
    assert stops[0].attrib["stop-color"] == charts.heat_colour(-2, -2, 6) == "#c92a2a"
    assert stops[-1].attrib["stop-color"] == "#364fc7"
    assert "0.25" in [s.attrib["offset"] for s in stops]  # zero sits a quarter of the way up
    gradient = root.find(".//svg:linearGradient", NS)
    scale = root.find(".//svg:rect[@class='scale']", NS)
    assert gradient is not None and scale is not None
    assert scale.attrib["fill"] == f"url(#{gradient.attrib['id']})"
    labels = [t.text for t in find_all(root, ".//svg:g[@class='colour-legend']/svg:text")]
    assert labels == ["6", "-2"]


def test_heat_map_edge_cases() -> None:
    assert "No data" in all_text(parse(charts.heat_map_svg([], ["c"], {}, title="E")))
    assert "No data" in all_text(parse(charts.heat_map_svg(["r"], ["c"], {}, title="E")))
    flat = parse(charts.heat_map_svg(["r"], ["a", "b"], {("r", "a"): 3, ("r", "b"): 3}, title="F"))
    assert len({c.attrib["fill"] for c in find_all(flat, ".//svg:rect[@class='cell']")}) == 1
    labels = find_all(flat, ".//svg:text[@class='cell-label on-dark']") + find_all(
        flat, ".//svg:text[@class='cell-label on-light']"
    )
    assert [t.text for t in labels] == ["3", "3"]
    twice = parse(charts.heat_map_svg(["r", "r"], ["a"], {("r", "a"): 1, ("x", "a"): 9}, title="D"))
    assert len(find_all(twice, ".//svg:rect[@class='cell']")) == 1  # one row; unknown "x" ignored
    assert twice.attrib["aria-label"] == "D: 1 rows by 1 columns"


# --- escaping --------------------------------------------------------------------------------


def test_every_label_is_escaped_text_never_markup() -> None:
    made = [
        charts.time_series_svg([Series(XSS, [(T0, 1.0), (T0 + timedelta(1), 2.0)])], title=XSS),
        charts.bar_chart_svg([(XSS, 1.0)], title=XSS),
        charts.bar_chart_svg([(XSS, 1.0)], title=XSS, horizontal=True),
        charts.heat_map_svg([XSS], [XSS], {(XSS, XSS): 1.0}, title=XSS),
        charts.no_data_svg(XSS),
    ]
    for markup in made:
        root = parse(markup)
        assert not [e for e in root.iter() if e.tag.endswith("script")]
        assert XSS in all_text(root)  # the name reads as itself
        assert "<script>" not in str(markup) and "&lt;script&gt;" in str(markup)
        assert root.attrib["aria-label"].startswith(XSS)


def test_quotes_ampersands_and_control_characters_stay_well_formed() -> None:
    name = 'a "quoted" & \x00\x07odd\tname'
    root = parse(charts.bar_chart_svg([(name, 1.0)], title=name))
    assert 'a "quoted" & odd\tname' in all_text(root)


def test_jinja_renders_the_markup_as_is_and_escapes_around_it() -> None:
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string("<figure>{{ svg }}</figure><p>{{ name }}</p>")
    svg = charts.bar_chart_svg([(XSS, 1.0)], title="T")
    html = template.render(svg=svg, name=XSS)
    assert html.startswith("<figure><svg ")
    assert "<p>&lt;script&gt;" in html
    assert "<script>" not in html
