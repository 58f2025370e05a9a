"""The OTLP/HTTP traces endpoint, answering the way OpenTelemetry exporters expect.

``POST /v1/traces`` takes protobuf or JSON, identity/gzip/deflate, and an API key (the
exporter's ``headers`` setting: ``Authorization=Bearer atk_…`` or ``x-api-key=atk_…``). The
answer is sent only after the spans are committed. Per the OTLP specification, refused spans
are reported as partial success in a 200, and errors carry a ``google.rpc.Status`` in the
request's encoding; 429/503 carry ``Retry-After`` so the exporter backs off and retries.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.settings import Settings
from aitower.core.web.deps import guard
from aitower.telemetry import span_log_events
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.ingest import IngestOutcome
from aitower.telemetry.ingest_pool import IngestPool, WorkerConfig
from aitower.telemetry.meters import IngestMeters, meters_of
from aitower.telemetry.otlp_export import ExportOutcome, OtlpRefusal, StoreSpans, export
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.redaction_key import server_content_policy
from aitower.telemetry.writer import GroupWriter

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
RETRY_AFTER_SECONDS = 1
# google.rpc.Code values for the Status body of errors.
_GRPC_CODE = {400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 503: 14}


def encoding_of(request: Request) -> str:
    """``protobuf`` or ``json`` by Content-Type (parameters such as charset ignored)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == PROTOBUF:
        return "protobuf"
    if media == JSON:
        return "json"
    raise OtlpRefusal(
        415, f"unsupported content type {media or '(none)'!r}; send {PROTOBUF} or {JSON}"
    )


def status_body(code: int, message: str, encoding: str) -> tuple[bytes, str]:
    """A ``google.rpc.Status`` (code, message), hand-encoded: two fields, no dependency."""
    if encoding == "json":
        return json.dumps({"code": code, "message": message}).encode(), JSON
    text = message.encode()
    body = b"\x08" + _varint(code) + b"\x12" + _varint(len(text)) + text
    return body, PROTOBUF


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _refusal_response(request: Request, status: int, message: str, retry: bool) -> Response:
    try:
        encoding = encoding_of(request)
    except OtlpRefusal:
        encoding = "protobuf"
    body, media = status_body(_GRPC_CODE.get(status, 2), message, encoding)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)} if retry else {}
    meters_of(request.app).count_request(status)
    return Response(body, status_code=status, media_type=media, headers=headers)


