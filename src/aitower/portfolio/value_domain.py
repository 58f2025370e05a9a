"""A system's value and return, from its declared value model and its measured drivers (pure).

Value per month::

    uses × hours_saved_per_use × loaded_hourly_rate × adoption
    + revenue_per_month + cost_avoided_per_month

- *uses* are the month's requests, sessions or active users (the model's ``use_driver``),
  **measured** from telemetry when the system sent any that month, else the declared uses per
  month (**declared**); with neither, no time value is counted.
- *adoption* scales the time saved by the share of eligible people who actually use it:
  measured active users ÷ declared eligible users when both are known (capped at 1), else the
  declared adoption percent, else 1 (uses already count only actual use).
  When the driver *is* active users, adoption is not applied again (it would count the same
  people twice).

ROI = (value − cost) ÷ cost, None when there was no cost. Payback: the months from the first
month with cost or value until cumulative value covers cumulative cost plus the one-off
investment; None while it has not happened yet.

Trend: the least-squares slope of a monthly series (e.g. ROI per month) in units per month,
over the months that have a figure; None with fewer than ``MIN_TREND_POINTS`` of them (a line
through two points says nothing of a trend).

A declared model is checked by ``check_model``: rates, hours, uses, revenue, cost avoided and
investment are finite and not negative; adoption is a percent in 0..100; eligible users a
whole number ≥ 1; the driver one of ``USE_DRIVERS``. Each refusal names its field.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from aitower.core.errors import InvalidInput

UseDriver = Literal["requests", "sessions", "active_users"]
Basis = Literal["measured", "declared", "none"]
USE_DRIVERS: tuple[UseDriver, ...] = ("requests", "sessions", "active_users")
MIN_TREND_POINTS = 3
# Upper bounds that catch a typo (a rate in cents, hours per use in minutes) without judging.
MAX_HOURS_PER_USE = 1000.0
MAX_AMOUNT = 1e12


@dataclass(frozen=True, slots=True)
class ValueModel:
    """What the business owner declared (``portfolio.tables.ValueModelRow``)."""

    use_driver: UseDriver = "requests"
    hours_saved_per_use: float = 0.0
    loaded_hourly_rate: float = 0.0
    declared_uses_per_month: float | None = None
    eligible_users: int | None = None
    declared_adoption_percent: float | None = None
    revenue_per_month: float = 0.0
    cost_avoided_per_month: float = 0.0
    one_off_investment: float = 0.0


@dataclass(frozen=True, slots=True)
class Usage:
    """What telemetry measured in one month (zero: nothing was sent)."""

    requests: int = 0
    sessions: int = 0
    active_users: int = 0

    def of(self, driver: UseDriver) -> int:
        return {"requests": self.requests, "sessions": self.sessions}.get(driver, self.active_users)


@dataclass(frozen=True, slots=True)
class MonthValue:
    """One month's value, each driver with where it came from."""

    uses: float
    uses_basis: Basis
    adoption: float
    adoption_basis: Basis
    time_value: float
    revenue: float
    cost_avoided: float

    @property
    def total(self) -> float:
        return self.time_value + self.revenue + self.cost_avoided


def adoption_of(model: ValueModel, usage: Usage) -> tuple[float, Basis]:
    if model.use_driver == "active_users":
        return 1.0, "none"
    if model.eligible_users and usage.active_users > 0:
        return min(usage.active_users / model.eligible_users, 1.0), "measured"
    if model.declared_adoption_percent is not None:
        return max(0.0, min(model.declared_adoption_percent, 100.0)) / 100.0, "declared"
    return 1.0, "none"


