"""OTLP/gRPC: a real gRPC server started with the app, fed by raw stubs and the SDK exporter."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import grpc
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from google.rpc import error_details_pb2, status_pb2
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc
from opentelemetry.sdk.trace.export import SpanExportResult
from sqlalchemy import func, select

from aitower.app import create_app
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry.otlp_http import in_flight
from aitower.telemetry.tables import SpanRow
from servers import free_port
from support import make_key, seed_units
from support_otlp import sdk_traces

TRACES = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"


@dataclass
class Endpoint:
    app: FastAPI
    target: str
    key: str

    def stub(self) -> trace_service_pb2_grpc.TraceServiceStub:
        return trace_service_pb2_grpc.TraceServiceStub(grpc.insecure_channel(self.target))

    def send(self, request: Any) -> Any:
        return self.stub().Export(request, metadata=(("x-api-key", self.key),))

    def raw(self, body: bytes, metadata: tuple[tuple[str, str], ...]) -> bytes:
        """Send ``body`` as it is (no serializer): what a broken client could send."""
        with grpc.insecure_channel(self.target) as channel:
            call = channel.unary_unary(TRACES)
            answer: bytes = call(body, metadata=metadata, timeout=10)
            return answer


@contextmanager
def _endpoint(settings: Settings, db: Database, **changes: object) -> Iterator[Endpoint]:
    seed_units(db)
    key = make_key(db, Role.engineer)
    port = free_port()
    app = create_app(settings.model_copy(update={"otlp_grpc_port": port, **changes}), database=db)
    with TestClient(app):  # the app's lifespan starts and stops the gRPC server
        yield Endpoint(app, f"127.0.0.1:{port}", key)


@pytest.fixture
def endpoint(settings: Settings, db: Database) -> Iterator[Endpoint]:
    with _endpoint(settings, db) as started:
        yield started


def _stored(db: Database) -> tuple[int, int, int]:
    with db.reading() as session:
        count, inputs, outputs = session.execute(
            select(func.count(), func.sum(SpanRow.input_tokens), func.sum(SpanRow.output_tokens))
        ).one()
    return int(count), int(inputs or 0), int(outputs or 0)


def test_spans_sent_over_grpc_are_stored_before_the_answer(
    endpoint: Endpoint, db: Database
) -> None:
    spans = sdk_traces(3)
    answer = endpoint.stub().Export(encode_spans(spans), metadata=(("x-api-key", endpoint.key),))
    assert not answer.HasField("partial_success")
    # 3 traces, each an agent span over two chats of 100+n input and 20+n output tokens (n=0,1).
    assert _stored(db) == (9, 3 * (100 + 101), 3 * (20 + 21))


def test_the_sdk_grpc_exporter_with_a_bearer_key(endpoint: Endpoint, db: Database) -> None:
    exporter = OTLPSpanExporter(
        endpoint=f"http://{endpoint.target}",
        insecure=True,
        headers={"authorization": f"Bearer {endpoint.key}"},
    )
    try:
        assert exporter.export(sdk_traces(2)) == SpanExportResult.SUCCESS
    finally:
        exporter.shutdown()
    assert _stored(db)[0] == 6


def _refused(call: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        call()  # type: ignore[operator]
    return caught.value


def test_keys_are_checked_as_over_http(endpoint: Endpoint, db: Database) -> None:
    body = encode_spans(sdk_traces(1))
    stub = endpoint.stub()
    missing = _refused(lambda: stub.Export(body))
    assert missing.code() == grpc.StatusCode.UNAUTHENTICATED  # type: ignore[attr-defined]
    unknown = _refused(lambda: stub.Export(body, metadata=(("x-api-key", "atk_nope"),)))
    assert unknown.code() == grpc.StatusCode.UNAUTHENTICATED  # type: ignore[attr-defined]
    analyst = make_key(db, Role.analyst)  # may read telemetry, not send it
    denied = _refused(lambda: stub.Export(body, metadata=(("authorization", f"Bearer {analyst}"),)))
    assert denied.code() == grpc.StatusCode.PERMISSION_DENIED  # type: ignore[attr-defined]
    assert "telemetry.ingest" in denied.details()  # type: ignore[attr-defined]
    assert _stored(db)[0] == 0


def test_a_body_that_is_not_otlp_is_invalid_argument(endpoint: Endpoint, db: Database) -> None:
    refused = _refused(lambda: endpoint.raw(b"\x0a\xff\xff\xff", (("x-api-key", endpoint.key),)))
    assert refused.code() == grpc.StatusCode.INVALID_ARGUMENT  # type: ignore[attr-defined]
    assert _stored(db)[0] == 0


def test_invalid_spans_are_a_partial_success(endpoint: Endpoint, db: Database) -> None:
    request = encode_spans(sdk_traces(1))
    bad = request.resource_spans[0].scope_spans[0].spans[0]
    bad.end_time_unix_nano = bad.start_time_unix_nano - 1
    answer = endpoint.send(request)
    assert answer.partial_success.rejected_spans == 1
    assert "end" in answer.partial_success.error_message
    assert _stored(db)[0] == 2


def test_a_message_over_the_body_limit_is_refused(settings: Settings, db: Database) -> None:
    with _endpoint(settings, db, otlp_max_body_bytes=4096) as endpoint:
        body = encode_spans(sdk_traces(20))
        assert body.ByteSize() > 4096
        refused = _refused(partial(endpoint.send, body))
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED  # type: ignore[attr-defined]
        assert _stored(db)[0] == 0


def test_at_capacity_the_answer_is_unavailable_with_retry_info(
    settings: Settings, db: Database
) -> None:
    with _endpoint(settings, db, otlp_max_in_flight=1, otlp_queue_wait_seconds=0) as endpoint:
        body = encode_spans(sdk_traces(1))
        with in_flight(endpoint.app):  # the one slot is taken (by HTTP, say)
            refused = _refused(partial(endpoint.send, body))
        assert refused.code() == grpc.StatusCode.UNAVAILABLE  # type: ignore[attr-defined]
        trailers = dict(refused.trailing_metadata())  # type: ignore[attr-defined]
        retry = error_details_pb2.RetryInfo.FromString(trailers["google.rpc.retryinfo-bin"])
        assert retry.retry_delay.seconds >= 1
        status = status_pb2.Status.FromString(trailers["grpc-status-details-bin"])
        assert status.code == grpc.StatusCode.UNAVAILABLE.value[0]
        assert status.details[0].Unpack(error_details_pb2.RetryInfo())
        # The slot is free again: the exporter's retry is stored.
        endpoint.send(body)
        assert _stored(db)[0] == 3


def test_a_taken_port_fails_the_start(settings: Settings, db: Database) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = create_app(settings.model_copy(update={"otlp_grpc_port": port}), database=db)
        with pytest.raises(RuntimeError, match="OTLP/gRPC cannot listen"), TestClient(app):
            pass


def test_the_port_setting_defaults_to_4317_and_empty_turns_it_off() -> None:
    assert Settings.model_fields["otlp_grpc_port"].default == 4317
    assert Settings(otlp_grpc_port="").otlp_grpc_port == 0  # type: ignore[arg-type]
    assert Settings(otlp_grpc_port="4400").otlp_grpc_port == 4400  # type: ignore[arg-type]
