"""The demo's budgets: sized on the demo's own LLM cost, the Marketing content generator's is
forecast to be exceeded, the rule on it fires, and its stakeholder sees the breach."""

from __future__ import annotations

from sqlalchemy import select

from aitower.alerts.demo_budget import BUDGET_RULE, add_demo_budget_rule
from aitower.alerts.tables import AlertRuleRow, IncidentRow
from aitower.core.access.principal import Principal, system_principal
from aitower.core.access.roles import Role
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import (
    FOUNDATION_CONTRIBUTORS,
    DemoPassword,
    load_demo,
    load_demo_history,
)
from aitower.inventory.demo import add_demo_inventory
from aitower.spend import budgets
from aitower.spend.budget_rules import BudgetState
from aitower.spend.budget_status import budget_status
from aitower.spend.demo_budgets import BREACH_BUDGET, add_demo_budgets
from aitower.telemetry.demo import add_demo_traffic

CONTRIBUTORS = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_traffic, add_demo_budgets,
                add_demo_budget_rule]  # fmt: skip


def test_one_budget_is_forecast_to_break_and_its_rule_fires(db: Database) -> None:
    ctx = ChangeContext(system_principal("demo"))
    demo = load_demo(db, ctx, DemoPassword("demo-password-for-tests", "stdin"),
                     contributors=CONTRIBUTORS)  # fmt: skip
    assert demo is not None
    load_demo_history(db, demo, scale=0.1)
    today = utcnow().date()
    with db.reading() as session:
        found = budgets.list_budgets(session, ctx.principal)
        states = {b.spec.name: budget_status(session, b, today).state for b in found}
        marketing = session.execute(
            select(BusinessUnitRow.id).where(BusinessUnitRow.name == "Marketing")
        ).scalar_one()
        sam = Principal(ctx.principal.kind, None, "sam", Role.stakeholder, frozenset({marketing}))
        hers = [b.spec.name for b in budgets.list_budgets(session, sam)]
        rule = session.execute(select(AlertRuleRow.id).where(AlertRuleRow.name == BUDGET_RULE))
        incidents = session.execute(
            select(IncidentRow.status).where(IncidentRow.rule_id == rule.scalar_one())
        ).scalars().all()  # fmt: skip
    assert states[BREACH_BUDGET] is BudgetState.hard_forecast
    assert [n for n, s in states.items() if s is not BudgetState.ok] == [BREACH_BUDGET]
    assert len(states) == 4
    assert BREACH_BUDGET in hers and "OpenAI, monthly" not in hers
    assert incidents == ["open"]
    again = load_demo(db, ctx, DemoPassword("demo-password-for-tests", "stdin"),
                      contributors=CONTRIBUTORS)  # fmt: skip
    if again is not None:
        load_demo_history(db, again, scale=0.1)
    with db.reading() as session:
        assert len(budgets.list_budgets(session, ctx.principal)) == 4
