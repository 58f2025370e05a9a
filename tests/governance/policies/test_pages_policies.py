"""The governance pages: compliance, policy list, detail with versions, the editor."""

from __future__ import annotations

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.audit.service import count_events
from aitower.core.db.engine import Database
from aitower.governance import policy_service as ps
from support import CTX, login, make_user, seed_units
from support_inventory import make_system

SOURCE = """key: high-docs
name: High-risk systems need an oversight plan
applies_to: {tiers: [high]}
gates: [deployment]
requirements:
  - document: human_oversight_plan
"""


def _events(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)


def test_compliance_page_shows_totals_chart_and_blocking_findings(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Scorer", stage="deployment", risk_tier="high")
    with db.writing() as session:
        ps.create_policy(session, CTX, SOURCE)
    login(client, make_user(db, Role.analyst))
    page = client.get("/governance")
    assert page.status_code == 200
    assert 'data-testid="total-block">1<' in page.text
    assert "<svg" in page.text
    assert "high-risk systems need a human-oversight plan; none is attached." in page.text
    assert 'href="/approvals"' in page.text and 'href="/governance/policies"' in page.text


def test_list_and_detail_with_versions(client: TestClient, db: Database) -> None:
    seed_units(db)
    with db.writing() as session:
        ps.create_policy(session, CTX, SOURCE, "first")
        ps.update_policy(session, CTX, "high-docs", SOURCE.replace("an oversight", "a"), "short")
    login(client, make_user(db, Role.engineer))
    listing = client.get("/governance/policies")
    assert 'data-policy="high-docs"' in listing.text
    assert "New policy" not in listing.text  # engineers read, governance writes
    detail = client.get("/governance/policies/high-docs")
    assert 'data-version="2"' in detail.text and 'data-version="1"' in detail.text
    assert "short" in detail.text and "policy-toggle" not in detail.text
    old = client.get("/governance/policies/high-docs?version=1")
    assert "an oversight plan" in old.text
    assert client.get("/governance/policies/missing").status_code == 404
    assert client.get("/governance/policies/new").status_code == 403


def test_editor_validates_previews_and_saves(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "Scorer", stage="deployment", risk_tier="high")
    token = login(client, make_user(db, Role.governance))
    assert 'data-testid="policy-source"' in client.get("/governance/policies/new").text
    before = _events(db)
    bad = client.post(
        "/governance/policies/new",
        data={
            "source": SOURCE.replace("human_oversight_plan", "memo"),
            "action": "preview",
            "csrf_token": token,
        },
    )
    assert bad.status_code == 422
    assert 'data-testid="policy-errors"' in bad.text and "requirements[0].document" in bad.text
    syntax = client.post(
        "/governance/policies/new",
        data={"source": "key: [oops\n", "action": "save", "csrf_token": token},
    )
    assert syntax.status_code == 422 and "line" in syntax.text
    preview = client.post(
        "/governance/policies/new",
        data={"source": SOURCE, "action": "preview", "csrf_token": token},
    )
    assert preview.status_code == 200
    assert 'data-system="Scorer"' in preview.text and 'data-outcome="block"' in preview.text
    assert _events(db) == before
    saved = client.post(
        "/governance/policies/new",
        data={"source": SOURCE, "comment": "v1", "action": "save", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/governance/policies/high-docs?notice=policy-created"
    edited = client.post(
        "/governance/policies/high-docs/edit",
        data={"source": SOURCE.replace("an oversight", "a"), "action": "save", "csrf_token": token},
        follow_redirects=False,
    )
    assert edited.headers["location"].endswith("notice=policy-saved")
    off = client.post(
        "/governance/policies/high-docs/disable", data={"csrf_token": token}, follow_redirects=False
    )
    assert off.status_code == 303
    page = client.get(off.headers["location"])
    assert (
        "The policy is disabled" in page.text and 'data-testid="policy-state">disabled' in page.text
    )


def test_policy_forms_refuse_a_missing_csrf_token(client: TestClient, db: Database) -> None:
    seed_units(db)
    with db.writing() as session:
        ps.create_policy(session, CTX, SOURCE)
    login(client, make_user(db, Role.governance))
    before = _events(db)
    for path, data in [
        ("/governance/policies/new", {"source": SOURCE, "action": "save"}),
        ("/governance/policies/high-docs/edit", {"source": SOURCE, "action": "save"}),
        ("/governance/policies/high-docs/disable", {}),
        ("/governance/policies/high-docs/enable", {}),
    ]:
        answer = client.post(path, data=data, follow_redirects=False)
        assert answer.status_code == 403 and "CSRF" in answer.text, path
    assert _events(db) == before
