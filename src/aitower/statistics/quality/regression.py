"""Measured regression performance with scikit-learn's definitions (1.9), to 1e-9.

For n rows with targets y and predictions ŷ (e = y − ŷ):

* MAE  = (1/n) Σ |e|                                   (``mean_absolute_error``)
* RMSE = √((1/n) Σ e²)                                 (``root_mean_squared_error``)
* MAPE = (1/n) Σ |e| / max(|y|, ε), ε = 2.220446e-16   (``mean_absolute_percentage_error``):
  a fraction, not a percentage (0.05 means 5 %). A zero target divides by ε, so one zero
  target with a non-zero error makes MAPE astronomically large: that is scikit-learn's
  definition and we keep it, and ``notes`` says how many targets were zero.
* R²   = 1 − Σ e² / Σ (y − ȳ)²                         (``r2_score``)

Deliberate differences, each an answer where scikit-learn gives a number that misleads or fails:

* R² with a constant target (Σ (y − ȳ)² = 0) or fewer than two rows is ``None`` with the
  reason; scikit-learn returns 1.0 or 0.0 (``force_finite=True``) or NaN for one row.
* Rows where the target or the prediction is NaN or infinite are left out and counted in
  ``excluded``; scikit-learn raises.
* Empty input gives ``count == 0`` and every metric ``None``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from aitower.statistics.quality.inputs import ArrayLike, as_float_array, check_same_length

MAPE_EPS = float(np.finfo(np.float64).eps)


@dataclass(frozen=True, slots=True)
class RegressionResult:
    """Measured metrics of one set of labelled predictions (``estimated`` is always False)."""

    count: int
    excluded: int
    mae: float | None
    rmse: float | None
    mape: float | None
    r2: float | None
    undefined: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    estimated: Literal[False] = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def regression_metrics(y_true: ArrayLike, y_pred: ArrayLike) -> RegressionResult:
    """MAE, RMSE, MAPE and R² of predictions against targets (see the module docstring)."""
    truth = as_float_array(y_true, "y_true", ndim=1)
    pred = as_float_array(y_pred, "y_pred", ndim=1)
    check_same_length(y_true=truth, y_pred=pred)
    finite = np.isfinite(truth) & np.isfinite(pred)
    excluded = int((~finite).sum())
    truth, pred = truth[finite], pred[finite]
    n = len(truth)
    notes: dict[str, str] = {}
    if excluded:
        notes["excluded"] = f"{excluded} row(s) with a non-finite target or prediction left out"
    if n == 0:
        undefined = dict.fromkeys(("mae", "rmse", "mape", "r2"), "no labelled rows")
        return RegressionResult(0, excluded, None, None, None, None, undefined, notes)
    error = truth - pred
    zero_targets = int((truth == 0).sum())
    if zero_targets:
        notes["mape"] = f"{zero_targets} zero target(s) divided by machine epsilon, as sklearn"
    r2, reason = r_squared(truth, pred)
    return RegressionResult(
        count=n,
        excluded=excluded,
        mae=float(np.mean(np.abs(error))),
        rmse=float(np.sqrt(np.mean(error**2))),
        mape=float(np.mean(np.abs(error) / np.maximum(np.abs(truth), MAPE_EPS))),
        r2=r2,
        undefined={"r2": reason} if r2 is None else {},
        notes=notes,
    )


def r_squared(truth: np.ndarray[Any, Any], pred: np.ndarray[Any, Any]) -> tuple[float | None, str]:
    """Coefficient of determination, or None and why (fewer than 2 rows, constant target)."""
    if len(truth) < 2:
        return None, "fewer than two rows: R² is undefined"
    total = float(np.sum((truth - np.mean(truth)) ** 2))
    if total == 0.0:
        return None, "constant target: R² is undefined"
    return 1.0 - float(np.sum((truth - pred) ** 2)) / total, ""
