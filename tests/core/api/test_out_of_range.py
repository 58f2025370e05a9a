"""Times far in the past or future (#14, finding 4): before 1678 or after 2261 a time does not
fit the nanosecond counts that predictions are stored in, and such a time in a query or a body
answered 500. Each is now a 422 naming the parameter or field, and nothing is written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from model_monitors.support import log_window, make_model
from model_monitors.windows import T0, binary_window
from support import make_key, seed_units
from support_inventory import audit_count, make_system

ANCIENT = "1500-01-01T00:00:00Z"
FAR = "2300-01-01T00:00:00Z"


@pytest.fixture
def world(client: TestClient, db: Database) -> tuple[dict[str, str], str]:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "fraud-service", kind="ml_model")
    model = make_model(db, system)
    log_window(db, model, binary_window(200, seed=1), prefix="r")
    return {"x-api-key": make_key(db, Role.analyst)}, str(model.id)


def _refused(answer: object, field: str) -> None:
    status = getattr(answer, "status_code")  # noqa: B009
    body = answer.json()  # type: ignore[attr-defined]
    assert status == 422, body
    assert field in [e["field"] for e in body["errors"]], body


@pytest.mark.parametrize("moment", [ANCIENT, FAR])
def test_far_times_in_queries_are_refused_by_name(
    client: TestClient, world: tuple[dict[str, str], str], moment: str
) -> None:
    analyst, model_id = world
    after = moment.replace("00:00:00", "01:00:00")
    coverage = f"/api/v1/predictions/models/{model_id}/coverage"
    _refused(client.get(coverage, params={"start": moment, "end": after}, headers=analyst), "start")
    traces = client.get("/api/v1/traces", params={"start": moment}, headers=analyst)
    _refused(traces, "start")


@pytest.mark.parametrize("moment", [ANCIENT, FAR])
def test_far_times_in_bodies_are_refused_by_name_and_nothing_is_written(
    client: TestClient, db: Database, world: tuple[dict[str, str], str], moment: str
) -> None:
    analyst, model_id = world
    before = audit_count(db)
    window = {"start": moment, "end": moment.replace("00:00:00", "01:00:00")}
    reference = {"model_id": model_id, "name": "Old"} | window
    _refused(client.post("/api/v1/model-references", json=reference, headers=analyst), "start")
    rows = [{"prediction_id": "x1", "timestamp": moment, "features": {"amount": 1.0}}]
    body = {"system": "fraud-service", "model": "fraud", "version": "1", "rows": rows}
    predictions = client.post("/api/v1/predictions", json=body, headers=analyst)
    assert predictions.status_code == 422, predictions.text
    assert audit_count(db) == before


def test_times_within_the_range_still_work(
    client: TestClient, world: tuple[dict[str, str], str]
) -> None:
    analyst, model_id = world
    coverage = f"/api/v1/predictions/models/{model_id}/coverage"
    start, end = T0.isoformat(), (T0 + timedelta(days=1)).isoformat()
    answer = client.get(coverage, params={"start": start, "end": end}, headers=analyst)
    assert answer.status_code == 200, answer.text


def test_numbers_beyond_64_bits_are_refused_by_name(
    client: TestClient, db: Database, world: tuple[dict[str, str], str]
) -> None:
    """A policy version or an offset too large for the database's integers answered 500."""
    analyst, _ = world
    auditor = {"x-api-key": make_key(db, Role.auditor)}
    huge = str(2**70)
    _refused(client.get(f"/api/v1/policies/any/versions/{huge}", headers=analyst), "version")
    monitor = "/api/v1/model-monitors/00000000-0000-0000-0000-000000000000/results"
    _refused(client.get(monitor, params={"offset": huge}, headers=analyst), "offset")
    _refused(
        client.get("/api/v1/audit/events", params={"since": ANCIENT}, headers=auditor), "since"
    )
    page = client.get("/governance/policies/any", params={"version": huge}, headers=analyst)
    assert page.status_code == 422, page.text


def test_nan_and_infinity_in_a_json_body_are_refused_by_field(
    client: TestClient, db: Database, world: tuple[dict[str, str], str]
) -> None:
    """#14, finding 8: NaN is not JSON, but Python's parser takes it and a NaN score was
    accepted. The field is named and nothing is written."""
    analyst, _ = world
    admin = {"x-api-key": make_key(db, Role.admin)}
    before = audit_count(db)
    rows = [{"prediction_id": "n1", "timestamp": "2026-03-01T00:00:00Z", "output": "fraud"}]
    for literal in ("NaN", "Infinity", "-Infinity"):
        body = (
            '{"system": "fraud-service", "model": "fraud", "version": "1", "rows": '
            + json.dumps(rows)[:-2]
            + f', "score": {literal}'
            + "}]}"
        )
        answer = client.post(
            "/api/v1/predictions",
            content=body,
            headers={**analyst, "content-type": "application/json"},
        )
        _refused(answer, "rows[0].score")
    text = {"name": "NaN and Infinity in a name are fine", "kind": "llm_app", "unit": "finance"}
    assert client.post("/api/v1/systems", json=text, headers=admin).status_code == 201
    assert audit_count(db) == before + 1


def test_a_nul_character_in_a_json_body_is_refused_by_field(
    client: TestClient, db: Database
) -> None:
    """Found by the schemathesis contract test: a NUL in a channel's name reached PostgreSQL
    (which cannot store it) and answered 500. Any string of a JSON body, key or value."""
    admin = {"x-api-key": make_key(db, Role.admin)}
    before = audit_count(db)
    answer = client.post(
        "/api/v1/notification-channels",
        json={"config": {}, "kind": "email", "name": "ops\x00"},
        headers=admin,
    )
    _refused(answer, "name")
    answer = client.post(
        "/api/v1/systems",
        json={"name": "a", "kind": "llm_app", "unit": "finance", "tags": {"k\x00": "v"}},
        headers=admin,
    )
    _refused(answer, "tags.k")
    assert audit_count(db) == before
