"""Spend as alert-rule metrics through the real evaluator: ``spend`` prorates each day's cost
over the window, and a rule on ``budget_forecast_percent`` fires when a budget is forecast to
be exceeded and resolves when the budget is raised."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aitower.alerts import rules
from aitower.alerts.alert_domain import Comparator, Notice, RuleSpec
from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.metric_catalog import BY_NAME
from aitower.alerts.metric_values import metric_value
from aitower.core.db.engine import Database
from aitower.spend import budgets
from aitower.spend.budget_rules import parse_spec
from spend.spend_support import NOW, world
from support import CTX


def test_the_catalogue_lists_the_spend_metrics() -> None:
    assert BY_NAME["spend"].unit == "USD" and BY_NAME["spend"].samples == "days"
    assert BY_NAME["budget_forecast_percent"].unit == "percent"


def test_spend_prorates_days_over_the_window(db: Database) -> None:
    w = world(db)
    with db.reading() as session:
        # June 16 costs $5 for the assistant; 06:00–12:00 is a quarter of the day.
        start = NOW.replace(day=16, hour=6)
        quarter = metric_value(
            session, "spend", str(w.assistant), start, start + timedelta(hours=6)
        )
        assert (quarter.value, quarter.samples) == (pytest.approx(1.25), 1)
        week = metric_value(session, "spend", str(w.assistant), NOW - timedelta(days=7), NOW)
        # June 10–16 complete-ish: 6.5 days of $5 before noon on the 17th (no cost that day).
        assert week.value == pytest.approx(6.5 * 5.0)
        portfolio = metric_value(session, "spend", None, start, start + timedelta(hours=24))
        # ¾ of June 16 (assistant $5, writer $2, the licence's $10 a day) and ¼ of June 17
        # (the licence only).
        assert portfolio.value == pytest.approx(0.75 * (5 + 2 + 10) + 0.25 * 10)
        assert metric_value(session, "spend", "service:x", start, NOW).samples == 0
        none = metric_value(session, "budget_forecast_percent", str(w.assistant), start, NOW)
        assert (none.value, none.samples) == (None, 0)


def test_a_forecast_breach_fires_the_rule_and_a_larger_budget_resolves_it(db: Database) -> None:
    w = world(db)
    spec = {"name": "Assistant", "scope_kind": "system", "scope_value": str(w.assistant),
            "period": "monthly", "amount": 100, "starts_on": "2026-01-01"}  # fmt: skip
    with db.writing() as session:
        budget = budgets.create_budget(session, CTX, parse_spec(spec))
        rules.create_rule(session, CTX, RuleSpec(
            name="assistant over budget", metric="budget_forecast_percent",
            comparator=Comparator.gt, threshold=100.0, window_minutes=60, min_samples=1,
            system_id=str(w.assistant),
        ))  # fmt: skip
    fired = evaluate_due_rules(db, NOW, "replica-a")
    assert [t.transition.notice for t in fired] == [Notice.fired]
    assert fired[0].transition.value == pytest.approx(155.9, abs=15)  # forecast ≈ $156 of $100
    with db.writing() as session:
        budgets.update_budget(session, CTX, budget.id, parse_spec({**spec, "amount": 400}))
    resolved = evaluate_due_rules(db, NOW + timedelta(minutes=10), "replica-a")
    assert [t.transition.notice for t in resolved] == [Notice.resolved]
