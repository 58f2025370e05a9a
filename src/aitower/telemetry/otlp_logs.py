"""OTLP logs (HTTP ``/v1/logs`` and gRPC): GenAI events kept on their spans, the rest counted.

Instrumentations such as ``opentelemetry-instrumentation-openai-v2`` send the messages of a
call as events, i.e. log records named by ``LogRecord.event_name`` (or, before that field, the
``event.name`` attribute): ``gen_ai.system.message``, ``gen_ai.user.message``,
``gen_ai.assistant.message``, ``gen_ai.tool.message``, ``gen_ai.choice`` (GenAI conventions
v1.27-v1.36) and ``gen_ai.client.inference.operation.details`` (from v1.37). Those that name a
span (trace and span id) join its content (``span_log_events``), whichever arrives first.

Every other log record has no meaning here: it is acknowledged, so exporters do not log an
error at every interval, and counted on ``/metrics``
(``aitower_otlp_log_records_total{outcome="dropped"}``), as are GenAI events that name no span
(``outcome="no_span"``).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2
from sqlalchemy.exc import DBAPIError, OperationalError

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry import otlp, span_log_events, store
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.meters import meters_of
from aitower.telemetry.otlp_checks import DEFAULT_LIMITS
from aitower.telemetry.otlp_export import OtlpRefusal
from aitower.telemetry.otlp_protobuf import attributes_of, value_of
from aitower.telemetry.redaction_key import server_content_policy
from aitower.telemetry.span_log_events import LogEvent

GENAI_LOG_EVENTS = frozenset(
    {
        "gen_ai.system.message",
        "gen_ai.user.message",
        "gen_ai.assistant.message",
        "gen_ai.tool.message",
        "gen_ai.choice",
        "gen_ai.client.inference.operation.details",
    }
)
log = logging.getLogger("aitower.telemetry")


@dataclass(frozen=True, slots=True)
class Decoded:
    events: list[LogEvent]  # GenAI events that name their span
    dropped: int  # log records without GenAI meaning
    no_span: int  # GenAI events that name no span


@dataclass(frozen=True, slots=True)
class LogsOutcome:
    kept: int
    dropped: int
    no_span: int


@contextmanager
def refusing() -> Iterator[None]:
    """Decoding and storing errors as the ``OtlpRefusal`` the exporter understands (as for
    traces: 400 not retryable, 413, 415, 503 retryable)."""
    try:
        yield
    except otlp.BadPayload as exc:
        raise OtlpRefusal(400, str(exc)) from exc
    except otlp.PayloadTooLarge as exc:
        raise OtlpRefusal(413, str(exc)) from exc
    except otlp.UnsupportedEncoding as exc:
        raise OtlpRefusal(415, str(exc)) from exc
    except OperationalError as exc:
        log.warning("log ingest deferred: %s", exc.orig)
        raise OtlpRefusal(503, "the store is busy; retry later", retry=True) from exc
    except DBAPIError as exc:
        log.warning("log ingest refused: %s", exc.orig)
        raise OtlpRefusal(400, f"the store refused these log records: {exc.orig}"[:500]) from exc


def _hex_ids_as_base64(document: Any) -> Any:
    """OTLP/JSON writes trace and span ids in hex where the protobuf JSON mapping expects
    base64: convert them, so that the standard parser reads the rest."""
    for resource_logs in document.get("resourceLogs") or ():
        for scope_logs in resource_logs.get("scopeLogs") or ():
            for record in scope_logs.get("logRecords") or ():
                for field in ("traceId", "spanId"):
                    value = record.get(field)
                    if isinstance(value, str) and value:
                        record[field] = base64.b64encode(bytes.fromhex(value)).decode()
    return document


def parse_request(raw: bytes, encoding: str) -> Any:
    """An ``ExportLogsServiceRequest`` from protobuf or OTLP/JSON bytes; ``BadPayload`` else."""
    request = logs_service_pb2.ExportLogsServiceRequest()
    try:
        if encoding == "json":
            document = json.loads(raw.decode("utf-8", "replace"))
            if not isinstance(document, dict):
                raise otlp.BadPayload("body is not a JSON object (ExportLogsServiceRequest)")
            json_format.ParseDict(_hex_ids_as_base64(document), request, True)
        else:
            request.ParseFromString(raw)
    except (DecodeError, json_format.ParseError, ValueError, AttributeError, TypeError) as exc:
        if isinstance(exc, otlp.BadPayload):
            raise
        first = (str(exc) or type(exc).__name__).splitlines()[0][:200]
        raise otlp.BadPayload(f"body is not an OTLP logs request: {first}") from exc
    return request


def decode(request: Any) -> Decoded:
    """The GenAI events of a parsed request, and how many records were left out."""
    events: list[LogEvent] = []
    dropped = no_span = 0
    for resource_logs in request.resource_logs:
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                attributes = attributes_of(record.attributes, DEFAULT_LIMITS)
                name = record.event_name or attributes.get("event.name")
                if name not in GENAI_LOG_EVENTS:
                    dropped += 1
                    continue
                trace_id, span_id = record.trace_id, record.span_id
                if not _names_a_span(trace_id, span_id):
                    no_span += 1
                    continue
                attributes.pop("event.name", None)
                attributes.update(_body_fields(record))
                time = record.time_unix_nano or record.observed_time_unix_nano
                events.append(LogEvent(trace_id.hex(), span_id.hex(), str(name), time, attributes))
    return Decoded(events, dropped, no_span)


def _names_a_span(trace_id: bytes, span_id: bytes) -> bool:
    """Both ids present, of their sizes, and not all zero (what OTLP means by "none")."""
    return len(trace_id) == 16 and len(span_id) == 8 and any(trace_id) and any(span_id)


def _body_fields(record: Any) -> dict[str, Any]:
    """The body of an event is its payload: a map's fields become attributes (``content``,
    ``role``, ``message``, ``finish_reason`` …), as the span-event form of v1.27 wrote them;
    any other value is the ``content``."""
    if not record.HasField("body"):
        return {}
    body = value_of(record.body, DEFAULT_LIMITS.max_value_chars)
    if isinstance(body, dict):
        return body
    return {} if body is None else {"content": body}


def store_logs(app: Any, body: bytes, encoding: str, content_encoding: str | None) -> LogsOutcome:
    """Decode a logs export request and keep its GenAI events on their spans, after the
    commit; counts what was dropped. Raises ``OtlpRefusal`` as trace requests do."""
    settings: Settings = app.state.settings
    db: Database = app.state.db
    with refusing():
        raw = otlp.decompress(
            body, content_encoding, max_bytes=settings.otlp_max_decompressed_bytes
        )
        decoded = decode(parse_request(raw, encoding))
        if decoded.events:
            default = server_content_policy(settings)
            _keep(db, decoded.events, default)
    meters_of(app).count_logs(len(decoded.events), decoded.dropped, decoded.no_span)
    return LogsOutcome(len(decoded.events), decoded.dropped, decoded.no_span)


def _keep(db: Database, events: list[LogEvent], default: ContentPolicy) -> None:
    """One write transaction under the ingest lock: hold the events, then join those whose
    span is already stored (see ``span_log_events`` for why this order has no race)."""
    with db.writing() as session:
        store.lock_for_ingest(session)
        span_log_events.hold(session, events, default, utcnow())
        keys = {(e.trace_id, e.span_id) for e in events}
        span_log_events.attach_waiting(session, keys, default.key)


def protobuf_response(_outcome: LogsOutcome) -> bytes:
    """An empty ``ExportLogsServiceResponse``: records without GenAI meaning are dropped by
    design, not refused, so no partial success that exporters would report."""
    return logs_service_pb2.ExportLogsServiceResponse().SerializeToString()
