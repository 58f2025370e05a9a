"""Reference profiles: what they hold, how they treat bad values, and their trip through JSON."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from aitower.core.errors import InvalidInput
from aitower.statistics.drift import (
    Categorical,
    CategoricalProfile,
    NumericProfile,
    ReferenceProfile,
    build_profile,
    check_drift,
)
from aitower.statistics.drift.profile import (
    CHART_BINS,
    QUANTILE_BINS,
    chart_counts,
    profile_numeric,
    quantile_edges,
    right_closed_counts,
)

RNG = np.random.default_rng(11)


def test_numeric_profile_holds_the_moments_numpy_computes() -> None:
    values = RNG.gamma(2.0, 3.0, size=5_000)
    profile = profile_numeric(values)
    assert profile.count == 5_000
    assert profile.mean == pytest.approx(values.mean(), rel=1e-12)
    assert profile.std == pytest.approx(np.std(values), rel=1e-12)  # population (ddof = 0)
    assert (profile.minimum, profile.maximum) == (values.min(), values.max())
    assert profile.distinct == 5_000


def test_quantile_bins_are_inverted_cdf_deciles_with_right_closed_counts() -> None:
    values = RNG.normal(size=1_003)
    edges = quantile_edges(np.sort(values))
    expected = np.quantile(
        values, np.arange(1, QUANTILE_BINS) / QUANTILE_BINS, method="inverted_cdf"
    )
    assert edges.tolist() == expected.tolist()
    counts = right_closed_counts(np.sort(values), edges)
    by_hand = [np.sum(values <= edges[0])]
    by_hand += [np.sum((values > lo) & (values <= hi)) for lo, hi in itertools.pairwise(edges)]
    by_hand += [np.sum(values > edges[-1])]
    assert counts.tolist() == by_hand
    assert counts.sum() == values.size


def test_ties_collapse_bins_without_leaving_reference_bins_empty() -> None:
    values = np.sort(np.array([0.0] * 70 + [1.0] * 20 + [2.0] * 10))
    edges = quantile_edges(values)
    # Deciles 0.1–0.7 are all 0.0, 0.8–0.9 are 1.0 (F(1) = 0.9): three bins, none empty.
    assert edges.tolist() == [0.0, 1.0]
    assert right_closed_counts(values, edges).tolist() == [70, 20, 10]


def test_chart_bins_are_equal_width_over_the_reference_range() -> None:
    values = np.sort(RNG.uniform(-3, 5, size=2_000))
    profile = profile_numeric(values)
    assert profile.chart_edges.size == CHART_BINS + 1
    assert profile.chart_edges[0] == values[0]
    assert profile.chart_edges[-1] == values[-1]
    assert profile.chart_counts[0] == 0 and profile.chart_counts[-1] == 0
    hist, _ = np.histogram(values, bins=profile.chart_edges)
    assert profile.chart_counts[1:-1].tolist() == hist.tolist()
    # Outside values go to the overflow bins.
    assert chart_counts(np.array([-10.0, 0.0, 99.0]), profile.chart_edges)[[0, -1]].tolist() == [
        1,
        1,
    ]


def test_nan_and_infinity_are_counted_apart_and_left_out() -> None:
    values = np.array([1.0, np.nan, 2.0, np.inf, 3.0, -np.inf, np.nan])
    profile = profile_numeric(values)
    assert (profile.count, profile.missing, profile.infinite) == (3, 2, 2)
    assert profile.mean == 2.0
    assert np.isfinite(profile.std)
    assert (profile.minimum, profile.maximum) == (1.0, 3.0)


def test_an_all_missing_column_has_an_empty_profile() -> None:
    profile = profile_numeric(np.full(10, np.nan))
    assert (profile.count, profile.missing) == (0, 10)
    assert profile.mean is None and profile.std is None
    assert profile.bin_counts.tolist() == [0]
    assert profile.chart_counts.tolist() == [0, 0]


def test_a_constant_column_has_one_chart_bin_and_zero_spread() -> None:
    profile = profile_numeric(np.full(100, 4.5))
    assert profile.std == 0.0
    assert profile.chart_edges.tolist() == [4.5, 4.5]
    assert profile.chart_counts.tolist() == [0, 100, 0]
    assert profile.distinct == 1


def test_categorical_profile_counts_each_category_and_missing() -> None:
    column = Categorical(np.array([0, 1, 1, -1, 2, 1], dtype=np.int8), ("a", "b", "c"))
    profile = build_profile({"colour": column}).features["colour"]
    assert isinstance(profile, CategoricalProfile)
    assert (profile.count, profile.missing) == (5, 1)
    assert profile.counts.tolist() == [1, 3, 1]


def test_strings_booleans_and_objects_are_encoded_as_categories() -> None:
    from_strings = Categorical.from_values(np.array(["b", "a", "b"]))
    assert from_strings.categories == ("a", "b")
    assert from_strings.codes.tolist() == [1, 0, 1]
    from_objects = Categorical.from_values(["x", None, float("nan"), 3])
    assert from_objects.categories == ("3", "x")
    assert from_objects.codes.tolist() == [1, -1, -1, 0]
    profile = build_profile({"flag": np.array([True, False, True])}).features["flag"]
    assert isinstance(profile, CategoricalProfile)
    assert dict(zip(profile.categories, profile.counts.tolist(), strict=True)) == {
        "False": 1,
        "True": 2,
    }


def test_bad_categorical_input_is_refused() -> None:
    with pytest.raises(InvalidInput, match="past the last category"):
        Categorical(np.array([0, 3]), ("a", "b")).counts()
    with pytest.raises(InvalidInput, match="distinct"):
        Categorical(np.array([0]), ("a", "a"))
    with pytest.raises(InvalidInput, match="rows"):
        build_profile({"a": np.zeros(3), "b": np.zeros(4)})


def _dataset(rows: int) -> dict[str, np.ndarray | Categorical]:
    return {
        "amount": RNG.lognormal(3, 1, size=rows),
        "age": RNG.integers(18, 90, size=rows),
        "score": np.where(RNG.random(rows) < 0.05, np.nan, RNG.normal(size=rows)),
        "channel": Categorical(RNG.integers(-1, 4, size=rows), ("web", "app", "branch", "phone")),
    }


@pytest.mark.parametrize("rows", [0, 1, 500, 40_000])
def test_profile_round_trips_through_json(rows: int) -> None:
    profile = build_profile(_dataset(rows))
    text = json.dumps(profile.to_dict(), allow_nan=False)
    again = ReferenceProfile.from_dict(json.loads(text))
    assert again.to_dict() == profile.to_dict()
    assert again.rows == rows
    current = _dataset(300)
    if rows:
        assert check_drift(again, current) == check_drift(profile, current)


def test_a_large_reference_is_stored_as_a_sketch_with_its_bounds() -> None:
    profile = build_profile({"x": RNG.normal(size=40_000)}).features["x"]
    assert isinstance(profile, NumericProfile)
    stored = profile.to_dict()["sketch"]
    assert stored["exact"] is False
    assert len(stored["values"]) == 10_000
    assert sum(stored["counts"]) == 40_000
    assert 0 < stored["wasserstein_bound"] < 1e-2


def test_an_unknown_profile_format_is_refused() -> None:
    with pytest.raises(InvalidInput, match="format"):
        ReferenceProfile.from_dict({"format": 99, "rows": 0, "features": {}})
