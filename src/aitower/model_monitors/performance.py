"""Performance and fairness of a window's predictions, measured or estimated, never mixed (pure).

* Measured: the quality metrics (``monitoring.quality``) of the labelled rows only.
  Classification uses the model's classes in order, the first being the positive class of a
  binary model; a multiclass model's per-class scores give one-vs-rest macro ROC AUC and log
  loss; regression compares the predicted value with the label.
* Estimated: for binary models with scores, CBPE on the *unlabelled* rows only, with the
  reference's calibration (``baseline``); without one the scores must be probabilities.
  An estimate is kept in its own fields (``estimated_*``) so no chart or alert reads it as a
  measurement.
* Fairness: binary models, by each sensitive attribute and their intersection, Fairlearn's
  definitions with small groups flagged (``monitoring.quality.fairness``): selection rate and
  demographic parity over every row of the window (they need no label, so late labels do not
  leave recent windows without them), TPR, FPR, accuracy and equalized odds over the labelled
  rows only.
  Sensitive columns are passed as integer codes (the fast path), and the group keys are turned
  back into category names afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aitower.core.errors import InvalidInput
from aitower.predictions.window import Task, WindowData
from aitower.statistics.quality.classification import ClassificationResult, classification_metrics
from aitower.statistics.quality.estimation import (
    Calibration,
    EstimatedClassification,
    estimate_binary_performance,
)
from aitower.statistics.quality.fairness import FairnessResult, fairness_report
from aitower.statistics.quality.regression import RegressionResult, regression_metrics

BoolMask = NDArray[np.bool_]
SUMMARY = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")
REGRESSION_SUMMARY = ("mae", "rmse", "mape", "r2")


@dataclass(frozen=True, slots=True)
class Measured:
    """Measured metrics of the labelled rows: one of the two results is set."""

    classification: ClassificationResult | None = None
    regression: RegressionResult | None = None

    def summary(self) -> dict[str, float | None]:
        if self.classification is not None:
            return {name: getattr(self.classification, name) for name in SUMMARY}
        if self.regression is not None:
            return {name: getattr(self.regression, name) for name in REGRESSION_SUMMARY}
        return {}

    def to_dict(self) -> dict[str, Any] | None:
        if self.classification is not None:
            return self.classification.to_dict()
        return None if self.regression is None else self.regression.to_dict()


def _class_labels(values: NDArray[Any]) -> NDArray[Any]:
    array = np.asarray(values)
    return array if array.dtype.kind == "U" else array.astype(str)


def as_names(values: NDArray[Any], classes: tuple[str, ...]) -> NDArray[np.str_]:
    """Class names as a numpy string array ("" where missing), built from one comparison per
    class rather than a ``str()`` per row: the window's object arrays are read once, and
    every metric after sees fixed-width strings (fast to sort, compare and encode)."""
    array = np.asarray(values)
    if array.dtype.kind == "U":
        return array
    codes = np.full(array.size, -1, dtype=np.intp)
    for k, name in enumerate(classes):
        codes[array == name] = k
    names = np.array([*classes, ""], dtype=str)[codes]
    others = np.flatnonzero(codes < 0)
    if others.size:  # missing labels stay "", undeclared classes get their own text
        rest = array[others]
        undeclared = others[rest != None]  # noqa: E711 (elementwise, on an object array)
        if undeclared.size:
            names = names.astype(object)
            names[undeclared] = [str(v) for v in array[undeclared].tolist()]
            names = names.astype(str)
    return names


def with_names(window: WindowData) -> WindowData:
    """The window with outputs and labels as string arrays (classification); else as it is."""
    if window.model.task is Task.regression:
        return window
    classes = window.model.classes
    return replace(
        window, outputs=as_names(window.outputs, classes), labels=as_names(window.labels, classes)
    )


def _codes(values: NDArray[Any], classes: list[str]) -> NDArray[np.int64]:
    """Each value's index in ``classes`` (-1 if absent): one vectorised comparison per class."""
    codes = np.full(values.size, -1, dtype=np.int64)
    for k, name in enumerate(classes):
        codes[values == name] = k
    return codes


def _as_codes(
    truth: NDArray[Any], pred: NDArray[Any], declared: list[str]
) -> tuple[NDArray[np.int64], NDArray[np.int64], list[str]]:
    """Both columns as codes into the declared classes, undeclared ones appended (sorted)."""
    t, p = _codes(truth, declared), _codes(pred, declared)
    stray = np.concatenate([truth[t < 0], pred[p < 0]])
    order = [*declared, *sorted(set(stray.tolist()))]
    if stray.size:
        t, p = _codes(truth, order), _codes(pred, order)
    return t, p, order


LABEL_NOTES = frozenset({"precision", "recall", "f1", "roc_auc"})


