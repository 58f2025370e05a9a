"""The model monitoring pages' charts, built from results with ``core.web.charts``.

Every history chart's points link to the result they come from (``/monitoring/results/…``).
Measured performance is drawn solid and the CBPE estimate dashed, named "(estimated)", so an
estimate is never read as a measurement. Limits (a monitor's drift share, performance floors
and ceilings, the fairness floor) are drawn as red dashed lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from markupsafe import Markup

from aitower.core.web import charts
from aitower.model_monitors.page_data import (
    MIN_ROWS,
    ModelPage,
    estimated_value,
    fairness_value,
    measured_value,
    metric_title,
)
from aitower.model_monitors.results import FeatureTrend, ResultPoint
from aitower.predictions.reading import CoveragePoint
from aitower.predictions.window import Task

PERFORMANCE = {
    Task.binary: ("roc_auc", "accuracy", "f1", "precision", "recall"),
    Task.multiclass: ("accuracy", "f1", "precision", "recall"),
    Task.regression: ("rmse", "mae", "mape", "r2"),
}
ESTIMATED = frozenset({"accuracy", "precision", "recall", "f1", "roc_auc"})
DAY_SECONDS = 86_400.0


def result_href(result_id: object) -> str:
    return f"/monitoring/results/{result_id}"


def _links(points: Sequence[ResultPoint]) -> dict[datetime, str]:
    return {p.run_at: result_href(p.id) for p in points}


def _value(point: ResultPoint, metric: str) -> float | None:
    if metric.startswith("measured:"):
        return measured_value(point, metric.removeprefix("measured:"))
    if metric.startswith("estimated:"):
        return estimated_value(point, metric.removeprefix("estimated:"))
    if metric.startswith("fairness:"):
        return fairness_value(point, metric.removeprefix("fairness:"))
    if metric == "rows":
        return float(point.rows)
    if metric == "labelled_rows":
        return float(point.labelled_rows)
    value = point.summary.get(metric)
    return None if value is None else float(value)


def _series(
    name: str, points: Sequence[ResultPoint], metric: str, *, dashed: bool = False
) -> charts.Series:
    values = [(p.run_at, _value(p, metric)) for p in points]
    kept = [(t, v) for t, v in values if v is not None]
    return charts.Series(name, kept, dashed=dashed, links=_links(points))


def drift_history_chart(page: ModelPage) -> Markup:
    limits = (
        []
        if page.monitor is None
        else [charts.Limit("drift share limit", page.monitor.spec.drift_share)]
    )
    return charts.time_series_svg(
        [_series("share of drifted features", page.history, "drift_share")],
        title="Drift share per run",
        limits=limits,
    )


def performance_chart(page: ModelPage, metric: str) -> Markup:
    """Measured ``metric`` (solid) and, where it applies, its CBPE estimate (dashed); points
    from fewer than ``MIN_ROWS`` rows are left out (the caption says so)."""
    series = [_series(f"{metric_title(metric)} (measured)", page.history, f"measured:{metric}")]
    if page.task is Task.binary and metric in ESTIMATED:
        series.append(
            _series(metric_title(f"estimated_{metric}"), page.history, f"estimated:{metric}",
                    dashed=True)
        )  # fmt: skip
    limits = []
    if page.monitor is not None and metric in page.monitor.spec.performance_limits:
        limits.append(charts.Limit("limit", page.monitor.spec.performance_limits[metric]))
    title = metric_title(metric)
    return charts.time_series_svg(
        series, title=f"{title[:1].upper()}{title[1:]} per run", limits=limits
    )


PERFORMANCE_NOTE = (
    f"Solid: measured on labelled predictions; dashed: estimated (CBPE) from the scores of "
    f"unlabelled ones. A run's point needs at least {MIN_ROWS} rows behind it."
)


def performance_charts(page: ModelPage) -> list[Markup]:
    return [performance_chart(page, metric) for metric in PERFORMANCE[page.task]]


def window_labels_chart(page: ModelPage) -> Markup:
    """Rows of each run's window and how many of them were labelled when it ran."""
    return charts.time_series_svg(
        [
            _series("predictions in the window", page.history, "rows"),
            _series("labelled when computed", page.history, "labelled_rows"),
        ],
        title="Predictions and labels per run window",
    )


def fairness_history_chart(page: ModelPage) -> Markup:
    floor = 0.8 if page.monitor is None else page.monitor.spec.fairness_floor
    return charts.time_series_svg(
        [
            _series(
                "demographic parity ratio (worst)",
                page.history,
                "fairness:demographic_parity_ratio",
            ),
            _series(
                "equalized odds difference (worst)",
                page.history,
                "fairness:equalized_odds_difference",
            ),
        ],
        title="Fairness per run",
        limits=[charts.Limit("four-fifths rule", floor)],
    )


