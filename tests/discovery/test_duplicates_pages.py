"""The duplicates page: the cluster with its members linked, units, reasons and combined cost;
a decision without a reason answered with the field marked and nothing written; a merge
recorded and shown after the redirect; a reader who may not decide gets no form."""

from __future__ import annotations

import re

import time_machine
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from discovery.duplicates_support import NOW, portfolio
from support import login, make_user
from support_inventory import audit_count

PAGE = "/discovery/duplicates"


def test_page_shows_the_cluster_and_records_a_decision(client: TestClient, db: Database) -> None:
    p = portfolio(db)
    with time_machine.travel(NOW, tick=False):
        token = login(client, make_user(db, Role.ops_manager))
        shown = client.get(PAGE)
        assert shown.status_code == 200
        html = shown.text
        wanted = (f'href="/systems/{p.buyers}"', "Agreement Digest", "Procurement",
                  "$90.00 a month together", "same data source: SharePoint contracts")  # fmt: skip
        for text in wanted:
            assert text in html
        key = re.search(r'name="cluster_key" value="([0-9a-f]{64})"', html)
        assert key is not None
        before = audit_count(db)
        form = {"csrf_token": token, "cluster_key": key.group(1), "choice": "keep_both"}
        refused = client.post(f"{PAGE}/decisions", data={**form, "reason": " "})
        assert refused.status_code == 422
        assert 'data-field="reason"' in refused.text and audit_count(db) == before
        merged = client.post(
            f"{PAGE}/decisions",
            data={**form, "choice": f"merge:{p.buyers}", "reason": "one is enough"},
            follow_redirects=False,
        )
        assert merged.status_code == 303, merged.text
        after = client.get(merged.headers["location"]).text
        assert "Merged into Contract Summariser" in after and "one is enough" in after
        # No policy gates retirement here: both other members moved at once, none waits.
        assert "2 systems moved to retirement; 0 wait on the retirement gate" in after


def test_a_reader_who_may_not_decide_sees_no_form(client: TestClient, db: Database) -> None:
    portfolio(db)
    with time_machine.travel(NOW, tick=False):
        login(client, make_user(db, Role.auditor))
        shown = client.get(PAGE)
    assert shown.status_code == 200 and "Agreement Digest" in shown.text
    assert 'data-testid="decision-form"' not in shown.text
