"""The OTLP/gRPC endpoint (port 4317 by default): traces, logs and metrics, as exporters expect.

The OpenTelemetry SDKs and the Collector export over gRPC unless told otherwise, so a server
that speaks only OTLP/HTTP loses the spans of every application set up with defaults. This
server answers the three OTLP services with the same rules as the HTTP routes:

* authentication: the API key in the ``authorization: Bearer atk_…`` or ``x-api-key`` metadata
  (what ``OTEL_EXPORTER_OTLP_HEADERS`` sets), and the permission ``telemetry.ingest``;
* limits: messages above ``otlp_max_body_bytes`` are refused by gRPC itself
  (RESOURCE_EXHAUSTED); requests share the process's ``otlp_max_in_flight`` slots with HTTP;
* durability: a trace request goes through ``otlp_http.store_export`` (the ingest workers or
  the group-commit writer), and the answer is sent only after the commit;
* errors, mapped to gRPC codes as the OTLP specification says: retryable ones are UNAVAILABLE
  (or RESOURCE_EXHAUSTED for a rate limit) with a ``google.rpc.RetryInfo``; a body that cannot
  be decoded is INVALID_ARGUMENT; UNAUTHENTICATED and PERMISSION_DENIED for keys; refused spans
  are a partial success in the response.

The request's bytes reach the decoder as received (no deserializer here): the same decoder as
HTTP then reads them, which repairs invalid UTF-8 instead of refusing the whole message as the
generated deserializer would. The services are the generated servicers of
``opentelemetry-proto``, registered with that one change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent import futures
from typing import Any

import grpc
from google.protobuf.duration_pb2 import Duration
from google.rpc import code_pb2, error_details_pb2, status_pb2
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2, metrics_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from aitower.core.access.apikeys import REFUSED_KEY, resolve_api_key, touch_api_key
from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry import otlp_http, otlp_logs, otlp_metrics
from aitower.telemetry.meters import meters_of
from aitower.telemetry.otlp_export import ExportOutcome, OtlpRefusal
from aitower.telemetry.permissions import TelemetryPermission

log = logging.getLogger("aitower.telemetry")
RETRY_AFTER_SECONDS = 1
Handler = Callable[[Any, bytes, Principal], bytes]

# HTTP status of a refusal -> gRPC code (OTLP spec, "OTLP/gRPC Throttling" and "Failures").
_CODES = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,  # without RetryInfo: not retryable
    415: grpc.StatusCode.INVALID_ARGUMENT,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,  # with RetryInfo: retryable
    503: grpc.StatusCode.UNAVAILABLE,
}


def _presented_key(metadata: Sequence[tuple[str, str | bytes]]) -> str | None:
    values = {key.lower(): value for key, value in metadata if isinstance(value, str)}
    scheme, _, token = values.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return values.get("x-api-key") or None


def authenticate(db: Database, metadata: Sequence[tuple[str, str | bytes]]) -> Principal:
    """The principal of the request's API key, allowed to ingest; else ``OtlpRefusal``."""
    key = _presented_key(metadata)
    if key is None:
        raise OtlpRefusal(401, "send an API key as 'authorization: Bearer' or 'x-api-key'")
    with db.reading() as session:
        found = resolve_api_key(session, key)
    if found is None:
        raise OtlpRefusal(401, REFUSED_KEY)
    principal, stale = found
    if stale and principal.id is not None:
        with db.writing() as session:
            touch_api_key(session, principal.id)
    if not principal.can(TelemetryPermission.telemetry_ingest):
        raise OtlpRefusal(
            403,
            f"your role ({principal.role.value}) does not allow "
            f"{TelemetryPermission.telemetry_ingest.value}",
        )
    return principal


def _abort(context: grpc.ServicerContext, refusal: OtlpRefusal) -> None:
    """End the call with the refusal's gRPC code; a retryable one carries RetryInfo both where
    the OTLP specification puts it (the status details) and where the Python SDK reads it."""
    code = _CODES.get(refusal.status, grpc.StatusCode.INTERNAL)
    message = refusal.message[:1000]
    if refusal.retry:
        retry = error_details_pb2.RetryInfo(retry_delay=Duration(seconds=RETRY_AFTER_SECONDS))
        status = status_pb2.Status(code=getattr(code_pb2, code.name), message=message)
        status.details.add().Pack(retry)
        context.set_trailing_metadata(
            (
                ("grpc-status-details-bin", status.SerializeToString()),
                ("google.rpc.retryinfo-bin", retry.SerializeToString()),
            )
        )
    context.abort(code, message)


