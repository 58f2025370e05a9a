"""Working an incident from the pages alone: open incidents on the Overview and on Monitoring,
the incident page naming the system's owners and linking the failing traces of its window,
assign (to a person picked by name), acknowledge, comment and resolve, each one transaction
with its audit event; bad input answered on the page with the field named."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.alerts.evaluator import evaluate_due_rules
from aitower.alerts.tables import AlertRuleRow, IncidentRow
from aitower.core.access.roles import Role
from aitower.core.access.tables import UserRow
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.inventory.tables import SystemRow
from alerts.helpers import add_minute
from support import login, make_user, seed_units
from support_inventory import make_system


def _rule_form(token: str, system: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "name": "Errors",
        "metric": "error_rate",
        "comparator": ">",
        "threshold": "0.1",
        "window_minutes": "5",
        "min_samples": "1",
        "for_minutes": "0",
        "severity": "high",
        "system_id": system,
    }


def _set_owners(db: Database, system: uuid.UUID, accountable: str, technical: str) -> None:
    with db.writing() as session:
        row = session.get(SystemRow, system)
        assert row is not None
        ids = dict(session.execute(select(UserRow.username, UserRow.id)).all())
        row.accountable_owner_id, row.technical_owner_id = ids[accountable], ids[technical]


def _audit(db: Database, action: str) -> int:
    with db.reading() as session:
        rows = session.execute(select(AuditEventRow).where(AuditEventRow.action == action))
        return len(list(rows.scalars()))


def _open_incident(
    client: TestClient, db: Database, token: str, unit: uuid.UUID
) -> tuple[uuid.UUID, str]:
    system = make_system(db, unit, "bot")
    # Picked by name, as the form's select shows it; the id is what the select sends.
    made = client.post("/monitoring/alerts", data=_rule_form(token, "bot"), follow_redirects=False)
    assert made.status_code == 303
    now = utcnow().replace(second=0, microsecond=0)
    add_minute(db, now - timedelta(minutes=1), str(system), durations=[5.0] * 4, errors=4)
    evaluate_due_rules(db, now, "test")
    with db.reading() as session:
        rule = session.execute(select(AlertRuleRow)).scalar_one()
        assert rule.system_id == system
        incident = session.execute(select(IncidentRow)).scalar_one()
    return system, f"/monitoring/incidents/{incident.id}"


def test_an_incident_worked_from_its_page(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    analyst = make_user(db, Role.analyst, username="amara")
    colleague = make_user(db, Role.engineer, username="ethan")
    token = login(client, analyst)
    system, url = _open_incident(client, db, token, units.unit_id)
    _set_owners(db, system, colleague, analyst)

    overview = client.get("/").text
    assert re.search(r'data-testid="tile-incidents"><span class="tile-value">1<', overview)
    assert f'href="{url}" data-testid="open-incident">Errors on bot<' in overview
    monitoring = client.get("/monitoring").text
    assert "Open incidents" in monitoring and f'href="{url}"' in monitoring

    page = client.get(url).text
    assert 'data-testid="system-owner"><span data-username="ethan">' in page
    assert 'data-testid="technical-owner"><span data-username="amara">' in page
    traces = re.search(r'href="(/monitoring/traces\?[^"]+)" data-testid="incident-traces"', page)
    assert traces is not None
    query = parse_qs(urlsplit(traces.group(1).replace("&amp;", "&")).query)
    assert query["system"] == [str(system)] and query["status"] == ["error"]
    assert query["start"][0] < query["end"][0]
    assert client.get(traces.group(1).replace("&amp;", "&")).status_code == 200
    assert '<option value="ethan">' in page  # assignable by name

    assigned = client.post(f"{url}/assign", data={"csrf_token": token, "owner": "ethan"})
    assert assigned.status_code == 200 and "The incident was assigned." in assigned.text
    assert 'data-testid="incident-owner">ethan<' in assigned.text
    assert 'data-kind="assigned"' in assigned.text and _audit(db, "incident.assigned") == 1
    client.post(f"{url}/acknowledge", data={"csrf_token": token})
    client.post(f"{url}/comment", data={"csrf_token": token, "text": "provider is slow"})
    resolved = client.post(f"{url}/resolve", data={"csrf_token": token, "text": "recovered"})
    assert 'data-testid="incident-status">resolved<' in resolved.text
    assert "provider is slow" in resolved.text and "recovered" in resolved.text
    for action in ("acknowledged", "commented", "resolved"):
        assert _audit(db, f"incident.{action}") == 1
    overview = client.get("/").text
    assert re.search(r'data-testid="tile-incidents"><span class="tile-value">0<', overview)
    assert 'data-testid="open-incident"' not in overview


def test_bad_input_is_answered_on_the_incident_page(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    token = login(client, make_user(db, Role.analyst))
    _, url = _open_incident(client, db, token, units.unit_id)

    unknown = client.post(f"{url}/assign", data={"csrf_token": token, "owner": "nobody-here"})
    assert unknown.status_code == 422 and 'data-field="owner"' in unknown.text
    assert "no user" in unknown.text and 'data-testid="timeline"' in unknown.text
    empty = client.post(f"{url}/comment", data={"csrf_token": token, "text": "   "})
    assert empty.status_code == 422 and 'data-field="text"' in empty.text
    assert client.post(f"{url}/resolve", data={"csrf_token": token}).status_code == 200
    again = client.post(f"{url}/resolve", data={"csrf_token": token})
    assert again.status_code == 409 and "already resolved" in again.text
    late = client.post(f"{url}/acknowledge", data={"csrf_token": token})
    assert late.status_code == 409 and "not open" in late.text
    assert client.post(f"{url}/explode", data={"csrf_token": token}).status_code == 404
    missing = f"/monitoring/incidents/{uuid.uuid4()}/assign"
    assert client.post(missing, data={"csrf_token": token, "owner": ""}).status_code == 404
    assert _audit(db, "incident.assigned") == 0 and _audit(db, "incident.commented") == 0


def test_a_rule_picks_its_system_by_name(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    make_system(db, units.unit_id, "bot")
    make_system(db, units.other_unit_id, "elsewhere")  # Marketing: not the analyst's unit
    token = login(client, make_user(db, Role.analyst))
    page = client.get("/monitoring/alerts").text
    assert re.search(r'<option value="[0-9a-f-]{36}">bot \(Finance\)</option>', page)
    assert "elsewhere" not in page
    refused = client.post("/monitoring/alerts", data=_rule_form(token, "elsewhere"))
    assert refused.status_code == 422 and 'data-field="system_id"' in refused.text
    made = client.post("/monitoring/alerts", data=_rule_form(token, "bot"), follow_redirects=False)
    assert made.status_code == 303
    assert "Errors</a>" in client.get("/monitoring/alerts").text
