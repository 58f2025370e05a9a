"""An ingest key limited to a business unit writes only into its unit's systems (both databases,
in the server process and through the ingest workers); its feedback and evaluations only on
traces it may see."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.inventory import service as inventory
from aitower.telemetry.tables import HourRollupRow, SpanRow
from support import CTX, login, make_key, make_user, seed_units
from support_inventory import make_system
from support_otlp import sdk_traces
from support_telemetry import record_spans

PROTOBUF = {"content-type": "application/x-protobuf"}


@pytest.fixture(params=[0, 2], ids=["in-process", "2-workers"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    return settings.model_copy(update={"ingest_workers": request.param})


def _systems(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    seeded = seed_units(db)  # Finance (the key's unit) and Marketing
    support = make_system(db, seeded.unit_id, "Support bot")
    marketing = make_system(db, seeded.other_unit_id, "Marketing content")
    with db.writing() as session:
        inventory.update_system(session, CTX, support, {"services": ["support-bot"]})
        inventory.update_system(session, CTX, marketing, {"services": ["marketing-content"]})
    return support, marketing


def _hinted() -> list:  # type: ignore[type-arg]
    """A span of an unclaimed service that names Marketing's system by ``aitower.system``."""
    return record_spans(
        lambda tracer: tracer.start_span("chat").end(),
        {"service.name": "side-project", "aitower.system": "Marketing content"},
    )


def _count(db: Database, system_id: uuid.UUID) -> tuple[int, int]:
    with db.reading() as session:
        spans = session.scalar(select(func.count()).where(SpanRow.system_id == system_id))
        rollups = session.scalar(
            select(func.count()).where(HourRollupRow.system_key == str(system_id))
        )
    return int(spans or 0), int(rollups or 0)


def test_spans_naming_another_units_system_are_refused_one_by_one(
    client: TestClient, db: Database
) -> None:
    support, marketing = _systems(db)
    finance_key = {"authorization": f"Bearer {make_key(db, Role.engineer, unit='finance')}"}
    spans = [
        *sdk_traces(2, service="support-bot"),
        *sdk_traces(3, service="marketing-content"),
        *sdk_traces(1, service="unclaimed-tool"),
        *_hinted(),
    ]
    body = encode_spans(spans).SerializeToString()
    answer = client.post("/v1/traces", content=body, headers={**PROTOBUF, **finance_key})
    assert answer.status_code == 200, answer.content
    partial = ExportTraceServiceResponse.FromString(answer.content).partial_success
    assert partial.rejected_spans == 3 * 3 + 1
    assert "marketing-content" in partial.error_message
    assert "side-project" in partial.error_message
    assert "Marketing content" not in partial.error_message  # the other unit's system unnamed
    assert _count(db, marketing) == (0, 0)  # nothing counted there, so no alert can fire
    assert _count(db, support)[0] == 6
    with db.reading() as session:
        unregistered = session.scalar(select(func.count()).where(SpanRow.system_id.is_(None)))
    assert unregistered == 3  # the unclaimed service is kept as an unregistered source

    admin_key = {"authorization": f"Bearer {make_key(db, Role.admin, unit=None)}"}
    again = client.post("/v1/traces", content=body, headers={**PROTOBUF, **admin_key})
    assert ExportTraceServiceResponse.FromString(again.content).partial_success.rejected_spans == 0
    assert _count(db, marketing)[0] == 3 * 3 + 1  # an organisation-wide key writes anywhere


def test_feedback_and_evaluations_only_on_traces_the_key_may_see(
    client: TestClient, db: Database
) -> None:
    _systems(db)
    admin_key = {"authorization": f"Bearer {make_key(db, Role.admin, unit=None)}"}
    finance_key = {"authorization": f"Bearer {make_key(db, Role.engineer, unit='finance')}"}
    own, other, unclaimed = (
        sdk_traces(1, service=name) for name in ("support-bot", "marketing-content", "x-tool")
    )
    for spans in (own, other, unclaimed):
        body = encode_spans(spans).SerializeToString()
        assert client.post("/v1/traces", content=body, headers={**PROTOBUF, **admin_key}).is_success

    def send(path: str, trace_id: str) -> int:
        body = {"trace_id": trace_id, "name": "faithfulness", "score": 0.5}
        if path == "feedback":
            body = {"trace_id": trace_id, "thumbs": "up"}
        answer = client.post(f"/api/v1/{path}", json=body, headers=finance_key)
        if answer.status_code == 404:
            assert answer.headers["content-type"] == "application/problem+json"
            assert trace_id in answer.json()["detail"]
        return answer.status_code

    ids = {
        name: f"{spans[0].context.trace_id:032x}"
        for name, spans in (("own", own), ("other", other), ("unclaimed", unclaimed))
    }
    for path in ("feedback", "evaluations"):
        assert send(path, ids["other"]) == 404  # as if unknown
        assert send(path, "f" * 32) == 404  # not stored: this key cannot score it ahead
        assert send(path, ids["own"]) == 201
        assert send(path, ids["unclaimed"]) == 201


def test_registering_a_source_puts_it_in_the_unit_of_the_key_that_sent_it(
    client: TestClient, db: Database
) -> None:
    """A key limited to Finance sends spans of a service nobody registered: the Register button
    opens the form in Finance; an organisation-wide key's later spans leave that as it was."""
    seeded = seed_units(db)
    finance_key = {"authorization": f"Bearer {make_key(db, Role.engineer, unit='finance')}"}
    admin_key = {"authorization": f"Bearer {make_key(db, Role.admin)}"}
    for key in (finance_key, admin_key):
        body = encode_spans(sdk_traces(1, service="invoice-helper")).SerializeToString()
        answer = client.post("/v1/traces", content=body, headers={**PROTOBUF, **key})
        assert answer.status_code == 200, answer.content
    login(client, make_user(db, Role.admin, username="ada"))
    register = client.get(
        "/monitoring/sources/register?service=invoice-helper", follow_redirects=False
    )
    assert register.status_code == 303
    assert f"unit={seeded.unit_id}" in register.headers["location"]
    form = client.get(register.headers["location"])
    assert '<option value="Finance" selected>' in form.text
