"""The Discovery pages as people use them (both databases): the overview's figures worked out
by hand, each tile linking to a list of the same count; triage, catalog and upload forms that
name a bad field and change nothing, and do what they say otherwise; who sees what."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.discovery import catalog_service
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.tables import DiscoveryFindingRow
from discovery.discovery_support import MB, NOW, add_source, scan, use, world
from discovery.squid_sample import squid_log
from support import CTX, login, make_user
from support_inventory import audit_count


def _seed(db: Database) -> None:
    """Five findings: three first seen this week, four open and unsanctioned (of three
    services), 152 MB sent to unsanctioned services by findings seen in the last 30 days."""
    world(db)
    with db.writing() as session:
        catalog_service.set_sanction(session, CTX, "claude-ai", SanctionStatus.sanctioned)
    scan(db, [
        use("chatgpt", "alice", "finance", sent=150 * MB),  # first seen a day ago
        use("cursor", "bob", "marketing", sent=2 * MB, first=NOW - timedelta(days=20)),
        use("chatgpt", "dave", "marketing", sent=9 * MB, first=NOW - timedelta(days=60)),
        use("claude-ai", "erin", "finance", sent=5 * MB, first=NOW - timedelta(days=2)),
    ])  # fmt: skip
    add_source(db)  # billing-bot: telemetry no system claims, first seen 3 days ago


def _tile(html: str, name: str) -> tuple[str, str]:
    found = re.search(rf'href="([^"]+)" data-testid="tile-{name}"><span class="tile-value">'
                      r"([^<]+)<", html)  # fmt: skip
    assert found, name
    return found.group(1).replace("&amp;", "&"), found.group(2)


def _total(html: str, name: str) -> str:
    found = re.search(rf'data-testid="total-{name}">([^<]+)<', html)
    assert found, name
    return found.group(1)


def test_the_overview_tiles_match_the_lists_they_link_to(client: TestClient, db: Database) -> None:
    _seed(db)
    login(client, make_user(db, Role.ops_manager))
    with time_machine.travel(NOW, tick=False):
        page = client.get("/discovery")
        assert page.status_code == 200, page.text
        assert 'data-tab="overview" class="active"' in page.text
        assert page.text.count("<svg") == 2  # the trend and the data leaving
        expected = {"new": ("3", "findings"), "open": ("4", "findings"),
                    "services": ("3", "services"), "leaving": ("152.0 MB", "sent")}  # fmt: skip
        for name, (value, total) in expected.items():
            href, shown = _tile(page.text, name)
            assert shown == value, name
            listing = client.get(href)
            assert listing.status_code == 200
            assert _total(listing.text, total) == value, (name, href)
        top = re.findall(r'<tr data-service="([^"]+)">', page.text)
        # Highest risk first: ChatGPT in Finance 40 + 25 + 20 + 15 = 100 (unsanctioned, trains,
        # 150 MB, a sensitive unit); Cursor 25 + 25 + 10 = 60; billing-bot 30 + 10 = 40.
        assert top == ["chatgpt", "cursor", "billing-bot"]
        bad = client.get("/discovery/findings", params={"new_within": "5"})
        assert bad.status_code == 422 and 'data-field="new_within"' in bad.text


def _form(client: TestClient, path: str, csrf: str, **values: str) -> tuple[int, str]:
    answer = client.post(path, data={"csrf_token": csrf, **values}, follow_redirects=False)
    return answer.status_code, answer.headers.get("location", answer.text)


def test_triage_forms_refuse_bad_input_and_act_on_good(client: TestClient, db: Database) -> None:
    _seed(db)
    csrf = login(client, make_user(db, Role.ops_manager))
    with time_machine.travel(NOW, tick=False):
        rows = client.get("/discovery/findings", params={"service": "chatgpt"}).text
        alice, dave = re.findall(r'<tr data-finding="([^"]+)"', rows)
        here = f"/discovery/findings/{alice}"
        page = client.get(here).text
        assert "Approval: the service is unsanctioned" in page or "unsanctioned" in page
        assert 'value="ChatGPT"' in page  # the register form is prefilled
        before = audit_count(db)
        status, body = _form(client, f"{here}/dismiss", csrf, reason=" ")
        assert status == 422 and 'data-field="reason"' in body
        status, body = _form(client, f"{here}/assign", csrf, owner="nobody", due_date="")
        assert status == 422 and 'data-field="owner"' in body
        status, body = _form(client, f"{here}/assign", csrf, owner="", due_date="soon")
        assert status == 422 and 'data-field="due_date"' in body
        assert audit_count(db) == before
        assert _form(client, f"{here}/dismiss", csrf, reason="a personal test")[1] == (
            f"{here}?notice=dismissed")  # fmt: skip
        shown = client.get(f"{here}?notice=dismissed").text
        assert "The finding was dismissed." in shown and "a personal test" in shown
        status, body = _form(client, f"{here}/sanction", csrf, reason="")
        assert status == 409 and 'data-field="status"' in body
        owner = make_user(db, Role.security, units=("marketing",))
        there = f"/discovery/findings/{dave}"
        assert _form(client, f"{there}/assign", csrf, owner=owner, due_date="2026-07-01")[0] == 303
        assert owner in client.get(there).text
        source = re.findall(r'<tr data-finding="([^"]+)" data-service="billing-bot"',
                            client.get("/discovery/findings").text)[0]  # fmt: skip
        unstored = client.get(f"/discovery/findings/{source}").text
        assert 'name="name" value="billing-bot"' in unstored  # prefilled before it is stored
        assert "register-form" in unstored and "sanction-form" not in unstored
        status, target = _form(client, f"{there}/register", csrf, name="Marketing ChatGPT")
        assert status == 303 and target.endswith("?notice=system-created")
        assert "Marketing ChatGPT" in client.get(target).text


def test_catalog_forms(client: TestClient, db: Database) -> None:
    world(db)
    csrf = login(client, make_user(db, Role.ops_manager))
    status, body = _form(client, "/discovery/catalog/sanctions", csrf, service="poe",
                         status="blocked", unit="", reason="")  # fmt: skip
    assert status == 422 and 'data-field="reason"' in body
    assert _form(client, "/discovery/catalog/sanctions", csrf, service="poe", status="blocked",
                 unit="", reason="no vendor review")[0] == 303  # fmt: skip
    page = client.get("/discovery/catalog").text
    row = re.search(r'<tr data-service="poe">.*?</tr>', page, re.S)
    assert row and 'data-sanction="blocked"' in row.group(0)
    service = {"id": "acme-notes", "name": "Acme Notes", "vendor": "Acme", "category": "other",
               "hosts": "notes.acme.example, bad host", "paths": "", "data_use": "",
               "trains_on_customer_data": "no", "default_sanction": "under_review",
               "source": "https://acme.example/terms"}  # fmt: skip
    status, body = _form(client, "/discovery/catalog/services", csrf, **service)
    assert status == 422 and 'data-field="hosts"' in body and "bad host" in body
    fixed = {**service, "hosts": "notes.acme.example"}
    assert _form(client, "/discovery/catalog/services", csrf, **fixed)[0] == 303
    assert 'data-service="acme-notes"' in client.get("/discovery/catalog").text


def test_the_scans_page_uploads_a_log(client: TestClient, db: Database) -> None:
    world(db)
    csrf = login(client, make_user(db, Role.ops_manager))
    form = {"csrf_token": csrf, "format": "squid", "mapping": "", "delimiter": ",", "unit": ""}
    files = {"file": ("access.log", squid_log(NOW).encode())}
    with time_machine.travel(NOW, tick=False):
        done = client.post("/discovery/scans", data=form, files=files)
        assert done.status_code == 200, done.text
        assert re.search(r'data-testid="result-malformed">1<', done.text)
        assert re.search(r'data-testid="result-new">3<', done.text)
        assert "this line is not squid at all" in done.text
        again = client.post("/discovery/scans", data=form, files=files)
        assert again.status_code == 409 and 'data-field="sha256"' in again.text
        wrong = client.post("/discovery/scans", data={**form, "format": "csv"}, files=files)
        assert wrong.status_code == 422 and 'data-field="mapping"' in wrong.text
    assert client.get("/discovery/scans").text.count("<tr data-scan=") == 1


EXPORT = (
    "date,merchant,amount,currency,cardholder,department\n"
    "2026-05-03,OPENAI *CHATGPT SUBSCR,20.00,USD,alice,finance\n"
    "2026-05-09,MIDJOURNEY INC.,10.00,USD,bob,marketing\n"
    "2026-05-11,BLUE BOTTLE COFFEE,6.50,USD,bob,marketing\n"
    "05/12/2026 or so,OPENAI *CHATGPT SUBSCR,20.00,USD,alice,finance\n"
)


def test_the_scans_page_uploads_a_card_export(client: TestClient, db: Database) -> None:
    """Two charges to AI services (30.00, both unapproved for their units), a coffee that
    matches nothing, and a row whose date is no date: counted, shown, nothing else lost."""
    world(db)
    csrf = login(client, make_user(db, Role.ops_manager))
    form = {"csrf_token": csrf, "format": "csv", "map": "", "rates": "", "unit": ""}
    files = {"file": ("card.csv", EXPORT.encode())}
    done = client.post("/discovery/scans/expenses", data=form, files=files)
    assert done.status_code == 200, done.text
    assert re.search(r'data-testid="result-unsanctioned">\$30\.00<', done.text)
    assert re.search(r'data-testid="result-new">2<', done.text)
    assert re.search(r'data-testid="result-malformed">1<', done.text)
    assert "05/12/2026 or so" in done.text
    assert client.post("/discovery/scans/expenses", data=form, files=files).status_code == 409
    bad = client.post("/discovery/scans/expenses", data={**form, "rates": "EUR=lots"},
                      files={"file": ("other.csv", EXPORT.encode())})  # fmt: skip
    assert bad.status_code == 422 and 'data-field="rates"' in bad.text
    with db.reading() as session:
        kinds = session.execute(select(DiscoveryFindingRow.kind)).scalars().all()
    assert sorted(kinds) == ["expense", "expense"]


def _finding_id(db: Database, service: str) -> str:
    with db.reading() as session:
        query = select(DiscoveryFindingRow.id).where(DiscoveryFindingRow.service_id == service)
        return str(session.execute(query).scalar_one())


def test_who_sees_what(client: TestClient, db: Database) -> None:
    _seed(db)
    login(client, make_user(db, Role.stakeholder))
    for path in ("/discovery", "/discovery/findings", "/discovery/catalog", "/discovery/scans"):
        assert client.get(path).status_code == 403, path
    client.cookies.clear()
    login(client, make_user(db, Role.security, units=("finance",)))
    with time_machine.travel(NOW, tick=False):
        listing = client.get("/discovery/findings").text
        shown = re.findall(r'data-service="([^"]+)" data-status', listing)
        assert sorted(shown) == ["billing-bot", "chatgpt", "claude-ai"]  # Finance's, and telemetry
        marketing = client.get("/discovery/findings", params={"service": "cursor"}).text
        assert _total(marketing, "findings") == "0"
        cursor = _finding_id(db, "cursor")
        assert client.get(f"/discovery/findings/{cursor}").status_code == 404  # not hers
    client.cookies.clear()
    login(client, make_user(db, Role.auditor))
    with time_machine.travel(NOW, tick=False):
        rows = client.get("/discovery/findings").text
        first = re.findall(r'<tr data-finding="([^"]+)"', rows)[0]
        page = client.get(f"/discovery/findings/{first}").text
        assert "dismiss-form" not in page and "register-form" not in page
        assert 'data-testid="log-form"' not in client.get("/discovery/scans").text
