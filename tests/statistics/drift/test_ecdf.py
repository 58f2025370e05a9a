"""KS and Wasserstein from stored atoms against scipy on the full data; the sketch's bounds."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aitower.statistics.drift.ecdf import (
    SKETCH_SIZE,
    distinct_count,
    ks_statistic,
    ks_test,
    sketch_sorted,
    wasserstein_distance,
)

RNG = np.random.default_rng(7)

SAMPLES = {
    "normal, shifted": (RNG.normal(size=800), RNG.normal(0.3, 1.2, size=1_300)),
    "ties (rounded)": (
        np.round(RNG.normal(size=3_000), 1),
        np.round(RNG.normal(0.1, size=2_000), 1),
    ),
    "same values": (np.arange(50.0), np.arange(50.0)),
    "one value each": (np.array([1.0]), np.array([2.0])),
    "constant vs spread": (np.full(40, 3.0), RNG.uniform(0, 6, size=60)),
    "large current": (RNG.exponential(size=5_000), RNG.exponential(1.1, size=30_000)),
    "integers, many rows": (
        RNG.poisson(4, size=50_000).astype(float),
        RNG.poisson(4.4, size=20_000).astype(float),
    ),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_exact_atoms_give_scipys_ks_and_wasserstein(name: str) -> None:
    reference, current = SAMPLES[name]
    sketch = sketch_sorted(np.sort(reference))
    assert sketch.exact
    assert sketch.atoms.total == reference.size
    wasserstein = wasserstein_distance(sketch.atoms, np.sort(current))
    ks = ks_statistic(sketch.atoms, np.sort(current))
    assert wasserstein == pytest.approx(
        stats.wasserstein_distance(reference, current), rel=1e-9, abs=1e-12
    )
    test = ks_test(sketch, np.sort(current))
    theirs = stats.ks_2samp(reference, current)
    assert test.statistic == pytest.approx(theirs.statistic, abs=1e-12)
    assert test.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300)
    assert ks == pytest.approx(theirs.statistic, abs=1e-12)


def test_atoms_of_a_sample_are_its_distinct_values_and_counts() -> None:
    sketch = sketch_sorted(np.array([1.0, 1.0, 2.0, 5.0, 5.0, 5.0]))
    assert sketch.atoms.values.tolist() == [1.0, 2.0, 5.0]
    assert sketch.atoms.counts.tolist() == [2, 1, 3]
    assert (sketch.ks_bound, sketch.wasserstein_bound) == (0.0, 0.0)
    assert distinct_count(np.array([1.0, 1.0, 2.0])) == 2
    assert distinct_count(np.empty(0)) == 0


@pytest.fixture(scope="module")
def large_reference() -> np.ndarray:
    return np.sort(RNG.normal(10.0, 2.0, size=250_003))


def test_a_sketch_has_the_configured_size_and_keeps_every_row(large_reference: np.ndarray) -> None:
    sketch = sketch_sorted(large_reference)
    assert not sketch.exact
    assert sketch.atoms.values.size == SKETCH_SIZE
    assert sketch.atoms.total == large_reference.size
    assert np.all(np.diff(sketch.atoms.values) > 0)
    assert sketch.ks_bound == pytest.approx(26 / 250_003)


def test_sketch_bound_is_the_exact_wasserstein_to_the_reference(
    large_reference: np.ndarray,
) -> None:
    sketch = sketch_sorted(large_reference)
    to_reference = stats.wasserstein_distance(
        large_reference, sketch.atoms.values, v_weights=sketch.atoms.counts
    )
    assert sketch.wasserstein_bound == pytest.approx(to_reference, rel=1e-9)
    # Well below the 0.1 threshold (in reference standard deviations).
    assert sketch.wasserstein_bound / large_reference.std() < 5e-4


@pytest.mark.parametrize("shift", [0.0, 0.05, 1.0])
def test_sketched_statistics_are_within_their_bounds_of_scipy_on_the_full_data(
    large_reference: np.ndarray, shift: float
) -> None:
    sketch = sketch_sorted(large_reference)
    current = np.sort(RNG.normal(10.0 + shift, 2.0, size=120_000))
    wasserstein = wasserstein_distance(sketch.atoms, current)
    ks = ks_statistic(sketch.atoms, current)
    # Same method as scipy on the sketch itself: agreement to rounding.
    weighted = stats.wasserstein_distance(
        sketch.atoms.values, current, u_weights=sketch.atoms.counts
    )
    assert wasserstein == pytest.approx(weighted, rel=1e-9)
    # Against the full reference: within the stored bounds.
    full_w = stats.wasserstein_distance(large_reference, current)
    assert abs(wasserstein - full_w) <= sketch.wasserstein_bound + 1e-12
    full_ks = stats.ks_2samp(large_reference, current)
    assert abs(ks - full_ks.statistic) <= sketch.ks_bound
    assert ks_test(sketch, current).statistic == ks


def test_many_rows_of_few_values_are_kept_exactly() -> None:
    reference = np.sort(RNG.integers(0, 200, size=300_000).astype(float))
    sketch = sketch_sorted(reference)
    assert sketch.exact
    assert sketch.atoms.values.size == 200
    current = np.sort(RNG.integers(0, 210, size=100_000).astype(float))
    expected = stats.wasserstein_distance(reference, current)
    assert wasserstein_distance(sketch.atoms, current) == pytest.approx(expected, rel=1e-9)


samples = st.lists(
    st.integers(-20, 20).map(lambda v: v / 4), min_size=1, max_size=60
)  # quarter steps: plenty of ties


@settings(max_examples=200, deadline=None)
@given(reference=samples, current=samples)
def test_any_small_samples_give_scipys_values(reference: list[float], current: list[float]) -> None:
    sketch = sketch_sorted(np.sort(np.array(reference)))
    ordered = np.sort(np.array(current))
    expected_w = stats.wasserstein_distance(reference, current)
    assert wasserstein_distance(sketch.atoms, ordered) == pytest.approx(
        expected_w, rel=1e-9, abs=1e-12
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's exact → asymptotic fallback
        theirs = stats.ks_2samp(reference, current)
    ours = ks_test(sketch, ordered)
    assert ours.statistic == pytest.approx(theirs.statistic, abs=1e-12)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300)
