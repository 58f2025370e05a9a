"""A reference's baseline: everything later checks need of it, computed once (pure).

A reference is a set of predictions (an uploaded dataset or a window of logged predictions),
read as a ``WindowData``. Its baseline holds:

* ``drift``: the drift engine's ``ReferenceProfile`` of every feature, of the prediction
  itself (``_prediction``: a category per class, or the predicted value for regression) and,
  for binary models, of the positive-class score (``_score``);
* ``calibration``: for binary models with labelled, scored reference rows, the score →
  probability map that CBPE needs on unlabelled current data. Isotonic regression when the
  reference has at most ``ISOTONIC_MAX_POINTS`` distinct scores (its fitted points are stored,
  so the document stays small), equal-frequency histogram binning (10 bins) beyond;
* ``performance``: the measured metrics of the labelled reference rows, so a result can be
  read against what the model did when it was judged good.

A later check never reads the reference's rows again: the baseline is one JSON document
(``to_dict``/``from_dict``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from aitower.core.errors import InvalidInput
from aitower.model_monitors.performance import measure, with_names
from aitower.model_monitors.spec import PREDICTION, SCORE
from aitower.predictions.window import Task, WindowData
from aitower.statistics.drift import Categorical, ReferenceProfile, build_profile
from aitower.statistics.drift.columns import Column
from aitower.statistics.quality.estimation import Calibration, fit_histogram, fit_isotonic

BASELINE_FORMAT = 1
ISOTONIC_MAX_POINTS = 5_000


@dataclass(frozen=True, eq=False)
class Baseline:
    task: Task
    classes: tuple[str, ...]
    rows: int
    labelled: int
    drift: ReferenceProfile
    calibration: Calibration | None
    performance: dict[str, float | None]

    @property
    def features(self) -> tuple[str, ...]:
        return tuple(self.drift.features)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": BASELINE_FORMAT,
            "task": self.task.value,
            "classes": list(self.classes),
            "rows": self.rows,
            "labelled": self.labelled,
            # PostgreSQL's JSONB does not keep key order: the features' order is kept apart.
            "feature_order": list(self.drift.features),
            "drift": self.drift.to_dict(),
            "calibration": None if self.calibration is None else self.calibration.to_dict(),
            "performance": dict(self.performance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Baseline:
        if data.get("format") != BASELINE_FORMAT:
            raise InvalidInput.on("profile", f"unknown baseline format {data.get('format')!r}")
        calibration = data.get("calibration")
        drift = ReferenceProfile.from_dict(data["drift"])
        order = data.get("feature_order") or list(drift.features)
        drift = ReferenceProfile(drift.rows, {name: drift.features[name] for name in order})
        return cls(
            task=Task(data["task"]),
            classes=tuple(str(c) for c in data["classes"]),
            rows=int(data["rows"]),
            labelled=int(data["labelled"]),
            drift=drift,
            calibration=None if calibration is None else Calibration.from_dict(calibration),
            performance=dict(data.get("performance") or {}),
        )


def encode_classes(values: np.ndarray[Any, Any], classes: tuple[str, ...]) -> Categorical:
    """Class names as a ``Categorical`` over the model's classes (others appended, sorted)."""
    if values.size == 0:
        return Categorical(np.empty(0, dtype=np.int64), classes)
    if values.dtype.kind == "U" and values.size:
        known = np.full(values.size, -1, dtype=np.int64)
        for k, name in enumerate(classes):
            known[values == name] = k
        if (known >= 0).all():  # the usual case: one comparison per class, no sort
            return Categorical(known, classes)
    names, codes = np.unique(values.astype(str), return_inverse=True)
    extra = sorted(set(names.tolist()) - set(classes))
    order = (*classes, *extra)
    position = {name: i for i, name in enumerate(order)}
    remap = np.array([position[n] for n in names.tolist()], dtype=np.int64)
    return Categorical(remap[codes.reshape(-1)], order)


def drift_columns(window: WindowData) -> dict[str, Column]:
    """The columns drift is checked on: features, the prediction and the binary score."""
    model = window.model
    clash = {PREDICTION, SCORE} & set(window.features)
    if clash:
        raise InvalidInput.on(sorted(clash)[0], "is a reserved column name")
    columns: dict[str, Column] = dict(window.features)
    if model.task is Task.regression:
        columns[PREDICTION] = np.asarray(window.outputs, dtype=np.float64)
    else:
        columns[PREDICTION] = encode_classes(np.asarray(window.outputs), model.classes)
    if model.task is Task.binary and window.scores is not None:
        columns[SCORE] = np.asarray(window.scores, dtype=np.float64)
    return columns


def _calibration(window: WindowData) -> Calibration | None:
    model = window.model
    if model.task is not Task.binary or window.scores is None or not model.classes:
        return None
    keep = window.labelled & np.isfinite(window.scores)
    if not keep.any():
        return None
    scores, labels = window.scores[keep], np.asarray(window.labels)[keep].astype(str)
    positive = model.classes[0]
    if np.unique(scores).size <= ISOTONIC_MAX_POINTS:
        return fit_isotonic(scores, labels, positive_label=positive)
    return fit_histogram(scores, labels, positive_label=positive)


def build_baseline(window: WindowData) -> Baseline:
    """Profile a reference once: drift profile, CBPE calibration and measured performance."""
    if len(window) == 0:
        raise InvalidInput.on("reference", "has no rows")
    window = with_names(window)
    performance = measure(window, window.labelled).summary() if window.labelled.any() else {}
    return Baseline(
        task=window.model.task,
        classes=window.model.classes,
        rows=len(window),
        labelled=window.labelled_count,
        drift=build_profile(drift_columns(window)),
        calibration=_calibration(window),
        performance=performance,
    )
