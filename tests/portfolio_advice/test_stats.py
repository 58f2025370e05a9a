"""The advice's statistics against scipy's own implementations and hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from aitower.portfolio.advice_stats import compare_scores, trend, two_proportions, welch


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_welch_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(0.7, 0.1, 40).tolist()
    b = rng.normal(0.72, 0.2, 75).tolist()
    ours = welch(a, b)
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert ours.statistic == pytest.approx(float(ref.statistic), rel=1e-10)
    assert ours.p_value == pytest.approx(float(ref.pvalue), rel=1e-9)
    assert (ours.n_a, ours.n_b) == (40, 75)
    assert ours.mean_a == pytest.approx(float(np.mean(a)))


def test_welch_minimum_detectable_difference_by_hand() -> None:
    # a: 0, 2 (mean 1, variance 2); b: 1, 1, 4 (mean 2, variance 3); se² = 2/2 + 3/3 = 2.
    c = welch([0.0, 2.0], [1.0, 1.0, 4.0])
    assert c.difference == pytest.approx(-1.0)
    assert c.min_detectable_difference == pytest.approx((1.959964 + 0.841621) * math.sqrt(2), 1e-5)


def test_two_proportions_squared_is_the_uncorrected_chi_square() -> None:
    c = two_proportions(60, 100, 45, 90)
    chi2, p, _, _ = stats.chi2_contingency([[60, 40], [45, 45]], correction=False)
    assert c.statistic**2 == pytest.approx(chi2, rel=1e-10)
    assert c.p_value == pytest.approx(p, rel=1e-9)


def test_two_proportions_by_hand() -> None:
    # 30/50 against 20/50: pooled 0.5, se = sqrt(0.25 · 0.04) = 0.1, z = 0.2 / 0.1 = 2.
    c = two_proportions(30, 50, 20, 50)
    assert c.statistic == pytest.approx(2.0)
    assert c.p_value == pytest.approx(0.0455003, abs=1e-6)
    unpooled = math.sqrt(0.6 * 0.4 / 50 + 0.4 * 0.6 / 50)
    assert c.min_detectable_difference == pytest.approx(2.801585 * unpooled, rel=1e-5)
    assert not c.worse() and two_proportions(20, 50, 30, 50).worse()


def test_thumbs_take_the_proportion_test_other_scores_welch() -> None:
    assert compare_scores([1.0, 0.0, 1.0], [0.0, 1.0]).test == "two_proportion_z"
    assert compare_scores([0.9, 0.5, 1.0], [0.2, 1.0]).test == "welch_t"


@pytest.mark.parametrize("seed", [4, 5])
def test_trend_matches_linregress(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = list(range(10))
    y = (1500 + 40 * np.arange(10) + rng.normal(0, 60, 10)).tolist()
    ours = trend(x, y)
    ref = stats.linregress(x, y)
    assert ours.slope == pytest.approx(ref.slope, rel=1e-10)
    assert ours.intercept == pytest.approx(ref.intercept, rel=1e-10)
    assert ours.r == pytest.approx(ref.rvalue, rel=1e-10)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-8)


def test_trend_needs_three_points() -> None:
    with pytest.raises(ValueError, match="three"):
        trend([0, 1], [1, 2])
