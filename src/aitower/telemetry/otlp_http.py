"""The OTLP/HTTP traces endpoint, answering the way OpenTelemetry exporters expect.

``POST /v1/traces`` takes protobuf or JSON, identity/gzip/deflate, and an API key (the
exporter's ``headers`` setting: ``Authorization=Bearer atk_…`` or ``x-api-key=atk_…``). The
answer is sent only after the spans are committed. Per the OTLP specification, refused spans
are reported as partial success in a 200, and errors carry a ``google.rpc.Status`` in the
request's encoding; 429/503 carry ``Retry-After`` so the exporter backs off and retries.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Coroutine
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
from aitower.core.web.deps import get_db, get_settings, guard
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.ingest_pool import IngestPool, WorkerConfig
from aitower.telemetry.meters import IngestMeters, meters_of
from aitower.telemetry.otlp_export import ExportOutcome, OtlpRefusal, export
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.writer import GroupWriter

PROTOBUF = "application/x-protobuf"
JSON = "application/json"
RETRY_AFTER_SECONDS = 1
# google.rpc.Code values for the Status body of errors.
_GRPC_CODE = {400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 422: 3, 429: 8, 503: 14}


def _encoding_of(request: Request) -> str:
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
        encoding = _encoding_of(request)
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
    request: Request,
    body: bytes,
    encoding: str,
    slots: threading.BoundedSemaphore,
    units: frozenset[uuid.UUID] | None,
) -> Response:
    settings = get_settings(request)
    meters = meters_of(request.app)
    if not slots.acquire(timeout=settings.otlp_queue_wait_seconds):
        raise OtlpRefusal(503, "ingest is at capacity; retry later", retry=True)
    meters.inflight(+1)
    content_encoding = request.headers.get("content-encoding")
    try:
        pool = ingest_pool_of(request.app, get_db(request), settings)
        if pool is not None:
            outcome = pool.export(
                body, encoding, content_encoding, settings.otlp_queue_wait_seconds, units
            )
        else:
            writer = writer_of(request.app, get_db(request), settings)
            outcome = export(
                body,
                encoding,
                content_encoding,
                lambda spans: writer.store(spans, units),
                max_decompressed_bytes=settings.otlp_max_decompressed_bytes,
            )
    finally:
        meters.inflight(-1)
        slots.release()
    meters.count_ingest(outcome.accepted, outcome.duplicates, outcome.rejected)
    meters.count_request(200)
    return _response(outcome, encoding)


def _content_policy(settings: Settings) -> ContentPolicy:
    return ContentPolicy(settings.telemetry_store_content, settings.telemetry_max_content_chars)


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


def build_router(slots: threading.BoundedSemaphore) -> APIRouter:
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
        encoding = _encoding_of(request)
        body = await request.body()
        units = principal.unit_ids  # a key limited to units writes only into their systems
        return await run_in_threadpool(_ingest, request, body, encoding, slots, units)

    return router


__all__ = ["IngestMeters", "OtlpRoute", "build_router", "status_body"]
