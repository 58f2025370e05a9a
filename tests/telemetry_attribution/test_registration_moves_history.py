"""The issue's scenario: 43 requests sent unregistered, then registered from Monitoring's Register
button; the history follows the system (dashboard, trace filter, /metrics, audit), and goes
back to the unregistered list when the service name is removed again."""

from __future__ import annotations

import math
import re
import statistics
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.app import run_background_pass
from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.telemetry import reattribution
from aitower.telemetry.tables import AttributionRow
from support import login, make_key, make_user, seed_units
from support_otlp import sdk_traces
from support_telemetry import protobuf_body

PROTOBUF = {"content-type": "application/x-protobuf"}
SERVICE = "support-bot"
REQUESTS, ERRORS = 43, 9  # error_every=5: traces 0, 5, …, 40


def _form(token: str, services: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "name": "Support bot",
        "kind": "llm_app",
        "unit": "Finance",
        "stage": "deployment",
        "autonomy": "human_on_the_loop",
        "affected": "customers",
        "accountable_owner": "ethan",
        "services": services,
        "purpose": "Answers customers",
    }


def _overview(client: TestClient, system_id: str) -> dict[str, float]:
    answer = client.get(f"/api/v1/telemetry/systems/{system_id}/overview?range=7d")
    assert answer.status_code == 200, answer.text
    totals: dict[str, float] = answer.json()["totals"]
    return totals


def _metric(text: str, name: str, key: str) -> float | None:
    found = re.search(
        rf'^{name}\{{system="[^"]*",system_key="{re.escape(key)}"\}} (\S+)$', text, re.M
    )
    return float(found.group(1)) if found else None


def test_registering_moves_43_requests_and_removing_moves_them_back(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    ingest = {"authorization": f"Bearer {make_key(db, Role.engineer)}", **PROTOBUF}
    scrape = {"authorization": f"Bearer {make_key(db, Role.admin, unit=None)}"}
    spans = sdk_traces(REQUESTS, service=SERVICE, error_every=5)
    assert (
        client.post("/v1/traces", content=protobuf_body(spans), headers=ingest).status_code == 200
    )
    roots = [s for s in spans if s.parent is None]
    exact_median = statistics.median_low([(s.end_time - s.start_time) / 1e6 for s in roots])

    login(client, make_user(db, Role.engineer, username="ethan"))
    monitoring = client.get("/monitoring").text
    assert f'href="/monitoring/sources/register?service={SERVICE}"' in monitoring  # Register
    form = client.get(f"/systems/new?service={SERVICE}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    made = client.post("/systems/new", data=_form(token, SERVICE), follow_redirects=False)
    assert made.status_code == 303, made.text
    system_id = made.headers["location"].split("/")[2].split("?")[0]
    uuid.UUID(system_id)

    reattribution.plan(db)  # the pass's first step: the move is queued, nothing moved yet
    queued = client.get("/monitoring").text
    assert 'data-testid="reattributions"' in queued and "129" in queued
    listed = client.get("/api/v1/telemetry/reattributions").json()
    assert [(m["service_name"], m["state"], m["spans_total"]) for m in listed] == [
        (SERVICE, "running", 3 * REQUESTS)
    ]
    run_background_pass(db, "test-replica")  # what the server does at its next pass

    totals = _overview(client, system_id)
    assert (totals["requests"], totals["errors"], totals["llm_calls"]) == (REQUESTS, ERRORS, 86)
    assert totals["input_tokens"] == REQUESTS * 201 and totals["output_tokens"] == REQUESTS * 41
    assert math.isclose(totals["latency_p50_ms"], exact_median, rel_tol=0.011)
    found = client.get(f"/api/v1/traces?system={system_id}&limit=100").json()
    assert found["total"] == REQUESTS
    sources = client.get("/api/v1/telemetry/sources").json()
    assert SERVICE not in [s["service_name"] for s in sources["items"]]
    metrics = client.get("/metrics", headers=scrape).text
    assert _metric(metrics, "aitower_system_requests_total", system_id) == REQUESTS
    assert _metric(metrics, "aitower_system_requests_total", f"service:{SERVICE}") is None
    with db.reading() as session:
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.action == "telemetry.reattributed")
        ).scalar_one()
        assert event.after is not None
        assert (event.after["spans"], event.after["traces"]) == (3 * REQUESTS, REQUESTS)
        row = session.get(AttributionRow, SERVICE)
        assert row is not None and (row.state, str(row.system_id)) == ("done", system_id)

    edit = client.get(f"/systems/{system_id}/edit")
    token = re.search(r'name="csrf_token" value="([^"]+)"', edit.text).group(1)  # type: ignore[union-attr]
    saved = client.post(f"/systems/{system_id}/edit", data=_form(token, ""), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    run_background_pass(db, "test-replica")

    assert _overview(client, system_id)["requests"] == 0
    assert client.get(f"/api/v1/traces?system={system_id}").json()["total"] == 0
    sources = client.get("/api/v1/telemetry/sources").json()["items"]
    assert [(s["service_name"], s["spans"]) for s in sources] == [(SERVICE, 3 * REQUESTS)]
    metrics = client.get("/metrics", headers=scrape).text
    assert _metric(metrics, "aitower_system_requests_total", system_id) is None
    assert _metric(metrics, "aitower_system_requests_total", f"service:{SERVICE}") == REQUESTS
    assert _metric(metrics, "aitower_system_errors_total", f"service:{SERVICE}") == ERRORS
