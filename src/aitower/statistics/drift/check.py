"""A drift check: current data against a stored reference profile, feature by feature.

Default method (Evidently's rule, so the two tools answer alike):

* reference of at most ``SMALL_REFERENCE`` (1,000) rows — hypothesis tests, drift when the
  p-value is below 0.05: Kolmogorov–Smirnov for numbers, chi-square for categories, the
  two-proportion Z-test for binary features;
* larger references — distances, drift at or above 0.1: Wasserstein normed by the reference
  standard deviation for numbers, Jensen–Shannon for categories.

Why: a p-value measures evidence, not size. At a million rows a shift of 0.01 standard
deviations has a p-value far below 0.05, so every feature of every model would "drift" on
every run. A distance measures how far the distribution moved, whatever the sample size, and
its threshold says how far is too far. Numeric features with at most ``FEW_VALUES`` (5)
distinct values over both samples are treated as categories (their values as category names).

Any feature can override its method and threshold (``FeatureRule``). Count-based methods
(PSI, Jensen–Shannon, chi-square) on a numeric feature use the profile's reference-decile bins;
the Z-test needs a feature with at most two values. The dataset drifts when the share of
drifted features, among those that could be judged, is at or above ``drift_share`` (0.5).

A feature is not judged (``status`` says why, ``drifted`` is false) when the reference or the
current data has no usable value; a column missing from the current data is an input error.
Columns of the current data absent from the profile are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from aitower.core.errors import InvalidInput
from aitower.statistics.drift.columns import Column, Dataset, as_categorical, finite_sorted
from aitower.statistics.drift.ecdf import Atoms, ks_test, wasserstein_distance
from aitower.statistics.drift.profile import (
    CategoricalProfile,
    NumericProfile,
    ReferenceProfile,
    chart_counts,
    right_closed_counts,
)
from aitower.statistics.drift.statistics import (
    HypothesisResult,
    chi_square_test,
    jensen_shannon_distance,
    population_stability_index,
    two_proportion_z_test,
)

SMALL_REFERENCE = 1000
FEW_VALUES = 5
DRIFT_SHARE = 0.5
WASSERSTEIN_MIN_NORM = 1e-3
"""Floor of the standard deviation that norms the Wasserstein distance (Evidently's), so a
constant reference gives a finite distance."""


class Method(StrEnum):
    ks = "ks"
    wasserstein = "wasserstein"
    psi = "psi"
    jensen_shannon = "jensenshannon"
    chi_square = "chisquare"
    z_test = "ztest"


P_VALUE_METHODS = frozenset({Method.ks, Method.chi_square, Method.z_test})
DEFAULT_THRESHOLDS = {
    Method.ks: 0.05,
    Method.chi_square: 0.05,
    Method.z_test: 0.05,
    Method.wasserstein: 0.1,
    Method.psi: 0.1,
    Method.jensen_shannon: 0.1,
}


class Status(StrEnum):
    ok = "ok"
    no_reference_data = "no_reference_data"
    no_current_data = "no_current_data"


@dataclass(frozen=True, slots=True)
class FeatureRule:
    """A feature's own method and/or threshold; ``None`` keeps the default."""

    method: Method | None = None
    threshold: float | None = None


@dataclass(frozen=True, slots=True)
class Distribution:
    """Reference against current for a chart, as counts on the same bins or categories.

    Numeric: ``edges`` are the reference's equal-width chart edges; the counts have
    ``len(edges) + 1`` entries: below the first edge, each bin [eᵢ, eᵢ₊₁) (the last one
    closed), above the last edge. Categorical: one count per entry of ``categories``.
    """

    edges: tuple[float, ...]
    categories: tuple[str, ...]
    reference: tuple[int, ...]
    current: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FeatureDrift:
    """One feature's verdict, with what a reader needs to trust it.

    ``statistic`` is the method's own (D, normed distance, PSI, JS, χ² or z); ``p_value`` is set
    for hypothesis tests. ``error_bound`` bounds |statistic − the statistic on the full
    reference| when the reference is a sketch (0 when the profile holds it exactly).
    """

    name: str
    kind: str
    method: Method
    threshold: float
    status: Status
    statistic: float | None
    p_value: float | None
    drifted: bool
    error_bound: float
    reference_count: int
    current_count: int
    current_missing: int
    current_infinite: int
    distribution: Distribution


@dataclass(frozen=True, slots=True)
class DriftReport:
    features: tuple[FeatureDrift, ...]
    drift_share: float
    judged: int
    drifted: int

    @property
    def share(self) -> float:
        """Share of drifted features among the judged ones (0 when none could be judged)."""
        return self.drifted / self.judged if self.judged else 0.0

    @property
    def dataset_drifted(self) -> bool:
        return self.judged > 0 and self.share >= self.drift_share


@dataclass(frozen=True, slots=True)
class _Counts:
    """Aligned reference and current counts (categories or bins) and their labels."""

    labels: tuple[str, ...]
    reference: NDArray[np.int64]
    current: NDArray[np.int64]


def _validate_rule(name: str, rule: FeatureRule) -> None:
    if rule.threshold is not None and not rule.threshold > 0:
        raise InvalidInput.on(name, "a drift threshold must be positive")


def _threshold(name: str, method: Method, rule: FeatureRule) -> float:
    """The rule's threshold or the method's default; a p-value threshold must be in (0, 1)."""
    if rule.threshold is None:
        return DEFAULT_THRESHOLDS[method]
    if method in P_VALUE_METHODS and not 0 < rule.threshold < 1:
        raise InvalidInput.on(
            name, f"{method.value} compares p-values: a threshold between 0 and 1"
        )
    return rule.threshold


def _decide(threshold: float, value: float | HypothesisResult) -> tuple[float, float | None, bool]:
    """(statistic, p-value, drifted): p-value below the threshold, or distance at/above it."""
    if isinstance(value, HypothesisResult):
        return value.statistic, value.p_value, value.p_value < threshold
    return value, None, value >= threshold


def _count_statistic(method: Method, counts: _Counts, name: str) -> float | HypothesisResult:
    ref, cur = counts.reference, counts.current
    if method is Method.psi:
        return population_stability_index(ref, cur)
    if method is Method.jensen_shannon:
        return jensen_shannon_distance(ref, cur)
    if method is Method.chi_square:
        return chi_square_test(ref, cur)
    if method is Method.z_test:
        present = np.flatnonzero(ref + cur)
        if present.size > 2:
            raise InvalidInput.on(name, "the Z-test needs a feature with at most two values")
        first = present[0]
        return two_proportion_z_test(
            int(ref[first]), int(ref.sum()), int(cur[first]), int(cur.sum())
        )
    raise InvalidInput.on(name, f"{method.value} does not apply to categories")


def _default_count_method(counts: _Counts, reference_count: int) -> Method:
    if reference_count > SMALL_REFERENCE:
        return Method.jensen_shannon
    binary = np.count_nonzero(counts.reference + counts.current) <= 2
    return Method.z_test if binary else Method.chi_square


def _value_counts(atoms: Atoms, current: NDArray[np.float64]) -> _Counts:
    """Counts per distinct value of a few-valued numeric feature (its values as categories)."""
    values, current_counts = np.unique(current, return_counts=True)
    union = np.union1d(atoms.values, values)
    ref = np.zeros(union.size, dtype=np.int64)
    ref[np.searchsorted(union, atoms.values)] = atoms.counts
    cur = np.zeros(union.size, dtype=np.int64)
    cur[np.searchsorted(union, values)] = current_counts
    return _Counts(tuple(repr(float(v)) for v in union), ref, cur)


def _few_values(profile: NumericProfile, current: NDArray[np.float64]) -> bool:
    if profile.distinct > FEW_VALUES or not profile.sketch.exact:
        return False
    return np.union1d(profile.sketch.atoms.values, np.unique(current)).size <= FEW_VALUES


def _numeric_method(
    profile: NumericProfile, current: NDArray[np.float64], rule: FeatureRule
) -> tuple[Method, _Counts | None]:
    """The method, and the counts it compares when it is count-based (bins or values)."""
    few = _few_values(profile, current)
    method = rule.method
    if method is None:
        small = profile.count <= SMALL_REFERENCE
        method = (Method.ks if small else Method.wasserstein) if not few else None
    if method in (Method.ks, Method.wasserstein):
        return method, None
    if few:
        counts = _value_counts(profile.sketch.atoms, current)
    else:
        labels = (*(f"≤ {edge!r}" for edge in profile.bin_edges.tolist()), "more")
        counts = _Counts(
            labels, profile.bin_counts, right_closed_counts(current, profile.bin_edges)
        )
    return method or _default_count_method(counts, profile.count), counts


def _numeric_statistic(
    name: str,
    profile: NumericProfile,
    current: NDArray[np.float64],
    method: Method,
    counts: _Counts | None,
) -> tuple[float | HypothesisResult, float]:
    """The statistic and its error bound from a sketched reference."""
    if method is Method.ks:
        return ks_test(profile.sketch, current), profile.sketch.ks_bound
    if method is Method.wasserstein:
        norm = max(profile.std or 0.0, WASSERSTEIN_MIN_NORM)
        distance = wasserstein_distance(profile.sketch.atoms, current)
        return distance / norm, profile.sketch.wasserstein_bound / norm
    assert counts is not None
    return _count_statistic(method, counts, name), 0.0


def check_numeric(
    name: str, profile: NumericProfile, column: Column, rule: FeatureRule
) -> FeatureDrift:
    """Drift of one numeric feature: the current values are sorted once, and that is all."""
    finite = finite_sorted(column, name)
    current = finite.sorted
    distribution = Distribution(
        edges=tuple(profile.chart_edges.tolist()),
        categories=(),
        reference=tuple(profile.chart_counts.tolist()),
        current=tuple(chart_counts(current, profile.chart_edges).tolist()),
    )
    status = _status(profile.count, current.size)
    if status is Status.ok:
        method, counts = _numeric_method(profile, current, rule)
    else:
        continuous = Method.ks if profile.count <= SMALL_REFERENCE else Method.wasserstein
        method, counts = rule.method or continuous, None
    threshold = _threshold(name, method, rule)
    statistic, p_value, drifted, bound = None, None, False, 0.0
    if status is Status.ok:
        value, bound = _numeric_statistic(name, profile, current, method, counts)
        statistic, p_value, drifted = _decide(threshold, value)
    return FeatureDrift(
        name, "numeric", method, threshold, status, statistic, p_value, drifted, bound,
        profile.count, int(current.size), finite.missing, finite.infinite, distribution,
    )  # fmt: skip


def _status(reference_count: int, current_count: int) -> Status:
    if reference_count == 0:
        return Status.no_reference_data
    if current_count == 0:
        return Status.no_current_data
    return Status.ok


def _category_counts(profile: CategoricalProfile, column: Column) -> tuple[_Counts, int]:
    """Reference categories first, then those only the current data has; and missing rows."""
    categorical = as_categorical(column)
    missing, counts = categorical.counts()
    index = {category: i for i, category in enumerate(profile.categories)}
    unseen = sorted(
        c
        for c, n in zip(categorical.categories, counts.tolist(), strict=True)
        if n and c not in index
    )
    for category in unseen:
        index[category] = len(index)
    labels = (*profile.categories, *unseen)
    current = np.zeros(len(labels), dtype=np.int64)
    for category, count in zip(categorical.categories, counts.tolist(), strict=True):
        if count:
            current[index[category]] += count
    reference = np.concatenate((profile.counts, np.zeros(len(unseen), dtype=np.int64)))
    return _Counts(labels, reference, current), missing


def check_categorical(
    name: str, profile: CategoricalProfile, column: Column, rule: FeatureRule
) -> FeatureDrift:
    """Drift of one categorical feature from one count of its codes."""
    counts, missing = _category_counts(profile, column)
    current_count = int(counts.current.sum())
    distribution = Distribution(
        (), counts.labels, tuple(counts.reference.tolist()), tuple(counts.current.tolist())
    )
    status = _status(profile.count, current_count)
    method = rule.method or _default_count_method(counts, profile.count)
    threshold = _threshold(name, method, rule)
    statistic, p_value, drifted = None, None, False
    if status is Status.ok:
        value = _count_statistic(method, counts, name)
        statistic, p_value, drifted = _decide(threshold, value)
    return FeatureDrift(
        name, "categorical", method, threshold, status, statistic, p_value, drifted, 0.0,
        profile.count, current_count, missing, 0, distribution,
    )  # fmt: skip


def check_drift(
    profile: ReferenceProfile,
    current: Dataset,
    rules: Mapping[str, FeatureRule] | None = None,
    drift_share: float = DRIFT_SHARE,
) -> DriftReport:
    """Check every feature of the profile against the current data; see the module docstring."""
    rules = dict(rules or {})
    for name, rule in rules.items():
        if name not in profile.features:
            raise InvalidInput.on(name, "no such feature in the reference profile")
        _validate_rule(name, rule)
    if not 0 < drift_share <= 1:
        raise InvalidInput.on("drift_share", "must lie in (0, 1]")
    results: list[FeatureDrift] = []
    for name, feature in profile.features.items():
        if name not in current:
            raise InvalidInput.on(name, "missing from the current data")
        rule = rules.get(name, FeatureRule())
        if isinstance(feature, NumericProfile):
            results.append(check_numeric(name, feature, current[name], rule))
        else:
            results.append(check_categorical(name, feature, current[name], rule))
    judged = sum(result.status is Status.ok for result in results)
    drifted = sum(result.drifted for result in results)
    return DriftReport(tuple(results), drift_share, judged, drifted)
