"""The alerting pages through a logged-in browser session: list, create (and refuse), work an
incident."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from aitower.alerts.evaluator import evaluate_due_rules
from aitower.core.access.roles import Role
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from alerts.helpers import add_minute
from support import login, make_user, seed_units
from support_inventory import make_system


def test_rule_form_incident_page_and_channels(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "bot")
    token = login(client, make_user(db, Role.analyst))
    page = client.get("/monitoring/alerts")
    assert page.status_code == 200 and "New rule" in page.text and "Latency p95" in page.text
    form = {
        "csrf_token": token,
        "name": "Errors",
        "metric": "error_rate",
        "comparator": ">",
        "threshold": "lots",
        "window_minutes": "5",
        "min_samples": "1",
        "for_minutes": "0",
        "severity": "high",
        "system_id": str(system),
    }
    refused = client.post("/monitoring/alerts", data=form)
    assert refused.status_code == 422 and 'data-field="threshold"' in refused.text
    made = client.post(
        "/monitoring/alerts", data=form | {"threshold": "0.1"}, follow_redirects=False
    )
    assert made.status_code == 303
    listing = client.get("/monitoring/alerts")
    assert "Errors" in listing.text and 'data-state="ok"' in listing.text
    now = utcnow().replace(second=0, microsecond=0)
    add_minute(db, now - timedelta(minutes=1), str(system), durations=[5.0] * 4, errors=4)
    evaluate_due_rules(db, now, "test")
    assert 'data-state="firing"' in client.get("/monitoring/alerts").text
    incidents = client.get("/monitoring/incidents")
    assert "Errors on bot" in incidents.text
    href = incidents.text.split('href="/monitoring/incidents/')[-1].split('"')[0]
    url = f"/monitoring/incidents/{href}"
    client.post(f"{url}/acknowledge", data={"csrf_token": token}, follow_redirects=False)
    client.post(f"{url}/comment", data={"csrf_token": token, "text": "looking"})
    detail = client.get(url)
    assert 'data-kind="acknowledged"' in detail.text and "looking" in detail.text
    channels = client.get("/monitoring/channels")
    assert channels.status_code == 200 and "New channel" not in channels.text  # analyst: read only
