"""OTLP/protobuf ``ExportTraceServiceRequest`` -> ``DecodedSpan``s, on the hot path of ingest.

Parsing is upb's (the C protobuf runtime behind ``opentelemetry-proto``'s classes); the walk
over the parsed message is kept flat: one ``WhichOneof`` per attribute value, ids hexed once,
resource attributes converted once per resource and shared by its spans.

Invalid UTF-8: proto3 ``string`` fields must hold UTF-8 and upb refuses the whole message when
one does not, which would lose every valid span of the batch for one bad byte. On that error
the body is parsed again with a twin of the OTLP schema whose ``string`` fields are ``bytes``
(same wire format, so nothing else changes), the bad sequences are replaced by U+FFFD, and the
repaired message is decoded as usual. A body that the twin cannot parse either is truncated or
not OTLP, and is refused whole (``BadPayload``).
"""

from __future__ import annotations

from collections.abc import Iterable
from math import isfinite
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from aitower.telemetry.otlp_checks import (
    BadPayload,
    DecodeLimits,
    span_problem,
)
from aitower.telemetry.records import (
    Attributes,
    AttrValue,
    DecodedSpan,
    DecodeResult,
    RejectedSpan,
    SpanEvent,
)

_Request = trace_service_pb2.ExportTraceServiceRequest
_NO_PARENT = bytes(8)


def decode_request(body: bytes, latest: int, limits: DecodeLimits) -> DecodeResult:
    """Decode a serialized request; spans ending after ``latest`` (Unix ns) are refused."""
    try:
        request = _Request.FromString(body)
    except DecodeError:
        request = _repaired_request(body)
    return _walk(request, latest, limits)


def _walk(request: Any, latest: int, limits: DecodeLimits) -> DecodeResult:
    spans: list[DecodedSpan] = []
    rejected: list[RejectedSpan] = []
    odd: list[float] = []  # the non-finite doubles met (``storable``)
    limit = limits.max_value_chars
    for resource_spans in request.resource_spans:
        resource = _attributes(resource_spans.resource.attributes, limits, odd)
        for scope_spans in resource_spans.scope_spans:
            scope_name = scope_spans.scope.name
            for span in scope_spans.spans:
                trace_id = span.trace_id
                span_id = span.span_id
                start = span.start_time_unix_nano
                end = span.end_time_unix_nano
                problem = span_problem(trace_id, span_id, start, end, latest)
                if problem is not None:
                    rejected.append(RejectedSpan(trace_id.hex(), span_id.hex(), problem))
                    continue
                parent = span.parent_span_id
                status = span.status
                name = span.name
                message = status.message
                spans.append(
                    DecodedSpan(
                        resource,
                        scope_name,
                        trace_id.hex(),
                        span_id.hex(),
                        parent.hex() if len(parent) == 8 and parent != _NO_PARENT else None,
                        name if len(name) <= limit else name[:limit],
                        span.kind,
                        start,
                        end,
                        status.code,
                        message if len(message) <= limit else message[:limit],
                        _attributes(span.attributes, limits, odd),
                        _events(span.events, limits, odd) if span.events else [],
                    )
                )
    # An int64 always fits the store: only a NaN or an infinity needs ``make_storable``.
    return DecodeResult(spans, rejected, storable=not odd)


def _attributes(key_values: Any, limits: DecodeLimits, odd: list[float]) -> Attributes:
    limit = limits.max_value_chars
    if len(key_values) > limits.max_attributes:
        key_values = key_values[: limits.max_attributes]
    out: Attributes = {}
    for kv in key_values:
        value = kv.value
        # Most attributes are non-empty strings: reading the string first spares them the
        # WhichOneof call (measured: a third of the walk), and "" falls through to it.
        text = value.string_value
        if text:
            out[kv.key] = text if len(text) <= limit else text[:limit]
        else:
            out[kv.key] = _value(value, value.WhichOneof("value"), limit, odd)
    return out