def _classification(
    truth: NDArray[Any],
    pred: NDArray[Any],
    scores: NDArray[np.float64] | None,
    model_classes: tuple[str, ...],
    binary: bool,
) -> ClassificationResult:
    """``classification_metrics`` on class codes (sorting a million small integers, not a
    million strings), the class names put back. Where a note names a class (zero division,
    a class left out of ROC AUC), it is recomputed on the names so the note reads right.

    ``scores``: the positive class's score (binary) or an (n, classes) matrix in the model's
    class order (multiclass), dropped when a label or output falls outside the declared classes
    (the matrix has no column for it)."""
    t, p, order = _as_codes(truth, pred, list(model_classes))
    binary = binary and len(order) == 2
    fits = binary or (scores is not None and scores.ndim == 2 and scores.shape[1] == len(order))
    used = scores if fits else None
    result = classification_metrics(
        t, p, used, labels=list(range(len(order))), positive_label=0 if binary else None
    )
    if LABEL_NOTES & set(result.notes):
        return classification_metrics(
            truth, pred, used, labels=order, positive_label=order[0] if binary else None
        )
    return replace(
        result,
        labels=tuple(order),
        positive_label=order[0] if binary else None,
        per_class=tuple(replace(c, label=order[int(c.label)]) for c in result.per_class),
    )


def measure(window: WindowData, rows: BoolMask) -> Measured:
    """Measured performance of ``rows`` (a mask of labelled rows)."""
    model = window.model
    if model.task is Task.regression:
        truth = np.asarray(window.labels, dtype=np.float64)[rows]
        pred = np.asarray(window.outputs, dtype=np.float64)[rows]
        return Measured(regression=regression_metrics(truth, pred))
    truth = _class_labels(window.labels[rows])
    pred = _class_labels(window.outputs[rows])
    scores = None
    if model.task is Task.binary and window.scores is not None:
        scores = np.asarray(window.scores, dtype=np.float64)[rows]
    elif model.task is Task.multiclass and window.class_scores is not None:
        scores = np.asarray(window.class_scores, dtype=np.float64)[rows]
    if not model.classes:  # no declared order: the metrics' own (sorted names)
        return Measured(classification=classification_metrics(truth, pred))
    binary = model.task is Task.binary
    return Measured(classification=_classification(truth, pred, scores, model.classes, binary))


def estimate(
    window: WindowData, rows: BoolMask, calibration: Calibration | None
) -> tuple[EstimatedClassification | None, str]:
    """CBPE on ``rows`` (unlabelled), or None and why it does not apply."""
    model = window.model
    if model.task is not Task.binary or not model.classes:
        return None, "estimation applies to binary classification"
    if window.scores is None:
        return None, "no scores logged"
    scores = np.asarray(window.scores, dtype=np.float64)[rows]
    pred = _class_labels(window.outputs[rows])
    try:
        estimated = estimate_binary_performance(
            scores, pred, calibration=calibration, positive_label=model.classes[0]
        )
    except InvalidInput as exc:
        return None, exc.detail
    return estimated, ""


def _named_groups(
    results: list[FairnessResult], categories: dict[str, tuple[str, ...]]
) -> list[dict[str, Any]]:
    """Each result as a dict, with group keys (codes) turned back into category names."""
    named = []
    for result in results:
        data = result.to_dict()
        for group in data["groups"]:
            group["group"] = {
                name: None if code is None or code < 0 else categories[name][int(code)]
                for name, code in group["group"].items()
            }
        named.append(data)
    return named


def fairness(
    window: WindowData, labelled: BoolMask, attributes: tuple[str, ...], min_group_size: int
) -> tuple[list[FairnessResult], list[dict[str, Any]], str]:
    """Fairness results of every row of ``window`` by ``attributes`` (selection rate and
    demographic parity from all rows, label-dependent rates from the ``labelled`` ones); the
    same, JSON-ready; why not."""
    model = window.model
    if not attributes:
        return [], [], "no sensitive attributes chosen"
    if model.task is not Task.binary or not model.classes:
        return [], [], "fairness applies to binary classification"
    if len(window) == 0:
        return [], [], "no predictions"
    missing = [a for a in attributes if a not in window.sensitive]
    if missing:
        raise InvalidInput.on("sensitive", f"{missing[0]!r} is not logged for this model")
    codes = {a: window.sensitive[a].codes.astype(np.int64) for a in attributes}
    results = fairness_report(
        _class_labels(window.labels),
        _class_labels(window.outputs),
        codes,
        positive_label=model.classes[0],
        min_group_size=min_group_size,
        labelled=labelled,
    )
    categories = {a: window.sensitive[a].categories for a in attributes}
    return results, _named_groups(results, categories), ""
