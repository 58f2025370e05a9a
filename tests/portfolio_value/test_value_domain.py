"""The value formula, ROI, payback and trend (pure), on hand-computed cases and numpy."""

from __future__ import annotations

import numpy as np
import pytest

from aitower.core.errors import InvalidInput
from aitower.portfolio.value_domain import (
    Usage,
    ValueModel,
    check_model,
    month_value,
    monthly_roi,
    payback_months,
    roi,
    trend_slope,
)

GOOD = {
    "use_driver": "requests",
    "hours_saved_per_use": 0.1,
    "loaded_hourly_rate": 50.0,
    "declared_uses_per_month": 1000.0,
    "eligible_users": 200,
    "declared_adoption_percent": 40.0,
    "revenue_per_month": 300.0,
    "cost_avoided_per_month": 200.0,
    "one_off_investment": 0.0,
}


def test_declared_month_by_hand() -> None:
    # 1000 uses × 0.1 h × $50 × 40 % = $2,000; + $300 revenue + $200 avoided = $2,500
    model = check_model(**GOOD)
    v = month_value(model, Usage())
    assert (v.uses, v.uses_basis, v.adoption_basis) == (1000.0, "declared", "declared")
    assert v.time_value == pytest.approx(2000.0)
    assert v.total == pytest.approx(2500.0)


def test_measured_drivers_replace_declared_ones() -> None:
    # 600 measured requests, 50 of 200 eligible users active: 600 × 0.1 × 50 × 0.25 = $750
    v = month_value(check_model(**GOOD), Usage(requests=600, sessions=90, active_users=50))
    assert (v.uses, v.uses_basis) == (600.0, "measured")
    assert (v.adoption, v.adoption_basis) == (0.25, "measured")
    assert v.total == pytest.approx(750.0 + 500.0)


def test_active_users_driver_does_not_apply_adoption_twice() -> None:
    model = ValueModel(use_driver="active_users", hours_saved_per_use=2.0, loaded_hourly_rate=60)
    v = month_value(model, Usage(requests=5000, active_users=30))
    assert (v.uses, v.adoption, v.adoption_basis) == (30.0, 1.0, "none")
    assert v.total == pytest.approx(30 * 2 * 60)


def test_no_uses_no_time_value() -> None:
    v = month_value(ValueModel(hours_saved_per_use=1, loaded_hourly_rate=10), Usage())
    assert (v.uses_basis, v.total) == ("none", 0.0)


def test_roi_and_payback_by_hand() -> None:
    assert roi(1500.0, 1000.0) == pytest.approx(0.5)
    assert roi(500.0, 1000.0) == pytest.approx(-0.5)
    assert roi(100.0, 0.0) is None
    # cumulative value 300, 600, 900, 1200 vs cost 1000 + 100/month: 1100, 1200, 1300, 1400
    assert payback_months([300] * 4, [100] * 4, 1000.0) is None
    # from month 1 value 600: 600/1100, 1200/1200 → month 2
    assert payback_months([600] * 4, [100] * 4, 1000.0) == 2
    assert payback_months([0, 0], [10, 10]) is None
    assert monthly_roi([200.0, 50.0, 10.0], [100.0, 0.0, 20.0]) == [1.0, None, -0.5]


def test_trend_slope_matches_numpy_polyfit() -> None:
    series = [0.2, None, 0.5, 0.4, 0.9, 1.1]
    xs = [i for i, v in enumerate(series) if v is not None]
    ys = [v for v in series if v is not None]
    expected = float(np.polyfit(xs, ys, 1)[0])
    assert trend_slope(series) == pytest.approx(expected)
    assert trend_slope([1.0, None, 2.0]) is None  # two points are no trend


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours_saved_per_use", -1.0),
        ("loaded_hourly_rate", -0.01),
        ("loaded_hourly_rate", float("nan")),
        ("declared_adoption_percent", 101.0),
        ("declared_adoption_percent", -5.0),
        ("eligible_users", 0),
        ("use_driver", "clicks"),
        ("revenue_per_month", float("inf")),
        ("declared_uses_per_month", -3.0),
        ("hours_saved_per_use", 5000.0),
    ],
)
def test_bad_declarations_name_their_field(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_model(**{**GOOD, field: value})
    assert [i.field for i in refused.value.issues] == [field]