def _value(value: Any, which: str | None, limit: int, odd: list[float]) -> AttrValue:
    if which == "string_value":
        text: str = value.string_value
        return text if len(text) <= limit else text[:limit]
    if which is None:
        return None
    if which == "array_value":
        return [_value(v, v.WhichOneof("value"), limit, odd) for v in value.array_value.values]
    if which == "kvlist_value":
        return {
            kv.key: _value(kv.value, kv.value.WhichOneof("value"), limit, odd)
            for kv in value.kvlist_value.values
        }
    if which == "bytes_value":
        data: bytes = value.bytes_value
        return data if len(data) <= limit else data[:limit]
    scalar: bool | int | float = getattr(value, which)
    if which == "double_value" and not isfinite(scalar):
        odd.append(scalar)
    return scalar


def attributes_of(key_values: Any, limits: DecodeLimits) -> Attributes:
    """OTLP ``KeyValue``s as a dict, with the limits of span attributes (logs read these)."""
    return _attributes(key_values, limits, [])


def value_of(value: Any, limit: int) -> AttrValue:
    """One OTLP ``AnyValue`` (a log record's body, say) as Python sees it."""
    return _value(value, value.WhichOneof("value"), limit, [])


def _events(events: Any, limits: DecodeLimits, odd: list[float]) -> list[SpanEvent]:
    if len(events) > limits.max_events:
        events = events[: limits.max_events]
    return [
        SpanEvent(event.name, event.time_unix_nano, _attributes(event.attributes, limits, odd))
        for event in events
    ]


# --- The permissive twin schema, for bodies with invalid UTF-8 ------------------------------

_SCHEMA_FILES = (common_pb2, resource_pb2, trace_pb2, trace_service_pb2)


def _twin_request_class() -> tuple[type[Message], frozenset[str]]:
    """``ExportTraceServiceRequest`` with every ``string`` field declared ``bytes``.

    Returns the class and the full names of the fields so changed. The twin lives in its own
    descriptor pool, so it does not clash with the real schema.
    """
    pool = descriptor_pool.DescriptorPool()
    loosened: set[str] = set()
    for module in _SCHEMA_FILES:
        proto = descriptor_pb2.FileDescriptorProto.FromString(module.DESCRIPTOR.serialized_pb)
        _loosen(proto.package, proto.message_type, loosened)
        pool.Add(proto)
    descriptor = pool.FindMessageTypeByName(_Request.DESCRIPTOR.full_name)
    return message_factory.GetMessageClass(descriptor), frozenset(loosened)


def _loosen(prefix: str, messages: Iterable[Any], loosened: set[str]) -> None:
    for message in messages:
        full_name = f"{prefix}.{message.name}"
        for field in message.field:
            if field.type == descriptor_pb2.FieldDescriptorProto.TYPE_STRING:
                field.type = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
                loosened.add(f"{full_name}.{field.name}")
        _loosen(full_name, message.nested_type, loosened)


_twin: tuple[type[Message], frozenset[str]] | None = None


def _repaired_request(body: bytes) -> Any:
    """Parse with the twin schema, replace invalid UTF-8, re-parse with the real one."""
    global _twin  # built once, on the first body that needs it
    if _twin is None:
        _twin = _twin_request_class()
    twin_class, loosened = _twin
    try:
        twin = twin_class.FromString(body)
    except DecodeError as exc:
        raise BadPayload(
            "body is not a protobuf ExportTraceServiceRequest (truncated or not OTLP)"
        ) from exc
    _repair(twin, loosened)
    try:
        return _Request.FromString(twin.SerializeToString())
    except DecodeError as exc:  # pragma: no cover - the repair leaves only valid UTF-8
        raise BadPayload("body holds text that cannot be repaired") from exc


def _repair(message: Any, loosened: frozenset[str]) -> None:
    for field, value in message.ListFields():
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            for item in value if field.is_repeated else (value,):
                _repair(item, loosened)
        elif field.full_name in loosened:
            if field.is_repeated:
                value[:] = [_valid_utf8(item) for item in value]
            else:
                setattr(message, field.name, _valid_utf8(value))


def _valid_utf8(data: bytes) -> bytes:
    return data.decode("utf-8", "replace").encode("utf-8")