def month_value(model: ValueModel, usage: Usage) -> MonthValue:
    """The value of one month (module docstring)."""
    measured = usage.of(model.use_driver)
    basis: Basis
    if measured > 0:
        uses, basis = float(measured), "measured"
    elif model.declared_uses_per_month is not None:
        uses, basis = float(model.declared_uses_per_month), "declared"
    else:
        uses, basis = 0.0, "none"
    adoption, adoption_basis = adoption_of(model, usage)
    time_value = uses * model.hours_saved_per_use * model.loaded_hourly_rate * adoption
    return MonthValue(
        uses,
        basis,
        adoption,
        adoption_basis,
        time_value,
        model.revenue_per_month,
        model.cost_avoided_per_month,
    )


def roi(value: float, cost: float) -> float | None:
    """(value − cost) ÷ cost; None without cost (a free system's return is not a ratio)."""
    return None if cost <= 0 else (value - cost) / cost


def payback_months(
    values: Sequence[float], costs: Sequence[float], one_off_investment: float = 0.0
) -> int | None:
    """Months (1-based count) until cumulative value ≥ cumulative cost + the investment, from
    the first month; None if not reached within the months given."""
    total_value = 0.0
    total_cost = one_off_investment
    for month, (value, cost) in enumerate(zip(values, costs, strict=True), start=1):
        total_value += value
        total_cost += cost
        if total_value > 0 and total_value >= total_cost:
            return month
    return None


def trend_slope(series: Sequence[float | None]) -> float | None:
    """Least-squares slope of ``series`` (one point per month, None: no figure that month) per
    month, over the months with a finite figure; None with fewer than ``MIN_TREND_POINTS``."""
    points = [
        (float(i), float(v)) for i, v in enumerate(series) if v is not None and math.isfinite(v)
    ]
    if len(points) < MIN_TREND_POINTS:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def monthly_roi(values: Sequence[float], costs: Sequence[float]) -> list[float | None]:
    """ROI of each month on its own (None for a month without cost)."""
    return [roi(v, c) for v, c in zip(values, costs, strict=True)]


def _amount(value: float | None, field: str, limit: float = MAX_AMOUNT) -> float:
    if value is None:
        return 0.0
    if not math.isfinite(value) or value < 0:
        raise InvalidInput.on(field, "must be a number ≥ 0")
    if value > limit:
        raise InvalidInput.on(field, f"must be at most {limit:g}")
    return float(value)


def check_model(
    *,
    use_driver: str,
    hours_saved_per_use: float | None,
    loaded_hourly_rate: float | None,
    declared_uses_per_month: float | None,
    eligible_users: int | None,
    declared_adoption_percent: float | None,
    revenue_per_month: float | None,
    cost_avoided_per_month: float | None,
    one_off_investment: float | None,
) -> ValueModel:
    """The declared model, checked (module docstring); the first bad field is refused."""
    if use_driver not in USE_DRIVERS:
        raise InvalidInput.on("use_driver", f"must be one of {', '.join(USE_DRIVERS)}")
    driver: UseDriver = next(d for d in USE_DRIVERS if d == use_driver)
    if eligible_users is not None and eligible_users < 1:
        raise InvalidInput.on("eligible_users", "must be a whole number ≥ 1")
    adoption = declared_adoption_percent
    if adoption is not None and not (math.isfinite(adoption) and 0 <= adoption <= 100):
        raise InvalidInput.on("declared_adoption_percent", "must be a percent from 0 to 100")
    uses = declared_uses_per_month
    return ValueModel(
        use_driver=driver,
        hours_saved_per_use=_amount(hours_saved_per_use, "hours_saved_per_use", MAX_HOURS_PER_USE),
        loaded_hourly_rate=_amount(loaded_hourly_rate, "loaded_hourly_rate"),
        declared_uses_per_month=None if uses is None else _amount(uses, "declared_uses_per_month"),
        eligible_users=eligible_users,
        declared_adoption_percent=adoption,
        revenue_per_month=_amount(revenue_per_month, "revenue_per_month"),
        cost_avoided_per_month=_amount(cost_avoided_per_month, "cost_avoided_per_month"),
        one_off_investment=_amount(one_off_investment, "one_off_investment"),
    )
