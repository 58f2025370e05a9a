"""Turning what a caller logged into the arrays every quality metric takes.

The metrics accept plain sequences (lists, tuples, numpy arrays) so the storage layer can pass
what it loaded without ceremony. Everything that cannot be a valid input is refused here with
an ``InvalidInput`` naming the argument, so the metric functions only see well-formed arrays:
equal lengths, one dimension for labels, numbers for scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from aitower.core.errors import InvalidInput

LabelValue = str | int | float | bool
"""A class label as logged: JSON scalars, so every result serialises as it is."""

ArrayLike = Sequence[Any] | npt.NDArray[Any]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def as_label_array(values: ArrayLike, field: str) -> npt.NDArray[Any]:
    """One-dimensional array of labels; ``None`` (a missing label) is refused."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidInput.on(field, f"expected one dimension, got shape {array.shape}")
    missing = array.dtype == object and any(
        value is None or (isinstance(value, float) and np.isnan(value)) for value in array.tolist()
    )
    if missing or (array.dtype.kind == "f" and bool(np.isnan(array).any())):
        raise InvalidInput.on(field, "contains a missing label (None or NaN); pass labelled rows")
    return array


def as_float_array(values: ArrayLike, field: str, *, ndim: int | None = None) -> FloatArray:
    """Float64 array; non-finite values are kept (each metric says what it does with them)."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput.on(field, "expected numbers") from exc
    if ndim is not None and array.ndim != ndim:
        raise InvalidInput.on(field, f"expected {ndim} dimension(s), got shape {array.shape}")
    return array


def check_same_length(**arrays: npt.NDArray[Any]) -> int:
    """The common length of ``arrays`` (first axis); refuse when they differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    distinct = set(lengths.values())
    if len(distinct) > 1:
        described = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise InvalidInput.on(next(iter(lengths)), f"lengths differ: {described}")
    return distinct.pop() if distinct else 0


def sorted_unique(*arrays: npt.NDArray[Any]) -> list[LabelValue]:
    """Sorted distinct values of ``arrays`` as Python scalars (like sklearn's unique_labels)."""
    joined = np.concatenate([np.asarray(array) for array in arrays]) if arrays else np.array([])
    try:
        values: list[LabelValue] = np.unique(joined).tolist()
    except TypeError as exc:
        raise InvalidInput.on("y_true", "labels mix types that cannot be ordered") from exc
    return values


def encode(values: npt.NDArray[Any], labels: Sequence[LabelValue], field: str) -> IntArray:
    """Position of each value in ``labels``; a value not in ``labels`` is refused."""
    position = {label: index for index, label in enumerate(labels)}
    uniques, inverse = np.unique(values, return_inverse=True)
    codes = np.empty(len(uniques), dtype=np.int64)
    for index, value in enumerate(uniques.tolist()):
        if value not in position:
            raise InvalidInput.on(field, f"label {value!r} is not one of the labels {labels!r}")
        codes[index] = position[value]
    return codes[inverse.reshape(-1)]


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, 0.0 when the denominator is 0 (sklearn's zero_division=0)."""
    return float(numerator / denominator) if denominator else 0.0
