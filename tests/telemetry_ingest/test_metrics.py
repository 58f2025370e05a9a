"""/metrics in the Prometheus text format, read back by the reference parser."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from support import CTX, make_key, seed_units
from support_inventory import make_system
from support_otlp import sdk_traces
from support_telemetry import protobuf_body


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_ingest_and_per_system_counters(client: TestClient, db: Database) -> None:
    system_id = make_system(db, seed_units(db).unit_id, "Support chatbot")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["support-bot"]})
    engineer = {"x-api-key": make_key(db, Role.engineer)}
    body = protobuf_body(sdk_traces(4, error_every=2))
    headers = {**engineer, "content-type": "application/x-protobuf"}
    assert client.post("/v1/traces", content=body, headers=headers).status_code == 200
    assert client.post("/v1/traces", content=body, headers=headers).status_code == 200  # resent
    assert client.post("/v1/traces", content=b"junk", headers=headers).status_code == 400

    stakeholder = {"x-api-key": make_key(db, Role.stakeholder)}
    assert client.get("/metrics", headers=stakeholder).status_code == 403
    answer = client.get("/metrics", headers={"x-api-key": make_key(db, Role.analyst)})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    got = _samples(answer.text)
    assert got[("aitower_otlp_spans_accepted_total", ())] == 12
    assert got[("aitower_otlp_spans_duplicate_total", ())] == 12
    assert got[("aitower_otlp_requests_total", (("code", "200"),))] == 2
    assert got[("aitower_otlp_requests_total", (("code", "400"),))] == 1
    labels = (("system", "Support chatbot"), ("system_key", str(system_id)))
    assert got[("aitower_system_requests_total", labels)] == 4
    assert got[("aitower_system_errors_total", labels)] == 2
    assert got[("aitower_system_llm_calls_total", labels)] == 8
    assert got[("aitower_system_input_tokens_total", labels)] == 4 * (100 + 101)
    assert got[("aitower_notifications", (("status", "failed"),))] == 0


def test_a_scraper_limited_to_units_sees_only_their_systems(
    client: TestClient, db: Database
) -> None:
    """#14: a unit's key read every unit's systems (names, requests, tokens, cost)."""
    seeded = seed_units(db)
    finance = make_system(db, seeded.unit_id, "Invoice reader")
    marketing = make_system(db, seeded.other_unit_id, "Campaign writer")
    with db.writing() as session:
        inventory.update_system(session, CTX, finance, {"services": ["invoices"]})
        inventory.update_system(session, CTX, marketing, {"services": ["campaigns"]})
    headers = {"x-api-key": make_key(db, Role.admin), "content-type": "application/x-protobuf"}
    for service in ("invoices", "campaigns", "shadow-bot"):  # the last one is unregistered
        body = protobuf_body(sdk_traces(2, service=service))
        assert client.post("/v1/traces", content=body, headers=headers).status_code == 200

    def systems(role: Role) -> set[str]:
        answer = client.get("/metrics", headers={"x-api-key": make_key(db, role)})
        assert answer.status_code == 200
        return {
            dict(labels)["system_key"]
            for name, labels in _samples(answer.text)
            if name == "aitower_system_requests_total"
        }

    assert systems(Role.analyst) == {str(finance)}  # a finance key
    assert systems(Role.ops_manager) == {str(finance), str(marketing), "service:shadow-bot"}
