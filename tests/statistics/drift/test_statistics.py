"""The count-based drift statistics against scipy and against cases worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from aitower.statistics.drift.statistics import (
    PSI_EPSILON,
    chi_square_test,
    jensen_shannon_distance,
    ks_asymptotic_p_value,
    population_stability_index,
    two_proportion_z_test,
)

RNG = np.random.default_rng(20261126)


def test_psi_of_a_shifted_split_is_a_quarter_of_ln_3() -> None:
    # (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.25·ln 2 + 0.25·ln 1.5
    assert population_stability_index([50, 50], [25, 75]) == pytest.approx(
        0.25 * math.log(3), abs=1e-15
    )


def test_psi_is_zero_for_equal_shares_and_symmetric() -> None:
    assert population_stability_index([10, 20, 30], [1, 2, 3]) == pytest.approx(0.0, abs=1e-15)
    forward = population_stability_index([5, 10, 85], [30, 30, 40])
    assert forward == pytest.approx(
        population_stability_index([30, 30, 40], [5, 10, 85]), abs=1e-15
    )


def test_psi_replaces_an_empty_share_by_epsilon() -> None:
    # Reference shares (1, 0) → (1, 1e-4); current (0.5, 0.5).
    expected = (0.5 - 1.0) * math.log(0.5 / 1.0) + (0.5 - PSI_EPSILON) * math.log(0.5 / PSI_EPSILON)
    assert population_stability_index([100, 0], [50, 50]) == pytest.approx(expected, abs=1e-12)
    assert PSI_EPSILON == 1e-4


def test_psi_refuses_an_empty_side() -> None:
    with pytest.raises(ValueError, match="at least one observation"):
        population_stability_index([0, 0], [1, 2])


def test_jensen_shannon_of_disjoint_distributions_is_root_ln_2() -> None:
    assert jensen_shannon_distance([7, 0], [0, 3]) == pytest.approx(
        math.sqrt(math.log(2)), abs=1e-15
    )


def test_jensen_shannon_by_hand_with_an_empty_bin() -> None:
    # p = (1, 0), q = (½, ½), m = (¾, ¼)
    kl_p = math.log(1 / 0.75)
    kl_q = 0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)
    expected = math.sqrt(0.5 * kl_p + 0.5 * kl_q)
    assert jensen_shannon_distance([4, 0], [2, 2]) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("bins", [2, 3, 10, 40])
def test_jensen_shannon_matches_scipy(bins: int) -> None:
    for _ in range(20):
        ref = RNG.integers(0, 50, size=bins)
        cur = RNG.integers(0, 50, size=bins)
        ref[0], cur[-1] = ref[0] + 1, cur[-1] + 1
        assert jensen_shannon_distance(ref, cur) == pytest.approx(
            jensenshannon(ref, cur), abs=1e-12
        )


def test_chi_square_matches_scipy_contingency_without_yates() -> None:
    for categories in (2, 3, 7, 12):
        ref = RNG.integers(0, 400, size=categories)
        cur = RNG.integers(0, 400, size=categories)
        ref[0] += 1
        cur[0] += 1
        ours = chi_square_test(ref, cur)
        theirs = stats.chi2_contingency(np.vstack([ref, cur]), correction=False)
        assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-9)
        assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300)


def test_chi_square_drops_categories_empty_on_both_sides_and_takes_unseen_ones() -> None:
    ours = chi_square_test([30, 0, 70, 0], [20, 0, 60, 20])
    theirs = stats.chi2_contingency(np.array([[30, 70, 0], [20, 60, 20]]), correction=False)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-12)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-9)


def test_chi_square_of_a_single_category_has_nothing_to_compare() -> None:
    result = chi_square_test([10, 0], [4, 0])
    assert (result.statistic, result.p_value) == (0.0, 1.0)


def test_z_test_squared_is_the_uncorrected_chi_square() -> None:
    for ref_hits, ref_n, cur_hits, cur_n in [
        (30, 100, 45, 120),
        (1, 10, 9, 10),
        (500, 1000, 480, 990),
    ]:
        z = two_proportion_z_test(ref_hits, ref_n, cur_hits, cur_n)
        table = np.array([[ref_hits, ref_n - ref_hits], [cur_hits, cur_n - cur_hits]])
        chi = stats.chi2_contingency(table, correction=False)
        assert z.statistic**2 == pytest.approx(chi.statistic, rel=1e-9)
        assert z.p_value == pytest.approx(chi.pvalue, rel=1e-9)


def test_z_test_by_hand() -> None:
    # p_r = 0.3, p_c = 0.375, pooled 75/220
    pooled = 75 / 220
    expected = (0.375 - 0.3) / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 120))
    result = two_proportion_z_test(30, 100, 45, 120)
    assert result.statistic == pytest.approx(expected, rel=1e-12)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(expected), rel=1e-12)


def test_z_test_of_identical_constant_samples_is_no_evidence() -> None:
    assert two_proportion_z_test(10, 10, 7, 7).p_value == 1.0
    assert two_proportion_z_test(0, 10, 0, 7).statistic == 0.0


def test_ks_asymptotic_p_value_matches_scipy() -> None:
    for shift in (0.0, 0.02, 0.05):
        ref = RNG.normal(size=12_000)
        cur = RNG.normal(shift, size=15_000)
        theirs = stats.ks_2samp(ref, cur, method="asymp")
        ours = ks_asymptotic_p_value(theirs.statistic, ref.size, cur.size)
        assert ours == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300)