def coverage_charts(points: Sequence[CoveragePoint]) -> list[Markup]:
    """Daily labelled share and label delay (median and 90th percentile, in days)."""
    share = [(p.start, p.labelled_share) for p in points if p.labelled_share is not None]
    median = [
        (p.start, p.median_delay_s / DAY_SECONDS) for p in points if p.median_delay_s is not None
    ]
    p90 = [(p.start, p.p90_delay_s / DAY_SECONDS) for p in points if p.p90_delay_s is not None]
    return [
        charts.time_series_svg(
            [charts.Series("labelled share", [(t, float(v)) for t, v in share])],
            title="Label coverage by prediction day",
        ),
        charts.time_series_svg(
            [charts.Series("median delay", median), charts.Series("90th percentile", p90)],
            title="Label delay by prediction day (days)",
            unit="days",
        ),
    ]


def feature_sparkline(trend: FeatureTrend, threshold: float | None) -> Markup:
    points = [charts.SparkPoint(at, value, drifted) for at, value, drifted in trend.trend]
    return charts.sparkline_svg(
        points, label=f"{trend.name}: statistic per run (red: drifted)", reference=threshold
    )


def _short(value: float) -> str:
    """Three significant digits, thousands and millions as k and M (46.6k, not 4.66e+04)."""
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def _bin_labels(edges: Sequence[float]) -> list[str]:
    """Below the first edge, each [eᵢ, eᵢ₊₁) named by its start (its end in the tooltip), above
    the last (``drift.check.Distribution``)."""
    inner = [f"{_short(a)}–{_short(b)}" for a, b in pairwise(edges)]
    return [f"< {_short(edges[0])}", *inner, f"> {_short(edges[-1])}"] if edges else []


def _shares(counts: Sequence[int]) -> list[float]:
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def distribution_chart(feature: dict[str, Any]) -> Markup:
    """Reference against current, as shares of each side's rows, on the reference's bins."""
    dist = feature.get("distribution") or {}
    reference, current = list(dist.get("reference") or []), list(dist.get("current") or [])
    labels = list(dist.get("categories") or []) or _bin_labels(list(dist.get("edges") or []))
    if len(labels) != len(reference) or len(reference) != len(current):
        return charts.no_data_svg(f"{feature.get('name')}: distribution", 420, 220)
    # The outer "below/above" bins of a numeric feature are mostly empty: drop empty ends.
    keep = [i for i in range(len(labels)) if reference[i] or current[i]]
    first, last = (keep[0], keep[-1]) if keep else (0, -1)
    ref_share, cur_share = _shares(reference), _shares(current)
    verdict = "drifted" if feature.get("drifted") else "no drift"
    return charts.grouped_bar_chart_svg(
        labels[first : last + 1],
        [("reference", ref_share[first : last + 1]), ("current", cur_share[first : last + 1])],
        title=f"{feature.get('name')} ({verdict})",
        width=420,
        height=230,
        percent=True,
        thin_labels=not dist.get("categories"),
    )


@dataclass(frozen=True, slots=True)
class GroupCharts:
    """One attribute (or intersection): its rates by group and the four-fifths view."""

    title: str
    result: dict[str, Any]
    rates: Markup
    ratios: Markup


def group_label(group: dict[str, Any]) -> str:
    return " · ".join("—" if v is None else str(v) for v in group.values())


def fairness_charts(results: Sequence[dict[str, Any]], floor: float) -> list[GroupCharts]:
    """Per attribute: selection rate, TPR and FPR per group, and each group's selection rate
    relative to the most selected judged group, with the four-fifths line."""
    made = []
    for result in results:
        groups = list(result.get("groups") or [])
        labels = [group_label(g["group"]) for g in groups]
        small = {i for i, g in enumerate(groups) if g.get("too_small")}
        title = " × ".join(result.get("attributes") or [])
        rates = charts.grouped_bar_chart_svg(
            labels,
            [(name, [g.get(key) for g in groups]) for name, key in (
                ("selection rate", "selection_rate"),
                ("true positive rate", "true_positive_rate"),
                ("false positive rate", "false_positive_rate"),
            )],
            title=f"Rates by {title}",
            flagged=small,
            percent=True,
        )  # fmt: skip
        judged = [g["selection_rate"] for i, g in enumerate(groups) if i not in small]
        top = max(judged) if judged else 0.0
        ratio = [g["selection_rate"] / top if top else None for g in groups]
        ratios = charts.grouped_bar_chart_svg(
            labels,
            [("selection rate ÷ highest", ratio)],
            title=f"Selection rate relative to the most selected group, by {title}",
            flagged=small,
            limits=[charts.Limit("four-fifths", floor)],
        )
        made.append(GroupCharts(title, result, rates, ratios))
    return made
