"""What a monitor reads: one model's logged predictions over a time window, as columns.

The shared contract between the prediction store (which fills it) and the monitors (which
compute drift, performance and fairness from it). Columns, not rows: features are numpy arrays
(numeric, float64, NaN for missing) or dictionary-encoded ``Categorical`` columns, the shapes the
drift engine (``monitoring.drift``) and the quality metrics (``monitoring.quality``) take, so a
window of a million predictions reaches the statistics without a Python object per value.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from aitower.statistics.drift.columns import Categorical

Column: TypeAlias = NDArray[np.float64] | Categorical
Dataset: TypeAlias = dict[str, Column]


class Task(StrEnum):
    """What a model predicts; decides which performance metrics apply."""

    binary = "binary_classification"
    multiclass = "multiclass_classification"
    regression = "regression"


class FeatureKind(StrEnum):
    numeric = "numeric"
    categorical = "categorical"


@dataclass(frozen=True, slots=True)
class MonitoredModel:
    """A model version whose predictions are logged: one per (system, name, version)."""

    id: uuid.UUID
    system_id: uuid.UUID
    name: str
    version: str
    task: Task
    # Classification: the classes in a fixed order (the positive class first for binary).
    classes: tuple[str, ...] = ()
    features: dict[str, FeatureKind] = field(default_factory=dict)
    sensitive: tuple[str, ...] = ()  # names of the sensitive attributes, kept apart


@dataclass(frozen=True)
class WindowData:
    """Predictions whose timestamp lies in ``[start, end)``, with the labels known so far.

    Row ``i`` of every array is the same prediction. For classification ``outputs`` and
    ``labels`` hold class names (``labels[i]`` is None when unlabelled) and ``scores`` the
    probability of the positive class (binary) or NaN; for regression they are float64 with NaN
    when unlabelled. ``class_scores`` (multiclass, when any batch logged per-class scores) has
    one column per class in ``model.classes`` order, NaN where a row lacks that class's score.
    """

    model: MonitoredModel
    start: datetime
    end: datetime
    prediction_ids: NDArray[Any]  # str objects
    timestamps: NDArray[np.int64]  # Unix nanoseconds
    features: Dataset
    sensitive: dict[str, Categorical]
    outputs: NDArray[Any]
    scores: NDArray[np.float64] | None
    labels: NDArray[Any]
    labelled: NDArray[np.bool_]
    label_delays_s: NDArray[np.float64]  # seconds from prediction to label; NaN if unlabelled
    class_scores: NDArray[np.float64] | None = None  # (rows, len(model.classes)), multiclass

    def __len__(self) -> int:
        return int(self.prediction_ids.size)

    @property
    def labelled_count(self) -> int:
        return int(self.labelled.sum())
