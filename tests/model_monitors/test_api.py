"""The model monitors API as different roles: references, monitors, runs and results; bad input
answered with problem+json naming the field (never a 500); unit scope."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from model_monitors.support import log_window, make_model
from model_monitors.windows import T0, binary_window
from support import make_key, seed_units
from support_inventory import make_system


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def audit_count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def _problem(answer: object, status: int, field: str) -> None:
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    assert answer.headers["content-type"].startswith("application/problem+json")  # type: ignore[attr-defined]
    assert field in answer.text, answer.text  # type: ignore[attr-defined]


def test_references_monitors_runs_and_results(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "fraud-service", kind="ml_model")
    model = make_model(db, system)
    log_window(db, model, binary_window(2000, seed=1), prefix="r")
    analyst = auth(make_key(db, Role.analyst))
    stakeholder = auth(make_key(db, Role.stakeholder))
    window = {"start": T0.isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()}
    body = {"model_id": str(model.id), "name": "January"} | window
    assert (
        client.post("/api/v1/model-references", json=body, headers=stakeholder).status_code == 403
    )
    before = audit_count(db)
    for bad, status, field in [
        (body | {"model_id": str(uuid.uuid4())}, 404, "model"),
        (body | {"start": window["end"]}, 422, "end"),
        (body | {"records": []}, 422, "records"),
        ({"model_id": str(model.id), "name": "x"}, 422, "start"),
        (body | {"name": " "}, 422, "name"),
        (body | {"colour": "red"}, 422, "colour"),
        (body | {"start": "2026-03-01T00:00:00"}, 422, "start"),  # naive time refused
        (
            body
            | {
                "start": (T0 + timedelta(days=9)).isoformat(),
                "end": (T0 + timedelta(days=10)).isoformat(),
            },
            422,
            "start",
        ),
    ]:
        _problem(client.post("/api/v1/model-references", json=bad, headers=analyst), status, field)
    assert audit_count(db) == before
    made = client.post("/api/v1/model-references", json=body, headers=analyst)
    assert made.status_code == 201, made.text
    ref = made.json()
    assert ref["rows"] == 2000 and ref["has_calibration"] and "amount" in ref["features"]
    records = [
        {"features": {"amount": 1.0 + i, "country": "DE"}, "output": "legit", "label": "legit"}
        for i in range(40)
    ]
    upload = client.post(
        "/api/v1/model-references",
        json={"model_id": str(model.id), "name": "Upload", "records": records},
        headers=analyst,
    )
    assert upload.status_code == 201 and upload.json()["kind"] == "upload", upload.text
    listed = client.get(f"/api/v1/model-references?model={model.id}", headers=stakeholder).json()
    assert listed["total"] == 2

    monitor = {
        "model_id": str(model.id),
        "reference_id": ref["id"],
        "name": "Fraud hourly",
        "schedule": "hourly",
        "window_hours": 24,
        "sensitive": ["gender"],
        "performance_limits": {"roc_auc": 0.7},
    }
    for bad, field in [
        (monitor | {"schedule": "weekly"}, "schedule"),
        (monitor | {"drift_rules": {"nope": {"method": "ks"}}}, "drift_rules.nope"),
        (monitor | {"drift_rules": {"amount": {"method": "ks", "threshold": 3}}}, "amount"),
        (monitor | {"drift_rules": {"amount": {"method": "magic"}}}, "method"),
        (monitor | {"performance_limits": {"vibes": 1}}, "performance_limits.vibes"),
        (monitor | {"sensitive": ["race"]}, "sensitive"),
        (monitor | {"reference_id": str(uuid.uuid4())}, "reference_id"),
        (monitor | {"window_hours": 0}, "window_hours"),
    ]:
        _problem(client.post("/api/v1/model-monitors", json=bad, headers=analyst), 422, field)
    created = client.post("/api/v1/model-monitors", json=monitor, headers=analyst)
    assert created.status_code == 201, created.text
    mon = created.json()
    assert mon["schedule"] == "hourly" and mon["last_status"] is None
    patched = client.patch(
        f"/api/v1/model-monitors/{mon['id']}",
        json={"drift_rules": {"amount": {"method": "psi", "threshold": 0.2}}},
        headers=analyst,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["drift_rules"]["amount"] == {"method": "psi", "threshold": 0.2}
    _problem(
        client.patch(
            f"/api/v1/model-monitors/{mon['id']}", json={"fairness_floor": 2}, headers=analyst
        ),
        422,
        "fairness_floor",
    )
    # Run now: the last 24 hours hold no prediction (they were logged in 2026-03): empty.
    run = client.post(f"/api/v1/model-monitors/{mon['id']}/run", headers=analyst)
    assert run.status_code == 200, run.text
    assert run.json()["status"] == "empty" and run.json()["trigger"] == "manual"
    series = client.get(f"/api/v1/model-monitors/{mon['id']}/results", headers=stakeholder)
    assert series.status_code == 200 and series.json()["total"] == 1
    one = client.get(
        f"/api/v1/model-monitor-results/{series.json()['items'][0]['id']}", headers=stakeholder
    )
    assert one.status_code == 200 and one.json()["detail"]["reason"]
    folio = client.get("/api/v1/model-monitoring/portfolio", headers=stakeholder).json()
    assert [e["monitor_id"] for e in folio] == [mon["id"]]
    # Someone in another unit sees none of it.
    other = auth(make_key(db, Role.analyst, unit="marketing"))
    assert client.get(f"/api/v1/model-monitors/{mon['id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/model-references/{ref['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/model-monitors", headers=other).json()["total"] == 0
    _problem(client.post(f"/api/v1/model-monitors/{mon['id']}/run", headers=other), 404, "monitor")
    assert client.get("/api/v1/model-monitoring/portfolio", headers=other).json() == []
    metrics = client.get("/api/v1/alert-metrics", headers=stakeholder).json()
    assert {"drift_share", "roc_auc", "demographic_parity_ratio"} <= {m["name"] for m in metrics}
    rule = {
        "name": "AUC floor",
        "metric": "roc_auc",
        "comparator": "<",
        "threshold": 0.7,
        "window_minutes": 1440,
        "system_id": str(system),
    }
    assert client.post("/api/v1/alert-rules", json=rule, headers=analyst).status_code == 201
