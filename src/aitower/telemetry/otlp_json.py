"""OTLP/JSON ``ExportTraceServiceRequest`` -> ``DecodedSpan``s.

Follows the OTLP/JSON mapping of the OTLP specification (1.x, "JSON Protobuf Encoding"):
lowerCamelCase keys, trace and span ids as hex strings, 64-bit integers as decimal strings or
numbers, enums as integers (their names are accepted too), ``AnyValue`` as an object with one
of ``stringValue``, ``boolValue``, ``intValue``, ``doubleValue``, ``arrayValue``,
``kvlistValue`` or ``bytesValue`` (base64). Unknown keys are ignored, as the specification
asks of receivers. Ids in base64 (what a generic protobuf-to-JSON printer writes, against the
specification) are recognised by their length and accepted.

Text that is not valid UTF-8 is decoded with replacement characters, and so are lone UTF-16
surrogates written as ``\\ud800`` escapes, rather than refusing the whole body. A span whose
fields have the wrong JSON types is refused alone, with the reason.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from aitower.telemetry.otlp_checks import BadPayload, DecodeLimits, span_problem
from aitower.telemetry.records import (
    Attributes,
    AttrValue,
    DecodedSpan,
    DecodeResult,
    RejectedSpan,
    SpanEvent,
)

_SPAN_KINDS = {
    "SPAN_KIND_UNSPECIFIED": 0,
    "SPAN_KIND_INTERNAL": 1,
    "SPAN_KIND_SERVER": 2,
    "SPAN_KIND_CLIENT": 3,
    "SPAN_KIND_PRODUCER": 4,
    "SPAN_KIND_CONSUMER": 5,
}
_STATUS_CODES = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}
_SPAN_ERRORS = (ValueError, TypeError, AttributeError, KeyError, binascii.Error)


def decode_request(body: bytes, latest: int, limits: DecodeLimits) -> DecodeResult:
    """Decode a JSON request body; spans ending after ``latest`` (Unix ns) are refused."""
    text = body.decode("utf-8", "replace")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BadPayload(f"body is not JSON: {_first_line(exc)}") from exc
    if "\\ud" in text or "\\uD" in text:
        document = _without_lone_surrogates(document)
    if not isinstance(document, dict):
        raise BadPayload("body is not a JSON object (ExportTraceServiceRequest)")
    try:
        return _walk(document, latest, limits)
    except RecursionError as exc:
        raise BadPayload("attribute values nest too deeply") from exc


def _walk(document: dict[str, Any], latest: int, limits: DecodeLimits) -> DecodeResult:
    spans: list[DecodedSpan] = []
    rejected: list[RejectedSpan] = []
    for resource_spans in _list(document, "resourceSpans"):
        try:
            resource = _attributes(resource_spans.get("resource") or {}, limits)
            scopes = _list(resource_spans, "scopeSpans")
        except _SPAN_ERRORS as exc:
            raise BadPayload(f"malformed resourceSpans: {_first_line(exc)}") from exc
        for scope_spans in scopes:
            if not isinstance(scope_spans, dict):
                raise BadPayload("malformed scopeSpans: not an object")
            scope_name = (scope_spans.get("scope") or {}).get("name") or ""
            for raw in _list(scope_spans, "spans"):
                try:
                    _span(raw, resource, str(scope_name), latest, limits, spans, rejected)
                except _SPAN_ERRORS as exc:
                    rejected.append(_malformed(raw, exc))
    return DecodeResult(spans, rejected)


def _span(
    raw: dict[str, Any],
    resource: Attributes,
    scope_name: str,
    latest: int,
    limits: DecodeLimits,
    spans: list[DecodedSpan],
    rejected: list[RejectedSpan],
) -> None:
    trace_id = _id(raw.get("traceId"), 16)
    span_id = _id(raw.get("spanId"), 8)
    start = int(raw.get("startTimeUnixNano") or 0)
    end = int(raw.get("endTimeUnixNano") or 0)
    problem = span_problem(trace_id, span_id, start, end, latest)
    if problem is not None:
        rejected.append(RejectedSpan(trace_id.hex(), span_id.hex(), problem))
        return
    parent = _id(raw.get("parentSpanId"), 8)
    status = raw.get("status") or {}
    limit = limits.max_value_chars
    name = _text(raw.get("name") or "", limit)
    events = raw.get("events")
    spans.append(
        DecodedSpan(
            resource,
            scope_name,
            trace_id.hex(),
            span_id.hex(),
            parent.hex() if len(parent) == 8 and any(parent) else None,
            name,
            _enum(raw.get("kind"), _SPAN_KINDS),
            start,
            end,
            _enum(status.get("code"), _STATUS_CODES),
            _text(status.get("message") or "", limit),
            _attributes(raw, limits),
            _events(events, limits) if events else [],
        )
    )


def _attributes(holder: dict[str, Any], limits: DecodeLimits) -> Attributes:
    key_values = holder.get("attributes")
    if not key_values:
        return {}
    if len(key_values) > limits.max_attributes:
        key_values = key_values[: limits.max_attributes]
    limit = limits.max_value_chars
    out: Attributes = {}
    for kv in key_values:
        value = kv.get("value")
        text = value.get("stringValue") if value else None
        if type(text) is str:
            out[kv.get("key", "")] = text if len(text) <= limit else text[:limit]
        else:
            out[kv.get("key", "")] = _value(value, limit)
    return out


def _value(value: dict[str, Any] | None, limit: int) -> AttrValue:
    if not value:
        return None
    for kind, inner in value.items():
        if kind == "stringValue":
            return _text(inner, limit)
        if kind == "intValue":
            return _int(inner)
        if kind == "boolValue":
            if type(inner) is not bool:
                raise TypeError("boolValue must be true or false")
            return inner
        if kind == "doubleValue":
            return float(inner)
        if kind == "arrayValue":
            return [_value(v, limit) for v in inner.get("values") or ()]
        if kind == "kvlistValue":
            return {
                kv.get("key", ""): _value(kv.get("value"), limit)
                for kv in inner.get("values") or ()
            }
        if kind == "bytesValue":
            data = _base64(inner)
            return data if len(data) <= limit else data[:limit]
    return None  # only unknown keys: a newer AnyValue variant, ignored as the spec asks


def _events(events: list[dict[str, Any]], limits: DecodeLimits) -> list[SpanEvent]:
    if len(events) > limits.max_events:
        events = events[: limits.max_events]
    return [
        SpanEvent(
            _text(event.get("name") or "", limits.max_value_chars),
            int(event.get("timeUnixNano") or 0),
            _attributes(event, limits),
        )
        for event in events
    ]


def _id(value: object, size: int) -> bytes:
    if not value:
        return b""
    if not isinstance(value, str):
        raise TypeError("ids must be hex strings")
    if len(value) == 2 * size:
        return bytes.fromhex(value)
    return _base64(value)


def _base64(value: object) -> bytes:
    if not isinstance(value, str):
        raise TypeError("bytes must be base64 strings")
    # The protobuf JSON mapping accepts standard and URL-safe alphabets, padded or not.
    standard = value.replace("-", "+").replace("_", "/")
    return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)


def _int(value: object) -> int:
    if type(value) is int:
        return value
    if isinstance(value, str) or (isinstance(value, float) and value.is_integer()):
        return int(value)
    raise TypeError("intValue must be an integer or a decimal string")


def _enum(value: object, names: dict[str, int]) -> int:
    if value is None:
        return 0
    if type(value) is int:
        return value
    if isinstance(value, str):
        return names[value] if value in names else int(value)
    raise TypeError("enums must be integers")


def _text(value: object, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value if len(value) <= limit else value[:limit]


def _list(holder: object, key: str) -> list[Any]:
    if not isinstance(holder, dict):
        raise BadPayload(f"malformed request: the parent of {key} is not an object")
    items = holder.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise BadPayload(f"malformed request: {key} is not a list")
    return items


def _malformed(raw: object, exc: Exception) -> RejectedSpan:
    trace_id = span_id = ""
    if isinstance(raw, dict):
        trace_id = str(raw.get("traceId") or "")[:32]
        span_id = str(raw.get("spanId") or "")[:16]
    return RejectedSpan(trace_id, span_id, f"malformed span: {_first_line(exc)}")


def _without_lone_surrogates(node: Any) -> Any:
    """The document with every unpaired surrogate replaced by U+FFFD (it cannot be stored)."""
    if isinstance(node, str):
        return node.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    if isinstance(node, list):
        return [_without_lone_surrogates(item) for item in node]
    if isinstance(node, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in node.items()}
    return node


def _first_line(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
