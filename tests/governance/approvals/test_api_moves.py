"""Moves and approvals through the API as different users, on SQLite and PostgreSQL.

The issue's checked requirement: a move completes only when its gate passes; separation of
duties; expiry; and a refused action writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from aitower.core.access.principal import system_principal
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.governance import approvals
from aitower.governance.tables import ApprovalRequestRow, LifecycleEventRow
from aitower.inventory.tables import SystemRow
from governance.approvals.support_approvals import (
    As,
    add_policy,
    audit_actions,
    audit_count,
)
from support import make_key, make_user, seed_units
from support_inventory import make_system


@dataclass
class World:
    system_id: uuid.UUID
    engineer: As
    governance: As
    ops: As
    analyst: As


def _world(app: FastAPI, db: Database, *, tier: str = "high") -> World:
    units = seed_units(db)
    add_policy(db)
    system_id = make_system(db, units.unit_id, stage="development", risk_tier=tier)
    return World(
        system_id,
        As(app, make_user(db, Role.engineer)),
        As(app, make_user(db, Role.governance)),
        As(app, make_user(db, Role.ops_manager)),
        As(app, make_user(db, Role.analyst)),
    )


def _move(who: As, system_id: uuid.UUID, target: str = "deployment") -> dict[str, object]:
    answer = who.post(
        f"/api/v1/systems/{system_id}/moves", {"target_stage": target, "reason": "pilot done"}
    )
    assert answer.status_code in (201, 202), answer.text
    body: dict[str, object] = answer.json()
    return body


def _stage(db: Database, system_id: uuid.UUID) -> str:
    with db.reading() as session:
        return str(
            session.execute(select(SystemRow.stage).where(SystemRow.id == system_id)).scalar_one()
        )


def test_a_move_completes_only_when_its_gate_passes(app: FastAPI, db: Database) -> None:
    w = _world(app, db)
    start = audit_count(db)
    answer = w.engineer.post(
        f"/api/v1/systems/{w.system_id}/moves",
        {"target_stage": "deployment", "reason": "pilot done"},
    )
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["status"] == "pending"
    assert body["message"].startswith("Blocked: ")
    assert body["gate"]["verdict"] == "block"
    blocked = [f for f in body["gate"]["findings"] if f["outcome"] == "block"]
    assert any("human_oversight_plan" in f["requirement"] for f in blocked)
    assert {a["role"] for a in body["gate"]["approvals"]} == {"governance", "ops_manager"}
    request_id = body["request"]["id"]
    decisions = f"/api/v1/approval-requests/{request_id}/decisions"

    # governance approves: still blocked (plan and ops_manager missing)
    answer = w.governance.post(decisions, {"decision": "approve", "reason": "ok"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["request"]["status"] == "pending"
    # the plan is attached: still pending, one approval missing
    attached = w.engineer.post(
        f"/api/v1/systems/{w.system_id}/evidence",
        {"kind": "human_oversight_plan", "title": "Oversight plan", "uri": "https://x.test/p"},
    )
    assert attached.status_code == 201, attached.text
    now = w.engineer.get(f"/api/v1/approval-requests/{request_id}").json()
    assert now["status"] == "pending"
    assert _stage(db, w.system_id) == "development"
    # ops approves: the gate passes, the move completes in that same call
    answer = w.ops.post(decisions, {"decision": "approve", "reason": "go"})
    assert answer.status_code == 201, answer.text
    done = answer.json()
    assert done["request"]["status"] == "completed"
    assert done["event"]["to_stage"] == "deployment"
    assert done["event"]["gate"]["verdict"] == "pass"
    assert _stage(db, w.system_id) == "deployment"
    with db.reading() as session:
        events = (
            session.execute(
                select(LifecycleEventRow).where(LifecycleEventRow.system_id == w.system_id)
            )
            .scalars()
            .all()
        )
    assert [(e.from_stage, e.to_stage) for e in events] == [("development", "deployment")]
    assert audit_actions(db)[start:] == [
        "approval.requested",
        "approval.decided",
        "evidence.attached",
        "approval.decided",
        "lifecycle.moved",
        "approval.completed",
    ]
    history = w.analyst.get(f"/api/v1/systems/{w.system_id}/history").json()["items"]
    assert history[0]["at"] >= history[-1]["at"]
    assert any(h["kind"] == "lifecycle" and "deployment" in h["title"] for h in history)


def test_separation_of_duties(app: FastAPI, db: Database) -> None:
    w = _world(app, db)
    request_id = _move(w.ops, w.system_id)["request"]["id"]  # type: ignore[index]
    decisions = f"/api/v1/approval-requests/{request_id}/decisions"
    outsider = As(app, make_user(db, Role.governance, units=("marketing",)))
    key = make_key(db, Role.governance)
    before = audit_count(db)

    own = w.ops.post(decisions, {"decision": "approve", "reason": "mine"})
    assert own.status_code == 403
    assert "you raised this request" in own.json()["detail"]
    wrong_role = w.analyst.post(decisions, {"decision": "approve"})
    assert wrong_role.status_code == 403
    assert "governance or ops_manager" in wrong_role.json()["detail"]
    assert outsider.post(decisions, {"decision": "approve"}).status_code == 404
    machine = TestClient(app).post(
        decisions, json={"decision": "approve"}, headers={"x-api-key": key}
    )
    assert machine.status_code == 403
    assert "machines do not approve" in machine.json()["detail"]
    assert audit_count(db) == before  # nothing written by any refusal

    assert w.governance.post(decisions, {"decision": "approve"}).status_code == 201
    twice = w.governance.post(decisions, {"decision": "approve"})
    assert twice.status_code == 409
    # the requester's approval never counted: ops_manager is still missing
    request = w.governance.get(f"/api/v1/approval-requests/{request_id}").json()
    need = {a["role"]: a for a in request["gate"]["approvals"]}
    assert need["ops_manager"]["have"] == 0
    assert need["governance"]["have"] == 1
    assert len(request["decisions"]) == 1


def test_a_request_raised_with_a_key_is_its_owners_for_separation_of_duties(
    app: FastAPI, db: Database
) -> None:
    """#14: a key acts for its owner. Before, a move requested with a key had no requester,
    and the owner then approved it in the browser: one person on both sides."""
    w = _world(app, db)
    key = TestClient(
        app, headers={"x-api-key": make_key(db, Role.ops_manager, owner=w.ops.username)}
    )
    raised = key.post(
        f"/api/v1/systems/{w.system_id}/moves",
        json={"target_stage": "deployment", "reason": "pilot done"},
    )
    assert raised.status_code == 202, raised.text
    request_id = raised.json()["request"]["id"]
    decisions = f"/api/v1/approval-requests/{request_id}/decisions"
    own = w.ops.post(decisions, {"decision": "approve", "reason": "mine, via my key"})
    assert own.status_code == 403
    assert "you raised this request" in own.json()["detail"]
    assert w.ops.post(f"/api/v1/approval-requests/{request_id}/withdraw").status_code in (
        200,
        201,
    ), "and it is theirs to withdraw"


def test_expired_requests_refuse_decisions_and_completion(app: FastAPI, db: Database) -> None:
    w = _world(app, db)
    request_id = uuid.UUID(str(_move(w.engineer, w.system_id)["request"]["id"]))  # type: ignore[index]
    past = utcnow() - timedelta(hours=1)
    with db.writing() as session:
        session.execute(
            update(ApprovalRequestRow)
            .where(ApprovalRequestRow.id == request_id)
            .values(expires_at=past)
        )
    before = audit_count(db)
    refused = w.governance.post(
        f"/api/v1/approval-requests/{request_id}/decisions", {"decision": "approve"}
    )
    assert refused.status_code == 409
    assert "expired on" in refused.json()["detail"]
    retry = w.engineer.post(f"/api/v1/approval-requests/{request_id}/complete")
    assert retry.status_code == 409
    assert audit_count(db) == before
    shown = w.engineer.get(f"/api/v1/approval-requests/{request_id}").json()
    assert shown["status"] == "expired"
    listed = w.engineer.get("/api/v1/approval-requests?status=expired").json()
    assert [r["id"] for r in listed["items"]] == [str(request_id)]

    with db.writing() as session:
        assert approvals.expire_due(session, ChangeContext(system_principal("test"))) == 1
    with db.reading() as session:
        assert session.get(ApprovalRequestRow, request_id).status == "expired"  # type: ignore[union-attr]
    assert audit_actions(db)[before:] == ["approval.expired"]
    # an expired request no longer holds the system: a new one may be raised
    assert _move(w.engineer, w.system_id)["status"] == "pending"


def test_reject_closes_and_a_withdrawn_request_cannot_be_approved(
    app: FastAPI, db: Database
) -> None:
    w = _world(app, db)
    request_id = _move(w.engineer, w.system_id)["request"]["id"]  # type: ignore[index]
    decisions = f"/api/v1/approval-requests/{request_id}/decisions"
    before = audit_count(db)
    no_reason = w.governance.post(decisions, {"decision": "reject"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    assert audit_count(db) == before
    rejected = w.governance.post(decisions, {"decision": "reject", "reason": "no bias eval"})
    assert rejected.status_code == 201
    assert rejected.json()["request"]["status"] == "rejected"
    assert w.ops.post(decisions, {"decision": "approve"}).status_code == 409

    second = _move(w.engineer, w.system_id)["request"]["id"]  # type: ignore[index]
    assert w.analyst.post(f"/api/v1/approval-requests/{second}/withdraw").status_code == 403
    withdrawn = w.engineer.post(f"/api/v1/approval-requests/{second}/withdraw", {"reason": "x"})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    late = w.governance.post(
        f"/api/v1/approval-requests/{second}/decisions", {"decision": "approve"}
    )
    assert late.status_code == 409
    assert _stage(db, w.system_id) == "development"


def test_moves_are_checked_before_anything_is_written(app: FastAPI, db: Database) -> None:
    w = _world(app, db)
    before = audit_count(db)
    path = f"/api/v1/systems/{w.system_id}/moves"
    bad = w.engineer.post(path, {"target_stage": "monitoring", "reason": "skip ahead"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "target_stage"
    assert "deployment" in bad.json()["errors"][0]["reason"]
    assert w.engineer.post(path, {"target_stage": "deployment", "reason": " "}).status_code == 422
    assert w.analyst.post(path, {"target_stage": "deployment", "reason": "x"}).status_code == 403
    assert audit_count(db) == before
    first = _move(w.engineer, w.system_id)["request"]["id"]  # type: ignore[index]
    again = w.engineer.post(path, {"target_stage": "deployment", "reason": "again"})
    assert again.status_code == 409
    assert str(first) in again.json()["detail"]


def test_a_move_whose_gate_passes_completes_at_once(app: FastAPI, db: Database) -> None:
    w = _world(app, db, tier="minimal")
    before = audit_count(db)
    answer = w.engineer.post(
        f"/api/v1/systems/{w.system_id}/moves", {"target_stage": "deployment", "reason": "go"}
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "completed"
    assert _stage(db, w.system_id) == "deployment"
    assert audit_actions(db)[before:] == ["lifecycle.moved"]
    intake = w.engineer.post(f"/api/v1/systems/{w.system_id}/intake", {"reason": "new"})
    assert intake.status_code == 201, intake.text
    assert intake.json()["event"]["from_stage"] is None
    assert _stage(db, w.system_id) == "deployment"
    again = w.engineer.post(f"/api/v1/systems/{w.system_id}/intake", {"reason": "new"})
    assert again.status_code == 409


def test_inbox_lists_what_each_person_could_decide(app: FastAPI, db: Database) -> None:
    w = _world(app, db)
    request_id = _move(w.engineer, w.system_id)["request"]["id"]  # type: ignore[index]
    mine = w.governance.get("/api/v1/approval-requests?actionable=true").json()
    assert [r["id"] for r in mine["items"]] == [request_id]
    assert w.engineer.get("/api/v1/approval-requests?actionable=true").json()["total"] == 0
    assert w.engineer.get("/api/v1/approval-requests?mine=true").json()["total"] == 1
    w.governance.post(f"/api/v1/approval-requests/{request_id}/decisions", {"decision": "approve"})
    assert w.governance.get("/api/v1/approval-requests?actionable=true").json()["total"] == 0
    assert w.ops.get("/api/v1/approval-requests?actionable=true").json()["total"] == 1
    outsider = As(app, make_user(db, Role.governance, units=("marketing",)))
    assert outsider.get("/api/v1/approval-requests").json()["total"] == 0
