"""Spend as alert-rule metrics, read by alerting's evaluator like telemetry's.

``spend``: the cost (LLM usage and the ledger) over the rule's window. Cost is kept per UTC
day, so each day the window overlaps counts in proportion to the overlap (a 60-minute window
holds 1/24 of its day's cost). ``samples``: the days of the window that have any cost.

``budget_forecast_percent``: the forecast at the end of the current period ÷ the budget ×
100, the worst of the budgets of the rule's system (for a portfolio rule: of every budget);
"> 100" fires when a budget is forecast to be exceeded. It is judged at the window's end; the
window's length does not matter. ``samples``: the days of the worst budget's period already
past (at least 1 once a budget is active), 0 without an active budget.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from aitower.core.access.principal import system_principal
from aitower.spend import costs
from aitower.spend.budget_metrics import BY_NAME
from aitower.spend.budget_rules import ScopeKind
from aitower.spend.budget_status import budget_status
from aitower.spend.budgets import list_budgets

DAY = timedelta(days=1)


def _system(system_key: str | None) -> list[uuid.UUID] | None:
    if system_key is None:
        return None
    try:
        return [uuid.UUID(system_key)]
    except ValueError:
        return []  # an unclaimed service: no budget, no ledger


def spend_in_window(
    session: Session, system_key: str | None, start: datetime, end: datetime
) -> tuple[float, int]:
    """Cost in ``[start, end)`` with each day prorated by its overlap, and the days with cost."""
    system_ids = _system(system_key)
    if system_ids == [] or end <= start:
        return 0.0, 0
    first, last = start.date(), (end - timedelta(microseconds=1)).date() + DAY
    per_day: dict[object, float] = {}
    for line in costs.daily_costs(session, first, last, system_ids):
        per_day[line.day] = per_day.get(line.day, 0.0) + line.amount
    total = 0.0
    for day, amount in per_day.items():
        midnight = datetime.combine(day, time(), tzinfo=UTC)  # type: ignore[arg-type]
        overlap = min(end, midnight + DAY) - max(start, midnight)
        total += amount * max(overlap / DAY, 0.0)
    return total, sum(1 for a in per_day.values() if a)


def budget_forecast_percent(
    session: Session, system_key: str | None, end: datetime
) -> tuple[float | None, int]:
    """The worst forecast ÷ budget × 100 of the key's budgets (all for None) at ``end``."""
    system_ids = _system(system_key)
    if system_ids == []:
        return None, 0
    budgets = list_budgets(session, system_principal("alerts"))
    if system_ids is not None:
        wanted = str(system_ids[0])
        budgets = [
            b for b in budgets
            if b.spec.scope_kind is ScopeKind.system and b.spec.scope_value == wanted
        ]  # fmt: skip
    as_of = end.date()
    worst: tuple[float, int] | None = None
    for budget in budgets:
        if as_of < budget.spec.starts_on:
            continue
        status = budget_status(session, budget, as_of)
        days = max(len(status.actual), 1)
        if worst is None or status.forecast_percent > worst[0]:
            worst = (status.forecast_percent, days)
    return (None, 0) if worst is None else worst


def spend_metric_value(
    session: Session, metric: str, system_key: str | None, start: datetime, end: datetime
) -> tuple[float | None, int]:
    """``metric``'s value and samples (module docstring). Raises KeyError for another name."""
    if BY_NAME[metric].name == "spend":
        return spend_in_window(session, system_key, start, end)
    return budget_forecast_percent(session, system_key, end)
