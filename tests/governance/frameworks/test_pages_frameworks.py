"""The frameworks pages: list, tree with counts, crosswalk, and the import form."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.audit.service import count_events
from aitower.core.db.engine import Database
from support import login, make_user, seed_units

CUSTOM = """id: acme-ai-standard
name: ACME responsible AI standard
version: "2026.1"
source:
  document: ACME internal standard AI-01, issue 3
items:
  - id: GOV
    title: Governance
"""


def _events(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)


def test_list_tree_and_crosswalk_for_an_auditor(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.auditor))
    listing = client.get("/governance/frameworks")
    assert listing.status_code == 200
    assert 'data-framework="nist-ai-rmf-1.0"' in listing.text
    assert "4 functions, 19 categories, 72 subcategories" in listing.text
    assert "9 clauses, 38 controls, 2 objectives" in listing.text
    assert 'data-article="Art. 27"' in listing.text
    assert 'data-testid="framework-import"' not in listing.text  # auditors read only
    nist = client.get("/governance/frameworks/nist-ai-rmf-1.0")
    assert nist.status_code == 200
    assert 'data-kind="subcategory"><span class="tile-value">72<' in nist.text
    assert 'data-item="GOVERN 1.7"' in nist.text
    assert "decommissioning and phasing out AI systems safely" in nist.text
    assert "/governance/crosswalks?item=nist-ai-rmf-1.0%3AGOVERN%201.7" in nist.text
    walk = client.get("/governance/crosswalks", params={"item": "nist-ai-rmf-1.0:GOVERN 1.7"})
    assert walk.status_code == 200
    assert 'data-ref="iso-iec-42001-2023:A.6.2.6"' in walk.text
    assert "AI system operation and monitoring" in walk.text
    article = client.get("/governance/crosswalks", params={"item": "Art. 12"})
    assert 'data-ref="iso-iec-42001-2023:A.6.2.8"' in article.text
    assert ">aitower<" in article.text
    assert client.get("/governance/crosswalks", params={"item": "Art. 5"}).status_code == 404
    assert client.get("/governance/frameworks/nope").status_code == 404


def test_governance_imports_from_the_page(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.governance))
    listing = client.get("/governance/frameworks")
    assert 'data-testid="framework-import"' in listing.text
    token = listing.text.split('name="csrf_token" value="')[1].split('"')[0]
    before = _events(db)
    bad = client.post(
        "/governance/frameworks",
        data={"source": CUSTOM.replace("  - id: GOV\n", "  - id: 'G: 1'\n"), "csrf_token": token},
    )
    assert bad.status_code == 422 and "items[0].id" in bad.text
    assert _events(db) == before
    done = client.post(
        "/governance/frameworks",
        data={"source": CUSTOM, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == (
        "/governance/frameworks/acme-ai-standard?notice=framework-imported"
    )
    shown = client.get(done.headers["location"])
    assert "The framework was imported." in shown.text and "The YAML as imported" in shown.text
    assert _events(db) == before + 1


def test_an_engineer_cannot_import(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.engineer))
    listing = client.get("/governance/frameworks")
    token = listing.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = client.post("/governance/frameworks", data={"source": CUSTOM, "csrf_token": token})
    assert answer.status_code == 403
