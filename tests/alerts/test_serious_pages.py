"""Serious incidents from the pages alone, on both databases: enter an incident by hand,
classify it with the moment of awareness on a Berlin clock, see the countdown at a fixed clock
(time left, then overdue in red), the serious list, the draft report in HTML and as downloads;
refused forms answered with the field named and nothing written; who sees the forms."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from support import login, make_user, seed_units
from support_inventory import make_system

NOW = datetime(2026, 10, 25, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 10, 26, 10, 30, tzinfo=UTC)


def _audits(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def _countdown(html: str) -> tuple[str, str, str]:
    found = re.search(
        r'<span class="pill (\w+)" data-state="(\w+)" data-testid="art73-countdown">([^<]+)<', html
    )
    assert found is not None, "no countdown on the page"
    return found.group(1), found.group(2), found.group(3)


def test_enter_classify_and_count_down(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "grid-balancer", risk_tier="high")
    ops = make_user(db, Role.ops_manager)
    with time_machine.travel(NOW, tick=False):
        token = login(client, ops)
        listing = client.get("/monitoring/incidents").text
        system_id = re.search(r'<option value="([0-9a-f-]{36})">grid-balancer<', listing)
        assert system_id is not None
        form = {
            "csrf_token": token,
            "title": "Substation switched off by the balancer",
            "severity": "critical",
            "system_id": system_id.group(1),
            "text": "Reported by the grid operator",
        }
        made = client.post("/monitoring/incidents", data=form, follow_redirects=False)
        assert made.status_code == 303
        url = made.headers["location"].split("?")[0]
        page = client.get(url).text
        assert 'data-testid="art73-unclassified"' in page and 'data-kind="opened"' in page

        # Aware on 2026-10-24 at 10:00 in Berlin (CEST: 08:00 UTC); point (b): 48 h, due
        # 2026-10-26 08:00 UTC, 09:00 CET after the clocks went back.
        body = {
            "csrf_token": token,
            "limbs": "b",
            "aware_at": "2026-10-24T10:00",
            "time_zone": "Europe/Berlin",
        }
        classified = client.post(f"{url}/serious", data=body)
        assert (
            classified.status_code == 200 and "The classification was recorded." in classified.text
        )
        page = classified.text
        assert 'data-testid="art73-deadline"><time datetime="2026-10-26T08:00:00+00:00">' in page
        assert "2026-10-26 09:00</time> Europe/Berlin (UTC+0100)" in page
        assert _countdown(page) == ("warn", "soon", "20 h 0 min left")

        overview = client.get("/").text  # ahead of the open incidents, with its countdown
        due = overview.index("Art. 73 report due: Substation switched off by the balancer")
        assert due < overview.index('data-testid="open-incident"')
        assert "grid-balancer · 20 h 0 min left" in overview
        serious_list = client.get("/monitoring/incidents?serious=1").text
        assert 'data-serious="1"' in serious_list and "20 h 0 min left" in serious_list

        report = client.get(f"{url}/report")
        assert report.status_code == 200
        assert "grid-balancer" in report.text and "(b) a serious and irreversible" in report.text
        assert 'data-testid="report-guardrails"' in report.text
        download = client.get(f"{url}/report.html")
        assert "attachment" in download.headers["content-disposition"]
        assert download.text.startswith("<!doctype html>") and "[To complete]" in download.text
        md = client.get(f"{url}/report.md")
        assert md.text.startswith("# Serious incident report (draft)")

    with time_machine.travel(LATER, tick=False):
        login(client, ops)
        # Overdue by 2 h 30 min, in red.
        assert _countdown(client.get(url).text) == ("bad", "overdue", "overdue by 2 h 30 min")


def test_refused_forms_name_the_field(client: TestClient, db: Database) -> None:
    seed_units(db)
    ops = make_user(db, Role.ops_manager)
    with time_machine.travel(NOW, tick=False):
        token = login(client, ops)
        made = client.post(
            "/monitoring/incidents",
            data={"csrf_token": token, "title": "x", "severity": "high"},
            follow_redirects=False,
        )
        url = made.headers["location"].split("?")[0]
        before = _audits(db)
        cases = [
            ({"limbs": "z"}, "limbs"),
            ({"limbs": "a", "aware_at": "yesterday"}, "aware_at"),
            ({"limbs": "a", "aware_at": "2026-10-25T15:00", "time_zone": "UTC"}, "aware_at"),
            ({"limbs": "a", "time_zone": "Moon/Base"}, "time_zone"),
            ({"widespread": "1"}, "widespread"),
        ]
        for body, field in cases:
            answer = client.post(f"{url}/serious", data={"csrf_token": token, **body})
            assert answer.status_code == 422, body
            assert f'data-field="{field}"' in answer.text, body
        reported = client.post(f"{url}/reported", data={"csrf_token": token})
        assert reported.status_code == 409 and "classify the incident as serious" in reported.text
        empty = client.post(
            "/monitoring/incidents", data={"csrf_token": token, "title": " ", "severity": "high"}
        )
        assert empty.status_code == 422 and 'data-field="title"' in empty.text
        assert _audits(db) == before


def test_only_classifiers_see_the_forms(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "scorer")
    ops = make_user(db, Role.ops_manager)
    analyst = make_user(db, Role.analyst)
    token = login(client, ops)
    made = client.post(
        "/monitoring/incidents",
        data={"csrf_token": token, "title": "x", "severity": "high", "system_id": str(system)},
        follow_redirects=False,
    )
    url = made.headers["location"].split("?")[0]
    assert 'data-testid="classify-form"' in client.get(url).text
    client.post(f"{url}/serious", data={"csrf_token": token, "limbs": "a"})
    token = login(client, analyst)  # works incidents, but does not classify them
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="art73-countdown"' in page.text
    assert 'data-testid="classify-form"' not in page.text
    assert 'data-testid="reported-form"' not in page.text
    refused = client.post(f"{url}/serious", data={"csrf_token": token, "limbs": "c"})
    assert refused.status_code == 403
