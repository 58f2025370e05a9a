"""An uploaded reference dataset (records) read into the window shape every check takes (pure).

A record is one prediction: ``features`` (name → value), ``output`` (class name or value),
optional ``score`` (probability of the positive class, binary), optional ``label`` and
optional ``sensitive`` (attribute → value). Numeric features become float64 (None, NaN or a
non-number → NaN, counted as missing by the drift engine); categorical ones are encoded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from aitower.core.errors import InvalidInput
from aitower.predictions.window import Column, FeatureKind, MonitoredModel, Task, WindowData
from aitower.statistics.drift import Categorical

MAX_RECORDS = 2_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _number(value: Any, where: str) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise InvalidInput.on(where, f"expected a number, got {value!r}") from None
    return float(value)


def _feature_column(kind: FeatureKind, name: str, records: Sequence[Mapping[str, Any]]) -> Column:
    values = [(r.get("features") or {}).get(name) for r in records]
    if kind is FeatureKind.numeric:
        return np.array(
            [_number(v, f"records[{i}].features.{name}") for i, v in enumerate(values)],
            dtype=np.float64,
        )
    return Categorical.from_values(np.array(values, dtype=object))


def _labels(model: MonitoredModel, records: Sequence[Mapping[str, Any]]) -> np.ndarray[Any, Any]:
    raw = [r.get("label") for r in records]
    if model.task is Task.regression:
        return np.array(
            [_number(v, f"records[{i}].label") for i, v in enumerate(raw)], dtype=np.float64
        )
    return np.array([None if v is None else str(v) for v in raw], dtype=object)


def _outputs(model: MonitoredModel, records: Sequence[Mapping[str, Any]]) -> np.ndarray[Any, Any]:
    outputs = []
    for i, record in enumerate(records):
        if record.get("output") is None:
            raise InvalidInput.on(f"records[{i}].output", "is required")
        outputs.append(record["output"])
    if model.task is Task.regression:
        return np.array(
            [_number(v, f"records[{i}].output") for i, v in enumerate(outputs)], dtype=np.float64
        )
    return np.array([str(v) for v in outputs], dtype=object)


def window_from_records(model: MonitoredModel, records: Sequence[Mapping[str, Any]]) -> WindowData:
    """The records as a window; refuses an empty or oversized upload, naming the record."""
    if not records:
        raise InvalidInput.on("records", "give at least one record")
    if len(records) > MAX_RECORDS:
        raise InvalidInput.on("records", f"at most {MAX_RECORDS} records")
    n = len(records)
    labels = _labels(model, records)
    if model.task is Task.regression:
        labelled = np.isfinite(labels)
    else:
        labelled = np.array([v is not None for v in labels.tolist()], dtype=np.bool_)
    scores = None
    if model.task is Task.binary and any(r.get("score") is not None for r in records):
        scores = np.array(
            [_number(r.get("score"), f"records[{i}].score") for i, r in enumerate(records)],
            dtype=np.float64,
        )
    sensitive = {
        name: Categorical.from_values(
            np.array([(r.get("sensitive") or {}).get(name) for r in records], dtype=object)
        )
        for name in model.sensitive
    }
    return WindowData(
        model=model,
        start=EPOCH,
        end=EPOCH,
        prediction_ids=np.array([str(i) for i in range(n)], dtype=object),
        timestamps=np.zeros(n, dtype=np.int64),
        features={name: _feature_column(k, name, records) for name, k in model.features.items()},
        sensitive=sensitive,
        outputs=_outputs(model, records),
        scores=scores,
        labels=labels,
        labelled=labelled,
        label_delays_s=np.full(n, np.nan),
    )
