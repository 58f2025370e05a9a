"""Where a budget stands: spent so far this period, the forecast at its end with an interval,
its state, and the burn-down (cumulative actual, forecast and band) for the chart.

Spent counts the complete UTC days of the period before ``as_of`` (today's cost is still
arriving). The forecast is fitted on the scope's daily cost of up to ``HISTORY_DAYS`` complete
days before ``as_of`` (from its first day with any cost) and covers the days from ``as_of`` to
the period's end (``spend.forecast``).

The scope's cost: a system's (LLM usage and ledger); a unit's (its systems' and the unit's own
ledger records); a vendor's or a model's (every line naming it, case-insensitively).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.inventory.tables import SystemRow
from aitower.spend import costs
from aitower.spend.budget_rules import BudgetState, ScopeKind, period_bounds, state_of
from aitower.spend.budgets import Budget
from aitower.spend.costs import CostLine
from aitower.spend.forecast import Forecast, forecast

HISTORY_DAYS = 56


@dataclass(frozen=True, slots=True)
class BudgetStatus:
    budget: Budget
    as_of: date
    period_start: date
    period_end: date  # exclusive
    spent: float
    forecast: float  # at the period's end: spent + the remaining days' point forecast
    low: float | None
    high: float | None
    level: float
    model: str  # the forecast's model ("trend+weekday", …)
    state: BudgetState
    actual: tuple[tuple[date, float], ...]  # cumulative spent at the end of each past day
    projected: tuple[tuple[date, float, float | None, float | None], ...]  # same, forecast

    @property
    def amount(self) -> float:
        return self.budget.spec.amount

    @property
    def soft_limit(self) -> float:
        return self.amount * self.budget.spec.soft_percent / 100

    @property
    def hard_limit(self) -> float:
        return self.amount * self.budget.spec.hard_percent / 100

    @property
    def forecast_percent(self) -> float:
        return 100 * self.forecast / self.amount

    @property
    def spent_percent(self) -> float:
        return 100 * self.spent / self.amount

    @property
    def active(self) -> bool:
        return self.as_of >= self.budget.spec.starts_on


def scope_lines(session: Session, budget: Budget, start: date, end: date) -> list[CostLine]:
    """The cost lines of the budget's scope per day in ``[start, end)``."""
    spec = budget.spec
    if spec.scope_kind is ScopeKind.system:
        return costs.daily_costs(session, start, end, [uuid.UUID(spec.scope_value)])
    if spec.scope_kind is ScopeKind.unit:
        unit = budget.unit_id
        if unit is None:
            return []
        systems = session.execute(select(SystemRow.id).where(SystemRow.unit_id == unit))
        return costs.daily_costs(session, start, end, list(systems.scalars()), [unit])
    wanted = spec.scope_value.strip().lower()
    lines = costs.daily_costs(session, start, end)
    if spec.scope_kind is ScopeKind.vendor:
        return [ln for ln in lines if ln.vendor.lower() == wanted]
    return [ln for ln in lines if ln.model.lower() == wanted]


def _per_day(lines: list[CostLine]) -> dict[date, float]:
    days: dict[date, float] = defaultdict(float)
    for line in lines:
        days[line.day] += line.amount
    return days


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _history(per_day: dict[date, float], start: date, end: date) -> list[date]:
    """The days of ``[start, end)`` from the first with any cost."""
    days = _days(start, end)
    first = next((i for i, d in enumerate(days) if per_day.get(d, 0.0) != 0.0), len(days))
    return days[first:]


def budget_status(session: Session, budget: Budget, as_of: date) -> BudgetStatus:
    """The budget's period holding ``as_of``, what is spent and what is forecast."""
    spec = budget.spec
    start, end = period_bounds(as_of, spec.period)
    fit_start = as_of - timedelta(days=HISTORY_DAYS)
    per_day = _per_day(scope_lines(session, budget, min(start, fit_start), as_of))
    past = _history(per_day, fit_start, as_of)
    future = _days(as_of, end)
    predicted = forecast(past, [per_day.get(d, 0.0) for d in past], future)
    spent, actual = 0.0, []
    for day in _days(start, as_of):
        spent += per_day.get(day, 0.0)
        actual.append((day, spent))
    return _status(budget, as_of, (start, end), spent, predicted, tuple(actual), future)


def _status(
    budget: Budget,
    as_of: date,
    period: tuple[date, date],
    spent: float,
    predicted: Forecast,
    actual: tuple[tuple[date, float], ...],
    future: list[date],
) -> BudgetStatus:
    spec = budget.spec

    def plus(value: float | None) -> float | None:
        return None if value is None else spent + value

    projected = tuple(
        (day, spent + point, plus(low), plus(high))
        for day, (point, low, high) in zip(future, predicted.cumulative, strict=True)
    )
    total = spent + predicted.remaining
    state = state_of(spent, total, spec.amount, spec.soft_percent, spec.hard_percent)
    return BudgetStatus(
        budget, as_of, period[0], period[1], spent, total, plus(predicted.low),
        plus(predicted.high), predicted.level, predicted.fit.kind, state, actual, projected,
    )  # fmt: skip
