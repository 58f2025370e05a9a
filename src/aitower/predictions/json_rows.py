"""Rows of a JSON batch (API, Python client) as raw columns.

A row is ``{"prediction_id", "timestamp", "features": {...}, "output", "score"?,
"sensitive": {...}?}``; ``score`` is the positive class's probability (binary) or a
``{class: probability}`` object (multiclass). A feature a row leaves out is missing there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np

from aitower.predictions.inputs import Problems, Raw, raw_column, times_from_values
from aitower.predictions.intake import RawLabels, RawPredictions
from aitower.predictions.store import to_ns


def _columns(rows: Sequence[Mapping[str, Any]], key: str) -> dict[str, Raw]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row.get(key) or {}))
    return {name: raw_column([(row.get(key) or {}).get(name) for row in rows]) for name in names}


def raw_predictions(rows: Sequence[Mapping[str, Any]]) -> RawPredictions:
    problems = Problems()
    scores = [row.get("score") for row in rows]
    per_class = [s for s in scores if isinstance(s, Mapping)]
    class_scores: dict[str, Raw] = {}
    single: Raw | None = None
    if per_class:
        classes: dict[str, None] = {}
        for s in per_class:
            classes.update(dict.fromkeys(str(k) for k in s))
        class_scores = {
            c: raw_column([s.get(c) if isinstance(s, Mapping) else None for s in scores])
            for c in classes
        }
        for row, score in enumerate(scores, start=1):
            if score is not None and not isinstance(score, Mapping):
                problems.add(row, "score", "give every row's scores as {class: probability}")
    elif any(s is not None for s in scores):
        single = raw_column(scores)
    return RawPredictions(
        ids=[row.get("prediction_id") for row in rows],
        timestamps=times_from_values([row.get("timestamp") for row in rows], "timestamp", problems),
        features=_columns(rows, "features"),
        outputs=raw_column([row.get("output") for row in rows]),
        scores=single,
        class_scores=class_scores,
        sensitive=_columns(rows, "sensitive"),
        problems=problems,
    )


def raw_labels(rows: Sequence[Mapping[str, Any]]) -> RawLabels:
    """Labels; ``labelled_at`` defaults to now (when the label reached aitower)."""
    problems = Problems()
    now = to_ns(datetime.now(UTC))
    given = [row.get("labelled_at") for row in rows]
    parsed = times_from_values(
        [now / 1e9 if g is None else g for g in given], "labelled_at", problems
    )
    parsed[[g is None for g in given]] = now
    values = [row.get("label") for row in rows]
    return RawLabels(
        ids=[row.get("prediction_id") for row in rows],
        labels=raw_column([None if isinstance(v, float) and math.isnan(v) else v for v in values]),
        labelled_at=np.asarray(parsed, dtype=np.int64),
        problems=problems,
    )
