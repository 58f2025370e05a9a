"""The value pages' charts (server-side SVG from ``core.web.charts``): a sparkline of monthly
ROI per system, monthly value against cost, and the ROI trend of one system."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from markupsafe import Markup

from aitower.core.web import charts
from aitower.portfolio.values import SystemValue


def _at(month: date) -> datetime:
    return datetime.combine(month, time(), tzinfo=UTC)


def sparkline(v: SystemValue) -> Markup:
    """Monthly ROI (months without cost are gaps); the zero line is drawn for reference."""
    points = [
        charts.SparkPoint(_at(m.month), r) for m, r in zip(v.months, v.monthly_roi, strict=True)
    ]
    return charts.sparkline_svg(points, label=f"Monthly ROI of {v.system.name}", reference=0.0)


def value_cost_chart(v: SystemValue) -> Markup:
    """Value and cost per month (USD)."""
    cost = [(_at(m.month), m.cost) for m in v.months]
    series = [charts.Series("Cost", cost)]
    if v.model is not None:
        series.insert(0, charts.Series("Value", [(_at(m.month), m.value_total) for m in v.months]))
    return charts.time_series_svg(series, title="Value and cost per month (USD)", unit="USD")


def roi_chart(v: SystemValue) -> Markup:
    """Each month's ROI, with the break-even line (ROI 0)."""
    pairs = zip(v.months, v.monthly_roi, strict=True)
    points = [(_at(m.month), r) for m, r in pairs if r is not None]
    return charts.time_series_svg(
        [charts.Series("ROI", points)],
        title="ROI per month ((value − cost) ÷ cost)",
        limits=(charts.Limit("break-even", 0.0),),
        include_zero=True,
    )
