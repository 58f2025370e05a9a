"""The inventory API as different roles: problems name fields, scope holds, imports report."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import make_key, make_user, seed_units
from support_inventory import add_vendor, audit_count

SYSTEM = {"name": "Support bot", "kind": "llm_app", "unit": "finance"}


def key(db: Database, role: Role, unit: str | None = "finance") -> dict[str, str]:
    return {"x-api-key": make_key(db, role, unit=unit)}


def test_register_read_patch_and_list(client: TestClient, db: Database) -> None:
    seed_units(db)
    make_user(db, Role.engineer, username="ethan")
    add_vendor(db, "OpenAI")
    admin = key(db, Role.admin)
    made = client.post(
        "/api/v1/systems",
        json={
            **SYSTEM,
            "technical_owner": "ethan",
            "vendors": ["OpenAI"],
            "models": [{"provider": "openai", "name": "gpt-4o"}],
            "stage": "monitoring",
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["stage"] == "monitoring" and body["technical_owner"]["username"] == "ethan"
    assert body["risk_tier"] is None
    url = f"/api/v1/systems/{body['id']}"
    patched = client.patch(url, json={"purpose": "Helps", "technical_owner": None}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert patched.json()["technical_owner"] is None and patched.json()["vendors"] == ["OpenAI"]
    listed = client.get("/api/v1/systems?vendor=OpenAI&sort=updated&descending=true", headers=admin)
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["unit"] == "Finance"
    assert client.patch(url, json={"stage": "retired"}, headers=admin).status_code == 422


def test_problems_name_fields_and_nothing_is_written(client: TestClient, db: Database) -> None:
    seed_units(db)
    admin = key(db, Role.admin)
    before = audit_count(db)
    bad = client.post(
        "/api/v1/systems",
        json={**SYSTEM, "models": [{"name": "x"}], "links": {"docs": "nope"}},
        headers=admin,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert {e["field"] for e in bad.json()["errors"]} == {"models[0].provider", "links.docs"}
    assert (
        client.post("/api/v1/systems", json={**SYSTEM, "colour": 1}, headers=admin).status_code
        == 422
    )
    assert audit_count(db) == before
    assert client.post("/api/v1/systems", json=SYSTEM, headers=admin).status_code == 201
    dup = client.post("/api/v1/systems", json=SYSTEM, headers=admin)
    assert dup.status_code == 409 and dup.json()["errors"][0]["field"] == "name"


def test_roles_and_units(client: TestClient, db: Database) -> None:
    seed_units(db)
    engineer = key(db, Role.engineer, unit="finance")
    stakeholder = key(db, Role.stakeholder, unit="finance")
    admin = key(db, Role.admin)
    assert client.post("/api/v1/systems", json=SYSTEM, headers=stakeholder).status_code == 403
    other = client.post("/api/v1/systems", json={**SYSTEM, "unit": "marketing"}, headers=engineer)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "unit"
    assert client.post("/api/v1/systems", json=SYSTEM, headers=engineer).status_code == 201
    hidden = client.post(
        "/api/v1/systems", json={**SYSTEM, "name": "M", "unit": "marketing"}, headers=admin
    ).json()
    assert client.get(f"/api/v1/systems/{hidden['id']}", headers=stakeholder).status_code == 404
    assert client.get("/api/v1/systems", headers=stakeholder).json()["total"] == 1
    assert client.get("/api/v1/systems", headers=admin).json()["total"] == 2
    assert client.get("/api/v1/systems/export", headers=stakeholder).status_code == 403
    assert (
        client.post(
            "/api/v1/vendors", json={"name": "V", "vendor_type": "saas_tool"}, headers=stakeholder
        ).status_code
        == 403
    )


def test_import_export_over_http(client: TestClient, db: Database) -> None:
    seed_units(db)
    admin = key(db, Role.admin)
    csv_text = "name,kind,unit\nA,llm_app,finance\nB,robot,finance\nC,llm_app,nowhere\n"
    headers = {**admin, "content-type": "text/csv"}
    refused = client.post("/api/v1/systems/import", content=csv_text, headers=headers)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"rows[2].kind", "rows[3].unit"}
    dry = client.post("/api/v1/systems/import?dry_run=true", content=csv_text, headers=headers)
    assert dry.status_code == 200 and dry.json()["written"] is False
    skipped = client.post(
        "/api/v1/systems/import?mode=skip_bad_rows", content=csv_text, headers=headers
    )
    assert skipped.status_code == 200 and skipped.json()["created"] == ["A"]
    exported = client.get("/api/v1/systems/export?format=yaml", headers=admin)
    assert exported.headers["content-type"].startswith("application/yaml")
    again = client.post(
        "/api/v1/systems/import",
        files={"file": ("systems.yaml", exported.content, "application/yaml")},
        headers=admin,
    )
    assert again.status_code == 200 and again.json()["unchanged"] == ["A"]
    assert client.post("/api/v1/systems/import", content="x", headers=admin).status_code == 422


def test_vendors_api(client: TestClient, db: Database) -> None:
    seed_units(db)
    security = key(db, Role.security, unit="finance")
    admin = key(db, Role.admin)
    made = client.post(
        "/api/v1/vendors",
        json={"name": "OpenAI", "vendor_type": "model_provider", "renewal_date": "2000-01-01"},
        headers=security,
    )
    assert made.status_code == 201, made.text
    vendor = made.json()
    assert vendor["rating"]["level"] == "high" and vendor["rating"]["reasons"]
    client.post(
        "/api/v1/systems",
        json={
            **SYSTEM,
            "vendors": ["OpenAI"],
            "data_sources": [{"name": "crm", "classification": "internal", "personal_data": True}],
        },
        headers=admin,
    )
    detail = client.get(f"/api/v1/vendors/{vendor['id']}", headers=security).json()
    assert detail["rating"]["level"] == "critical" and detail["systems"] == 1
    assert detail["units"] == ["Finance"] and detail["dependents"][0]["name"] == "Support bot"
    patched = client.patch(
        f"/api/v1/vendors/{vendor['id']}", json={"dpa_signed": True}, headers=security
    )
    assert patched.json()["dpa_signed"] is True
    bad = client.patch(
        f"/api/v1/vendors/{vendor['id']}", json={"website": "ftp://x"}, headers=security
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "website"
    dup = client.post(
        "/api/v1/vendors", json={"name": "openai", "vendor_type": "saas_tool"}, headers=admin
    )
    assert dup.status_code == 409
    assert client.get("/api/v1/vendors?renewal_within_days=90", headers=admin).json()["total"] == 0
    exported = client.get("/api/v1/vendors/export", headers=admin)
    assert exported.text.startswith("name,vendor_type")
    reimport = client.post(
        "/api/v1/vendors/import",
        content=exported.text,
        headers={**admin, "content-type": "text/csv"},
    )
    assert reimport.status_code == 200 and reimport.json()["unchanged"] == ["OpenAI"]


def test_vendor_names_differing_only_in_non_ascii_case_are_one_name(
    client: TestClient, db: Database
) -> None:
    """#14, finding 4: SQLite's lower() folded ASCII only, so a second 'énergie' passed the
    uniqueness check and the lookups then failed with a 500."""
    seed_units(db)
    admin = key(db, Role.admin)
    body = {"name": "Énergie Öko", "vendor_type": "model_provider"}
    assert client.post("/api/v1/vendors", json=body, headers=admin).status_code == 201
    again = client.post("/api/v1/vendors", json={**body, "name": "énergie öKO"}, headers=admin)
    assert again.status_code == 409, again.text
    assert again.json()["errors"][0]["field"] == "name"
    found = client.get("/api/v1/vendors", params={"q": "ÉNERGIE"}, headers=admin).json()
    assert [v["name"] for v in found["items"]] == ["Énergie Öko"]
    system = {**SYSTEM, "name": "Bot", "vendors": ["ÉNERGIE ÖKO"]}
    made = client.post("/api/v1/systems", json=system, headers=admin)
    assert made.status_code == 201 and made.json()["vendors"] == ["Énergie Öko"]
