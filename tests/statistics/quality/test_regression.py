"""Regression metrics against scikit-learn, and the answers where sklearn raises or misleads."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from aitower.core.errors import InvalidInput
from aitower.statistics.quality.regression import MAPE_EPS, regression_metrics

TOL = 1e-9
RNG = np.random.default_rng(7)


def test_matches_sklearn() -> None:
    y_true = RNG.normal(100.0, 25.0, 300)
    y_pred = y_true + RNG.normal(2.0, 10.0, 300)
    result = regression_metrics(y_true, y_pred)
    assert result.count == 300 and result.excluded == 0 and result.estimated is False
    assert result.mae == pytest.approx(skm.mean_absolute_error(y_true, y_pred), abs=TOL)
    assert result.rmse == pytest.approx(skm.root_mean_squared_error(y_true, y_pred), abs=TOL)
    assert result.mape == pytest.approx(skm.mean_absolute_percentage_error(y_true, y_pred), abs=TOL)
    assert result.r2 == pytest.approx(skm.r2_score(y_true, y_pred), abs=TOL)
    json.dumps(result.to_dict())


def test_zero_targets_divide_by_machine_epsilon_like_sklearn() -> None:
    y_true, y_pred = [0.0, 2.0, 4.0], [0.5, 2.0, 3.0]
    result = regression_metrics(y_true, y_pred)
    assert result.mape == pytest.approx(skm.mean_absolute_percentage_error(y_true, y_pred), rel=TOL)
    assert result.mape == pytest.approx((0.5 / MAPE_EPS + 0 + 0.25) / 3, rel=TOL)
    assert "1 zero target" in result.notes["mape"]


def test_constant_target_has_no_r2_where_sklearn_forces_one_or_zero() -> None:
    perfect = regression_metrics([3.0, 3.0, 3.0], [3.0, 3.0, 3.0])
    off = regression_metrics([3.0, 3.0, 3.0], [2.0, 3.0, 4.0])
    # Deliberate difference: sklearn says 1.0 and 0.0 (force_finite=True), both meaningless.
    assert skm.r2_score([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]) == 1.0
    assert skm.r2_score([3.0, 3.0, 3.0], [2.0, 3.0, 4.0]) == 0.0
    assert perfect.r2 is None and off.r2 is None
    assert "constant target" in off.undefined["r2"]
    assert off.mae == pytest.approx(2 / 3)


def test_one_row_and_empty_input() -> None:
    one = regression_metrics([2.0], [1.0])
    assert one.mae == 1.0 and one.r2 is None and "fewer than two" in one.undefined["r2"]
    empty = regression_metrics([], [])
    assert empty.count == 0 and empty.mae is None and empty.undefined["rmse"] == "no labelled rows"


def test_non_finite_rows_are_left_out_and_counted() -> None:
    y_true = np.array([1.0, 2.0, np.nan, 4.0, 5.0])
    y_pred = np.array([1.5, np.inf, 3.0, 4.5, 4.0])
    result = regression_metrics(y_true, y_pred)
    keep = np.isfinite(y_true) & np.isfinite(y_pred)
    assert result.count == 3 and result.excluded == 2
    assert result.rmse == pytest.approx(
        skm.root_mean_squared_error(y_true[keep], y_pred[keep]), abs=TOL
    )


def test_refuses_mismatched_or_non_numeric_input() -> None:
    with pytest.raises(InvalidInput, match="y_true"):
        regression_metrics([1.0, 2.0], [1.0])
    with pytest.raises(InvalidInput, match="y_pred"):
        regression_metrics([1.0], ["high"])


finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=2, max_size=50))
@example([(0.0, 1e6), (1e-152, -1e6)])  # a target spread of 2e-305: R² overflows to -inf
def test_agrees_with_sklearn_on_random_data(rows: list[tuple[float, float]]) -> None:
    y_true = np.array([r[0] for r in rows])
    y_pred = np.array([r[1] for r in rows])
    result = regression_metrics(y_true, y_pred)
    assert result.mae == pytest.approx(skm.mean_absolute_error(y_true, y_pred), rel=TOL, abs=TOL)
    assert result.rmse == pytest.approx(
        skm.root_mean_squared_error(y_true, y_pred), rel=TOL, abs=TOL
    )
    assert result.rmse >= result.mae - 1e-9  # type: ignore[operator]
    if result.r2 is not None:
        # A target spread of 1e-305 gives an R² beyond ±1e305 or -inf: right, and aitower says
        # so silently; the reference's numpy division warns of the overflow instead.
        with np.errstate(over="ignore"):
            expected = skm.r2_score(y_true, y_pred)
        assert result.r2 == pytest.approx(expected, rel=1e-6, abs=1e-9)
