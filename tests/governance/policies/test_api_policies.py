"""The policies and compliance API, as different roles, on both dialects."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.audit.service import count_events
from aitower.core.db.engine import Database
from support import make_key, seed_units
from support_inventory import make_system

SOURCE = """key: high-docs
name: High-risk systems need an oversight plan
applies_to: {tiers: [high]}
gates: [deployment]
requirements:
  - document: human_oversight_plan
  - approval: {role: governance}
"""


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _events(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)


def test_governance_writes_and_everyone_reads(client: TestClient, db: Database) -> None:
    seed_units(db)
    gov = _auth(make_key(db, Role.governance))
    eng = _auth(make_key(db, Role.engineer))
    answer = client.post("/api/v1/policies", json={"source": SOURCE, "comment": "v1"}, headers=gov)
    assert answer.status_code == 201, answer.text
    assert answer.json()["version"] == 1 and answer.json()["versions"][0]["comment"] == "v1"
    before = _events(db)
    refused = client.post("/api/v1/policies", json={"source": SOURCE}, headers=eng)
    assert refused.status_code == 403
    assert _events(db) == before
    listed = client.get("/api/v1/policies", headers=eng).json()
    assert listed["total"] == 1 and listed["items"][0]["key"] == "high-docs"
    edited = SOURCE.replace("an oversight plan", "a human-oversight plan")
    put = client.put("/api/v1/policies/high-docs", json={"source": edited}, headers=gov)
    assert put.status_code == 200 and put.json()["version"] == 2
    first = client.get("/api/v1/policies/high-docs/versions/1", headers=eng).json()
    assert first["source"] == SOURCE
    assert client.get("/api/v1/policies/high-docs/versions/9", headers=eng).status_code == 404
    off = client.post("/api/v1/policies/high-docs/disable", headers=gov)
    assert off.status_code == 200 and off.json()["enabled"] is False
    assert client.post("/api/v1/policies/high-docs/enable", headers=eng).status_code == 403
    assert client.get("/api/v1/policies/nope", headers=eng).status_code == 404


def test_invalid_policy_is_a_problem_naming_the_field(client: TestClient, db: Database) -> None:
    seed_units(db)
    gov = _auth(make_key(db, Role.governance))
    before = _events(db)
    bad = SOURCE.replace("human_oversight_plan", "memo")
    answer = client.post("/api/v1/policies", json={"source": bad}, headers=gov)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "requirements[0].document" in answer.text
    assert (
        client.post("/api/v1/policies", json={"source": SOURCE, "x": 1}, headers=gov).status_code
        == 422
    )
    assert _events(db) == before


def test_validate_schema_and_preview(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Scorer", stage="deployment", risk_tier="high")
    make_system(db, units.other_unit_id, "Elsewhere", stage="deployment", risk_tier="high")
    gov = _auth(make_key(db, Role.governance))
    before = _events(db)
    ok = client.post("/api/v1/policies/validate", json={"source": SOURCE}, headers=gov).json()
    assert ok["valid"] and ok["document"]["key"] == "high-docs"
    bad = client.post("/api/v1/policies/validate", json={"source": "key: [x\n"}, headers=gov)
    assert bad.status_code == 200
    assert bad.json()["errors"][0]["field"] == "source" and not bad.json()["valid"]
    schema = client.get("/api/v1/policies/schema", headers=gov).json()
    assert schema["title"] == "aitower policy"
    preview = client.post("/api/v1/policies/preview", json={"source": SOURCE}, headers=gov).json()
    assert preview["examined"] == 1  # a governance key of the finance unit sees its unit only
    assert preview["systems"][0]["name"] == "Scorer"
    assert preview["systems"][0]["outcome"] == "block"
    assert _events(db) == before  # validating and previewing save nothing
    assert client.get("/api/v1/policies", headers=gov).json()["total"] == 0


def test_compliance_and_gate_preview(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    scorer = make_system(db, units.unit_id, "Scorer", stage="deployment", risk_tier="high")
    hidden = make_system(db, units.other_unit_id, "Hidden", stage="deployment", risk_tier="high")
    gov = _auth(make_key(db, Role.governance))
    ops = _auth(make_key(db, Role.ops_manager))
    client.post("/api/v1/policies", json={"source": SOURCE}, headers=gov)
    portfolio = client.get("/api/v1/compliance", headers=ops).json()
    assert portfolio["totals"] == {"pass": 0, "warn": 0, "block": 2}
    assert portfolio["systems"]["total"] == 2
    assert portfolio["policies"][0]["blocking"] == 2
    scoped = client.get("/api/v1/compliance?limit=1", headers=gov).json()
    assert scoped["systems"]["total"] == 1 and scoped["systems"]["items"][0]["name"] == "Scorer"
    one = client.get(f"/api/v1/systems/{scorer}/compliance", headers=gov).json()
    assert one["system"]["outcome"] == "block"
    assert one["policies"][0]["findings"][0]["message"] == (
        "Blocked: high-risk systems need a human-oversight plan; none is attached."
    )
    assert client.get(f"/api/v1/systems/{hidden}/compliance", headers=gov).status_code == 404
    gate = client.get(f"/api/v1/systems/{scorer}/gates/deployment", headers=gov).json()
    assert gate["verdict"] == "block" and gate["approvals"][0]["role"] == "governance"
    bad_gate = client.get(f"/api/v1/systems/{scorer}/gates/moon", headers=gov)
    assert bad_gate.status_code == 422 and "gate" in bad_gate.text
