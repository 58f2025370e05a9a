"""The findings pages and "Open a risk", through the real app on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.risk.tables import RiskRow
from guardrails.helpers import add_finding
from support import login, make_user, seed_units
from support_inventory import audit_count, make_system


def _world(db: Database) -> uuid.UUID:
    """A Finance system whose answers held IBANs on two days and a token once."""
    units = seed_units(db)
    system_id = make_system(db, units.unit_id, "Knowledge assistant")
    today = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    first = today - timedelta(days=3)
    add_finding(db, system_id, "iban", first, trace="a", occurrences=2, user="emp-1")
    add_finding(db, system_id, "iban", today - timedelta(days=1), trace="b", user="emp-2")
    add_finding(db, system_id, "secret.github_token", today - timedelta(days=1), trace="b")
    return system_id


def _risks(db: Database) -> list[RiskRow]:
    with db.reading() as session:
        return list(session.execute(select(RiskRow)).scalars())


def test_security_specialist_sees_the_portfolio_and_a_type(
    client: TestClient, db: Database
) -> None:
    _world(db)
    login(client, make_user(db, Role.security))
    page = client.get("/guardrails/findings")
    assert page.status_code == 200
    assert 'data-type="iban"' in page.text and 'data-type="secret.github_token"' in page.text
    assert 'data-testid="tile-findings">4<' in page.text
    assert 'href="/guardrails/findings"' in client.get("/").text  # in the bar
    one = client.get("/guardrails/findings/iban")
    assert one.status_code == 200 and "Knowledge assistant" in one.text
    assert "/monitoring/traces/" + "a".rjust(32, "0") in one.text
    assert "emp-1" in one.text and "emp-2" in one.text
    narrowed = client.get("/guardrails/findings", params={"category": "secret"})
    assert 'data-type="iban"' not in narrowed.text
    bad = client.get("/guardrails/findings", params={"since": "yesterday"})
    assert bad.status_code == 422 and 'data-field="since"' in bad.text


def test_the_security_tab_shows_each_type_with_its_traces(client: TestClient, db: Database) -> None:
    system_id = _world(db)
    login(client, make_user(db, Role.ops_manager))
    page = client.get(f"/systems/{system_id}/security")
    assert page.status_code == 200
    assert 'data-tab="security"' in page.text and 'class="active"' in page.text
    assert 'data-testid="finding-iban"' in page.text
    assert 'data-testid="open-risk-iban"' in page.text
    assert 'data-testid="content-settings-form"' in page.text
    assert "<svg" in page.text


def test_a_stakeholder_may_not_read_findings(client: TestClient, db: Database) -> None:
    system_id = _world(db)
    login(client, make_user(db, Role.stakeholder))
    assert client.get("/guardrails/findings").status_code == 403
    assert client.get(f"/systems/{system_id}/security").status_code == 403
    assert 'href="/guardrails/findings"' not in client.get("/").text


def test_open_a_risk_writes_one_risk_and_one_audit_event(client: TestClient, db: Database) -> None:
    system_id = _world(db)
    token = login(client, make_user(db, Role.security))
    before = audit_count(db)
    answer = client.post(
        f"/systems/{system_id}/security/risks",
        data={"finding_type": "iban", "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    (risk,) = _risks(db)
    assert answer.headers["location"] == f"/risks/{risk.id}?notice=risk-added"
    assert audit_count(db) == before + 1
    assert risk.system_id == system_id and risk.title == "Personal data (IBAN) in outputs"
    assert risk.category == "data_leakage" and (risk.likelihood, risk.impact) == (4, 4)
    assert "3 times in 2 spans of 2 traces (2 users" in risk.description
    assert f"/systems/{system_id}/security?type=iban" in risk.description
    assert client.get(answer.headers["location"]).status_code == 200


def test_open_a_risk_refused_writes_nothing(client: TestClient, db: Database) -> None:
    system_id = _world(db)
    token = login(client, make_user(db, Role.security))
    before = audit_count(db)
    answer = client.post(
        f"/systems/{system_id}/security/risks",
        data={"finding_type": "email", "csrf_token": token},
    )
    assert answer.status_code == 422 and 'data-testid="form-error"' in answer.text
    assert "finding_type" in answer.text
    assert _risks(db) == [] and audit_count(db) == before


def test_readers_without_risk_write_may_not_open_one(client: TestClient, db: Database) -> None:
    system_id = _world(db)
    token = login(client, make_user(db, Role.auditor))
    page = client.get(f"/systems/{system_id}/security")
    assert page.status_code == 200 and "open-risk-iban" not in page.text
    answer = client.post(
        f"/systems/{system_id}/security/risks",
        data={"finding_type": "iban", "csrf_token": token},
    )
    assert answer.status_code == 403 and _risks(db) == []


def test_overview_tile_counts_the_last_seven_days(client: TestClient, db: Database) -> None:
    system_id = _world(db)
    add_finding(db, system_id, "iban", datetime(2020, 1, 1, tzinfo=UTC), trace="old")
    login(client, make_user(db, Role.security))
    page = client.get("/")
    assert 'data-testid="tile-findings"' in page.text
    assert "3 personal data · 1 secrets · 0 injection" in page.text
