"""Property: the protobuf and JSON encodings of the same spans decode to equal DecodedSpans."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from aitower.telemetry.otlp import BadPayload, decode_json, decode_protobuf
from support_telemetry import otlp_json_from_protobuf

NOW = datetime(2025, 6, 1, tzinfo=UTC)
START = int(NOW.timestamp()) * 10**9 - 10**12

scalars = st.one_of(
    st.text(max_size=20),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.binary(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _any_value(value: Any) -> AnyValue:
    if isinstance(value, str):
        return AnyValue(string_value=value)
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, bytes):
        return AnyValue(bytes_value=value)
    out = AnyValue()
    if isinstance(value, list):
        out.array_value.values.extend(_any_value(v) for v in value)
    else:
        out.kvlist_value.values.extend(
            KeyValue(key=k, value=_any_value(v)) for k, v in value.items()
        )
    return out


@st.composite
def spans(draw: st.DrawFn) -> tuple[Span, dict[str, Any]]:
    attributes = draw(st.dictionaries(st.text(max_size=10), values, max_size=5))
    start = START + draw(st.integers(0, 10**12))
    span = Span(
        trace_id=draw(st.binary(min_size=16, max_size=16).filter(any)),
        span_id=draw(st.binary(min_size=8, max_size=8).filter(any)),
        parent_span_id=draw(st.sampled_from([b"", b"\x01" * 8])),
        name=draw(st.text(max_size=30)),
        kind=draw(st.integers(0, 5)),
        start_time_unix_nano=start,
        end_time_unix_nano=start + draw(st.integers(0, 10**10)),
        attributes=[KeyValue(key=k, value=_any_value(v)) for k, v in attributes.items()],
    )
    span.status.code = draw(st.integers(0, 2))
    span.status.message = draw(st.text(max_size=10))
    span.events.add(name=draw(st.text(max_size=5)), time_unix_nano=start)
    return span, attributes


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(spans(), min_size=1, max_size=4))
def test_both_encodings_decode_to_the_same_spans(drawn: list[tuple[Span, dict[str, Any]]]) -> None:
    request = ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=[s for s, _ in drawn])])]
    )
    from_protobuf = decode_protobuf(request.SerializeToString(), now=NOW)
    from_json = decode_json(otlp_json_from_protobuf(request), now=NOW)
    assert from_protobuf == from_json
    assert from_protobuf.rejected == []
    assert [s.attributes for s in from_protobuf.spans] == [a for _, a in drawn]
    assert [s.span_id for s in from_protobuf.spans] == [s.span_id.hex() for s, _ in drawn]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_fail_cleanly(body: bytes) -> None:
    for decode in (decode_protobuf, decode_json):
        try:
            result = decode(body, now=NOW)
        except BadPayload:
            continue
        assert all(len(s.trace_id) == 32 for s in result.spans)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "traceId": json_values,
            "spanId": json_values,
            "attributes": json_values,
            "startTimeUnixNano": json_values,
            "events": json_values,
            "status": json_values,
        }
    )
)
def test_ill_typed_json_spans_are_rejected_not_crashing(raw_span: dict[str, Any]) -> None:
    document = {"resourceSpans": [{"scopeSpans": [{"spans": [raw_span]}]}]}
    result = decode_json(json.dumps(document).encode(), now=NOW)
    assert len(result.spans) + len(result.rejected) == 1
