"""The forecast to a period's end: least squares with a trend and weekday terms recovers a
known trend and weekly pattern, matches numpy's and scipy's reference computations, and its
90 % interval for the remaining days' sum covers the truth about 90 % of the time."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from scipy import stats

from aitower.spend.forecast import fit, forecast

D0 = date(2026, 3, 2)  # a Monday
WEEKLY = np.array([0.0, 6.0, 8.0, 7.0, 5.0, -12.0, -15.0])  # Monday is the base


def _days(n: int, first: date = D0) -> list[date]:
    return [first + timedelta(days=i) for i in range(n)]


def _series(days: list[date], level: float, slope: float) -> np.ndarray:
    t = np.array([(d - D0).days for d in days], dtype=float)
    return level + slope * t + WEEKLY[[d.weekday() for d in days]]


def test_a_noise_free_series_is_recovered_exactly() -> None:
    days = _days(35)
    model = fit(days, list(_series(days, 100.0, 2.5)))
    assert model.kind == "trend+weekday"
    assert model.coef[:2] == pytest.approx((100.0, 2.5))
    assert model.coef[2:] == pytest.approx(tuple(WEEKLY[1:] - WEEKLY[0]))
    future = _days(10, D0 + timedelta(days=35))
    predicted = forecast(days, list(_series(days, 100.0, 2.5)), future)
    assert predicted.remaining == pytest.approx(float(_series(future, 100.0, 2.5).sum()))
    assert predicted.low == pytest.approx(predicted.remaining)  # no residual, no spread


def test_coefficients_and_interval_match_a_reference_computation() -> None:
    rng = np.random.default_rng(7)
    days = _days(42, D0 + timedelta(days=3))  # starting on a Thursday
    y = _series(days, 80.0, 1.2) + rng.normal(0, 4, len(days))
    future = _days(12, days[-1] + timedelta(days=1))
    predicted = forecast(days, list(y), future, level=0.9)

    # Reference: the design built from one-hot weekdays with numpy, solved by the normal
    # equations; the interval from the textbook variance of a sum of new observations.
    def design(ds: list[date]) -> np.ndarray:
        t = np.array([(d - days[0]).days for d in ds], dtype=float)
        onehot = np.eye(7)[[d.weekday() for d in ds]][:, 1:]
        return np.column_stack([np.ones_like(t), t, onehot])

    x, xf = design(days), design(future)
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    assert predicted.fit.coef == pytest.approx(tuple(beta))
    resid = y - x @ beta
    dof = len(y) - x.shape[1]
    s2 = resid @ resid / dof
    ones = xf.sum(axis=0)
    var = s2 * (len(future) + ones @ np.linalg.inv(x.T @ x) @ ones)
    half = stats.t.ppf(0.95, dof) * np.sqrt(var)
    point = ones @ beta
    assert predicted.remaining == pytest.approx(point)
    assert (predicted.low, predicted.high) == pytest.approx((point - half, point + half))
    assert predicted.cumulative[-1][0] == pytest.approx(point)


def test_a_trend_only_fit_agrees_with_scipy_linregress() -> None:
    days = _days(9)
    y = [10.0, 12.5, 13.0, 16.0, 17.5, 19.0, 22.0, 23.5, 24.0]
    model = fit(days, y)
    assert model.kind == "trend"
    reference = stats.linregress(np.arange(9.0), y)
    assert model.coef == pytest.approx((reference.intercept, reference.slope))


def test_short_histories_get_smaller_models() -> None:
    assert fit(_days(3), [1.0, 2.0, 3.0]).kind == "mean"
    one = forecast(_days(1), [5.0], _days(4, D0 + timedelta(days=1)))
    assert one.fit.kind == "run rate" and one.remaining == 20.0 and one.low is None
    none = forecast([], [], _days(3))
    assert none.remaining == 0.0


def test_the_interval_covers_the_truth_near_its_nominal_level() -> None:
    """600 simulated series with trend, weekly pattern and normal noise: the 90 % interval of
    the next 14 days' sum holds the realised sum in 86–94 % of them."""
    rng = np.random.default_rng(2026)
    days, future = _days(56), _days(14, D0 + timedelta(days=56))
    mean_past, mean_future = _series(days, 200.0, 1.5), _series(future, 200.0, 1.5)
    hits = 0
    runs = 600
    for _ in range(runs):
        y = mean_past + rng.normal(0, 10, len(days))
        realised = float((mean_future + rng.normal(0, 10, len(future))).sum())
        predicted = forecast(days, list(y), future, level=0.9)
        assert predicted.low is not None and predicted.high is not None
        hits += predicted.low <= realised <= predicted.high
    assert 0.86 <= hits / runs <= 0.94
