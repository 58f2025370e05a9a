"""A reference profile: what every later drift check needs of the reference, computed once.

Per numeric feature (finite values only; NaN and ±inf are counted apart):

* count, missing, infinite, mean, population standard deviation (ddof = 0, as Evidently norms
  the Wasserstein distance), minimum, maximum and the number of distinct values;
* ``QUANTILE_BINS`` reference-quantile bins for PSI and Jensen–Shannon: the interior edges are
  the reference deciles by the inverted CDF (``np.quantile(method="inverted_cdf")``, the
  smallest observed value x with F(x) ≥ p), duplicates dropped; bins are right-closed,
  (−∞, e₁], (e₁, e₂], …, (e_last, ∞), so each bin but the last holds at least its own edge
  and a column with heavy ties gets fewer, never empty-by-construction, bins;
* ``CHART_BINS`` equal-width bins over [minimum, maximum] with their counts, for the
  reference-against-current chart (current values outside the range go to two overflow bins);
* the atoms of ``ecdf.py``: the reference itself up to ``SKETCH_SIZE`` distinct values (exact
  KS and Wasserstein), otherwise a sketch of block medians with its error bounds.

Per categorical feature: count, missing, and every category's count.

``to_dict`` gives plain JSON types (floats round-trip exactly through JSON) and ``from_dict``
reads them back, so a profile is stored as one JSON document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from aitower.core.errors import InvalidInput
from aitower.statistics.drift.columns import (
    Column,
    Dataset,
    as_categorical,
    finite_sorted,
    is_numeric,
)
from aitower.statistics.drift.ecdf import Atoms, Sketch, distinct_count, sketch_sorted

QUANTILE_BINS = 10
"""Deciles: the usual binning of the population stability index."""
CHART_BINS = 20
PROFILE_FORMAT = 1


def quantile_edges(
    sorted_values: NDArray[np.float64], bins: int = QUANTILE_BINS
) -> NDArray[np.float64]:
    """Interior bin edges at the i/bins quantiles (inverted CDF), without duplicates."""
    n = sorted_values.size
    if n == 0:
        return np.empty(0)
    # ceil(i·n / bins) − 1 in integers: the index of the smallest x with F(x) ≥ i / bins.
    index = (np.arange(1, bins, dtype=np.int64) * n + bins - 1) // bins - 1
    return np.unique(sorted_values[index])


def right_closed_counts(
    sorted_values: NDArray[np.float64], edges: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Counts in (−∞, e₁], (e₁, e₂], …, (e_last, ∞) of sorted values."""
    at_or_below = np.searchsorted(sorted_values, edges, side="right")
    return np.diff(np.concatenate(([0], at_or_below, [sorted_values.size]))).astype(np.int64)


def chart_counts(
    sorted_values: NDArray[np.float64], edges: NDArray[np.float64]
) -> NDArray[np.int64]:
    """Counts below e₀, in [e₀, e₁), …, [e_{m−1}, e_m] (last closed), and above e_m."""
    if edges.size == 0:
        return np.array([0, sorted_values.size], dtype=np.int64)
    left = np.searchsorted(sorted_values, edges, side="left")
    left[-1] = np.searchsorted(sorted_values, edges[-1], side="right")
    return np.diff(np.concatenate(([0], left, [sorted_values.size]))).astype(np.int64)


def _floats(values: NDArray[Any]) -> list[float]:
    return [float(v) for v in values.tolist()]


def _ints(values: NDArray[Any]) -> list[int]:
    return [int(v) for v in values.tolist()]