def _traces(app: Any, body: bytes, principal: Principal) -> bytes:
    outcome: ExportOutcome = otlp_http.store_export(app, body, "protobuf", None, principal.unit_ids)
    response = trace_service_pb2.ExportTraceServiceResponse()
    if outcome.rejected:
        response.partial_success.rejected_spans = outcome.rejected
        response.partial_success.error_message = outcome.rejected_reasons
    return response.SerializeToString()


def _logs(app: Any, body: bytes, _principal: Principal) -> bytes:
    with otlp_http.in_flight(app):
        result = otlp_logs.store_logs(app, body, "protobuf", None)
    return otlp_logs.protobuf_response(result)


def _metrics(app: Any, body: bytes, _principal: Principal) -> bytes:
    result = otlp_metrics.count_metrics(app, body, "protobuf", None)
    return otlp_metrics.protobuf_response(result)


def _unary(app: Any, handle: Handler) -> grpc.RpcMethodHandler[bytes, bytes]:
    def call(body: bytes, context: grpc.ServicerContext) -> bytes:
        meters = meters_of(app)
        try:
            principal = authenticate(app.state.db, context.invocation_metadata())
            answer = handle(app, body, principal)
        except OtlpRefusal as refusal:
            meters.count_grpc(_CODES.get(refusal.status, grpc.StatusCode.INTERNAL).name)
            _abort(context, refusal)
            raise  # pragma: no cover - abort raises
        except Exception:
            log.exception("OTLP/gRPC export failed")
            meters.count_grpc("UNAVAILABLE")
            _abort(context, OtlpRefusal(503, "ingest failed; retry", retry=True))
            raise  # pragma: no cover - abort raises
        meters.count_grpc("OK")
        return answer

    # No deserializer: the handler gets the bytes as received (see the module's docstring).
    return grpc.unary_unary_rpc_method_handler(call)


def _service(servicer: type, schema: Any, app: Any, handle: Handler) -> grpc.GenericRpcHandler:
    """The generated ``servicer``'s one method (``Export``), under the service's full name in
    its schema (``opentelemetry.proto.collector.trace.v1.TraceService``), served by
    ``handle``."""
    name = servicer.__name__.removesuffix("Servicer")
    service = schema.DESCRIPTOR.services_by_name[name]
    methods = {m.name: _unary(app, handle) for m in service.methods}
    assert set(methods) == {"Export"} and callable(servicer.Export)  # type: ignore[attr-defined]
    return grpc.method_handlers_generic_handler(service.full_name, methods)


SERVICES = (
    (trace_service_pb2_grpc.TraceServiceServicer, trace_service_pb2, _traces),
    (logs_service_pb2_grpc.LogsServiceServicer, logs_service_pb2, _logs),
    (metrics_service_pb2_grpc.MetricsServiceServicer, metrics_service_pb2, _metrics),
)


def start(app: Any) -> None:
    """Start the gRPC endpoint on ``otlp_grpc_port`` (nothing when it is 0); the app's startup.

    Refuses to start when the port is taken, unless ``otlp_grpc_reuse_port`` lets the
    processes of one multi-worker server share it."""
    settings: Settings = app.state.settings
    if not settings.otlp_grpc_port:
        return
    workers = settings.otlp_max_in_flight * 2 + 2
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="aitower-otlp-grpc"),
        options=[
            ("grpc.max_receive_message_length", settings.otlp_max_body_bytes),
            ("grpc.so_reuseport", 1 if settings.otlp_grpc_reuse_port else 0),
        ],
    )
    server.add_generic_rpc_handlers(
        tuple(_service(servicer, schema, app, handle) for servicer, schema, handle in SERVICES)
    )
    address = f"{settings.host}:{settings.otlp_grpc_port}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as exc:
        raise RuntimeError(f"OTLP/gRPC cannot listen on {address}: {exc}") from exc
    if not bound:
        raise RuntimeError(f"OTLP/gRPC cannot listen on {address} (AITOWER_OTLP_GRPC_PORT)")
    server.start()
    app.state.otlp_grpc = server
    log.info("OTLP/gRPC listening on %s", address)


def stop(app: Any) -> None:
    """Stop the gRPC endpoint, letting calls in progress finish (the app's shutdown)."""
    server: grpc.Server | None = getattr(app.state, "otlp_grpc", None)
    if server is not None:
        server.stop(grace=5).wait()
        del app.state.otlp_grpc
