"""One monitor run over one window, pure: drift, performance, fairness, and the verdict.

``evaluate(baseline, window, spec)`` returns an ``Outcome``: the summary numbers a chart or an
alert rule reads (one column each in storage), the per-feature drift scores a trend chart
reads, and the full detail (drift report with distributions, measured and estimated
performance, fairness by group) for the page of one result.

Status: ``empty`` when the window holds no prediction (nothing is computed, nothing crashes);
``alert`` when a signal crosses the monitor's own limits (dataset drift, a performance limit,
a demographic parity ratio under the fairness floor); ``ok`` otherwise. The alert rules of
the monitoring slice read the summary numbers independently of this verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aitower.model_monitors.baseline import Baseline, drift_columns
from aitower.model_monitors.performance import (
    Measured,
    estimate,
    fairness,
    measure,
    with_names,
)
from aitower.model_monitors.spec import HIGHER_IS_BETTER, MonitorSpec
from aitower.predictions.window import WindowData
from aitower.statistics.drift import DriftReport, FeatureDrift, check_drift
from aitower.statistics.quality.estimation import EstimatedClassification
from aitower.statistics.quality.fairness import FairnessResult

SUMMARY_FIELDS = (
    "drift_share",
    "drifted_features",
    "judged_features",
    "accuracy",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "log_loss",
    "mae",
    "rmse",
    "mape",
    "r2",
    "estimated_rows",
    "estimated_accuracy",
    "estimated_precision",
    "estimated_recall",
    "estimated_f1",
    "estimated_roc_auc",
    "fairness_rows",
    "demographic_parity_ratio",
    "demographic_parity_difference",
    "equalized_odds_difference",
)


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str  # drift | performance | fairness
    metric: str
    value: float
    limit: float
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # ok | alert | empty
    rows: int
    labelled_rows: int
    summary: dict[str, float | None]
    feature_scores: dict[str, dict[str, Any]]
    signals: tuple[Signal, ...]
    detail: dict[str, Any] = field(default_factory=dict)


def json_safe(value: Any) -> Any:
    """Plain JSON: NaN and ±inf become None (PostgreSQL's JSONB refuses them), tuples lists."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return json_safe(value.item())
    return value


def feature_detail(feature: FeatureDrift) -> dict[str, Any]:
    d = feature.distribution
    return {
        "name": feature.name,
        "kind": feature.kind,
        "method": feature.method.value,
        "threshold": feature.threshold,
        "status": feature.status.value,
        "statistic": feature.statistic,
        "p_value": feature.p_value,
        "drifted": feature.drifted,
        "error_bound": feature.error_bound,
        "reference_count": feature.reference_count,
        "current_count": feature.current_count,
        "current_missing": feature.current_missing,
        "current_infinite": feature.current_infinite,
        "distribution": {
            "edges": list(d.edges),
            "categories": list(d.categories),
            "reference": list(d.reference),
            "current": list(d.current),
        },
    }


def _empty(window: WindowData) -> Outcome:
    summary: dict[str, float | None] = dict.fromkeys(SUMMARY_FIELDS)
    detail = {"reason": "no predictions in the window"}
    return Outcome("empty", len(window), 0, summary, {}, (), detail)


def _worst(results: list[FairnessResult], name: str, pick: Any) -> float | None:
    values = [getattr(r, name) for r in results if getattr(r, name) is not None]
    return float(pick(values)) if values else None


def _signals(
    spec: MonitorSpec, drift: DriftReport, summary: dict[str, float | None]
) -> list[Signal]:
    found: list[Signal] = []
    if drift.dataset_drifted:
        found.append(Signal("drift", "drift_share", drift.share, spec.drift_share))
    for metric, limit in spec.performance_limits.items():
        for name, estimated in ((metric, False), (f"estimated_{metric}", True)):
            value = summary.get(name)
            if value is None:
                continue
            beyond = value < limit if metric in HIGHER_IS_BETTER else value > limit
            if beyond:
                found.append(Signal("performance", name, value, limit, estimated))
    ratio = summary.get("demographic_parity_ratio")
    if spec.sensitive and ratio is not None and ratio < spec.fairness_floor:
        found.append(Signal("fairness", "demographic_parity_ratio", ratio, spec.fairness_floor))
    return found


def _estimated_summary(estimated: EstimatedClassification | None) -> dict[str, float | None]:
    names = ("accuracy", "precision", "recall", "f1", "roc_auc")
    if estimated is None:
        return {"estimated_rows": None, **{f"estimated_{n}": None for n in names}}
    values = {f"estimated_{n}": getattr(estimated, n) for n in names}
    return {"estimated_rows": float(estimated.count), **values}


@dataclass(frozen=True, slots=True)
class _Parts:
    """What one run computed, before it is summarised."""

    drift: DriftReport
    measured: Measured
    estimated: EstimatedClassification | None
    why_not_estimated: str
    fair: list[FairnessResult]
    fair_detail: list[dict[str, Any]]
    why_no_fairness: str


def _compute(baseline: Baseline, window: WindowData, spec: MonitorSpec) -> _Parts:
    drift = check_drift(baseline.drift, drift_columns(window), spec.drift_rules, spec.drift_share)
    labelled = np.asarray(window.labelled, dtype=np.bool_)
    measured = measure(window, labelled) if labelled.any() else Measured()
    estimated, why_not = None, "estimation is off for this monitor"
    if spec.estimate and not labelled.all():
        estimated, why_not = estimate(window, ~labelled, baseline.calibration)
    elif spec.estimate:
        why_not = "every row is labelled"
    fair, fair_detail, why_no_fairness = fairness(
        window, labelled, spec.sensitive, spec.min_group_size
    )
    return _Parts(drift, measured, estimated, why_not, fair, fair_detail, why_no_fairness)


def _summary(parts: _Parts) -> dict[str, float | None]:
    drift, fair = parts.drift, parts.fair
    summary: dict[str, float | None] = dict.fromkeys(SUMMARY_FIELDS)
    summary.update(
        drift_share=drift.share,
        drifted_features=float(drift.drifted),
        judged_features=float(drift.judged),
    )
    summary.update(parts.measured.summary())
    summary.update(_estimated_summary(parts.estimated))
    summary.update(
        # Demographic parity (the fairness floor's figure) is computed on every row.
        fairness_rows=float(fair[0].count) if fair else None,
        demographic_parity_ratio=_worst(fair, "demographic_parity_ratio", min),
        demographic_parity_difference=_worst(fair, "demographic_parity_difference", max),
        equalized_odds_difference=_worst(fair, "equalized_odds_difference", max),
    )
    return {k: json_safe(v) for k, v in summary.items()}


def _detail(parts: _Parts, baseline: Baseline, signals: tuple[Signal, ...]) -> dict[str, Any]:
    drift = parts.drift
    return {
        "drift": {
            "share": drift.share,
            "threshold": drift.drift_share,
            "dataset_drifted": drift.dataset_drifted,
            "judged": drift.judged,
            "drifted": drift.drifted,
            "features": [feature_detail(f) for f in drift.features],
        },
        "performance": {
            "measured": parts.measured.to_dict(),
            "estimated": None if parts.estimated is None else parts.estimated.to_dict(),
            "estimated_reason": "" if parts.estimated is not None else parts.why_not_estimated,
            "reference": baseline.performance,
        },
        "fairness": {"results": parts.fair_detail, "reason": parts.why_no_fairness},
        "signals": [_signal(s) for s in signals],
    }


def evaluate(baseline: Baseline, window: WindowData, spec: MonitorSpec) -> Outcome:
    """Judge ``window`` against the stored ``baseline`` with ``spec``'s settings."""
    if len(window) == 0:
        return _empty(window)
    window = with_names(window)
    parts = _compute(baseline, window, spec)
    labelled_rows = window.labelled_count
    summary = _summary(parts)
    signals = tuple(_signals(spec, parts.drift, summary))
    scores = {
        f.name: {
            "statistic": json_safe(f.statistic),
            "drifted": f.drifted,
            "method": f.method.value,
        }
        for f in parts.drift.features
    }
    detail = json_safe(_detail(parts, baseline, signals))
    status = "alert" if signals else "ok"
    return Outcome(status, len(window), labelled_rows, summary, scores, signals, detail)


def _signal(s: Signal) -> dict[str, Any]:
    return {
        "kind": s.kind,
        "metric": s.metric,
        "value": s.value,
        "limit": s.limit,
        "estimated": s.estimated,
    }
