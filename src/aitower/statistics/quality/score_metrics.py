"""Score-based metrics shared by the measured and the estimated results: ROC AUC and log loss.

Both follow scikit-learn (1.9) to 1e-9; the formulas are in the docstrings below and in
``classification``'s module docstring, which says what happens at the edges.
"""

from __future__ import annotations

import numpy as np

from aitower.statistics.quality.inputs import BoolArray, FloatArray

LOG_LOSS_EPS = float(np.finfo(np.float64).eps)
"""Probabilities are clipped to [ε, 1 − ε] (float64 machine epsilon), as scikit-learn ≥ 1.5."""


def weighted_roc_auc(scores: FloatArray, positive: FloatArray, negative: FloatArray) -> float:
    """Area under the ROC curve where row i counts ``positive[i]`` as a positive and
    ``negative[i]`` as a negative (measured: 1/0 weights; CBPE: p and 1−p).

    AUC = Σ_g P_g·(N_below_g + ½·N_g) / (ΣP · ΣN), over groups g of tied scores in ascending
    order, with P_g and N_g the positive and negative weight of the group and N_below_g the
    negative weight of lower scores: the Mann–Whitney statistic with ties as one half, equal to
    the trapezoidal area under the (weighted) ROC curve. Callers ensure ΣP > 0 and ΣN > 0.
    """
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    group_pos = np.add.reduceat(positive[order], starts)
    group_neg = np.add.reduceat(negative[order], starts)
    below = np.cumsum(group_neg) - group_neg
    area = float(np.sum(group_pos * (below + 0.5 * group_neg)))
    return area / (float(group_pos.sum()) * float(group_neg.sum()))


def binary_roc_auc(is_positive: BoolArray, scores: FloatArray) -> tuple[float | None, str]:
    """ROC AUC of one class against the rest, or None and why it is undefined."""
    positives = int(is_positive.sum())
    if positives == 0 or positives == len(is_positive):
        return None, "only one class present in y_true: ROC AUC is undefined"
    weight = is_positive.astype(np.float64)
    return weighted_roc_auc(scores, weight, 1.0 - weight), ""


def log_loss(one_hot: FloatArray, proba: FloatArray, notes: dict[str, str]) -> float | None:
    """Mean cross-entropy; ``proba`` has one column per label (binary: 1−p, p)."""
    if len(proba) == 0:
        return None
    if proba.min() < 0.0 or proba.max() > 1.0:
        return None
    sums = proba.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=np.sqrt(LOG_LOSS_EPS), atol=0.0):
        notes["log_loss"] = "score rows do not sum to one; used as given"
    clipped = np.clip(proba, LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
    return float(-np.mean(np.sum(one_hot * np.log(clipped), axis=1)))
