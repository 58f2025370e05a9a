"""From raw columns of any input to checked ``PredictionColumns`` / ``LabelColumns``.

The edges (``predictions.json_rows``, ``predictions.files``) decode their input into a
``RawPredictions`` or ``RawLabels``; here the model's shape is decided or checked
(``ModelShape``) and every column converted, collecting row-numbered problems. Nothing is
stored when any row has a problem: the caller raises them all at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from aitower.core.errors import InvalidInput
from aitower.predictions.batch import LabelColumns, PredictionColumns
from aitower.predictions.inputs import (
    Problems,
    Raw,
    as_categories,
    as_kind,
    as_numbers,
    check_ids,
    check_scores,
    class_codes,
    feature_kinds,
    infer_task,
)
from aitower.predictions.window import FeatureKind, MonitoredModel, Task
from aitower.statistics.drift.columns import Categorical

MAX_CLASS_LENGTH = 200


@dataclass(frozen=True)
class RawPredictions:
    ids: Sequence[object]
    timestamps: NDArray[np.int64]  # already checked by the edge (formats differ)
    features: dict[str, Raw]
    outputs: Raw
    scores: Raw | None = None
    class_scores: dict[str, Raw] = field(default_factory=dict)
    sensitive: dict[str, Raw] = field(default_factory=dict)
    # What the edge already found wrong (unparsable times, bad scores shapes): reported with
    # the rest, so one answer lists every problem.
    problems: Problems = field(default_factory=Problems)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class RawLabels:
    ids: Sequence[object]
    labels: Raw
    labelled_at: NDArray[np.int64]  # already checked; the receiving time where none was sent
    problems: Problems = field(default_factory=Problems)

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True)
class ModelShape:
    """What a model is: fixed when it is registered or first logged."""

    task: Task
    classes: tuple[str, ...]
    features: dict[str, FeatureKind]
    sensitive: tuple[str, ...]


def shape_for(
    model: MonitoredModel | None,
    raw: RawPredictions,
    task: Task | None = None,
    classes: Sequence[str] | None = None,
) -> ModelShape:
    """The shape of a new model from its first batch, or the existing one's after checking
    that this batch fits it (new features or sensitive attributes are refused by name)."""
    if model is not None and model.features:
        feature_kinds(raw.features, model.features)
        _same_sensitive(model.sensitive, raw.sensitive)
        return ModelShape(model.task, model.classes, model.features, model.sensitive)
    if model is not None:  # registered without features: this first log fixes them
        kinds = feature_kinds(raw.features, None)
        return ModelShape(model.task, model.classes, kinds, tuple(raw.sensitive) or model.sensitive)
    if task is None or (task is not Task.regression and not classes):
        inferred_task, inferred = infer_task(raw.outputs, classes)
        task, classes = task or inferred_task, classes or inferred
    if task is Task.regression:
        classes = ()
    else:
        check_classes(task, classes)
    return ModelShape(
        task, tuple(classes or ()), feature_kinds(raw.features, None), tuple(raw.sensitive)
    )


def check_classes(task: Task, classes: Sequence[str] | None) -> None:
    """Two or more distinct class names of 1 to 200 characters; exactly two for binary."""
    if not classes or len(classes) < 2 or len(set(classes)) != len(classes):
        raise InvalidInput.on(
            "classes", "a classification model needs two or more distinct classes"
        )
    if any(not 0 < len(c) <= MAX_CLASS_LENGTH for c in classes):
        raise InvalidInput.on("classes", f"class names are 1 to {MAX_CLASS_LENGTH} characters")
    if task is Task.binary and len(classes) != 2:
        raise InvalidInput.on("classes", "binary classification has exactly two (positive first)")


def _same_sensitive(known: Sequence[str], sent: dict[str, Raw]) -> None:
    extra = sorted(set(sent) - set(known))
    if extra:
        raise InvalidInput.on(
            f"sensitive.{extra[0]}",
            f"the model has no sensitive attribute {extra[0]!r} (it has: "
            f"{', '.join(known) or 'none'}); they are fixed by the first log",
        )


def build_predictions(
    shape: ModelShape, raw: RawPredictions, problems: Problems
) -> PredictionColumns:
    """Checked columns of ``raw`` for a model of ``shape`` (problems collected, not raised)."""
    n = len(raw)
    ids = check_ids(raw.ids, problems)
    features = {
        name: as_kind(raw.features[name], kind, f"features.{name}", problems)
        if name in raw.features
        else _missing(kind, n)
        for name, kind in shape.features.items()
    }
    sensitive = {
        name: as_categories(raw.sensitive[name])
        if name in raw.sensitive
        else Categorical(np.full(n, -1, np.int32), ())
        for name in shape.sensitive
    }
    outputs: NDArray[np.float64] | Categorical
    if shape.task is Task.regression:
        values = as_numbers(raw.outputs, "output", problems)
        problems.add_rows(np.flatnonzero(~np.isfinite(values)), "output", "missing or not finite")
        outputs = values
    else:
        outputs = Categorical(
            class_codes(raw.outputs, shape.classes, "output", problems), shape.classes
        )
    scores = None
    if raw.scores is not None:
        scores = as_numbers(raw.scores, "score", problems)
        check_scores(scores, "score", problems)
    class_scores: dict[str, NDArray[np.float64]] = {}
    for name, column in raw.class_scores.items():
        if name not in shape.classes:
            raise InvalidInput.on(
                f"score.{name}", f"not a class of the model {list(shape.classes)}"
            )
        class_scores[name] = as_numbers(column, f"score.{name}", problems)
        check_scores(class_scores[name], f"score.{name}", problems)
    return PredictionColumns(
        ids, raw.timestamps, features, sensitive, outputs, scores, class_scores
    )


def _missing(kind: FeatureKind, n: int) -> NDArray[np.float64] | Categorical:
    if kind is FeatureKind.numeric:
        return np.full(n, np.nan)
    return Categorical(np.full(n, -1, np.int32), ())


def build_labels(model: MonitoredModel, raw: RawLabels, problems: Problems) -> LabelColumns:
    """Checked labels: a class of the model or a finite number, never missing."""
    ids = check_ids(raw.ids, problems)
    if model.task is Task.regression:
        values = as_numbers(raw.labels, "label", problems)
        problems.add_rows(np.flatnonzero(~np.isfinite(values)), "label", "missing or not finite")
        names: list[str | None] = [None] * len(ids)
    else:
        codes = class_codes(raw.labels, model.classes, "label", problems)
        values = codes.astype(np.float64)
        table = [*model.classes, None]
        names = [table[c] for c in codes.tolist()]
    return LabelColumns(ids, values, names, raw.labelled_at)
