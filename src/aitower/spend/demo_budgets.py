"""The demo's budgets, one of them forecast to be exceeded, sized on the demo's LLM cost.

The budgets are added after the demo's history is stored (``DemoHistory``, after telemetry's
30 days of traffic and the imports' bills), so each amount can be set from the cost the demo
really has at any scale: the Marketing content generator's monthly budget is 80 % of its
forecast for this month (a hard breach is forecast; its business stakeholder sees it), the
other budgets twice their forecast (on track). The breach rests on LLM usage cost only (a
system budget counts the ledger too, but the demo's bills make a forecast higher, never lower).
Alerting's demo adds a rule on ``budget_forecast_percent`` that fires on it.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoHistory, DemoOrganisation, Report
from aitower.inventory.service import system_ids_by_name
from aitower.inventory.tables import SystemRow
from aitower.spend import budgets
from aitower.spend.budget_rules import BudgetPeriod, BudgetSpec, ScopeKind
from aitower.spend.budget_status import budget_status

BREACH_SYSTEM = "Marketing content generator"
BREACH_BUDGET = "Marketing content generator, monthly"
BREACH_SHARE = 0.8  # of the forecast: the budget the forecast exceeds
ON_TRACK_SHARE = 2.0
MINIMUM = 1.0  # USD: a budget is never smaller


def _nice(amount: float) -> float:
    """Two significant digits, at least ``MINIMUM``."""
    if amount <= MINIMUM:
        return MINIMUM
    digits = 1 - math.floor(math.log10(amount))
    return round(amount, digits)


def _specs(session: Session, first: date) -> list[tuple[BudgetSpec, float]]:
    """The demo's budgets (amount 1, to be sized) and the share of its forecast each gets."""
    found = system_ids_by_name(
        session, (BREACH_SYSTEM, "Knowledge assistant", "Customer support chatbot")
    )
    specs: list[tuple[BudgetSpec, float]] = []

    def add(name: str, kind: ScopeKind, value: str, period: BudgetPeriod, share: float) -> None:
        owner = "sam.taylor" if kind is ScopeKind.system and name == BREACH_BUDGET else ""
        specs.append((BudgetSpec(name, kind, value, period, 1.0, first, owner=owner), share))

    if BREACH_SYSTEM in found:
        add(BREACH_BUDGET, ScopeKind.system, str(found[BREACH_SYSTEM]), BudgetPeriod.monthly,
            BREACH_SHARE)  # fmt: skip
    if "Knowledge assistant" in found:
        add("Knowledge assistant, monthly", ScopeKind.system,
            str(found["Knowledge assistant"]), BudgetPeriod.monthly, ON_TRACK_SHARE)  # fmt: skip
    chatbot = found.get("Customer support chatbot")
    if chatbot is not None:
        unit = session.get(SystemRow, chatbot)
        if unit is not None:
            add("Customer Support, quarterly", ScopeKind.unit, str(unit.unit_id),
                BudgetPeriod.quarterly, ON_TRACK_SHARE)  # fmt: skip
    add("OpenAI, monthly", ScopeKind.vendor, "OpenAI", BudgetPeriod.monthly, ON_TRACK_SHARE)
    return specs


def store_demo_budgets(db: Database, ctx: ChangeContext) -> int:
    """Add the demo's budgets that do not exist yet (by name), sized on today's forecast."""
    today = utcnow().date()
    made = 0
    with db.writing() as session:
        existing = {b.spec.name for b in budgets.list_budgets(session, ctx.principal)}
        for spec, share in _specs(session, today.replace(day=1)):
            if spec.name in existing:
                continue
            budget = budgets.create_budget(session, ctx, spec)
            forecast = budget_status(session, budget, today).forecast
            sized = replace(budget.spec, amount=_nice(forecast * share))
            if share < 1 and sized.amount >= forecast:  # rounding must keep the breach
                sized = replace(sized, amount=max(forecast * share, 0.01))
            budgets.update_budget(session, ctx, budget.id, sized)
            made += 1
    return made


def add_demo_budgets(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Ask for the budgets after the history (their amounts follow the stored cost)."""
    if any(b.spec.name == BREACH_BUDGET for b in budgets.list_budgets(session, ctx.principal)):
        return

    def store(db: Database, scale: float, report: Report) -> str:
        del scale, report
        made = store_demo_budgets(db, ctx)
        demo.note("budgets", BREACH_BUDGET)
        return f"Added {made} budgets; {BREACH_SYSTEM} is forecast to exceed its budget."

    demo.history.append(DemoHistory("Budgets", store))
