"""Budgets' rules: what a budget may say, its periods, and how its state is judged (pure).

A budget limits the cost of one scope (a system, a unit, a vendor or a model) per month or
quarter, from ``starts_on``. Its soft threshold warns (80 % by default), its hard one is the
limit (100 %). The state compares what is spent and what the forecast expects by the period's
end with both: a limit already crossed is ``*_breached``; one the forecast crosses is
``*_forecast``. The forecast judged is the point forecast; its interval is shown beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from aitower.core.errors import InvalidInput
from aitower.spend.over_time import Grain, next_period, period_start

E = TypeVar("E", bound=StrEnum)
MAX_AMOUNT = 1e12
MAX_NAME = 200


class ScopeKind(StrEnum):
    system = "system"
    unit = "unit"
    vendor = "vendor"
    model = "model"


class BudgetPeriod(StrEnum):
    monthly = "monthly"
    quarterly = "quarterly"

    @property
    def grain(self) -> Grain:
        return Grain.monthly if self is BudgetPeriod.monthly else Grain.quarterly


class BudgetState(StrEnum):
    ok = "ok"
    soft_forecast = "soft breach forecast"
    hard_forecast = "hard breach forecast"
    soft_breached = "soft threshold crossed"
    hard_breached = "budget exceeded"


@dataclass(frozen=True, slots=True)
class BudgetSpec:
    name: str
    scope_kind: ScopeKind
    scope_value: str
    period: BudgetPeriod
    amount: float
    starts_on: date
    soft_percent: float = 80.0
    hard_percent: float = 100.0
    owner: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["starts_on"] = self.starts_on.isoformat()
        out["scope_kind"], out["period"] = self.scope_kind.value, self.period.value
        return out


def _enum(kind: type[E], value: object, field: str) -> E:
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidInput.on(field, f"must be one of {allowed}") from None


def _percent(value: object, field: str) -> float:
    number = _number(value, field)
    if not 0 < number <= 1000:
        raise InvalidInput.on(field, "must be a percentage above 0 and at most 1000")
    return number


def _number(value: object, field: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput.on(field, "must be a number") from None
    if not math.isfinite(number):
        raise InvalidInput.on(field, "must be a finite number")
    return number


def _text(value: object, field: str, limit: int, required: bool) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput.on(field, "is required")
    if len(text) > limit:
        raise InvalidInput.on(field, f"must be at most {limit} characters")
    if "\x00" in text:
        raise InvalidInput.on(field, "must not contain NUL characters")
    return text


def _day(value: object, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput.on(field, "must be a date (YYYY-MM-DD)") from None


def parse_spec(values: dict[str, Any]) -> BudgetSpec:
    """A spec from raw values (a form, a CLI, a JSON body); the first bad one names its field."""
    amount = _number(values.get("amount"), "amount")
    if not 0 < amount <= MAX_AMOUNT:
        raise InvalidInput.on("amount", "must be above 0 (USD per period)")
    soft = _percent(values.get("soft_percent", 80.0), "soft_percent")
    hard = _percent(values.get("hard_percent", 100.0), "hard_percent")
    if soft > hard:
        raise InvalidInput.on("soft_percent", "must not be above hard_percent")
    return BudgetSpec(
        name=_text(values.get("name"), "name", MAX_NAME, True),
        scope_kind=_enum(ScopeKind, values.get("scope_kind"), "scope_kind"),
        scope_value=_text(values.get("scope_value"), "scope_value", 200, True),
        period=_enum(BudgetPeriod, values.get("period", "monthly"), "period"),
        amount=amount,
        starts_on=_day(values.get("starts_on"), "starts_on"),
        soft_percent=soft,
        hard_percent=hard,
        owner=_text(values.get("owner"), "owner", 200, False),
        note=_text(values.get("note"), "note", 2000, False),
    )


def period_bounds(day: date, period: BudgetPeriod) -> tuple[date, date]:
    """The budget period holding ``day``: ``[first day, first day of the next)``."""
    start = period_start(day, period.grain)
    return start, next_period(start, period.grain)


def state_of(spent: float, forecast: float, amount: float, soft: float, hard: float) -> BudgetState:
    """The state of a budget of ``amount`` with ``spent`` so far and ``forecast`` at the end."""
    soft_limit, hard_limit = amount * soft / 100, amount * hard / 100
    if spent > hard_limit:
        return BudgetState.hard_breached
    if forecast > hard_limit:
        return BudgetState.hard_forecast
    if spent > soft_limit:
        return BudgetState.soft_breached
    if forecast > soft_limit:
        return BudgetState.soft_forecast
    return BudgetState.ok