class OtlpRoute(APIRoute):
    """A route whose errors, authentication included, answer as OTLP Status messages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def otlp_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except OtlpRefusal as exc:
                return _refusal_response(request, exc.status, exc.message, exc.retry)
            except DomainError as exc:
                return _refusal_response(request, exc.status, exc.detail, exc.status == 429)
            except RequestValidationError as exc:
                return _refusal_response(request, 400, str(exc.errors())[:500], False)

        return otlp_handler


def _response(outcome: ExportOutcome, encoding: str) -> Response:
    message = ExportTraceServiceResponse()
    if outcome.rejected or outcome.rejected_reasons:  # a message alone is a warning (OTLP)
        message.partial_success.rejected_spans = outcome.rejected
        message.partial_success.error_message = outcome.rejected_reasons
    if encoding == "json":
        body: dict[str, Any] = {}
        if outcome.rejected or outcome.rejected_reasons:
            body["partialSuccess"] = {"errorMessage": outcome.rejected_reasons}
            if outcome.rejected:
                body["partialSuccess"]["rejectedSpans"] = str(outcome.rejected)
        return Response(json.dumps(body).encode(), media_type=JSON)
    return Response(message.SerializeToString(), media_type=PROTOBUF)


def _ingest(
    request: Request, body: bytes, encoding: str, units: frozenset[uuid.UUID] | None
) -> Response:
    content_encoding = request.headers.get("content-encoding")
    outcome = store_export(request.app, body, encoding, content_encoding, units)
    meters_of(request.app).count_request(200)
    return _response(outcome, encoding)


@contextlib.contextmanager
def in_flight(app: Any) -> Iterator[None]:
    """Hold one of the process's OTLP slots (``otlp_max_in_flight``, shared by HTTP and gRPC,
    traces, logs and metrics) while the block runs; ``OtlpRefusal`` 503 when none frees up
    within ``otlp_queue_wait_seconds``."""
    settings: Settings = app.state.settings
    with _STARTING:
        slots: threading.BoundedSemaphore | None = getattr(app.state, "otlp_slots", None)
        if slots is None:
            slots = app.state.otlp_slots = threading.BoundedSemaphore(settings.otlp_max_in_flight)
    if not slots.acquire(timeout=settings.otlp_queue_wait_seconds):
        raise OtlpRefusal(503, "ingest is at capacity; retry later", retry=True)
    meters = meters_of(app)
    meters.inflight(+1)
    try:
        yield
    finally:
        meters.inflight(-1)
        slots.release()


def store_export(
    app: Any,
    body: bytes,
    encoding: str,
    content_encoding: str | None,
    units: frozenset[uuid.UUID] | None,
) -> ExportOutcome:
    """Store one trace export request (HTTP or gRPC) by the process's ingest path: an ingest
    worker, or the group-commit writer; returns after the commit or raises ``OtlpRefusal``.
    ``units``: the key's business units (None: every unit); spans linking to a system outside
    them are refused one by one."""
    settings: Settings = app.state.settings
    db: Database = app.state.db
    with in_flight(app):
        pool = ingest_pool_of(app, db, settings)
        if pool is not None:
            outcome = pool.export(
                body, encoding, content_encoding, settings.otlp_queue_wait_seconds, units
            )
        else:
            writer = writer_of(app, db, settings)
            outcome = export(
                body,
                encoding,
                content_encoding,
                _joining_log_events(
                    db, lambda spans: writer.store(spans, units), writer.policy.key
                ),
                max_decompressed_bytes=settings.otlp_max_decompressed_bytes,
            )
    meters_of(app).count_ingest(outcome.accepted, outcome.duplicates, outcome.rejected)
    return outcome


def _joining_log_events(db: Database, store: StoreSpans, key: bytes) -> StoreSpans:
    """``store``, then join the GenAI events sent as logs before these spans (as the ingest
    worker does), redacted with the server's ``key``."""

    def store_and_join(spans: Sequence[DecodedSpan]) -> IngestOutcome:
        outcome = store(spans)
        span_log_events.attach_after_store(db, outcome.stored, key)
        return outcome

    return store_and_join


def _content_policy(settings: Settings) -> ContentPolicy:
    return server_content_policy(settings)


def writer_of(app: Any, db: Database, settings: Settings) -> GroupWriter:
    """The process's group-commit writer, started on first use."""
    with _STARTING:
        found: GroupWriter | None = getattr(app.state, "ingest_writer", None)
        if found is None:
            found = app.state.ingest_writer = GroupWriter(db, _content_policy(settings))
        return found


def ingest_pool_of(app: Any, db: Database, settings: Settings) -> IngestPool | None:
    """The process's ingest workers, started on first use; None where requests are stored in
    this process (``ingest_workers`` 0, or an in-memory SQLite that no other process sees)."""
    with _STARTING:
        if not hasattr(app.state, "ingest_pool"):
            size = settings.ingest_worker_count()
            if size and not db.shared_with_other_processes:
                size = 0
            app.state.ingest_pool = (
                IngestPool(
                    size,
                    WorkerConfig(
                        db.url,
                        _content_policy(settings),
                        settings.otlp_max_decompressed_bytes,
                        logging.getLevelName(settings.log_level.upper()),
                    ),
                )
                if size
                else None
            )
        pool: IngestPool | None = app.state.ingest_pool
        return pool


def stop_ingest(app: Any) -> None:
    """Stop the ingest workers, if any were started (the app's shutdown)."""
    with _STARTING:
        pool: IngestPool | None = getattr(app.state, "ingest_pool", None)
        if pool is not None:
            pool.close()
            del app.state.ingest_pool


_STARTING = threading.Lock()


def build_router() -> APIRouter:
    router = APIRouter(route_class=OtlpRoute, tags=["telemetry"])

    @router.post(
        "/v1/traces",
        summary="OTLP/HTTP trace export (protobuf or JSON; gzip or deflate)",
        response_class=Response,
    )
    async def export_traces(
        request: Request,
        principal: Principal = guard(TelemetryPermission.telemetry_ingest),
    ) -> Response:
        encoding = encoding_of(request)
        body = await request.body()
        units = principal.unit_ids  # a key limited to units writes only into their systems
        return await run_in_threadpool(_ingest, request, body, encoding, units)

    return router


__all__ = ["IngestMeters", "OtlpRoute", "build_router", "status_body"]
