"""Discovery through the API on both databases: the catalog (list, add, sanction), findings
with filters, each triage step audited, unregistered telemetry sources with the same workflow,
scans, the trend; who may do what; bad input named by field with nothing written."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.discovery.findings import telemetry_finding_id
from aitower.inventory.tables import SystemRow, TelemetryServiceRow
from discovery.discovery_support import MB, NOW, add_source, scan, use, world
from support import make_key
from support_inventory import add_vendor, audit_count

API = "/api/v1/discovery"


def _key(db: Database, role: Role, unit: str = "finance") -> dict[str, str]:
    return {"Authorization": f"Bearer {make_key(db, role, unit=unit)}"}


def _call(client: TestClient, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.request(method, f"{API}{path}", headers=headers, **kw)


def _events(db: Database, object_type: str) -> list[tuple[str, Any, Any]]:
    with db.reading() as session:
        columns = (AuditEventRow.action, AuditEventRow.before, AuditEventRow.after)
        query = select(*columns).where(AuditEventRow.object_type == object_type)
        query = query.order_by(AuditEventRow.seq)
        return [tuple(r) for r in session.execute(query)]


def _finding(client: TestClient, headers: dict[str, str], **filters: str) -> dict[str, Any]:
    found = _call(client, "GET", "/findings", headers, params=filters)
    assert found.status_code == 200, found.text
    (one,) = found.json()["items"]
    return dict(one)


def test_findings_list_filters_and_scopes_by_unit(client: TestClient, db: Database) -> None:
    w = world(db)
    scan(db, [use("chatgpt", "alice", "finance", sent=150 * MB), use("cursor", "bob", "marketing")])
    add_source(db)
    manager = _key(db, Role.ops_manager)
    everything = _call(client, "GET", "/findings", manager).json()
    assert everything["total"] == 3
    assert [f["service_id"] for f in everything["items"]] == ["chatgpt", "cursor", "billing-bot"]
    top = everything["items"][0]
    assert (top["risk_score"], top["unit"], top["sanction"], top["vendor"]) == (
        100, "Finance", "unsanctioned", "OpenAI")  # fmt: skip
    assert _finding(client, manager, kind="telemetry")["stored"] is False
    assert _finding(client, manager, unit_id=str(w.marketing))["user"] == "bob"
    assert _finding(client, manager, service="chatgpt")["user"] == "alice"
    assert (
        _call(client, "GET", "/findings", manager, params={"sanctioned": "true"}).json()["total"]
        == 0
    )
    # A security specialist of Finance sees Finance's findings and the unit-less source.
    security = _key(db, Role.security, unit="finance")
    seen = _call(client, "GET", "/findings", security).json()["items"]
    assert sorted(f["service_id"] for f in seen) == ["billing-bot", "chatgpt"]
    bob = _finding(client, manager, service="cursor")
    assert _call(client, "GET", f"/findings/{bob['id']}", security).status_code == 404


def test_dismiss_needs_a_reason_and_is_audited(client: TestClient, db: Database) -> None:
    world(db)
    scan(db, [use("poe", "carol", "marketing")])
    governance = _key(db, Role.governance, unit="marketing")
    found = _finding(client, governance)
    before = audit_count(db)
    for body in ({"reason": "  "}, {}):
        refused = _call(client, "POST", f"/findings/{found['id']}/dismiss", governance, json=body)
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "reason" in refused.text
    assert audit_count(db) == before
    done = _call(client, "POST", f"/findings/{found['id']}/dismiss", governance,
                 json={"reason": "personal account, no company data"})  # fmt: skip
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    again = _call(
        client, "POST", f"/findings/{found['id']}/dismiss", governance, json={"reason": "x"}
    )
    assert again.status_code == 409 and "status" in again.text
    ((action, before_doc, after_doc),) = _events(db, "discovery_finding")
    assert action == "discovery_finding.dismiss"
    assert (before_doc["status"], after_doc["status"]) == ("new", "dismissed")
    assert after_doc["reason"] == "personal account, no company data"


def test_sanction_and_block_decide_for_the_unit(client: TestClient, db: Database) -> None:
    w = world(db)
    scan(db, [use("otter", "dan", "finance"), use("otter", "eve", "marketing")])
    manager = _key(db, Role.ops_manager)
    dan = _finding(client, manager, unit_id=str(w.finance))
    eve = _finding(client, manager, unit_id=str(w.marketing))
    made = _call(
        client, "POST", f"/findings/{dan['id']}/sanction", manager, json={"reason": "DPA signed"}
    )
    assert made.status_code == 200
    assert (made.json()["status"], made.json()["sanction"]) == ("sanctioned", "sanctioned")
    # Otter trains on data (25) and Finance is sensitive (15): 65 under review, 40 once sanctioned.
    assert (dan["risk_score"], made.json()["risk_score"]) == (65, 40)
    assert _finding(client, manager, unit_id=str(w.marketing))["sanction"] == "under_review"
    refused = _call(client, "POST", f"/findings/{eve['id']}/block", manager, json={"reason": ""})
    assert refused.status_code == 422 and "reason" in refused.text
    blocked = _call(client, "POST", f"/findings/{eve['id']}/block", manager,
                    json={"reason": "records customer calls"})  # fmt: skip
    assert blocked.json()["status"] == "blocked"
    catalog = _call(client, "GET", "/catalog", manager, params={"limit": 200}).json()["items"]
    otter = next(s for s in catalog if s["id"] == "otter")
    assert otter["unit_sanctions"] == {str(w.finance): "sanctioned", str(w.marketing): "blocked"}
    decisions = _events(db, "discovery_sanction")
    assert [(a, d["status"]) for a, _, d in decisions] == [
        ("discovery.sanction", "sanctioned"), ("discovery.block", "blocked")]  # fmt: skip
    assert decisions[1][2]["reason"] == "records customer calls"


def test_register_prefills_a_system(client: TestClient, db: Database) -> None:
    w = world(db)
    add_vendor(db, "Amazon Web Services")
    scan(
        db, [use("aws-bedrock", "fay", "marketing", model="anthropic.claude-3-haiku-20240307-v1:0")]
    )
    manager = _key(db, Role.ops_manager)
    found = _finding(client, manager)
    made = _call(client, "POST", f"/findings/{found['id']}/register", manager, json={})
    assert made.status_code == 200, made.text
    system_id = made.json()["system_id"]
    with db.reading() as session:
        system = session.get(SystemRow, uuid.UUID(system_id))
        assert system is not None
        assert (system.name, system.unit_id, system.kind) == (
            "Amazon Bedrock",
            w.marketing,
            "llm_app",
        )
        assert system.models[0]["name"] == "anthropic.claude-3-haiku-20240307-v1:0"
    systems = _events(db, "ai_system")  # the world's system, then this one
    assert [a for a, _, _ in systems] == ["system.create", "system.create"]
    assert systems[-1][2]["name"] == "Amazon Bedrock"
    assert [a for a, _, _ in _events(db, "discovery_finding")] == ["discovery_finding.register"]
    # The name is taken now: a second registration is refused, naming it, with nothing written.
    scan(db, [use("aws-bedrock", "gus", "finance")], "other.log")
    gus = _finding(client, manager, status="new")
    before = audit_count(db)
    clash = _call(client, "POST", f"/findings/{gus['id']}/register", manager, json={})
    assert clash.status_code == 409 and "name" in clash.text
    assert audit_count(db) == before and _finding(client, manager, status="new")["id"] == gus["id"]
    renamed = _call(client, "POST", f"/findings/{gus['id']}/register", manager,
                    json={"name": "Bedrock for Finance"})  # fmt: skip
    assert renamed.status_code == 200


def test_an_unregistered_source_is_registered_through_its_finding(
    client: TestClient, db: Database
) -> None:
    w = world(db)
    add_source(db, "billing-bot", ("gpt-4o",))
    security = _key(db, Role.security)
    finding_id = telemetry_finding_id("billing-bot")
    shown = _call(client, "GET", f"/findings/{finding_id}", security).json()
    assert (shown["kind"], shown["requests"], shown["risk_score"], shown["model"]) == (
        "telemetry", 25, 40, "gpt-4o")  # fmt: skip
    no_unit = _call(client, "POST", f"/findings/{finding_id}/register", security, json={})
    assert no_unit.status_code == 422 and "unit" in no_unit.text
    sanctioned = _call(client, "POST", f"/findings/{finding_id}/sanction", security, json={})
    assert sanctioned.status_code == 422 and "action" in sanctioned.text
    made = _call(client, "POST", f"/findings/{finding_id}/register", security,
                 json={"unit": "finance", "name": "Billing bot"})  # fmt: skip
    assert made.status_code == 200, made.text
    assert made.json()["status"] == "registered" and made.json()["id"] == str(finding_id)
    with db.reading() as session:
        claim = session.execute(select(TelemetryServiceRow.system_id).where(
            TelemetryServiceRow.service_name == "billing-bot")).scalar()  # fmt: skip
        assert claim == uuid.UUID(made.json()["system_id"])
        assert session.get(SystemRow, claim).unit_id == w.finance  # type: ignore[union-attr]
    # The source is claimed now: it is no longer unregistered, and its finding stays registered.
    assert _finding(client, security, kind="telemetry")["status"] == "registered"


def test_assign_names_an_existing_user(client: TestClient, db: Database) -> None:
    world(db)
    scan(db, [use("jasper", "hal", "finance")])
    manager = _key(db, Role.ops_manager)
    found = _finding(client, manager)
    bad = _call(client, "POST", f"/findings/{found['id']}/assign", manager,
                json={"owner": "nobody-here", "due_date": "2026-07-01"})  # fmt: skip
    assert bad.status_code == 422 and "owner" in bad.json()["detail"]
    from support import make_user

    owner = make_user(db, Role.security)
    done = _call(client, "POST", f"/findings/{found['id']}/assign", manager,
                 json={"owner": owner, "due_date": "2026-07-01"})  # fmt: skip
    assert (done.json()["owner"], done.json()["due_date"]) == (owner, "2026-07-01")
    ((action, _, after),) = _events(db, "discovery_finding")
    assert action == "discovery_finding.assign" and after["owner"] == owner


def test_the_catalog_add_and_sanction(client: TestClient, db: Database) -> None:
    w = world(db)
    manager = _key(db, Role.ops_manager)
    listed = _call(client, "GET", "/catalog", manager, params={"limit": 10}).json()
    assert listed["total"] >= 60 and len(listed["items"]) == 10
    body = {"id": "acme-notes", "name": "Acme Notes AI", "vendor": "Acme",
            "category": "writing_assistant",
            "hosts": ["notes.acme.example"], "source": "https://acme.example/terms",
            "trains_on_customer_data": True}  # fmt: skip
    before = audit_count(db)
    for bad, field in (({**body, "hosts": ["not a host"]}, "hosts"),
                       ({**body, "id": "chatgpt"}, "id"),
                       ({**body, "category": "gadgets"}, "category")):  # fmt: skip
        refused = _call(client, "POST", "/catalog", manager, json=bad)
        assert refused.status_code in (409, 422) and field in refused.text, refused.text
    assert audit_count(db) == before
    made = _call(client, "POST", "/catalog", manager, json=body)
    assert made.status_code == 201 and made.json()["builtin"] is False
    scan(db, [use("acme-notes", "ida", "finance")])
    assert _finding(client, manager)["service_name"] == "Acme Notes AI"
    put = _call(client, "PUT", "/catalog/acme-notes/sanction", manager,
                json={"status": "sanctioned", "unit_id": str(w.finance)})  # fmt: skip
    assert put.status_code == 200
    assert _finding(client, manager)["sanction"] == "sanctioned"
    missing = _call(client, "PUT", "/catalog/nope/sanction", manager, json={"status": "sanctioned"})
    assert missing.status_code == 404
    # A unit-limited governance specialist decides for its own unit only.
    governance = _key(db, Role.governance, unit="marketing")
    org = _call(
        client, "PUT", "/catalog/chatgpt/sanction", governance, json={"status": "sanctioned"}
    )
    assert org.status_code == 422 and "unit" in org.text
    other = _call(client, "PUT", "/catalog/chatgpt/sanction", governance,
                  json={"status": "sanctioned", "unit_id": str(w.finance)})  # fmt: skip
    assert other.status_code == 422
    own = _call(client, "PUT", "/catalog/chatgpt/sanction", governance,
                json={"status": "sanctioned", "unit_id": str(w.marketing)})  # fmt: skip
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("role", "read", "triage"),
    [(Role.auditor, 200, 403), (Role.engineer, 200, 403), (Role.stakeholder, 403, 403),
     (Role.security, 200, 200), (Role.ops_manager, 200, 200)],
)  # fmt: skip
def test_who_may_read_and_triage(client: TestClient, db: Database, role: Role, read: int,
                                 triage: int) -> None:  # fmt: skip
    world(db)
    scan(db, [use("writesonic", "jo", "finance")])
    headers = _key(db, role)
    assert _call(client, "GET", "/findings", headers).status_code == read
    manager = _key(db, Role.ops_manager)
    found = _finding(client, manager)
    done = _call(client, "POST", f"/findings/{found['id']}/dismiss", headers, json={"reason": "ok"})
    assert done.status_code == triage


def test_scans_through_the_api(client: TestClient, db: Database) -> None:
    world(db)
    security = _key(db, Role.security)
    body = {"source_kind": "log", "file_name": "squid.log", "sha256": "a" * 64, "lines": 100,
            "matched": 3, "malformed": 1,
            "findings": [{"service_id": "grammarly", "user": "kim", "unit": "finance",
                          "requests": 3, "bytes_sent": 2000, "first_seen": "2026-06-16T09:00:00Z",
                          "last_seen": "2026-06-16T10:00:00Z"}]}  # fmt: skip
    bad = {**body, "findings": [{**body["findings"][0], "unit": "Legal"}]}  # type: ignore[dict-item]
    refused = _call(client, "POST", "/scans", security, json=bad)
    assert refused.status_code == 422 and "findings[0].unit" in refused.text
    naive = {**body, "findings": [{**body["findings"][0], "first_seen": "2026-06-16T09:00:00"}]}  # type: ignore[dict-item]
    assert _call(client, "POST", "/scans", security, json=naive).status_code == 422
    made = _call(client, "POST", "/scans", security, json=body)
    assert made.status_code == 201 and made.json()["findings_new"] == 1
    listed = _call(client, "GET", "/scans", security).json()
    assert listed["total"] == 1 and listed["items"][0]["file_name"] == "squid.log"
    assert _call(client, "POST", "/scans", security, json=body).status_code == 409
