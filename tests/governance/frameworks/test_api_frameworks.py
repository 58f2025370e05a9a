"""The frameworks and crosswalks API, as different roles, on both dialects."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.audit.service import count_events
from aitower.core.db.engine import Database
from support import make_key, seed_units

CUSTOM = """id: acme-ai-standard
name: ACME responsible AI standard
version: "2026.1"
source:
  document: ACME internal standard AI-01, issue 3
  url: https://intranet.example.com/ai-01
items:
  - id: GOV
    kind: section
    title: Governance
  - id: GOV-1
    parent: GOV
    kind: control
    title: An accountable owner is named
"""


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _events(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)


def test_governance_imports_and_every_role_reads(client: TestClient, db: Database) -> None:
    seed_units(db)
    gov = _auth(make_key(db, Role.governance))
    auditor = _auth(make_key(db, Role.auditor))
    before = _events(db)
    refused = client.post("/api/v1/frameworks", json={"source": CUSTOM}, headers=auditor)
    assert refused.status_code == 403 and _events(db) == before
    created = client.post("/api/v1/frameworks", json={"source": CUSTOM}, headers=gov)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["id"] == "acme-ai-standard" and body["builtin"] is False
    assert body["counts"] == {"section": 1, "control": 1} and body["yaml"] == CUSTOM
    assert _events(db) == before + 1
    listed = client.get("/api/v1/frameworks", headers=auditor).json()
    assert listed["total"] == 3
    assert [f["id"] for f in listed["items"]] == [
        "nist-ai-rmf-1.0",
        "iso-iec-42001-2023",
        "acme-ai-standard",
    ]
    again = client.post("/api/v1/frameworks", json={"source": CUSTOM}, headers=gov)
    assert again.status_code == 409 and "acme-ai-standard" in again.text


def test_a_builtin_framework_reads_whole(client: TestClient, db: Database) -> None:
    seed_units(db)
    reader = _auth(make_key(db, Role.auditor))
    nist = client.get("/api/v1/frameworks/nist-ai-rmf-1.0", headers=reader).json()
    assert nist["counts"] == {"function": 4, "category": 19, "subcategory": 72}
    assert nist["source"]["url"] == "https://doi.org/10.6028/NIST.AI.100-1"
    assert nist["yaml"] is None and len(nist["items"]) == 95
    (govern_11,) = [i for i in nist["items"] if i["id"] == "GOVERN 1.1"]
    assert govern_11["parent"] == "GOVERN 1" and govern_11["source"] == "NIST AI 100-1, Table 1"
    iso = client.get("/api/v1/frameworks/iso-iec-42001-2023", headers=reader).json()
    assert iso["counts"]["control"] == 38
    assert client.get("/api/v1/frameworks/nope", headers=reader).status_code == 404


def test_an_invalid_framework_is_a_problem_naming_the_field(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    gov = _auth(make_key(db, Role.governance))
    before = _events(db)
    bad = CUSTOM.replace("    parent: GOV\n", "    parent: MISSING\n")
    answer = client.post("/api/v1/frameworks", json={"source": bad}, headers=gov)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "items[1].parent" in answer.text
    builtin = CUSTOM.replace("id: acme-ai-standard", "id: iso-iec-42001-2023")
    answer = client.post("/api/v1/frameworks", json={"source": builtin}, headers=gov)
    assert answer.status_code == 409 and "built into aitower" in answer.text
    extra = client.post("/api/v1/frameworks", json={"source": CUSTOM, "x": 1}, headers=gov)
    assert extra.status_code == 422
    assert _events(db) == before


def test_crosswalk_of_an_article_and_back(client: TestClient, db: Database) -> None:
    seed_units(db)
    reader = _auth(make_key(db, Role.engineer))
    art_14 = client.get(f"/api/v1/crosswalks?item={quote('Art. 14')}", headers=reader)
    assert art_14.status_code == 200, art_14.text
    related = {r["ref"]: r for r in art_14.json()["related"]}
    assert set(related) == {
        "nist-ai-rmf-1.0:GOVERN 3.2",
        "nist-ai-rmf-1.0:MAP 3.5",
        "nist-ai-rmf-1.0:MANAGE 2.4",
        "iso-iec-42001-2023:A.6.1.3",
        "iso-iec-42001-2023:A.9.3",
    }
    assert related["nist-ai-rmf-1.0:MAP 3.5"]["source"] == "aitower"
    back = client.get(f"/api/v1/crosswalks?item={quote('MAP 3.5')}", headers=reader).json()
    sources = {r["ref"]: r["source"] for r in back["related"]}
    assert sources["eu-ai-act:Art. 14"] == "aitower"
    assert sources["iso-iec-42001-2023:A.6.1.3"] == "nist-42001-crosswalk"
    missing = client.get("/api/v1/crosswalks?item=Art.%205", headers=reader)
    assert missing.status_code == 404
    assert client.get("/api/v1/crosswalks", headers=reader).status_code == 422
