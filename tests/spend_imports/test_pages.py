"""The Imports pages through a logged-in browser session (upload, errors, mappings, scope)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.spend.sources import ImportKind
from spend_imports.bills import CUR_ROWS, cur
from spend_imports.support_spend import counts, make_org, store
from support import login, make_user


def test_the_ops_manager_uploads_sees_the_report_maps_and_undoes(
    client: TestClient, db: Database
) -> None:
    make_org(db)
    token = login(client, make_user(db, Role.ops_manager))
    page = client.get("/cost/imports")
    assert page.status_code == 200
    assert 'data-testid="import-form"' in page.text and 'data-tab="imports"' in page.text
    template = client.get("/cost/imports/templates/licence.csv")
    assert template.status_code == 200 and template.text.startswith("vendor,product,")
    sent = client.post(
        "/cost/imports",
        data={"kind": "aws_cur", "csrf_token": token},
        files={"file": ("cur.csv", cur(), "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    report = client.get(sent.headers["location"])
    assert "The file was imported." in report.text and "$14.62" in report.text
    assert re.search(r'data-testid="unmatched-accounts".*333', report.text, re.S)
    mapped = client.post(
        "/cost/imports/mappings",
        data={"match_kind": "account", "match_key": "", "match_value": "333",
              "system": "Helpdesk bot", "note": "", "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
    assert mapped.status_code == 303
    listing = client.get(mapped.headers["location"])
    assert "now attributed" in listing.text and "Helpdesk bot" in listing.text
    import_id = sent.headers["location"].split("/")[-1].split("?")[0]
    undone = client.post(
        f"/cost/imports/{import_id}/undo", data={"csrf_token": token}, follow_redirects=False
    )
    assert undone.status_code == 303 and counts(db)[:2] == (0, 0)


def test_a_refused_upload_lists_every_error_and_stores_nothing(
    client: TestClient, db: Database
) -> None:
    make_org(db)
    token = login(client, make_user(db, Role.admin))
    rows = [list(r) for r in CUR_ROWS]
    rows[1][2], rows[2][1] = "<b>x</b>", "soon"
    before = counts(db)
    refused = client.post(
        "/cost/imports",
        data={"kind": "aws_cur", "csrf_token": token},
        files={"file": ("cur.csv", cur(rows=rows), "text/csv")},
    )
    assert refused.status_code == 422
    assert re.findall(r'<tr data-row="(\d+)">', refused.text) == ["3", "4"]
    assert "&lt;b&gt;x&lt;/b&gt;" in refused.text
    assert counts(db) == before


def test_the_stakeholder_sees_her_units_part_and_no_form_or_link_she_cannot_follow(
    client: TestClient, db: Database
) -> None:
    make_org(db)
    store(db, ImportKind.aws_cur, cur("Helpdesk bot"))
    login(client, make_user(db, Role.stakeholder, units=("finance",)))
    page = client.get("/cost/imports")
    assert page.status_code == 200
    assert "import-form" not in page.text and "mapping-form" not in page.text
    assert "$0.75" in page.text and "$14.62" not in page.text
    assert "unmatched-accounts" not in page.text
    links = set(re.findall(r'href="(/[^"#?]*)', page.text))
    report = next(
        link for link in links if link.startswith("/cost/imports/") and "templates" not in link
    )
    detail = client.get(report)
    assert detail.status_code == 200 and "undo-form" not in detail.text
    links |= set(re.findall(r'href="(/[^"#?]*)', detail.text))
    for link in sorted(links):
        if not link.startswith(("/cost/imports", "/systems/")):
            continue  # the shell's and the section's tabs (other pages, tested there)
        assert client.get(link).status_code == 200, link
    assert client.post("/cost/imports", data={}).status_code == 403
