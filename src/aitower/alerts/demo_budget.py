"""The demo's budget alert rule: fires when a budget is forecast to be exceeded.

Spend's demo (``spend.demo_budgets``) sizes the Marketing content generator's monthly budget
under its forecast once the traffic is stored; this contributor then adds a rule on
``budget_forecast_percent`` > 100 for that system and evaluates it once, as the server's
background pass would: it fires, and the incident waits on the Incidents page.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, RuleSpec, Severity
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoHistory, DemoOrganisation, Report
from aitower.inventory.service import system_ids_by_name
from aitower.spend.demo_budgets import BREACH_SYSTEM

BUDGET_RULE = "Marketing generator: budget forecast exceeded"


def _add_rule(db: Database, ctx: ChangeContext) -> bool:
    with db.writing() as session:
        found = system_ids_by_name(session, (BREACH_SYSTEM,))
        if BREACH_SYSTEM not in found:
            return False
        spec = RuleSpec(
            name=BUDGET_RULE,
            metric="budget_forecast_percent",
            comparator=Comparator.gt,
            threshold=100.0,
            window_minutes=60,
            min_samples=1,
            severity=Severity.medium,
            system_id=str(found[BREACH_SYSTEM]),
        )
        description = "The system's spend is forecast to exceed its budget by the period's end."
        rule = rules.create_rule(session, ctx, spec, description=description)
    evaluate_due_rules(db, utcnow(), "demo-backfill", only={rule.id})
    return True


def add_demo_budget_rule(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Ask for the budget rule after the budgets are stored, unless it exists already."""
    existing = {r.spec.name for r in rules.list_rules(session, ctx.principal, limit=1000)[0]}
    if BUDGET_RULE in existing:
        return

    def store(db: Database, scale: float, report: Report) -> str:
        del scale, report
        if not _add_rule(db, ctx):
            return "No budget alert rule added (no marketing content generator)."
        demo.note("alert rules", BUDGET_RULE)
        return f"Added the alert rule {BUDGET_RULE!r}, evaluated once."

    demo.history.append(DemoHistory("Budget alert rule", store))
