"""The summary, the download and the subscriptions through the API and the pages, as the ops
manager, a stakeholder (her units only) and an analyst (who may read, not subscribe)."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.portfolio.report_model import CSV_COLUMNS
from portfolio_reports.support_reports import seed
from support import login, make_key, make_user
from support_inventory import audit_count

SUBS = "/api/v1/value/report-subscriptions"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _body(**changes: object) -> dict[str, object]:
    return {
        "name": "Board pack",
        "cadence": "monthly",
        "recipients": ["cfo@example.com"],
        "formats": ["pdf", "csv"],
        **changes,
    }


def test_subscriptions_through_the_api_are_checked_and_audited(
    client: TestClient, db: Database
) -> None:
    p = seed(db)
    ops = _auth(make_key(db, Role.ops_manager))
    before = audit_count(db)
    bad = client.post(SUBS, json=_body(recipients=["not an address"]), headers=ops)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "recipients"
    bad = client.post(SUBS, json=_body(formats=["docx"]), headers=ops)
    assert bad.status_code == 422 and "formats" in bad.text
    bad = client.post(SUBS, json=_body(extra=1), headers=ops)
    assert bad.status_code == 422
    assert audit_count(db) == before  # nothing half-written
    made = client.post(SUBS, json=_body(), headers=ops)
    assert made.status_code == 201, made.text
    sub = made.json()
    assert sub["next_due"].endswith("T00:00:00Z") and sub["formats"] == ["pdf", "csv"]
    changed = client.put(
        f"{SUBS}/{sub['id']}", json=_body(cadence="weekly", unit_id=str(p.marketing)), headers=ops
    )
    assert changed.status_code == 200 and changed.json()["cadence"] == "weekly"
    # No e-mail channel: "send now" says so (502) and keeps the error.
    sent = client.post(f"{SUBS}/{sub['id']}/send", headers=ops)
    assert sent.status_code == 502 and "e-mail channel" in sent.json()["detail"]
    assert "e-mail channel" in client.get(f"{SUBS}/{sub['id']}", headers=ops).json()["last_error"]
    assert client.delete(f"{SUBS}/{sub['id']}", headers=ops).status_code == 204
    assert client.get(SUBS, headers=ops).json() == []
    assert audit_count(db) == before + 4  # created, updated, send attempted, deleted


def test_a_stakeholder_subscribes_her_units_only_and_an_analyst_not_at_all(
    client: TestClient, db: Database
) -> None:
    p = seed(db)
    sam = _auth(make_key(db, Role.stakeholder, unit="finance"))
    whole = client.post(SUBS, json=_body(), headers=sam)
    assert whole.status_code == 422 and whole.json()["errors"][0]["field"] == "unit_id"
    other = client.post(SUBS, json=_body(unit_id=str(p.marketing)), headers=sam)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "unit_id"
    mine = client.post(SUBS, json=_body(unit_id=str(p.finance)), headers=sam)
    assert mine.status_code == 201
    ops = _auth(make_key(db, Role.ops_manager))
    assert client.post(SUBS, json=_body(unit_id=str(p.marketing)), headers=ops).status_code == 201
    assert [s["unit_id"] for s in client.get(SUBS, headers=sam).json()] == [str(p.finance)]
    assert len(client.get(SUBS, headers=ops).json()) == 2
    analyst = _auth(make_key(db, Role.analyst, unit="finance"))
    assert client.post(SUBS, json=_body(unit_id=str(p.finance)), headers=analyst).status_code == 403


def test_summary_and_download_are_scoped(client: TestClient, db: Database) -> None:
    p = seed(db)
    sam = _auth(make_key(db, Role.stakeholder, unit="finance"))
    summary = client.get("/api/v1/value/summary", headers=sam)
    assert summary.status_code == 200
    names = {s["name"] for s in summary.json()["systems"]}
    assert names == {"Support chatbot", "Invoice scorer"}
    assert summary.json()["unattributed_cost_12m"] == 0.0 and len(summary.json()["months"]) == 12
    got = client.get("/api/v1/value/report?format=csv&period=current", headers=sam)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(got.text)))
    assert tuple(rows[0]) == CSV_COLUMNS and {r[1] for r in rows[1:]} == names
    hidden = client.get(f"/api/v1/value/report?format=csv&unit_id={p.marketing}", headers=sam)
    assert hidden.status_code == 404
    pdf = client.get("/api/v1/value/report?format=pdf", headers=sam)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'filename="aitower-report-your-units-' in pdf.headers["content-disposition"]


def test_the_dashboard_page_shows_the_reports_charts(client: TestClient, db: Database) -> None:
    seed(db)
    login(client, make_user(db, Role.ops_manager))
    page = client.get("/value")
    assert page.status_code == 200
    assert 'data-tab="dashboard"' in page.text and 'class="active"' in page.text
    assert page.text.count("<svg") >= 8 and "Support chatbot" in page.text
    assert 'href="/monitoring/incidents?status=open"' in page.text
    assert 'data-testid="tile-ai-cost"' in client.get("/").text


def test_the_reports_page_adds_sends_and_stops(client: TestClient, db: Database) -> None:
    p = seed(db)
    csrf = login(client, make_user(db, Role.stakeholder, units=("finance",)))
    page = client.get("/value/reports")
    assert page.status_code == 200 and 'data-testid="add-subscription"' in page.text
    assert "Whole portfolio</option>" not in page.text and "Marketing" not in page.text
    before = audit_count(db)
    bad = client.post(
        "/value/reports",
        data={"csrf_token": csrf, "name": "Mine", "cadence": "weekly", "recipients": "nope",
              "formats": "pdf", "unit_id": str(p.finance)},
    )  # fmt: skip
    assert bad.status_code == 422 and 'data-field="recipients"' in bad.text
    assert audit_count(db) == before
    made = client.post(
        "/value/reports",
        data={"csrf_token": csrf, "name": "Mine", "cadence": "weekly",
              "recipients": "sam@example.com, cfo@example.com", "formats": ["pdf", "csv"],
              "unit_id": str(p.finance)},
        follow_redirects=False,
    )  # fmt: skip
    assert made.status_code == 303, made.text
    listed = client.get("/value/reports?notice=created")
    assert (
        "sam@example.com, cfo@example.com" in listed.text and 'data-testid="notice"' in listed.text
    )
    sub_id = listed.text.split('data-subscription="')[1].split('"')[0]
    sent = client.post(f"/value/reports/{sub_id}/send", data={"csrf_token": csrf})
    assert sent.status_code == 502 and 'data-testid="form-error"' in sent.text
    stopped = client.post(
        f"/value/reports/{sub_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert stopped.status_code == 303
    assert audit_count(db) == before + 3


def test_an_analyst_reads_reports_without_the_forms(client: TestClient, db: Database) -> None:
    seed(db)
    login(client, make_user(db, Role.analyst, units=("finance",)))
    page = client.get("/value/reports")
    assert page.status_code == 200 and 'data-testid="add-subscription"' not in page.text
    assert 'data-testid="send-now"' not in page.text
    assert client.get("/value").status_code == 200