@dataclass(frozen=True, eq=False)
class NumericProfile:
    """The reference of one numeric feature (see the module docstring for each field)."""

    count: int
    missing: int
    infinite: int
    mean: float | None
    std: float | None
    minimum: float | None
    maximum: float | None
    distinct: int
    bin_edges: NDArray[np.float64]
    bin_counts: NDArray[np.int64]
    chart_edges: NDArray[np.float64]
    chart_counts: NDArray[np.int64]
    sketch: Sketch

    kind = "numeric"

    def to_dict(self) -> dict[str, Any]:
        atoms = self.sketch.atoms
        return {
            "kind": self.kind,
            **{f: getattr(self, f) for f in ("count", "missing", "infinite", "distinct")},
            **{f: getattr(self, f) for f in ("mean", "std", "minimum", "maximum")},
            "bin_edges": _floats(self.bin_edges),
            "bin_counts": _ints(self.bin_counts),
            "chart_edges": _floats(self.chart_edges),
            "chart_counts": _ints(self.chart_counts),
            "sketch": {
                "values": _floats(atoms.values),
                "counts": _ints(atoms.counts),
                "exact": self.sketch.exact,
                "ks_bound": self.sketch.ks_bound,
                "wasserstein_bound": self.sketch.wasserstein_bound,
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NumericProfile:
        s = data["sketch"]
        atoms = Atoms(
            np.array(s["values"], dtype=np.float64), np.array(s["counts"], dtype=np.int64)
        )

        def optional(field: str) -> float | None:
            return None if data[field] is None else float(data[field])

        return cls(
            count=int(data["count"]),
            missing=int(data["missing"]),
            infinite=int(data["infinite"]),
            mean=optional("mean"),
            std=optional("std"),
            minimum=optional("minimum"),
            maximum=optional("maximum"),
            distinct=int(data["distinct"]),
            bin_edges=np.array(data["bin_edges"], dtype=np.float64),
            bin_counts=np.array(data["bin_counts"], dtype=np.int64),
            chart_edges=np.array(data["chart_edges"], dtype=np.float64),
            chart_counts=np.array(data["chart_counts"], dtype=np.int64),
            sketch=Sketch(
                atoms, bool(s["exact"]), float(s["ks_bound"]), float(s["wasserstein_bound"])
            ),
        )


@dataclass(frozen=True, eq=False)
class CategoricalProfile:
    """The reference of one categorical feature: each category's count, and missing rows."""

    count: int
    missing: int
    categories: tuple[str, ...]
    counts: NDArray[np.int64]

    kind = "categorical"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "count": self.count,
            "missing": self.missing,
            "categories": list(self.categories),
            "counts": _ints(self.counts),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoricalProfile:
        return cls(
            count=int(data["count"]),
            missing=int(data["missing"]),
            categories=tuple(str(c) for c in data["categories"]),
            counts=np.array(data["counts"], dtype=np.int64),
        )


FeatureProfile = NumericProfile | CategoricalProfile


@dataclass(frozen=True, eq=False)
class ReferenceProfile:
    """Every feature's profile and the reference's row count."""

    rows: int
    features: dict[str, FeatureProfile]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PROFILE_FORMAT,
            "rows": self.rows,
            "features": {name: feature.to_dict() for name, feature in self.features.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReferenceProfile:
        if data.get("format") != PROFILE_FORMAT:
            raise InvalidInput.on("format", f"unknown profile format {data.get('format')!r}")
        features: dict[str, FeatureProfile] = {}
        for name, feature in data["features"].items():
            reader = NumericProfile if feature["kind"] == "numeric" else CategoricalProfile
            features[name] = reader.from_dict(feature)
        return cls(rows=int(data["rows"]), features=features)


def profile_numeric(column: Column, name: str = "values") -> NumericProfile:
    """Profile a numeric column: one sort, then everything is read off the sorted values."""
    finite = finite_sorted(column, name)
    values = finite.sorted
    if values.size == 0:
        chart_edges = np.empty(0)
        moments: list[float | None] = [None, None, None, None]
    else:
        low, high = float(values[0]), float(values[-1])
        chart_edges = (
            np.linspace(low, high, CHART_BINS + 1) if high > low else np.array([low, high])
        )
        mean = float(values.mean())
        moments = [mean, float(np.std(values)), low, high]
    bin_edges = quantile_edges(values)
    return NumericProfile(
        count=int(values.size),
        missing=finite.missing,
        infinite=finite.infinite,
        mean=moments[0],
        std=moments[1],
        minimum=moments[2],
        maximum=moments[3],
        distinct=distinct_count(values),
        bin_edges=bin_edges,
        bin_counts=right_closed_counts(values, bin_edges),
        chart_edges=chart_edges,
        chart_counts=chart_counts(values, chart_edges),
        sketch=sketch_sorted(values),
    )


def profile_categorical(column: Column) -> CategoricalProfile:
    """Profile a categorical column: one count of its codes."""
    categorical = as_categorical(column)
    missing, counts = categorical.counts()
    return CategoricalProfile(
        count=int(counts.sum()), missing=missing, categories=categorical.categories, counts=counts
    )


def build_profile(reference: Dataset) -> ReferenceProfile:
    """Profile every column of a reference dataset (numbers numeric, the rest categorical)."""
    features: dict[str, FeatureProfile] = {}
    rows = 0
    for name, column in reference.items():
        size = len(column)
        if rows and size != rows:
            raise InvalidInput.on(name, f"has {size} rows where the other columns have {rows}")
        rows = size
        features[name] = (
            profile_numeric(column, name) if is_numeric(column) else profile_categorical(column)
        )
    return ReferenceProfile(rows=rows, features=features)
