"""Estimated binary classification performance while labels are missing (CBPE).

Confidence-based performance estimation, as NannyML describes it (NannyML docs, "How it works:
Confidence-based Performance Estimation"): if the score p_i is a calibrated probability that
row i is positive, its label is a Bernoulli(p_i) draw, so the confusion matrix has an expected
value computable from the scores alone. With ŷ_i the prediction (the score at or above the
decision threshold, or the logged prediction):

    E[TP] = Σ_{ŷ=1} p_i      E[FP] = Σ_{ŷ=1} (1 − p_i)
    E[FN] = Σ_{ŷ=0} p_i      E[TN] = Σ_{ŷ=0} (1 − p_i)

    accuracy  = (E[TP] + E[TN]) / n                 (the exact expectation)
    precision = E[TP] / (E[TP] + E[FP])             (exact: the denominator is known)
    recall    = E[TP] / (E[TP] + E[FN])             (a ratio of expectations)
    F1        = 2·E[TP] / (2·E[TP] + E[FP] + E[FN]) (a ratio of expectations)
    ROC AUC   = the area under the expected ROC curve: row i counts p_i as a positive and
                1 − p_i as a negative at its score, ties one half (NannyML's estimated
                TPR/FPR at each distinct score, integrated by trapezoids)

Zero denominators give 0 as in the measured metrics; ROC AUC is ``None`` when Σp or Σ(1 − p)
is 0. Rows are ranked by the model's raw score and weighted by the calibrated probability, so
a calibration that merges scores into steps does not add ties the model does not have.

Caveats (why every result carries ``estimated=True`` and must never be shown as measured):
CBPE assumes the scores stay calibrated on current data, i.e. that only the inputs drifted and
the relation between inputs and label did not (no concept drift); it cannot see a change in
P(y | x). Recall, F1 and AUC are ratios of expectations, close to the expected ratio for
hundreds of rows, biased for a handful.

Calibration (optional, fitted once on labelled reference data, stored with the reference):

* ``isotonic``: the non-decreasing step fit that minimises squared error (pool adjacent
  violators over distinct scores, ties averaged first), linear interpolation between the
  fitted points and clipping outside the reference's score range, bounded to [0, 1]: the same
  as scikit-learn's ``IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip")``.
* ``histogram``: equal-frequency bins on the reference scores (edge k is the ⌈k·n/b⌉-th smallest
  reference score, the ``inverted_cdf`` quantile k/b; duplicates dropped, and every bin
  ``[edge_k, edge_k+1)`` holds at least the reference row at its left edge), each
  bin's calibrated probability its positive share; scores outside the reference range fall in
  the first or last bin. Default b = 10 (Zadrozny & Elkan 2001 use 10).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.inputs import (
    ArrayLike,
    BoolArray,
    FloatArray,
    LabelValue,
    as_float_array,
    as_label_array,
    check_same_length,
    ratio,
)
from aitower.statistics.quality.score_metrics import weighted_roc_auc

DEFAULT_BINS = 10
CalibrationMethod = Literal["isotonic", "histogram"]


@dataclass(frozen=True, slots=True)
class Calibration:
    """A fitted score → probability map; ``points``/``values`` depend on ``method``.

    isotonic: ``points`` are reference scores, ``values`` the fitted probabilities there.
    histogram: ``points`` are the inner bin edges, ``values`` one probability per bin.
    """

    method: CalibrationMethod
    points: tuple[float, ...]
    values: tuple[float, ...]
    reference_count: int

    def apply(self, scores: ArrayLike) -> FloatArray:
        raw = as_float_array(scores, "scores", ndim=1)
        points, values = np.asarray(self.points), np.asarray(self.values)
        if self.method == "isotonic":
            return np.asarray(np.interp(raw, points, values), dtype=np.float64)
        return np.asarray(values[np.searchsorted(points, raw, side="right")], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            method=data["method"],
            points=tuple(float(v) for v in data["points"]),
            values=tuple(float(v) for v in data["values"]),
            reference_count=int(data["reference_count"]),
        )


@dataclass(frozen=True, slots=True)
class EstimatedClassification:
    """CBPE estimate for one set of unlabelled binary predictions: never a measurement."""

    count: int
    excluded: int
    threshold: float | None
    calibration: CalibrationMethod | None
    accuracy: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    roc_auc: float | None
    expected_confusion_matrix: tuple[tuple[float, float], tuple[float, float]] | None
    undefined: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    estimated: Literal[True] = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _reference(
    scores: ArrayLike, y_true: ArrayLike, positive_label: LabelValue
) -> tuple[FloatArray, FloatArray]:
    raw = as_float_array(scores, "scores", ndim=1)
    truth = as_label_array(y_true, "y_true")
    check_same_length(scores=raw, y_true=truth)
    keep = np.isfinite(raw)
    if not keep.any():
        raise InvalidInput.on("scores", "no labelled reference row with a finite score")
    return raw[keep], (truth[keep] == positive_label).astype(np.float64)


def _pool_adjacent_violators(y: FloatArray, weight: FloatArray) -> FloatArray:
    """Weighted least-squares non-decreasing fit of ``y`` (in order)."""
    means: list[float] = []
    weights: list[float] = []
    sizes: list[int] = []
    for value, w in zip(y.tolist(), weight.tolist(), strict=True):
        means.append(value)
        weights.append(w)
        sizes.append(1)
        while len(means) > 1 and means[-2] > means[-1]:
            total = weights[-2] + weights[-1]
            means[-2] = (means[-2] * weights[-2] + means[-1] * weights[-1]) / total
            weights[-2] = total
            sizes[-2] += sizes[-1]
            del means[-1], weights[-1], sizes[-1]
    return np.repeat(np.asarray(means), sizes)


def fit_isotonic(
    scores: ArrayLike, y_true: ArrayLike, *, positive_label: LabelValue = 1
) -> Calibration:
    """Isotonic calibration on labelled reference data (see the module docstring)."""
    raw, positive = _reference(scores, y_true, positive_label)
    distinct, inverse, counts = np.unique(raw, return_inverse=True, return_counts=True)
    mean_label = np.bincount(inverse, weights=positive) / counts
    fitted = np.clip(_pool_adjacent_violators(mean_label, counts.astype(np.float64)), 0.0, 1.0)
    return Calibration(
        "isotonic", tuple(distinct.tolist()), tuple(fitted.tolist()), reference_count=len(raw)
    )


def fit_histogram(
    scores: ArrayLike,
    y_true: ArrayLike,
    *,
    bins: int = DEFAULT_BINS,
    positive_label: LabelValue = 1,
) -> Calibration:
    """Histogram-binning calibration on labelled reference data (see the module docstring)."""
    if bins < 1:
        raise InvalidInput.on("bins", "must be at least 1")
    raw, positive = _reference(scores, y_true, positive_label)
    ordered = np.sort(raw)
    # The ⌈k·n/b⌉-th smallest score (numpy's "inverted_cdf" quantile k/b, in exact integers).
    at = (np.arange(1, bins) * len(ordered) + bins - 1) // bins - 1
    edges = np.unique(np.r_[ordered[0], ordered[at], ordered[-1]])
    inner = edges[1:-1]
    index = np.searchsorted(inner, raw, side="right")
    rate = np.bincount(index, weights=positive, minlength=len(inner) + 1) / np.bincount(
        index, minlength=len(inner) + 1
    )
    return Calibration("histogram", tuple(inner.tolist()), tuple(rate.tolist()), len(raw))


def _predicted_positive(
    raw: FloatArray,
    y_pred: ArrayLike | None,
    threshold: float,
    positive_label: LabelValue,
) -> BoolArray:
    if y_pred is None:
        return raw >= threshold
    pred = as_label_array(y_pred, "y_pred")
    check_same_length(scores=raw, y_pred=pred)
    return np.asarray(pred == positive_label, dtype=np.bool_)


def estimate_binary_performance(
    scores: ArrayLike,
    y_pred: ArrayLike | None = None,
    *,
    threshold: float = 0.5,
    calibration: Calibration | None = None,
    positive_label: LabelValue = 1,
) -> EstimatedClassification:
    """CBPE estimate of accuracy, precision, recall, F1 and ROC AUC from scores alone.

    ``scores`` are the model's scores for the positive label; without ``calibration`` they
    must already be probabilities in [0, 1]. ``y_pred`` (the logged predictions) wins over
    ``threshold`` (applied to the raw score, ``score >= threshold`` is positive). Rows whose
    score is not finite are left out and counted in ``excluded``.
    """
    raw = as_float_array(scores, "scores", ndim=1)
    predicted = _predicted_positive(raw, y_pred, threshold, positive_label)
    finite = np.isfinite(raw)
    raw, predicted = raw[finite], predicted[finite]
    proba = calibration.apply(raw) if calibration else raw
    if len(proba) and (proba.min() < 0.0 or proba.max() > 1.0):
        raise InvalidInput.on("scores", "not probabilities in [0, 1]: give a calibration")
    excluded = int((~finite).sum())
    notes = {"excluded": f"{excluded} row(s) with a non-finite score left out"} if excluded else {}
    result = _expected_metrics(raw, proba, predicted)
    return EstimatedClassification(
        count=len(raw),
        excluded=excluded,
        threshold=None if y_pred is not None else threshold,
        calibration=calibration.method if calibration else None,
        notes=notes,
        **result,
    )


def _expected_metrics(raw: FloatArray, proba: FloatArray, predicted: BoolArray) -> dict[str, Any]:
    names = ("accuracy", "precision", "recall", "f1", "roc_auc")
    if len(raw) == 0:
        return dict.fromkeys(names) | {
            "expected_confusion_matrix": None,
            "undefined": dict.fromkeys(names, "no rows"),
        }
    tp, fp = float(proba[predicted].sum()), float((1.0 - proba[predicted]).sum())
    fn, tn = float(proba[~predicted].sum()), float((1.0 - proba[~predicted]).sum())
    undefined: dict[str, str] = {}
    auc = None
    if tp + fn > 0.0 and fp + tn > 0.0:
        auc = weighted_roc_auc(raw, proba, 1.0 - proba)
    else:
        undefined["roc_auc"] = "the calibrated scores expect a single class: ROC AUC undefined"
    return {
        "accuracy": (tp + tn) / len(raw),
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
        "f1": ratio(2.0 * tp, 2.0 * tp + fp + fn),
        "roc_auc": auc,
        "expected_confusion_matrix": ((tn, fp), (fn, tp)),
        "undefined": undefined,
    }
