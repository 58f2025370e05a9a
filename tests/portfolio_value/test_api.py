"""The value and decision API: declare (audited, 422 naming the field, nothing written when
refused), unit scoping (404 outside one's units), ROI report, decisions that start the move
to retirement, and a refused move that records nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.governance.tables import ApprovalRequestRow, LifecycleEventRow
from aitower.inventory.tables import SystemRow
from aitower.portfolio.tables import PortfolioDecisionRow
from governance.approvals.support_approvals import add_policy, audit_actions
from portfolio_value.support_value import ledger
from support import make_key, seed_units
from support_inventory import audit_count, make_system

RETIREMENT_PLAN = """\
key: retirement-plan
name: Retirement needs a decommission plan and the AI Operations manager's approval
gates: [retirement]
requirements:
  - document: decommission_plan
  - approval: {role: ops_manager, count: 1}
"""
MODEL = {
    "use_driver": "requests",
    "hours_saved_per_use": 0.25,
    "loaded_hourly_rate": 60,
    "declared_uses_per_month": 400,
    "revenue_per_month": 100,
    "assumptions": "fifteen minutes per request",
}


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def _decisions(db: Database) -> int:
    with db.reading() as session:
        return int(
            session.execute(select(func.count()).select_from(PortfolioDecisionRow)).scalar_one()
        )


def _stage(db: Database, system: uuid.UUID) -> str:
    with db.reading() as session:
        return str(session.get(SystemRow, system).stage)  # type: ignore[union-attr]


def test_declare_read_replace_and_withdraw_are_audited(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Ticket summariser")
    admin = _key(db, Role.ops_manager)
    url = f"/api/v1/systems/{system}/value-model"
    assert client.get(url, headers=admin).status_code == 404
    before = audit_count(db)
    made = client.put(url, json=MODEL, headers=admin)
    assert made.status_code == 200, made.text
    assert made.json()["hours_saved_per_use"] == 0.25 and made.json()["declared_by"]
    changed = client.put(url, json={**MODEL, "loaded_hourly_rate": 80}, headers=admin)
    assert changed.json()["loaded_hourly_rate"] == 80
    assert client.get(url, headers=admin).json()["loaded_hourly_rate"] == 80
    assert client.delete(url, headers=admin).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
    assert audit_count(db) == before + 3
    events = client.get(
        "/api/v1/audit/events", params={"object_id": str(system)}, headers=_key(db, Role.admin)
    ).json()["items"]
    replaced = next(e for e in events if e["action"] == "value_model.declared" and e["before"])
    assert (replaced["before"]["loaded_hourly_rate"], replaced["after"]["loaded_hourly_rate"]) == (
        60,
        80,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours_saved_per_use", -1),
        ("loaded_hourly_rate", -5),
        ("declared_adoption_percent", 150),
        ("use_driver", "clicks"),
        ("eligible_users", 0),
        ("revenue_per_month", -1),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(
    client: TestClient, db: Database, field: str, value: object
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    admin = _key(db, Role.admin)
    before = audit_count(db)
    answer = client.put(
        f"/api/v1/systems/{system}/value-model", json={**MODEL, field: value}, headers=admin
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in answer.text
    assert audit_count(db) == before
    assert client.get(f"/api/v1/systems/{system}/value-model", headers=admin).status_code == 404


def test_unknown_fields_are_refused(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    answer = client.put(
        f"/api/v1/systems/{system}/value-model",
        json={**MODEL, "magic": 1},
        headers=_key(db, Role.admin),
    )
    assert answer.status_code == 422


def test_a_stakeholder_declares_for_her_units_only(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    mine = make_system(db, units.unit_id, "Finance copilot")
    theirs = make_system(db, units.other_unit_id, "Marketing copilot")
    sam = _key(db, Role.stakeholder)
    ok = client.put(f"/api/v1/systems/{mine}/value-model", json=MODEL, headers=sam)
    assert ok.status_code == 200, ok.text
    hidden = client.put(f"/api/v1/systems/{theirs}/value-model", json=MODEL, headers=sam)
    assert hidden.status_code == 404
    assert client.get(f"/api/v1/value/systems/{theirs}", headers=sam).status_code == 404
    listed = client.get("/api/v1/value/systems", headers=sam).json()["systems"]
    assert [s["system_name"] for s in listed] == ["Finance copilot"]
    assert client.get(f"/api/v1/systems/{mine}/value-model", headers=sam).status_code == 200
    # Readers who may not declare nor decide: 403
    analyst = _key(db, Role.analyst)
    assert (
        client.put(f"/api/v1/systems/{mine}/value-model", json=MODEL, headers=analyst).status_code
        == 403
    )
    refused = client.post(
        f"/api/v1/systems/{mine}/decisions", json={"decision": "keep"}, headers=sam
    )
    assert refused.status_code == 403


def test_roi_report_by_hand(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    admin = _key(db, Role.admin)
    client.put(f"/api/v1/systems/{system}/value-model", json=MODEL, headers=admin)
    ledger(db, system, date(2026, 1, 1), date(2026, 4, 1), 9000.0)  # 90 days
    answer = client.get(
        f"/api/v1/value/systems/{system}", params={"months": 3, "until": "2026-03"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # value per month: 400 × 0.25 × 60 + 100 = $6,100; cost 9000 × days/90
    assert [m["value"] for m in body["months"]] == pytest.approx([6100.0] * 3)
    assert [m["cost"] for m in body["months"]] == pytest.approx([3100.0, 2800.0, 3100.0])
    assert body["roi"] == pytest.approx((18300 - 9000) / 9000)
    assert body["payback_months"] == 1
    assert body["bases"] == ["declared"]
    bad = client.get("/api/v1/value/systems", params={"until": "March"}, headers=admin)
    assert bad.status_code == 422 and "until" in bad.text


def test_retire_starts_the_move_and_keeps_its_id(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Old bot", stage="monitoring")
    ops = _key(db, Role.ops_manager)
    answer = client.post(
        f"/api/v1/systems/{system}/decisions",
        json={"decision": "retire", "note": "replaced"},
        headers=ops,
    )
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["decision"] == "retire" and made["move_pending"] is False
    assert _stage(db, system) == "retirement"
    with db.reading() as session:
        event = session.get(LifecycleEventRow, uuid.UUID(made["move_id"]))
    assert event is not None and event.to_stage == "retirement"
    assert "Portfolio decision: retire" in event.reason
    assert made["recommended"] in ("keep", "scale", "fix", "retire") and made["reasons"]
    history = client.get(f"/api/v1/systems/{system}/decisions", headers=ops).json()
    assert [d["id"] for d in history] == [made["id"]]


def test_a_move_the_gate_holds_waits_as_a_request(client: TestClient, db: Database) -> None:
    add_policy(db, RETIREMENT_PLAN)
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Summariser A", stage="monitoring")
    keep = make_system(db, units.unit_id, "Summariser B", stage="monitoring")
    ops = _key(db, Role.ops_manager)
    seq = audit_count(db)
    answer = client.post(
        f"/api/v1/systems/{system}/decisions",
        json={"decision": "consolidate", "into_system_id": str(keep)},
        headers=ops,
    )
    assert answer.status_code == 201, answer.text
    made = answer.json()
    assert made["move_pending"] is True and made["into_system_name"] == "Summariser B"
    with db.reading() as session:
        request = session.get(ApprovalRequestRow, uuid.UUID(made["move_id"]))
    assert request is not None and request.target_stage == "retirement"
    assert _stage(db, system) == "monitoring"  # until the plan and the approval are there
    assert audit_actions(db, seq)[-2:] == ["approval.requested", "portfolio.decided"]


def test_a_refused_move_records_nothing(client: TestClient, db: Database) -> None:
    add_policy(db, RETIREMENT_PLAN)
    units = seed_units(db)
    system = make_system(db, units.unit_id, stage="monitoring")
    ops = _key(db, Role.ops_manager)
    first = client.post(
        f"/api/v1/systems/{system}/decisions", json={"decision": "retire"}, headers=ops
    )
    assert first.status_code == 201
    before, decided = audit_count(db), _decisions(db)
    # An open request already holds the system: governance refuses a second move.
    again = client.post(
        f"/api/v1/systems/{system}/decisions", json={"decision": "retire"}, headers=ops
    )
    assert again.status_code == 409, again.text
    assert "decision" in again.text and "open request" in again.text
    assert (audit_count(db), _decisions(db)) == (before, decided)
    retired = make_system(db, units.unit_id, stage="retired")
    before = audit_count(db)
    gone = client.post(
        f"/api/v1/systems/{retired}/decisions", json={"decision": "retire"}, headers=ops
    )
    assert gone.status_code == 422 and "retirement" in gone.text
    assert (audit_count(db), _decisions(db)) == (before, decided)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "sell"}, "decision"),
        ({"decision": "consolidate"}, "into_system_id"),
        ({"decision": "keep", "into_system_id": str(uuid.uuid4())}, "into_system_id"),
        ({"decision": "consolidate", "into_system_id": str(uuid.uuid4())}, "into_system_id"),
    ],
)
def test_bad_decisions_name_their_field(
    client: TestClient, db: Database, body: dict[str, str], field: str
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, stage="monitoring")
    ops = _key(db, Role.ops_manager)
    before = audit_count(db)
    answer = client.post(f"/api/v1/systems/{system}/decisions", json=body, headers=ops)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == field
    assert audit_count(db) == before and _stage(db, system) == "monitoring"


def test_portfolio_lists_recommendations_and_the_decision_in_force(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    dear = make_system(db, units.unit_id, "Dear bot", stage="monitoring")
    ops = _key(db, Role.ops_manager)
    client.put(f"/api/v1/systems/{dear}/value-model", json={"revenue_per_month": 100}, headers=ops)
    today = datetime.now(UTC).date()
    first = date(today.year - 1, today.month, 1)
    ledger(db, dear, first, today.replace(day=1), 12 * 1000.0)
    client.post(f"/api/v1/systems/{dear}/decisions", json={"decision": "fix"}, headers=ops)
    lines = client.get("/api/v1/value/decisions", headers=ops).json()
    (line,) = [x for x in lines if x["system"]["system_name"] == "Dear bot"]
    # ROI (1200 − 12000) / 12000 = −90 %, flat: retire
    assert line["recommendation"]["recommended"] == "retire"
    assert line["system"]["roi"] == pytest.approx(-0.9, abs=1e-6)
    assert line["in_force"]["decision"] == "fix"
    assert timedelta(0) <= datetime.now(UTC) - datetime.fromisoformat(
        line["in_force"]["decided_at"]
    )
