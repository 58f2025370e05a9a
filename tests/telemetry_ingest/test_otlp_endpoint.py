"""The OTLP endpoint as exporters see it: encodings, auth, errors, partial success."""

from __future__ import annotations

import gzip
import zlib

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry.tables import SpanRow, TraceRow
from support import make_key, seed_units
from support_otlp import sdk_traces
from support_telemetry import json_body, protobuf_body

PROTOBUF = {"content-type": "application/x-protobuf"}


@pytest.fixture(params=[0, 2], ids=["in-process", "2-workers"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Every answer the same whether the server stores requests itself or its workers do."""
    return settings.model_copy(update={"ingest_workers": request.param})


def _key(db: Database, role: Role = Role.engineer) -> dict[str, str]:
    seed_units(db)
    return {"authorization": f"Bearer {make_key(db, role)}"}


def _spans(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(SpanRow)) or 0)


def test_protobuf_export_is_stored_and_answered_in_protobuf(
    client: TestClient, db: Database
) -> None:
    spans = sdk_traces(5)
    answer = client.post(
        "/v1/traces", content=protobuf_body(spans), headers={**PROTOBUF, **_key(db)}
    )
    assert answer.status_code == 200, answer.content
    assert answer.headers["content-type"] == "application/x-protobuf"
    parsed = ExportTraceServiceResponse.FromString(answer.content)
    assert parsed.partial_success.rejected_spans == 0
    assert _spans(db) == 15
    with db.reading() as session:
        traces = session.execute(select(TraceRow)).scalars().all()
    assert len(traces) == 5
    assert all((t.llm_calls, t.input_tokens, t.output_tokens) == (2, 201, 41) for t in traces)


def test_json_gzip_and_deflate_encodings(client: TestClient, db: Database) -> None:
    headers = _key(db)
    body = json_body(sdk_traces(2))
    as_json = {**headers, "content-type": "application/json"}
    assert client.post("/v1/traces", content=body, headers=as_json).status_code == 200
    gz = client.post(
        "/v1/traces",
        content=gzip.compress(protobuf_body(sdk_traces(2))),
        headers={**headers, **PROTOBUF, "content-encoding": "gzip"},
    )
    assert gz.status_code == 200, gz.content
    deflated = client.post(
        "/v1/traces",
        content=zlib.compress(protobuf_body(sdk_traces(2))),
        headers={**headers, **PROTOBUF, "content-encoding": "deflate"},
    )
    assert deflated.status_code == 200, deflated.content
    assert _spans(db) == 18


def test_authentication_and_permission(client: TestClient, db: Database) -> None:
    body = protobuf_body(sdk_traces(1))
    seed_units(db)
    assert client.post("/v1/traces", content=body, headers=PROTOBUF).status_code == 401
    wrong = {"x-api-key": "atk_nope_nope"}
    assert client.post("/v1/traces", content=body, headers={**PROTOBUF, **wrong}).status_code == 401
    stakeholder = {"x-api-key": make_key(db, Role.stakeholder)}
    refused = client.post("/v1/traces", content=body, headers={**PROTOBUF, **stakeholder})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/x-protobuf"  # a google.rpc.Status
    assert b"telemetry.ingest" in refused.content
    assert _spans(db) == 0


def test_bad_bodies_get_the_documented_answers_and_store_nothing(
    client: TestClient, db: Database
) -> None:
    headers = {**PROTOBUF, **_key(db)}
    good = protobuf_body(sdk_traces(3))
    assert (
        client.post("/v1/traces", content=good[: len(good) // 2], headers=headers).status_code
        == 400
    )
    assert client.post("/v1/traces", content=b"\xff\x00garbage", headers=headers).status_code == 400
    not_gzip = {**headers, "content-encoding": "gzip"}
    assert client.post("/v1/traces", content=good, headers=not_gzip).status_code == 400
    unknown_encoding = {**headers, "content-encoding": "br"}
    assert client.post("/v1/traces", content=good, headers=unknown_encoding).status_code == 415
    as_text = {**headers, "content-type": "text/plain"}
    assert client.post("/v1/traces", content=good, headers=as_text).status_code == 415
    as_json = {**headers, "content-type": "application/json"}
    assert client.post("/v1/traces", content=b"{not json", headers=as_json).status_code == 400
    bomb = gzip.compress(b"\x00" * (65 * 1024 * 1024))
    too_big = client.post(
        "/v1/traces", content=bomb, headers={**headers, "content-encoding": "gzip"}
    )
    assert too_big.status_code == 413
    assert _spans(db) == 0


def test_invalid_spans_are_partial_success_and_valid_ones_are_kept(
    client: TestClient, db: Database
) -> None:
    request = ExportTraceServiceRequest.FromString(protobuf_body(sdk_traces(2)))
    spans = request.resource_spans[0].scope_spans[0].spans
    spans[0].end_time_unix_nano = spans[0].start_time_unix_nano - 1  # negative duration
    spans[1].trace_id = b"\x00" * 16  # invalid id
    answer = client.post(
        "/v1/traces", content=request.SerializeToString(), headers={**PROTOBUF, **_key(db)}
    )
    assert answer.status_code == 200
    parsed = ExportTraceServiceResponse.FromString(answer.content)
    assert parsed.partial_success.rejected_spans == 2
    assert parsed.partial_success.error_message
    assert _spans(db) == 4


def test_nul_characters_and_absurd_counts_are_stored_not_refused(
    client: TestClient, db: Database
) -> None:
    """PostgreSQL cannot store NUL in text or jsonb; OTLP strings may carry it."""
    request = ExportTraceServiceRequest.FromString(protobuf_body(sdk_traces(1)))
    resource = request.resource_spans[0].resource
    for attribute in resource.attributes:
        if attribute.key == "service.name":
            attribute.value.string_value = "bot\x00one"
    spans = request.resource_spans[0].scope_spans[0].spans
    chat = next(s for s in spans if s.name.startswith("chat"))
    chat.name = "chat\x00gpt"
    for attribute in chat.attributes:
        if attribute.key == "gen_ai.response.model":
            attribute.value.string_value = "gpt-4o-mini\x00x"
        if attribute.key == "gen_ai.usage.input_tokens":
            attribute.value.int_value = 10**15  # absurd: ignored, not an overflow
    extra = chat.attributes.add()
    extra.key, extra.value.string_value = "note", "a\x00b"
    answer = client.post(
        "/v1/traces", content=request.SerializeToString(), headers={**PROTOBUF, **_key(db)}
    )
    assert answer.status_code == 200, answer.content
    with db.reading() as session:
        row = session.execute(select(SpanRow).where(SpanRow.name.like("chat%"))).scalars().first()
    assert row is not None
    assert row.name.replace("\ufffd", "\x00") == "chat\x00gpt"  # kept, or NUL replaced
    assert row.input_tokens == 0 and row.output_tokens is not None
    assert row.attributes["note"] in ("a\x00b", "a\ufffdb")  # SQLite keeps it; PostgreSQL can't


def test_feedback_with_a_nul_character_is_kept(client: TestClient, db: Database) -> None:
    body = {"trace_id": "a" * 32, "thumbs": "down", "comment": "wrong\x00answer"}
    answer = client.post("/api/v1/feedback", json=body, headers=_key(db, Role.admin))
    assert answer.status_code == 201, answer.text
    assert answer.json()["comment"].replace("\ufffd", "\x00") == "wrong\x00answer"
