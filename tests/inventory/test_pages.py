"""The inventory pages through a logged-in browser session (no JavaScript involved)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from support import login, make_user, seed_units
from support_inventory import add_system, add_vendor, audit_count


def test_register_view_and_edit_a_system(client: TestClient, db: Database) -> None:
    seed_units(db)
    add_vendor(db, "OpenAI")
    engineer = make_user(db, Role.engineer, username="ethan")
    token = login(client, engineer)
    form = client.get("/systems/new")
    assert form.status_code == 200 and 'name="models"' in form.text
    data = {
        "csrf_token": token,
        "name": "Support bot",
        "kind": "llm_app",
        "unit": "Finance",
        "stage": "deployment",
        "autonomy": "human_on_the_loop",
        "affected": ["customers"],
        "accountable_owner": "ethan",
        "models": "openai/gpt-4o@2024-08-06\ninternal/ranker:internal",
        "vendors": "OpenAI",
        "data_sources": "crm:confidential:personal",
        "environments": "prod=https://bot.example.com",
        "services": "support-bot",
        "tags": "chat\ncustomer-facing",
        "docs_url": "https://docs.example.com",
        "purpose": "Answers customers",
    }
    made = client.post("/systems/new", data=data, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert page.status_code == 200
    for text in (
        "Support bot",
        "gpt-4o",
        "crm",
        "support-bot",
        "customer-facing",
        "The AI system was registered.",
    ):
        assert text in page.text
    assert 'data-tab="overview" class="active"' in page.text
    edit_url = made.headers["location"].split("?")[0] + "/edit"
    edit = client.get(edit_url)
    assert "openai/gpt-4o@2024-08-06:third_party\ninternal/ranker:internal" in edit.text
    saved = client.post(edit_url, data={**data, "purpose": "Changed"}, follow_redirects=False)
    assert saved.status_code == 303
    assert "Changed" in client.get(saved.headers["location"]).text


def test_refused_form_marks_fields_and_writes_nothing(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.admin))
    before = audit_count(db)
    answer = client.post(
        "/systems/new",
        data={
            "csrf_token": token,
            "name": "X",
            "kind": "llm_app",
            "unit": "Finance",
            "models": "fine/m\nbroken",
            "docs_url": "nope",
            "vendors": "Ghost",
        },
    )
    assert answer.status_code == 422
    fields = set(re.findall(r'data-field="([^"]+)"', answer.text))
    assert fields == {"models", "docs_url"}
    assert "line 2" in answer.text and 'value="X"' in answer.text
    answer = client.post(
        "/systems/new",
        data={
            "csrf_token": token,
            "name": "X",
            "kind": "llm_app",
            "unit": "Finance",
            "vendors": "Ghost",
        },
    )
    assert set(re.findall(r'data-field="([^"]+)"', answer.text)) == {"vendors"}
    assert audit_count(db) == before


def test_list_filters_sorts_and_scopes(client: TestClient, db: Database) -> None:
    seed_units(db)
    add_system(db, name="Finance bot", tags=["chat"])
    add_system(db, name="Marketing bot", unit="marketing")
    login(client, make_user(db, Role.stakeholder, units=("finance",)))
    page = client.get("/systems")
    assert "Finance bot" in page.text and "Marketing bot" not in page.text
    assert "Register system" not in page.text
    assert "Finance bot" in client.get("/systems?tag=chat&sort=stage&order=desc").text
    assert "Finance bot" not in client.get("/systems?q=nothing").text
    bad = client.get("/systems?kind=robot")
    assert bad.status_code == 422 and "must be one of" in bad.text
    assert client.get("/systems/new").status_code == 403


def test_import_page_reports_rows(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.admin))
    assert client.get("/systems/import").status_code == 200
    text = "name,kind,unit\nA,llm_app,finance\nB,robot,finance\n"
    refused = client.post(
        "/systems/import",
        data={"csrf_token": token, "mode": "all_or_nothing"},
        files={"file": ("s.csv", text.encode(), "text/csv")},
    )
    assert refused.status_code == 422 and "Nothing was imported" in refused.text
    assert "robot" not in refused.text or "kind" in refused.text
    done = client.post(
        "/systems/import",
        data={"csrf_token": token, "mode": "skip_bad_rows", "text": text, "format": "csv"},
    )
    assert done.status_code == 200 and "1 created" in done.text


def test_vendor_pages(client: TestClient, db: Database) -> None:
    seed_units(db)
    token = login(client, make_user(db, Role.security, units=("finance",)))
    made = client.post(
        "/vendors/new",
        data={
            "csrf_token": token,
            "name": "Acme AI",
            "vendor_type": "saas_tool",
            "trains_on_customer_data": "true",
            "renewal_date": "2999-01-01",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = client.get(made.headers["location"])
    assert "Trains its models on customer data." in page.text and "high risk" in page.text
    listing = client.get("/vendors")
    assert "Acme AI" in listing.text
    assert "Acme AI" not in client.get("/vendors?renewals=due").text
    bad = client.post(
        made.headers["location"].split("?")[0] + "/edit",
        data={
            "csrf_token": token,
            "name": "Acme AI",
            "vendor_type": "saas_tool",
            "website": "ftp://x",
        },
    )
    assert bad.status_code == 422 and 'data-field="website"' in bad.text
    edit = client.get(made.headers["location"].split("?")[0] + "/edit")
    assert 'value="true" selected' in edit.text


def test_every_inventory_form_needs_the_csrf_token(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.admin))
    system = add_system(db)
    vendor = add_vendor(db, "Acme")
    before = audit_count(db)
    paths = [
        "/systems/new",
        f"/systems/{system.id}/edit",
        "/systems/import",
        "/vendors/new",
        f"/vendors/{vendor}/edit",
        "/vendors/import",
    ]
    for path in paths:
        data = {"name": "x", "kind": "llm_app", "unit": "Finance", "vendor_type": "saas_tool"}
        missing = client.post(path, data=data, follow_redirects=False)
        forged = client.post(path, data={**data, "csrf_token": "0" * 64}, follow_redirects=False)
        assert (missing.status_code, forged.status_code) == (403, 403), path
    assert audit_count(db) == before
