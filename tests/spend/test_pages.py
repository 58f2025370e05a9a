"""The Spend and Budgets pages as people use them: the stakeholder sees her units' cost with
the chart, the drivers and a CSV; the ops manager adds a budget through the form (a bad
amount is named, nothing saved), opens its burn-down and removes it."""

from __future__ import annotations

import re

import time_machine
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from spend.spend_support import NOW, world
from support import login, make_user
from support_inventory import audit_count


def test_the_stakeholder_sees_her_units_spend(client: TestClient, db: Database) -> None:
    world(db)
    login(client, make_user(db, Role.stakeholder, units=("marketing",)))
    with time_machine.travel(NOW, tick=False):
        page = client.get("/cost/spend", params={"start": "2026-05-01", "end": "2026-07-01"})
        assert page.status_code == 200, page.text
        assert 'data-tab="spend" class="active"' in page.text
        assert "Marketing writer" in page.text and "Finance assistant" not in page.text
        assert "<svg" in page.text and 'data-testid="drivers"' in page.text
        assert "$332.00" in page.text  # $32 of LLM usage and her unit's $300 licence
        csv = client.get("/cost/spend.csv", params={"group_by": "source", "start": "2026-06-01",
                                                    "end": "2026-07-01"})  # fmt: skip
        assert csv.status_code == 200 and "2026-06,licence,licence,300.0000" in csv.text
        bad = client.get("/cost/spend", params={"grain": "hourly"})
        assert bad.status_code == 422 and 'data-field="grain"' in bad.text
        budgets = client.get("/cost/budgets")
        assert budgets.status_code == 200 and 'data-testid="budget-form"' in budgets.text
        assert '<option value="vendor"' not in budgets.text  # vendor budgets are org-wide


def test_add_open_and_remove_a_budget(client: TestClient, db: Database) -> None:
    w = world(db)
    csrf = login(client, make_user(db, Role.ops_manager))
    form = {"csrf_token": csrf, "name": "Assistant", "scope_kind": "system",
            "system": str(w.assistant), "period": "monthly", "amount": "lots",
            "soft_percent": "80", "hard_percent": "100", "starts_on": "2026-06-01"}  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        before = audit_count(db)
        refused = client.post("/cost/budgets", data=form)
        assert refused.status_code == 422 and 'data-field="amount"' in refused.text
        assert audit_count(db) == before
        made = client.post("/cost/budgets", data={**form, "amount": "120"}, follow_redirects=False)
        assert made.status_code == 303
        page = client.get(made.headers["location"])
        assert page.status_code == 200 and "hard breach forecast" in page.text
        assert "Budget" in page.text and "<svg" in page.text and "Forecast" in page.text
        listing = client.get("/cost/budgets")
        assert re.search(r'data-state="hard_forecast"', listing.text)
        budget_id = made.headers["location"].split("/")[-1].split("?")[0]
        gone = client.post(f"/cost/budgets/{budget_id}/delete", data={"csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
        assert gone.status_code == 303
        assert client.get(f"/cost/budgets/{budget_id}").status_code == 404
