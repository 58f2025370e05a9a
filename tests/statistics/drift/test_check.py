"""Drift checks: default methods, overrides, the dataset verdict, edge cases, values vs scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from aitower.core.errors import InvalidInput
from aitower.statistics.drift import (
    Categorical,
    Column,
    FeatureDrift,
    FeatureRule,
    Method,
    Status,
    build_profile,
    check_drift,
)

RNG = np.random.default_rng(5)
LEVELS = tuple(f"level_{i}" for i in range(10))


def _categories(rows: int, shares: list[float] | None = None) -> Categorical:
    return Categorical(RNG.choice(len(LEVELS), size=rows, p=shares).astype(np.int16), LEVELS)


def _one(reference: Column, current: Column, rule: FeatureRule | None = None) -> FeatureDrift:
    rules = {"x": rule} if rule else None
    report = check_drift(build_profile({"x": reference}), {"x": current}, rules)
    return report.features[0]


@pytest.mark.parametrize(
    ("rows", "kind", "expected"),
    [
        (1_000, "numeric", Method.ks),
        (1_001, "numeric", Method.wasserstein),
        (1_000, "categorical", Method.chi_square),
        (1_001, "categorical", Method.jensen_shannon),
        (1_000, "binary", Method.z_test),
        (1_001, "binary", Method.jensen_shannon),
        (1_000, "five values", Method.chi_square),
        (1_001, "five values", Method.jensen_shannon),
        (1_000, "two numbers", Method.z_test),
    ],
)
def test_default_method_follows_type_and_reference_size(
    rows: int, kind: str, expected: Method
) -> None:
    columns = {
        "numeric": lambda n: RNG.normal(size=n),
        "categorical": lambda n: _categories(n),
        "binary": lambda n: RNG.random(n) < 0.3,
        "five values": lambda n: RNG.integers(0, 5, size=n).astype(float),
        "two numbers": lambda n: RNG.integers(0, 2, size=n),
    }
    make = columns[kind]
    result = _one(make(rows), make(400))
    assert result.method is expected
    assert result.threshold == (
        0.05 if expected in (Method.ks, Method.chi_square, Method.z_test) else 0.1
    )


def test_a_sixth_value_in_the_current_data_makes_a_numeric_feature_continuous() -> None:
    reference = RNG.integers(0, 5, size=2_000).astype(float)
    current = np.append(RNG.integers(0, 5, size=999).astype(float), 7.0)
    assert _one(reference, current).method is Method.wasserstein


def test_a_trivial_shift_at_large_samples_is_significant_but_not_drift() -> None:
    reference = RNG.normal(size=200_000)
    current = RNG.normal(0.02, size=200_000)
    tested = _one(reference, current, FeatureRule(method=Method.ks))
    assert tested.p_value is not None and tested.p_value < 1e-6
    assert tested.drifted
    default = _one(reference, current)
    assert default.method is Method.wasserstein
    assert default.statistic is not None and default.statistic < 0.05
    assert not default.drifted


def test_statistics_of_a_check_equal_scipy_on_the_raw_data() -> None:
    reference = RNG.normal(5, 2, size=800)
    current = RNG.normal(5.4, 2, size=900)
    ks = _one(reference, current)
    theirs = stats.ks_2samp(reference, current)
    assert ks.statistic == pytest.approx(theirs.statistic, abs=1e-12)
    assert ks.p_value == pytest.approx(theirs.pvalue, rel=1e-9)
    assert ks.drifted == (theirs.pvalue < 0.05)
    wasserstein = _one(reference, current, FeatureRule(method=Method.wasserstein))
    expected = stats.wasserstein_distance(reference, current) / np.std(reference)
    assert wasserstein.statistic == pytest.approx(expected, rel=1e-9)
    assert wasserstein.error_bound == 0.0


def test_categorical_statistics_equal_scipy() -> None:
    reference = _categories(600)
    current = _categories(700, [0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05])
    ref_counts = np.bincount(reference.codes, minlength=10)
    cur_counts = np.bincount(current.codes, minlength=10)
    chi = _one(reference, current)
    theirs = stats.chi2_contingency(np.vstack([ref_counts, cur_counts]), correction=False)
    assert chi.statistic == pytest.approx(theirs.statistic, rel=1e-9)
    assert chi.p_value == pytest.approx(theirs.pvalue, rel=1e-9)
    js = _one(reference, current, FeatureRule(method=Method.jensen_shannon, threshold=0.05))
    assert js.statistic == pytest.approx(jensenshannon(ref_counts, cur_counts), abs=1e-12)
    assert js.threshold == 0.05


def test_psi_on_a_numeric_feature_uses_the_reference_deciles() -> None:
    reference = RNG.normal(size=5_000)
    current = RNG.normal(0.5, size=5_000)
    result = _one(reference, current, FeatureRule(method=Method.psi))
    edges = np.quantile(reference, np.arange(1, 10) / 10, method="inverted_cdf")
    ref_shares = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=10) / 5_000
    cur_shares = np.bincount(np.searchsorted(edges, current, side="left"), minlength=10) / 5_000
    expected = np.sum((cur_shares - ref_shares) * np.log(cur_shares / ref_shares))
    assert result.statistic == pytest.approx(expected, rel=1e-12)
    assert result.drifted


def test_dataset_drift_is_the_share_of_drifted_features() -> None:
    reference = {f"f{i}": RNG.normal(size=3_000) for i in range(5)}
    current = {
        name: RNG.normal(size=3_000) + (1.0 if name in ("f0", "f1", "f2") else 0.0)
        for name in reference
    }
    profile = build_profile(reference)
    report = check_drift(profile, current)
    assert [f.name for f in report.features if f.drifted] == ["f0", "f1", "f2"]
    assert (report.judged, report.drifted, report.share) == (5, 3, 0.6)
    assert report.dataset_drifted
    assert not check_drift(profile, current, drift_share=0.7).dataset_drifted


def test_a_rule_can_raise_a_threshold_so_a_feature_no_longer_drifts() -> None:
    reference, current = RNG.normal(size=3_000), RNG.normal(0.3, size=3_000)
    assert _one(reference, current).drifted
    assert not _one(reference, current, FeatureRule(threshold=0.5)).drifted


@pytest.mark.parametrize(
    ("reference", "rule", "reason"),
    [
        (_categories(50), FeatureRule(method=Method.ks), "does not apply to categories"),
        (_categories(50), FeatureRule(method=Method.wasserstein), "does not apply to categories"),
        (_categories(50), FeatureRule(method=Method.z_test), "at most two values"),
        (RNG.normal(size=50), FeatureRule(method=Method.z_test), "at most two values"),
        (RNG.normal(size=50), FeatureRule(method=Method.ks, threshold=1.5), "between 0 and 1"),
        (RNG.normal(size=50), FeatureRule(threshold=2.0), "between 0 and 1"),
        (RNG.normal(size=50), FeatureRule(threshold=-1.0), "positive"),
    ],
)
def test_a_rule_that_cannot_apply_is_an_input_error(
    reference: Column, rule: FeatureRule, reason: str
) -> None:
    with pytest.raises(InvalidInput, match=reason):
        _one(reference, reference, rule)


def test_bad_check_inputs_are_input_errors() -> None:
    profile = build_profile({"x": RNG.normal(size=10)})
    with pytest.raises(InvalidInput, match="no such feature"):
        check_drift(profile, {"x": RNG.normal(size=10)}, {"y": FeatureRule()})
    with pytest.raises(InvalidInput, match="missing from the current data"):
        check_drift(profile, {"z": RNG.normal(size=10)})
    with pytest.raises(InvalidInput, match="is numeric but this column is not"):
        check_drift(profile, {"x": np.array(["a", "b"])})
    with pytest.raises(InvalidInput, match="drift_share"):
        check_drift(profile, {"x": RNG.normal(size=10)}, drift_share=0)


def test_constant_columns() -> None:
    same = _one(np.full(2_000, 3.0), np.full(500, 3.0))
    assert same.status is Status.ok and not same.drifted
    assert same.method is Method.jensen_shannon and same.statistic == 0.0
    moved = _one(np.full(2_000, 3.0), np.full(500, 4.0))
    assert moved.drifted
    forced = _one(np.full(2_000, 3.0), np.full(500, 3.0), FeatureRule(method=Method.wasserstein))
    assert forced.statistic == 0.0 and not forced.drifted


def test_missing_and_infinite_values_are_excluded_and_counted() -> None:
    reference = RNG.normal(size=600)
    current = RNG.normal(size=600)
    dirty = np.concatenate([current, [np.nan] * 5, [np.inf, -np.inf]])
    result = _one(reference, dirty)
    assert (result.current_count, result.current_missing, result.current_infinite) == (600, 5, 2)
    clean = _one(reference, current)
    assert (result.statistic, result.p_value) == (clean.statistic, clean.p_value)
    assert np.isfinite(result.statistic)


@pytest.mark.parametrize(
    ("reference", "current", "status"),
    [
        (np.full(20, np.nan), RNG.normal(size=20), Status.no_reference_data),
        (RNG.normal(size=20), np.full(20, np.nan), Status.no_current_data),
        (RNG.normal(size=20), np.empty(0), Status.no_current_data),
        (_categories(30), Categorical(np.full(5, -1), LEVELS), Status.no_current_data),
        (_categories(30), Categorical(np.empty(0, dtype=np.int64), LEVELS), Status.no_current_data),
        (Categorical(np.full(5, -1), LEVELS), _categories(30), Status.no_reference_data),
    ],
)
def test_a_feature_without_data_is_not_judged(
    reference: Column, current: Column, status: Status
) -> None:
    result = _one(reference, current)
    assert result.status is status
    assert (result.statistic, result.p_value, result.drifted) == (None, None, False)
    assert result.method in (Method.ks, Method.chi_square)  # the small-reference defaults


def test_a_check_with_nothing_to_judge_does_not_drift() -> None:
    profile = build_profile({"a": RNG.normal(size=50), "b": _categories(50)})
    report = check_drift(
        profile, {"a": np.empty(0), "b": Categorical(np.empty(0, dtype=np.int8), LEVELS)}
    )
    assert (report.judged, report.drifted, report.share, report.dataset_drifted) == (
        0,
        0,
        0.0,
        False,
    )


def test_a_single_current_value_gets_an_answer() -> None:
    reference = RNG.normal(size=300)
    result = _one(reference, np.array([0.1]))
    theirs = stats.ks_2samp(reference, [0.1])
    assert result.status is Status.ok
    assert (result.statistic, result.p_value) == pytest.approx(
        (theirs.statistic, theirs.pvalue), rel=1e-9
    )
    single = _one(np.array([2.0]), np.array([2.0]))
    assert single.status is Status.ok and not single.drifted


def test_an_unseen_category_is_counted_and_shown() -> None:
    reference = Categorical(np.array([0, 1] * 1_000), ("a", "b"))
    current = Categorical(np.array([0, 1, 2, 2] * 250), ("a", "b", "new"))
    result = _one(reference, current)
    assert result.distribution.categories == ("a", "b", "new")
    assert result.distribution.reference == (1_000, 1_000, 0)
    assert result.distribution.current == (250, 250, 500)
    assert result.statistic == pytest.approx(jensenshannon([1, 1, 0], [1, 1, 2]), abs=1e-12)
    assert result.drifted
    small = _one(Categorical(np.array([0, 1] * 100), ("a", "b")), current)
    expected = stats.chi2_contingency(np.array([[100, 100, 0], [250, 250, 500]]), correction=False)
    assert small.method is Method.chi_square
    assert small.statistic == pytest.approx(expected.statistic, rel=1e-12)


def test_current_categories_in_another_order_are_matched_by_name() -> None:
    reference = Categorical(np.array([0] * 30 + [1] * 70), ("a", "b"))
    current = Categorical(np.array([1] * 30 + [0] * 70), ("b", "a"))
    result = _one(reference, current)
    assert result.distribution.current == (30, 70)
    assert result.statistic == 0.0 and result.p_value == 1.0


def test_numeric_distribution_shares_the_reference_bins() -> None:
    reference = RNG.uniform(0, 10, size=2_000)
    current = np.concatenate([RNG.uniform(0, 10, size=990), [-5.0] * 4, [50.0] * 6])
    result = _one(reference, current)
    chart = result.distribution
    assert len(chart.edges) == 21
    assert len(chart.reference) == len(chart.current) == 22
    assert sum(chart.reference) == 2_000 and sum(chart.current) == 1_000
    below, above = np.sum(current < reference.min()), np.sum(current > reference.max())
    assert (chart.current[0], chart.current[-1]) == (below, above)
    assert below >= 4 and above >= 6
