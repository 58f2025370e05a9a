"""The column shapes the drift engine reads: numeric arrays and dictionary-encoded categories.

A dataset is a mapping of column name to either a numeric numpy array or a ``Categorical``
(integer codes into a tuple of category names, -1 for missing) — the layout of a Parquet or
Arrow dictionary column, so a stored dataset is read without decoding a string per row. A numpy
array of strings, objects or booleans is encoded on the way in (``Categorical.from_values``).

Numeric values that are not finite are left out of every statistic and counted instead: NaN as
missing, ±inf as infinite. A stray infinity would otherwise make a mean, a standard deviation
and a Wasserstein distance infinite, and say nothing about the rest of the column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

from aitower.core.errors import InvalidInput


@dataclass(frozen=True, eq=False)
class Categorical:
    """Category codes (``-1`` = missing) and the names they index."""

    codes: NDArray[np.integer[Any]]
    categories: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.codes.ndim != 1 or self.codes.dtype.kind not in "iu":
            raise InvalidInput.on("codes", "must be a 1-D integer array")
        if len(set(self.categories)) != len(self.categories):
            raise InvalidInput.on("categories", "must be distinct")

    @classmethod
    def from_values(cls, values: Sequence[object] | NDArray[Any]) -> Categorical:
        """Encode raw values; ``None`` and float NaN are missing, everything else is ``str(v)``."""
        array = np.asarray(values)
        if array.dtype.kind == "b":
            array = np.where(array, "True", "False")
        if array.dtype.kind in "US":
            names, codes = np.unique(array.astype(str), return_inverse=True)
            return cls(codes.astype(np.int64), tuple(str(name) for name in names))
        texts = [None if _is_missing(value) else str(value) for value in array.tolist()]
        present = sorted({text for text in texts if text is not None})
        index = {name: code for code, name in enumerate(present)}
        codes = np.fromiter((-1 if t is None else index[t] for t in texts), np.int64, len(texts))
        return cls(codes, tuple(present))

    def __len__(self) -> int:
        return int(self.codes.size)

    def counts(self) -> tuple[int, NDArray[np.int64]]:
        """Missing rows and the count of each category, in one pass over the codes."""
        size = len(self.categories)
        if (
            self.codes.size and self.codes.min() >= 0
        ):  # no missing rows: count the codes as they are
            missing, tallies = 0, np.bincount(self.codes, minlength=size)
        else:
            shifted = np.bincount(self.codes.astype(np.intp) + 1, minlength=size + 1)
            missing, tallies = int(shifted[0]), shifted[1:]
        if tallies.size > size:
            raise InvalidInput.on("codes", "a code is past the last category")
        return missing, tallies.astype(np.int64)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


Column: TypeAlias = NDArray[Any] | Categorical
Dataset: TypeAlias = Mapping[str, Column]


def is_numeric(column: Column) -> bool:
    """Numbers are numeric; booleans, strings and objects are categories."""
    return not isinstance(column, Categorical) and np.asarray(column).dtype.kind in "iuf"


def as_categorical(column: Column) -> Categorical:
    """A categorical view of any column (numbers become their decimal text)."""
    if isinstance(column, Categorical):
        return column
    return Categorical.from_values(column)


@dataclass(frozen=True, eq=False)
class FiniteValues:
    """The finite values of a numeric column, sorted, and what was left out."""

    sorted: NDArray[np.float64]
    missing: int
    infinite: int


def finite_sorted(column: Column, name: str) -> FiniteValues:
    """Sort the finite values of a numeric column; count NaN (missing) and ±inf (infinite)."""
    if not is_numeric(column):
        raise InvalidInput.on(name, "the reference is numeric but this column is not")
    values = np.asarray(column, dtype=np.float64)
    if values.ndim != 1:
        raise InvalidInput.on(name, "must be a 1-D array")
    finite = np.isfinite(values)
    if finite.all():
        return FiniteValues(np.sort(values), 0, 0)
    missing = int(np.count_nonzero(np.isnan(values)))
    kept = values[finite]
    kept.sort()
    return FiniteValues(kept, missing, values.size - kept.size - missing)
