"""Budgets through the API on both databases: add, change, remove (each audited with before
and after), the status (spent, forecast, interval, state), who may keep which budget, and bad
input named by field with nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from spend.spend_support import NOW, add_rows, llm_row, world
from support import make_key
from support_inventory import audit_count

API = "/api/v1/spend/budgets"


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def _call(client: TestClient, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.request(method, path, headers=headers, **kw)


def _body(**changes: Any) -> dict[str, Any]:
    return {"name": "Assistant", "scope_kind": "system", "scope_value": "", "period": "monthly",
            "amount": 100.0, "starts_on": "2026-01-01", **changes}  # fmt: skip


def test_add_change_remove_are_audited(client: TestClient, db: Database) -> None:
    w = world(db)
    manager = _key(db, Role.ops_manager)
    made = _call(client, "POST", API, manager, json=_body(scope_value=str(w.assistant)))
    assert made.status_code == 201, made.text
    budget = made.json()
    # June 1–16 complete: $5 a day → $80 spent; 14 days to come at $5 or more (May cost $3
    # a day: the trend rises) → a forecast of $150 or a little more, over the $100 budget.
    assert budget["period_start"] == "2026-06-01" and budget["period_end"] == "2026-07-01"
    assert budget["spent"] == pytest.approx(80.0)
    assert 150.0 <= budget["forecast"] <= 170.0
    assert budget["state"] == "hard breach forecast"
    assert budget["scope_label"] == "Finance assistant"
    changed = _call(client, "PUT", f"{API}/{budget['id']}", manager,
                    json=_body(scope_value=str(w.assistant), amount=500.0))  # fmt: skip
    assert changed.status_code == 200 and changed.json()["state"] == "ok"
    assert _call(client, "DELETE", f"{API}/{budget['id']}", manager).status_code == 204
    assert _call(client, "GET", f"{API}/{budget['id']}", manager).status_code == 404
    with db.reading() as session:
        events = session.execute(
            select(AuditEventRow.action, AuditEventRow.before, AuditEventRow.after)
            .where(AuditEventRow.object_type == "budget").order_by(AuditEventRow.seq)
        ).all()  # fmt: skip
    assert [e.action for e in events] == ["budget.create", "budget.update", "budget.delete"]
    assert events[1].before["amount"] == 100.0 and events[1].after["amount"] == 500.0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": -5}, "amount"),
        ({"soft_percent": 150}, "soft_percent"),
        ({"scope_kind": "team"}, "scope_kind"),
        ({"scope_value": "not-an-id"}, "scope_value"),
        ({"period": "weekly"}, "period"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_named_and_writes_nothing(
    client: TestClient, db: Database, changes: dict[str, Any], field: str
) -> None:
    w = world(db)
    admin = _key(db, Role.admin)
    before = audit_count(db)
    answer = _call(
        client, "POST", API, admin, json=_body(**{"scope_value": str(w.assistant), **changes})
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text
    assert audit_count(db) == before
    assert _call(client, "GET", API, admin).json()["total"] == 0


def test_a_stakeholder_keeps_budgets_of_her_units_only(client: TestClient, db: Database) -> None:
    w = world(db)
    sam = _key(db, Role.stakeholder, unit="marketing")
    mine = _call(client, "POST", API, sam, json=_body(name="Writer", scope_value=str(w.writer)))
    assert mine.status_code == 201, mine.text
    unit = _call(client, "POST", API, sam,
                 json=_body(name="Marketing", scope_kind="unit",
                            scope_value=str(w.marketing)))  # fmt: skip
    assert unit.status_code == 201, unit.text
    # A licence of her unit counts in the unit's budget: $10 a day in June.
    assert unit.json()["spent"] == pytest.approx(16 * (2 + 10))
    other = _call(client, "POST", API, sam, json=_body(scope_value=str(w.assistant)))
    assert other.status_code == 422 and "scope_value" in other.text
    vendor = _call(client, "POST", API, sam, json=_body(scope_kind="vendor", scope_value="AWS"))
    assert vendor.status_code == 422 and "scope_kind" in vendor.text
    admin = _key(db, Role.admin)
    theirs = _call(client, "POST", API, admin, json=_body(name="A", scope_value=str(w.assistant)))
    openai = _call(client, "POST", API, admin,
                   json=_body(name="OpenAI", scope_kind="vendor",
                              scope_value="openai"))  # fmt: skip
    assert openai.json()["spent"] == pytest.approx(16 * 5 + 7)  # case-insensitive vendor
    assert _call(client, "GET", API, sam).json()["total"] == 2
    assert _call(client, "GET", API, admin).json()["total"] == 4
    hidden = _call(client, "GET", f"{API}/{theirs.json()['id']}", sam)
    assert hidden.status_code == 404
    reader = _key(db, Role.analyst)
    assert (
        _call(client, "POST", API, reader, json=_body(scope_value=str(w.assistant))).status_code
        == 403
    )


def test_the_forecast_follows_a_weekly_pattern(client: TestClient, db: Database) -> None:
    """Eight weeks of a system costing $10 on weekdays and $2 at weekends: the rest of June
    (14 days: 10 weekdays, 4 weekend days) is forecast at about $108, with an interval."""
    w = world(db)
    first = NOW.date() - timedelta(days=56)
    rows: list[object] = []
    for i in range(56):
        day = first + timedelta(days=i)
        rows.append(llm_row(w.writer, day, "gemini-2.5-pro", 10.0 if day.weekday() < 5 else 2.0))
    add_rows(db, rows)
    admin = _key(db, Role.admin)
    made = _call(client, "POST", API, admin,
                 json=_body(scope_value=str(w.writer), amount=1000.0)).json()  # fmt: skip
    june_so_far = sum((10.0 if date(2026, 6, d).weekday() < 5 else 2.0) + 2.0 for d in range(1, 17))
    assert made["spent"] == pytest.approx(june_so_far)
    # The claude cells ($2 a day) began on June 1: a level shift the trend picks up partly.
    assert made["forecast"] - made["spent"] == pytest.approx(10 * 10 + 4 * 2 + 14 * 2, rel=0.15)
    assert made["forecast_low"] < made["forecast"] < made["forecast_high"]
    assert made["interval_level"] == 0.9
