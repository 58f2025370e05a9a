"""Generated versions through the API and the pages, on SQLite and PostgreSQL: kept with their
digests, downloaded byte-identical, on the audit trail; refusals write nothing."""

from __future__ import annotations

import hashlib

from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from support import login, make_key, make_user, seed_units
from support_inventory import make_system


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _generated_events(db: Database) -> list[AuditEventRow]:
    with db.reading() as session:
        query = select(AuditEventRow).where(AuditEventRow.action == "document.generated")
        return list(session.execute(query.order_by(AuditEventRow.seq)).scalars())


def test_each_generation_is_kept_hashed_audited_and_downloads_identical(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Loan scorer", risk_tier="high")
    key = make_key(db, Role.engineer)
    made = client.post(
        f"/api/v1/systems/{system}/documents",
        json={"kind": "system-card", "formats": ["pdf"]},
        headers=_auth(key),
    )
    assert made.status_code == 201, made.text
    first = made.json()
    assert first["version"] == 1 and first["formats"] == ["md", "html", "pdf"]
    base = f"/api/v1/systems/{system}/documents/system-card/1"
    md = client.get(f"{base}/md", headers=_auth(key))
    assert md.status_code == 200 and "Loan scorer" in md.text
    assert _sha(md.content) == first["sha256"] == first["digests"]["md"]
    assert (
        md.headers["content-disposition"] == 'attachment; filename="loan-scorer-system-card-v1.md"'
    )
    pdf = client.get(f"{base}/pdf", headers=_auth(key))
    assert pdf.content.startswith(b"%PDF-") and _sha(pdf.content) == first["digests"]["pdf"]
    again = client.get(f"{base}/pdf", headers=_auth(key))
    assert again.content == pdf.content  # stored, not re-rendered
    # Unchanged facts: a new version all the same (its header differs), marked as such.
    second = client.post(
        f"/api/v1/systems/{system}/documents",
        json={"kind": "system-card", "formats": []},
        headers=_auth(key),
    ).json()
    assert second["version"] == 2 and second["sha256"] != first["sha256"]
    assert second["formats"] == ["md", "html"]
    assert second["facts_sha256"] == first["facts_sha256"]
    listed = client.get(f"/api/v1/systems/{system}/documents", headers=_auth(key)).json()
    assert [(v["version"], v["same_facts_as"]) for v in listed] == [(2, 1), (1, None)]
    record = client.get(base, headers=_auth(key)).json()
    assert record["digests"] == first["digests"] and record["generated_by"].startswith("apikey:")
    other = client.get(f"/api/v1/systems/{system}/documents?kind=fria", headers=_auth(key))
    assert other.status_code == 200 and other.json() == []
    bad = client.get(f"/api/v1/systems/{system}/documents?kind=memo", headers=_auth(key))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "kind"
    no_pdf = client.get(f"/api/v1/systems/{system}/documents/system-card/2/pdf", headers=_auth(key))
    assert no_pdf.status_code == 422 and no_pdf.json()["errors"][0]["field"] == "format"
    events = _generated_events(db)
    assert [e.after["sha256"] for e in events if e.after] == [first["sha256"], second["sha256"]]
    assert events[0].object_id == str(system) and events[0].actor.startswith("apikey:")


def test_who_may_generate_and_who_may_read(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    elsewhere = make_system(db, units.other_unit_id)
    url = f"/api/v1/systems/{system}/documents"
    for role in (Role.stakeholder, Role.auditor, Role.analyst, Role.security):
        refused = client.post(url, json={"kind": "fria"}, headers=_auth(make_key(db, role)))
        assert refused.status_code == 403, role
        assert client.get(url, headers=_auth(make_key(db, role))).status_code == 200
    engineer = make_key(db, Role.engineer)  # of the Finance unit only
    hidden = client.post(
        f"/api/v1/systems/{elsewhere}/documents", json={"kind": "fria"}, headers=_auth(engineer)
    )
    assert hidden.status_code == 404
    unknown = client.post(url, json={"kind": "brochure"}, headers=_auth(engineer))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kind"
    odd = client.post(url, json={"kind": "fria", "formats": ["docx"]}, headers=_auth(engineer))
    assert odd.status_code == 422 and odd.json()["errors"][0]["field"] == "formats"
    missing = client.get(f"{url}/fria/7/md", headers=_auth(engineer))
    assert missing.status_code == 404
    assert _generated_events(db) == []  # refusals write nothing
    for role in (Role.governance, Role.ops_manager, Role.engineer):
        made = client.post(
            url, json={"kind": "annex-iv", "formats": []}, headers=_auth(make_key(db, role))
        )
        assert made.status_code == 201, role


def test_the_documents_tab_previews_generates_and_lists(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Triage helper")
    token = login(client, make_user(db, Role.governance))
    tab = client.get(f"/systems/{system}/documents")
    assert tab.status_code == 200 and 'data-tab="documents"' in tab.text
    assert 'data-testid="no-versions"' in tab.text and 'data-testid="generate-fria"' in tab.text
    preview = client.get(f"/systems/{system}/documents/annex-iv")
    assert preview.status_code == 200
    assert "Point 9: Post-market monitoring" in preview.text
    assert "not recorded in aitower" in preview.text
    assert _generated_events(db) == []  # a preview is not kept
    posted = client.post(
        f"/systems/{system}/documents",
        data={"csrf_token": token, "kind": "annex-iv", "pdf": "yes"},
        follow_redirects=False,
    )
    assert posted.status_code == 303 and posted.headers["location"].endswith("made=annex-iv-v1")
    shown = client.get(posted.headers["location"]).text
    digest = _generated_events(db)[0].after["sha256"]  # type: ignore[index]
    assert digest in shown and 'data-version="annex-iv-v1" class="highlight"' in shown
    download = client.get(f"/systems/{system}/documents/annex-iv/1/html")
    assert download.status_code == 200 and "Triage helper" in download.text
    assert 'filename="triage-helper-annex-iv-v1.html"' in download.headers["content-disposition"]


def test_readers_without_the_right_are_refused_the_form(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    token = login(client, make_user(db, Role.stakeholder))
    tab = client.get(f"/systems/{system}/documents")
    assert tab.status_code == 200 and 'data-testid="generate-' not in tab.text
    refused = client.post(
        f"/systems/{system}/documents",
        data={"csrf_token": token, "kind": "fria"},
        follow_redirects=False,
    )
    assert refused.status_code == 403 and _generated_events(db) == []
