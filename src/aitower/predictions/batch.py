"""Checked predictions and labels as columns: what every input (JSON, CSV, Parquet) becomes.

Parsing and validation (``predictions.rows``, ``predictions.files``) end here, and the store
(``predictions.store``) starts here: a batch whose every row passed, with one array per column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from aitower.statistics.drift.columns import Categorical

FeatureColumn: TypeAlias = NDArray[np.float64] | Categorical


def take_column(column: FeatureColumn, rows: NDArray[np.intp]) -> FeatureColumn:
    if isinstance(column, Categorical):
        return Categorical(column.codes[rows], column.categories)
    return column[rows]


@dataclass(frozen=True)
class PredictionColumns:
    """Rows of one model's predictions; row ``i`` of every column is the same prediction.

    ``outputs`` are class codes into the model's classes (classification) or float64 values
    (regression). ``scores`` is the probability of the positive class (binary); ``class_scores``
    one probability column per class (multiclass), when logged.
    """

    ids: list[str]
    timestamps: NDArray[np.int64]  # Unix nanoseconds
    features: dict[str, FeatureColumn]
    sensitive: dict[str, Categorical]
    outputs: FeatureColumn
    scores: NDArray[np.float64] | None = None
    class_scores: dict[str, NDArray[np.float64]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: NDArray[np.intp]) -> PredictionColumns:
        """The rows at ``rows``, in that order."""
        return PredictionColumns(
            ids=[self.ids[i] for i in rows.tolist()],
            timestamps=self.timestamps[rows],
            features={k: take_column(v, rows) for k, v in self.features.items()},
            sensitive={
                k: Categorical(v.codes[rows], v.categories) for k, v in self.sensitive.items()
            },
            outputs=take_column(self.outputs, rows),
            scores=None if self.scores is None else self.scores[rows],
            class_scores={k: v[rows] for k, v in self.class_scores.items()},
        )


@dataclass(frozen=True)
class LabelColumns:
    """Labels by prediction id: ``values`` are class indices (classification) or true values
    (regression); ``names`` the class names (None for regression)."""

    ids: list[str]
    values: NDArray[np.float64]
    names: list[str | None]
    labelled_at: NDArray[np.int64]  # Unix nanoseconds

    def __len__(self) -> int:
        return len(self.ids)


def merge_categoricals(parts: list[Categorical]) -> Categorical:
    """One column from parts with their own category lists: the sorted union of categories,
    each part's codes mapped into it (missing stays -1)."""
    names = sorted({name for part in parts for name in part.categories})
    index = {name: code for code, name in enumerate(names)}
    mapped: list[NDArray[Any]] = []
    for part in parts:
        lookup = np.array([index[name] for name in part.categories] + [-1], dtype=np.int32)
        # Code -1 indexes the last entry of ``lookup``, which is -1: missing stays missing.
        mapped.append(lookup[part.codes])
    codes = np.concatenate(mapped) if mapped else np.empty(0, dtype=np.int32)
    return Categorical(codes.astype(np.int32, copy=False), tuple(names))
