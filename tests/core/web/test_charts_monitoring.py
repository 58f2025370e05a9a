"""The chart features model monitoring needs: limit lines, dashed (estimated) series, linked
points, grouped bars with flagged categories, sparklines. Parsed with xml.etree, so each test
also proves the SVG is well-formed; geometry checked by hand where it matters."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from markupsafe import Markup

from aitower.core.web import charts
from aitower.core.web.charts import Limit, Series, SparkPoint

NS = {"svg": charts.SVG_NS}
T0 = datetime(2024, 3, 1, tzinfo=UTC)
XSS = "<script>alert(1)</script>"


def parse(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def find_all(root: ET.Element, path: str) -> list[ET.Element]:
    return root.findall(path, NS)


def gridline_y(root: ET.Element, value: float) -> float:
    for line in find_all(root, ".//svg:line[@class='grid']") + find_all(
        root, ".//svg:line[@class='axis zero']"
    ):
        if float(line.attrib["data-value"]) == value:
            return float(line.attrib["y1"])
    raise AssertionError(f"no gridline for {value}")


def test_a_limit_is_a_labelled_line_inside_the_value_axis() -> None:
    points = [(T0 + timedelta(days=i), 0.2 + 0.01 * i) for i in range(5)]
    root = parse(
        charts.time_series_svg(
            [Series("ratio", points)], title="Fairness", limits=[Limit("four-fifths", 0.8)]
        )
    )
    (line,) = find_all(root, ".//svg:line[@class='limit']")
    # The axis grows to hold the limit (0 to 0.8 at least), and the line sits at 0.8's pixel.
    assert float(line.attrib["y1"]) == float(line.attrib["y2"]) == gridline_y(root, 0.8)
    assert "four-fifths 0.8" in "".join(root.itertext())


def test_an_estimate_is_dashed_in_the_plot_and_in_the_legend() -> None:
    measured = Series("AUC (measured)", [(T0, 0.9), (T0 + timedelta(days=1), 0.8)])
    estimated = Series("AUC (estimated)", [(T0, 0.88), (T0 + timedelta(days=1), 0.86)], dashed=True)
    root = parse(charts.time_series_svg([measured, estimated], title="AUC"))
    groups = {g.attrib["data-series"]: g for g in find_all(root, ".//svg:g[@data-series]")}
    assert "dashed" in groups["AUC (estimated)"].attrib["class"]
    assert "dashed" not in groups["AUC (measured)"].attrib["class"]
    legend_lines = find_all(root, ".//svg:g[@class='legend']//svg:line")
    assert len(legend_lines) == 1 and "dashed" in legend_lines[0].attrib["class"]


def test_points_with_a_link_open_their_page() -> None:
    points = [(T0 + timedelta(days=i), float(i)) for i in range(3)]
    links = {points[0][0]: "/monitoring/results/a", points[2][0]: '/x?a=1&b="2"'}
    root = parse(charts.time_series_svg([Series("runs", points, links=links)], title="Runs"))
    anchors = find_all(root, ".//svg:a")
    assert [a.attrib["href"] for a in anchors] == ["/monitoring/results/a", '/x?a=1&b="2"']
    assert all(len(find_all(a, "svg:circle")) == 1 for a in anchors)
    assert len(find_all(root, ".//svg:circle[@class='point series-0']")) == 3


def test_grouped_bars_side_by_side_with_gaps_for_missing_values() -> None:
    markup = charts.grouped_bar_chart_svg(
        ["18-25", "26-40", XSS],
        [("selection rate", [0.1, 0.5, 0.6]), ("TPR", [None, 0.7, 0.8])],
        title="Rates",
        flagged={2},
        limits=[Limit("four-fifths", 0.8)],
        percent=True,
    )
    assert "<script>" not in str(markup)
    root = parse(markup)
    first = find_all(root, ".//svg:g[@data-series='selection rate']/svg:rect")
    second = find_all(root, ".//svg:g[@data-series='TPR']/svg:rect")
    assert len(first) == 3 and len(second) == 2  # the undefined TPR is a gap, not a zero
    # Within a category the second series sits right of the first, same baseline.
    assert float(second[0].attrib["x"]) > float(first[1].attrib["x"])
    base = gridline_y(root, 0.0)
    for rect in first + second:
        bottom = float(rect.attrib["y"]) + float(rect.attrib["height"])
        assert abs(bottom - base) < 0.02
    flagged = [r for r in first + second if "flagged" in r.attrib["class"]]
    assert {r.attrib["data-category"] for r in flagged} == {XSS}
    assert "too small to judge" in "".join(flagged[0].itertext())
    assert "10.0 %" in "".join(first[0].itertext())
    assert len(find_all(root, ".//svg:line[@class='limit']")) == 1


def test_thin_labels_name_every_kth_bin_unrotated() -> None:
    labels = [f"{i * 1000}–{(i + 1) * 1000}" for i in range(20)]
    root = parse(
        charts.grouped_bar_chart_svg(
            labels, [("reference", [0.05] * 20)], title="Bins", width=420, thin_labels=True
        )
    )
    texts = [t for t in find_all(root, "svg:text") if t.attrib.get("text-anchor") == "middle"]
    shown = [t.text for t in texts if t.text and t.text[0].isdigit() and "–" not in t.text]
    assert 2 <= len(shown) < 20 and shown[0] == "0"
    assert not [t for t in find_all(root, "svg:text") if "transform" in t.attrib]


def test_grouped_bars_without_values_say_no_data() -> None:
    root = parse(charts.grouped_bar_chart_svg(["a"], [("s", [None])], title="Empty"))
    assert "No data" in "".join(root.itertext())


def test_a_sparkline_breaks_at_gaps_and_flags_points() -> None:
    points = [
        SparkPoint(T0, 0.1),
        SparkPoint(T0 + timedelta(days=1), None),
        SparkPoint(T0 + timedelta(days=2), 0.3, flagged=True),
        SparkPoint(T0 + timedelta(days=3), 0.2),
    ]
    root = parse(charts.sparkline_svg(points, label="amount", reference=0.25))
    assert root.attrib["class"] == "sparkline" and root.attrib["role"] == "img"
    (path,) = find_all(root, "svg:path")
    assert path.attrib["d"].count("M") == 2  # a new segment after the missing value
    flagged = find_all(root, "svg:circle[@class='spark-point flagged']")
    assert len(flagged) == 1 and "(flagged)" in "".join(flagged[0].itertext())
    assert len(find_all(root, "svg:circle[@class='spark-point']")) == 1  # the last value
    (level,) = find_all(root, "svg:line[@class='spark-reference']")
    ys = sorted(float(c.attrib["cy"]) for c in find_all(root, "svg:circle"))
    assert ys[0] < float(level.attrib["y1"]) < ys[1]  # 0.3 above the 0.25 line, 0.2 below


def test_an_empty_sparkline_is_an_empty_box() -> None:
    root = parse(charts.sparkline_svg([SparkPoint(T0, None)], label="x"))
    assert "no data" in root.attrib["aria-label"] and not find_all(root, "svg:path")
