"""Measured classification performance, binary and multiclass, with scikit-learn's definitions.

Every number here equals scikit-learn's (1.9) on the same input, to 1e-9, and the tests check
that. Where scikit-learn raises or warns, aitower answers instead:

* **Zero division** (precision with no predicted positives, recall with no actual positives,
  F1 with neither): 0.0, as ``zero_division=0`` gives, and the metric is named in ``notes``.
* **ROC AUC with a single class in y_true** (undefined): ``None``, with the reason in
  ``undefined``. Multiclass: the one-vs-rest macro mean over the classes that have both
  positives and negatives in y_true; classes left out are listed in ``notes`` (scikit-learn
  raises instead).
* **Non-finite scores** (NaN, ±inf): those rows are left out of ROC AUC and log loss only, and
  ``scored_count`` and ``notes`` say how many; the label metrics use every row.
* **Empty input**: a result with ``count == 0`` and every metric ``None`` ("no labelled rows").

Definitions (``C`` the confusion matrix, rows true class, columns predicted class, in
``labels`` order; per class ``tp = C[k, k]``, ``predicted = Σ_i C[i, k]``,
``support = Σ_j C[k, j]``):

* accuracy = trace(C) / n
* precision_k = tp / predicted, recall_k = tp / support, F1_k = 2·tp / (support + predicted)
* binary: precision, recall and F1 of the positive class (``average == "binary"``);
  multiclass: the unweighted (macro) mean over ``labels`` is the headline
  (``average == "macro"``) and the support-weighted mean is in ``weighted``. Macro treats every
  class alike, so a rare class doing badly shows; weighted follows the traffic.
* ROC AUC = P(score of a positive > score of a negative) + ½·P(equal), the Mann–Whitney form of
  the area under the ROC curve; ties count one half, exactly as scikit-learn's trapezoidal
  area over distinct thresholds does.
* log loss = −(1/n) Σ_i Σ_k y_ik · ln(clip(p_ik, ε, 1−ε)) with ε = 2.220446e-16 (float64
  machine epsilon), as scikit-learn ≥ 1.5 clips. Binary scores are P(positive) and form the
  two columns (1−p, p) before clipping. Scores outside [0, 1] are not probabilities: log loss
  is then ``None``. Multiclass rows not summing to 1 (relative tolerance √ε) are used as given,
  with a note, as scikit-learn warns but computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.inputs import (
    ArrayLike,
    BoolArray,
    FloatArray,
    IntArray,
    LabelValue,
    as_float_array,
    as_label_array,
    check_same_length,
    encode,
    ratio,
    sorted_unique,
)
from aitower.statistics.quality.score_metrics import binary_roc_auc, log_loss

NO_ROWS = "no labelled rows"


@dataclass(frozen=True, slots=True)
class ClassScores:
    """Precision, recall and F1 of one class against the rest."""

    label: LabelValue
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


@dataclass(frozen=True, slots=True)
class Averages:
    precision: float
    recall: float
    f1: float


@dataclass(frozen=True, slots=True)
class ClassificationResult:
    """Measured metrics of one set of labelled predictions (``estimated`` is always False)."""

    task: Literal["binary", "multiclass"]
    count: int
    labels: tuple[LabelValue, ...]
    positive_label: LabelValue | None
    accuracy: float | None
    precision: float | None
    recall: float | None
    f1: float | None
    average: Literal["binary", "macro"]
    weighted: Averages | None
    per_class: tuple[ClassScores, ...]
    confusion_matrix: tuple[tuple[int, ...], ...]
    roc_auc: float | None
    log_loss: float | None
    scored_count: int
    undefined: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    estimated: Literal[False] = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class _Counts:
    matrix: IntArray
    tp: IntArray
    predicted: IntArray
    support: IntArray


def resolve_labels(
    y_true: npt.NDArray[Any],
    y_pred: npt.NDArray[Any],
    labels: Sequence[LabelValue] | None,
    positive_label: LabelValue | None,
) -> tuple[list[LabelValue], LabelValue | None]:
    """The label order and, for two classes, the positive one.

    Without ``labels``: the sorted distinct values of y_true and y_pred (scikit-learn's
    ``unique_labels``); a lone 0 or 1 is completed to [0, 1] so a window with one class stays
    binary. The positive label defaults to 1 when the labels are within {0, 1} or {-1, 1}
    (Fairlearn's rule), otherwise to the last label.
    """
    chosen = list(labels) if labels is not None else sorted_unique(y_true, y_pred)
    if len(set(chosen)) != len(chosen):
        raise InvalidInput.on("labels", "contains duplicates")
    if labels is None and len(chosen) == 1 and chosen[0] in (0, 1):
        is_bool = isinstance(chosen[0], bool)
        chosen = [False, True] if is_bool else [0, 1]
    if positive_label is not None and positive_label not in chosen:
        if len(chosen) >= 2:
            raise InvalidInput.on("positive_label", f"{positive_label!r} is not a label")
        chosen = [*chosen, positive_label]
    if len(chosen) > 2:
        return chosen, None
    if positive_label is None and chosen:
        within = set(chosen) <= {0, 1} or set(chosen) <= {-1, 1}
        positive_label = next((x for x in chosen if x == 1), chosen[-1]) if within else chosen[-1]
    return chosen, positive_label


def count_confusion(true_codes: IntArray, pred_codes: IntArray, n_labels: int) -> IntArray:
    """Confusion matrix ``C[i, j]`` = rows of true class i predicted as class j."""
    flat = np.bincount(true_codes * n_labels + pred_codes, minlength=n_labels * n_labels)
    return flat.reshape(n_labels, n_labels).astype(np.int64)


def _counts(true_codes: IntArray, pred_codes: IntArray, n_labels: int) -> _Counts:
    matrix = count_confusion(true_codes, pred_codes, n_labels)
    return _Counts(matrix, np.diag(matrix).copy(), matrix.sum(axis=0), matrix.sum(axis=1))


def _per_class(counts: _Counts, labels: Sequence[LabelValue]) -> tuple[ClassScores, ...]:
    rows = []
    for k, label in enumerate(labels):
        tp, predicted, support = (
            int(counts.tp[k]),
            int(counts.predicted[k]),
            int(counts.support[k]),
        )
        rows.append(
            ClassScores(
                label=label,
                precision=ratio(tp, predicted),
                recall=ratio(tp, support),
                f1=ratio(2 * tp, support + predicted),
                support=support,
                predicted=predicted,
            )
        )
    return tuple(rows)


def _zero_division_notes(scores: ClassScores, notes: dict[str, str]) -> None:
    if scores.predicted == 0:
        notes["precision"] = f"no rows predicted {scores.label!r}: 0 by convention"
    if scores.support == 0:
        notes["recall"] = f"no rows of class {scores.label!r} in y_true: 0 by convention"
    if scores.predicted == 0 and scores.support == 0:
        notes["f1"] = f"class {scores.label!r} neither present nor predicted: 0 by convention"


def _scored_rows(scores: FloatArray, notes: dict[str, str]) -> BoolArray:
    per_value = np.isfinite(scores)
    finite: BoolArray = per_value if scores.ndim == 1 else np.asarray(per_value.all(axis=1))
    left_out = int((~finite).sum())
    if left_out:
        notes["scores"] = f"{left_out} row(s) with a non-finite score left out of roc_auc, log_loss"
    return finite


def _binary_score_metrics(
    true_pos: BoolArray, scores: FloatArray, undefined: dict[str, str], notes: dict[str, str]
) -> tuple[float | None, float | None, int]:
    finite = _scored_rows(scores, notes)
    y, p = true_pos[finite], scores[finite]
    auc, reason = binary_roc_auc(y, p) if len(y) else (None, "no row with a finite score")
    if auc is None:
        undefined["roc_auc"] = reason
    pos = y.astype(np.float64)
    loss = log_loss(np.column_stack([1.0 - pos, pos]), np.column_stack([1.0 - p, p]), notes)
    if loss is None:
        undefined["log_loss"] = "scores are not probabilities in [0, 1]" if len(y) else NO_ROWS
    return auc, loss, int(finite.sum())


def _multiclass_score_metrics(
    true_codes: IntArray,
    scores: FloatArray,
    labels: Sequence[LabelValue],
    undefined: dict[str, str],
    notes: dict[str, str],
) -> tuple[float | None, float | None, int]:
    finite = _scored_rows(scores, notes)
    codes, proba = true_codes[finite], scores[finite]
    aucs, skipped = [], []
    for k, label in enumerate(labels):
        auc, _ = binary_roc_auc(codes == k, proba[:, k])
        (skipped.append(label) if auc is None else aucs.append(auc))
    if skipped and aucs:
        notes["roc_auc"] = f"classes without both positives and negatives left out: {skipped!r}"
    macro_auc = float(np.mean(aucs)) if aucs else None
    if macro_auc is None:
        undefined["roc_auc"] = "no class has both positives and negatives in y_true"
    one_hot = np.eye(len(labels))[codes]
    loss = log_loss(one_hot, proba, notes)
    if loss is None:
        undefined["log_loss"] = "scores are not probabilities in [0, 1]" if len(codes) else NO_ROWS
    return macro_auc, loss, int(finite.sum())


def _empty_result(
    task: Literal["binary", "multiclass"], labels: list[LabelValue], positive: LabelValue | None
) -> ClassificationResult:
    k = len(labels)
    undefined = dict.fromkeys(
        ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"), NO_ROWS
    )
    return ClassificationResult(
        task=task,
        count=0,
        labels=tuple(labels),
        positive_label=positive,
        accuracy=None,
        precision=None,
        recall=None,
        f1=None,
        average="binary" if task == "binary" else "macro",
        weighted=None,
        per_class=(),
        confusion_matrix=tuple((0,) * k for _ in range(k)),
        roc_auc=None,
        log_loss=None,
        scored_count=0,
        undefined=undefined,
    )


def classification_metrics(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    scores: ArrayLike | None = None,
    *,
    labels: Sequence[LabelValue] | None = None,
    positive_label: LabelValue | None = None,
) -> ClassificationResult:
    """Accuracy, precision, recall, F1, confusion matrix and, with scores, ROC AUC and log loss.

    Two labels make the task binary and ``scores`` (optional) is one score per row for the
    positive label (or two columns in ``labels`` order); more labels make it multiclass and
    ``scores`` is an (n, k) array whose columns follow ``labels``. See the module docstring
    for the definitions and the edge cases.
    """
    truth, pred = as_label_array(y_true, "y_true"), as_label_array(y_pred, "y_pred")
    n = check_same_length(y_true=truth, y_pred=pred)
    score_array = None if scores is None else as_float_array(scores, "scores")
    order, positive = resolve_labels(truth, pred, labels, positive_label)
    binary = len(order) <= 2
    task: Literal["binary", "multiclass"] = "binary" if binary else "multiclass"
    if (
        positive is not None
        and len(order) == 2
        and score_array is not None
        and score_array.ndim == 2
    ):
        # Two probability columns (in ``labels`` order): keep the positive label's.
        score_array = np.take(score_array, order.index(positive), axis=1)
    if score_array is not None:
        _check_score_shape(score_array, n, task, len(order))
    if n == 0:
        return _empty_result(task, order, positive if binary else None)
    true_codes, pred_codes = encode(truth, order, "y_true"), encode(pred, order, "y_pred")
    counts = _counts(true_codes, pred_codes, len(order))
    per_class = _per_class(counts, order)
    if binary:
        assert positive is not None  # two labels or one: resolve_labels chose one
        return _binary_result(counts, per_class, order, positive, true_codes, score_array)
    return _multiclass_result(counts, per_class, order, true_codes, score_array)


def _check_score_shape(scores: FloatArray, n: int, task: str, n_labels: int) -> None:
    expected = (n,) if task == "binary" else (n, n_labels)
    if scores.shape != expected:
        raise InvalidInput.on("scores", f"expected shape {expected} for {task}, got {scores.shape}")


def _matrix(counts: _Counts) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in row) for row in counts.matrix)


def _binary_result(
    counts: _Counts,
    per_class: tuple[ClassScores, ...],
    labels: list[LabelValue],
    positive: LabelValue,
    true_codes: IntArray,
    scores: FloatArray | None,
) -> ClassificationResult:
    undefined: dict[str, str] = {}
    notes: dict[str, str] = {}
    pos_index = labels.index(positive)
    headline = per_class[pos_index]
    _zero_division_notes(headline, notes)
    auc = loss = None
    scored = 0
    if scores is None:
        undefined["roc_auc"] = undefined["log_loss"] = "no scores given"
    else:
        auc, loss, scored = _binary_score_metrics(true_codes == pos_index, scores, undefined, notes)
    return ClassificationResult(
        task="binary",
        count=int(counts.matrix.sum()),
        labels=tuple(labels),
        positive_label=positive,
        accuracy=ratio(counts.tp.sum(), counts.matrix.sum()),
        precision=headline.precision,
        recall=headline.recall,
        f1=headline.f1,
        average="binary",
        weighted=None,
        per_class=per_class,
        confusion_matrix=_matrix(counts),
        roc_auc=auc,
        log_loss=loss,
        scored_count=scored,
        undefined=undefined,
        notes=notes,
    )


def _multiclass_result(
    counts: _Counts,
    per_class: tuple[ClassScores, ...],
    labels: list[LabelValue],
    true_codes: IntArray,
    scores: FloatArray | None,
) -> ClassificationResult:
    undefined: dict[str, str] = {}
    notes: dict[str, str] = {}
    never_predicted = [row.label for row in per_class if row.predicted == 0]
    if never_predicted:
        notes["precision"] = f"never predicted, so precision 0 by convention: {never_predicted!r}"
    absent = [row.label for row in per_class if row.support == 0]
    if absent:
        notes["recall"] = f"absent from y_true, so recall 0 by convention: {absent!r}"
    precision = np.array([row.precision for row in per_class])
    recall = np.array([row.recall for row in per_class])
    f1 = np.array([row.f1 for row in per_class])
    support = counts.support.astype(np.float64)
    weighted = Averages(
        precision=float(np.average(precision, weights=support)),
        recall=float(np.average(recall, weights=support)),
        f1=float(np.average(f1, weights=support)),
    )
    auc = loss = None
    scored = 0
    if scores is None:
        undefined["roc_auc"] = undefined["log_loss"] = "no scores given"
    else:
        auc, loss, scored = _multiclass_score_metrics(true_codes, scores, labels, undefined, notes)
    return ClassificationResult(
        task="multiclass",
        count=int(counts.matrix.sum()),
        labels=tuple(labels),
        positive_label=None,
        accuracy=ratio(counts.tp.sum(), counts.matrix.sum()),
        precision=float(precision.mean()),
        recall=float(recall.mean()),
        f1=float(f1.mean()),
        average="macro",
        weighted=weighted,
        per_class=per_class,
        confusion_matrix=_matrix(counts),
        roc_auc=auc,
        log_loss=loss,
        scored_count=scored,
        undefined=undefined,
        notes=notes,
    )
