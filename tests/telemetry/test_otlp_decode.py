"""OTLP decoding of bodies made by the real OpenTelemetry SDK and encoders, and of bad ones."""

from __future__ import annotations

import base64
import gzip
import json
import random
import zlib
from datetime import UTC, datetime

import pytest
from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status
from opentelemetry.trace import SpanKind, StatusCode

from aitower.telemetry.otlp import (
    BadPayload,
    DecodeLimits,
    PayloadTooLarge,
    UnsupportedEncoding,
    decode_json,
    decode_protobuf,
    decompress,
)
from support_telemetry import (
    genai_trace,
    json_body,
    otlp_json_from_protobuf,
    protobuf_body,
    record_spans,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
T0 = int(NOW.timestamp()) * 10**9 - 60 * 10**9  # a minute before NOW
TRACE = bytes(range(1, 17))
DECODERS = {
    "protobuf": lambda request, **kw: decode_protobuf(request.SerializeToString(), **kw),
    "json": lambda request, **kw: decode_json(otlp_json_from_protobuf(request), **kw),
}


def _span(number: int = 1, **fields: object) -> Span:
    values: dict[str, object] = {
        "trace_id": TRACE,
        "span_id": number.to_bytes(8, "big"),
        "name": f"span {number}",
        "start_time_unix_nano": T0,
        "end_time_unix_nano": T0 + 1_500_000,
    }
    values.update(fields)
    return Span(**values)  # type: ignore[arg-type]


def _request(*spans: Span) -> ExportTraceServiceRequest:
    return ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(scope_spans=[ScopeSpans(spans=list(spans))])]
    )


def _attr(key: str, text: str) -> KeyValue:
    return KeyValue(key=key, value=AnyValue(string_value=text))


# --- real SDK payloads --------------------------------------------------------------------------


def _sdk_spans() -> list:  # type: ignore[type-arg]
    def produce(tracer):  # type: ignore[no-untyped-def]
        with tracer.start_as_current_span("root", kind=SpanKind.SERVER) as root:
            root.set_attribute("flag", True)
            root.set_attribute("count", 7)
            root.set_attribute("ratio", 0.25)
            root.set_attribute("tags", ["a", "b"])
            root.add_event("checkpoint", {"step": 2})
            with tracer.start_as_current_span("child", kind=SpanKind.CLIENT) as child:
                child.set_status(StatusCode.ERROR, "upstream failed")

    return record_spans(produce, {"service.name": "chatbot", "aitower.system": "sys-1"})


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_sdk_spans_decode_with_every_field(encoding: str) -> None:
    sdk = _sdk_spans()
    body = protobuf_body(sdk) if encoding == "protobuf" else json_body(sdk)
    decode = decode_protobuf if encoding == "protobuf" else decode_json
    result = decode(body)
    assert result.rejected == []
    by_name = {span.name: span for span in result.spans}
    root, child = by_name["root"], by_name["child"]
    sdk_root = next(s for s in sdk if s.name == "root")
    assert root.trace_id == f"{sdk_root.context.trace_id:032x}"
    assert root.span_id == f"{sdk_root.context.span_id:016x}"
    assert root.parent_span_id is None
    assert child.parent_span_id == root.span_id
    assert child.trace_id == root.trace_id
    assert (root.start_unix_nano, root.end_unix_nano) == (sdk_root.start_time, sdk_root.end_time)
    assert root.kind == 2 and child.kind == 3
    assert (child.status_code, child.status_message) == (2, "upstream failed")
    assert root.attributes == {"flag": True, "count": 7, "ratio": 0.25, "tags": ["a", "b"]}
    assert [(e.name, e.attributes) for e in root.events] == [("checkpoint", {"step": 2})]
    assert root.resource["aitower.system"] == "sys-1"
    assert root.service_name == "chatbot"
    assert root.scope_name == "tests.telemetry"


def test_protobuf_and_json_of_a_genai_batch_decode_alike() -> None:
    rng = random.Random(3)
    sdk = record_spans(lambda tracer: [genai_trace(tracer, rng) for _ in range(8)])
    from_protobuf = decode_protobuf(protobuf_body(sdk))
    assert len(from_protobuf.spans) == 32
    assert from_protobuf == decode_json(json_body(sdk))
    chat = next(s for s in from_protobuf.spans if s.name == "chat gpt-4o")
    assert chat.attributes["gen_ai.response.finish_reasons"] == ["stop"]
    assert isinstance(chat.attributes["gen_ai.usage.input_tokens"], int)


def test_json_as_the_specification_writes_it() -> None:
    """The OTLP/JSON example shape: hex ids, int64 as strings, enum names or ints."""
    body = {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [{"key": "service.name", "value": {"stringValue": "s"}}]
                },
                "scopeSpans": [
                    {
                        "scope": {"name": "lib", "version": "1"},
                        "spans": [
                            {
                                "traceId": "5B8EFFF798038103D269B633813FC60C",
                                "spanId": "EEE19B7EC3C1B174",
                                "parentSpanId": "EEE19B7EC3C1B173",
                                "name": "I'm a server span",
                                "startTimeUnixNano": str(T0),
                                "endTimeUnixNano": T0 + 1000,
                                "kind": "SPAN_KIND_SERVER",
                                "attributes": [
                                    {"key": "n", "value": {"intValue": "9007199254740993"}},
                                    {"key": "d", "value": {"doubleValue": "NaN"}},
                                    {"key": "b", "value": {"bytesValue": "AAEC"}},
                                    {
                                        "key": "l",
                                        "value": {
                                            "kvlistValue": {
                                                "values": [
                                                    {"key": "x", "value": {"boolValue": False}}
                                                ]
                                            }
                                        },
                                    },
                                    {"key": "e", "value": {}},
                                    {"key": "future", "value": {"someNewValue": 1}},
                                ],
                                "status": {"code": 2, "message": "boom"},
                                "droppedAttributesCount": 0,
                            }
                        ],
                    }
                ],
            }
        ]
    }
    result = decode_json(json.dumps(body).encode(), now=NOW)
    [span] = result.spans
    assert span.trace_id == "5b8efff798038103d269b633813fc60c"
    assert span.parent_span_id == "eee19b7ec3c1b173"
    assert span.kind == 2 and span.status_code == 2 and span.status_message == "boom"
    attrs = span.attributes
    assert attrs["n"] == 9007199254740993  # beyond float precision: kept exact
    assert attrs["d"] != attrs["d"]  # NaN
    assert attrs["b"] == b"\x00\x01\x02"
    assert attrs["l"] == {"x": False}
    assert attrs["e"] is None and attrs["future"] is None
    assert span.service_name == "s"


def test_json_ids_in_base64_are_recognised() -> None:
    request = _request(_span(5))
    from google.protobuf import json_format

    result = decode_json(json_format.MessageToJson(request).encode(), now=NOW)
    assert [s.span_id for s in result.spans] == ["0000000000000005"]
    assert result.spans[0].trace_id == TRACE.hex()


# --- compression and size ---------------------------------------------------------------------


def test_gzip_and_both_deflate_framings_round_trip() -> None:
    body = protobuf_body(_sdk_spans())
    raw = zlib.compressobj(wbits=-15)
    raw_deflate = raw.compress(body) + raw.flush()
    assert decompress(gzip.compress(body), "gzip") == body
    assert decompress(zlib.compress(body), "deflate") == body
    assert decompress(raw_deflate, "Deflate") == body
    assert decompress(body, None) == body
    assert decompress(body, "identity") == body
    assert decompress(gzip.compress(body[:10]) + gzip.compress(body[10:]), "gzip") == body


def test_zip_bomb_is_refused_as_too_large() -> None:
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(PayloadTooLarge):
        decompress(bomb, "gzip", max_bytes=1024 * 1024)
    with pytest.raises(PayloadTooLarge):
        decompress(zlib.compress(b"\0" * 2_000_000), "deflate", max_bytes=1_000_000)
    with pytest.raises(PayloadTooLarge):
        decompress(b"x" * 101, None, max_bytes=100)
    assert decompress(gzip.compress(b"x" * 100), "gzip", max_bytes=100) == b"x" * 100


def test_broken_compression_and_unknown_encodings() -> None:
    compressed = gzip.compress(b"payload" * 100)
    with pytest.raises(BadPayload, match="truncated"):
        decompress(compressed[: len(compressed) // 2], "gzip")
    with pytest.raises(BadPayload):
        decompress(b"not gzip at all", "gzip")
    with pytest.raises(BadPayload):
        decompress(compressed + b"trailing", "gzip")
    with pytest.raises(UnsupportedEncoding):
        decompress(b"x", "br")


# --- undecodable bodies -----------------------------------------------------------------------


def test_truncated_and_garbage_protobuf_is_a_bad_payload() -> None:
    body = protobuf_body(_sdk_spans())
    for bad in (body[: len(body) - 7], b"\xff" * 64, b"\x0a\xff\xff\xff\xff\x0f"):
        with pytest.raises(BadPayload) as caught:
            decode_protobuf(bad)
        assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b'"text"',
        b'{"resourceSpans": 3}',
        b'{"resourceSpans": [{"scopeSpans": 1}]}',
        b"[" * 100_000,
    ],
)
def test_garbage_json_is_a_bad_payload(body: bytes) -> None:
    with pytest.raises(BadPayload):
        decode_json(body)


def test_empty_bodies_hold_no_spans() -> None:
    assert decode_protobuf(b"").spans == []
    assert decode_json(b"{}").spans == []


# --- per-span rejection -----------------------------------------------------------------------

REJECTIONS = [
    ({"trace_id": b"\0" * 16}, "trace id"),
    ({"trace_id": b"\1" * 15}, "trace id"),
    ({"span_id": b"\0" * 8}, "span id"),
    ({"span_id": b"\1" * 9}, "span id"),
    ({"end_time_unix_nano": T0 - 1}, "negative duration"),
    ({"start_time_unix_nano": 0, "end_time_unix_nano": 5}, "before 2000"),
    ({"end_time_unix_nano": T0 + 2 * 86_400 * 10**9}, "future"),
]


@pytest.mark.parametrize("encoding", DECODERS)
@pytest.mark.parametrize(("fields", "reason"), REJECTIONS)
def test_a_bad_span_is_rejected_alone(encoding: str, fields: dict, reason: str) -> None:  # type: ignore[type-arg]
    request = _request(_span(1), _span(2, **fields), _span(3))
    result = DECODERS[encoding](request, now=NOW)
    assert [s.name for s in result.spans] == ["span 1", "span 3"]
    [rejected] = result.rejected
    assert reason in rejected.reason


def test_a_span_ending_within_the_day_is_kept() -> None:
    ahead = _span(1, end_time_unix_nano=T0 + 23 * 3600 * 10**9)
    assert len(decode_protobuf(_request(ahead).SerializeToString(), now=NOW).spans) == 1


def test_json_span_with_wrong_types_is_rejected_alone() -> None:
    document = json.loads(otlp_json_from_protobuf(_request(_span(1), _span(2))))
    bad = document["resourceSpans"][0]["scopeSpans"][0]["spans"][1]
    bad["attributes"] = [{"key": "x", "value": {"intValue": "twelve"}}]
    result = decode_json(json.dumps(document).encode(), now=NOW)
    assert [s.name for s in result.spans] == ["span 1"]
    assert result.rejected[0].reason.startswith("malformed span")
    assert result.rejected[0].span_id == "0000000000000002"


# --- invalid UTF-8 and oversized values --------------------------------------------------------


def test_invalid_utf8_in_protobuf_keeps_every_span() -> None:
    request = _request(_span(1, attributes=[_attr("prompt", "AAAAxyz")]), _span(2))
    body = request.SerializeToString().replace(b"AAAA", b"\xff\xfe\xc3A")
    with pytest.raises(DecodeError):  # what upb does alone: refuse the whole message
        ExportTraceServiceRequest.FromString(body)
    result = decode_protobuf(body, now=NOW)
    assert [s.name for s in result.spans] == ["span 1", "span 2"]
    assert result.spans[0].attributes["prompt"] == "\ufffd\ufffd\ufffdAxyz"


def test_invalid_utf8_in_protobuf_names_and_keys() -> None:
    request = _request(_span(1, name="BBBB", attributes=[_attr("CCCC", "v")]))
    body = (
        request.SerializeToString().replace(b"BBBB", b"ok\x80!").replace(b"CCCC", b"k\xed\xa0\x80")
    )
    [span] = decode_protobuf(body, now=NOW).spans
    assert span.name == "ok\ufffd!"
    assert list(span.attributes) == ["k\ufffd\ufffd\ufffd"]


def test_invalid_utf8_and_lone_surrogates_in_json() -> None:
    body = otlp_json_from_protobuf(
        _request(_span(1, attributes=[_attr("a", "AAAA"), _attr("b", "BBBB")]))
    )
    body = body.replace(b"AAAA", b"x\xffy").replace(b"BBBB", b"\\ud800z\\ud83d\\ude00")
    [span] = decode_json(body, now=NOW).spans
    assert span.attributes["a"] == "x\ufffdy"
    assert span.attributes["b"] == "\ufffdz\U0001f600"
    span.attributes["b"].encode("utf-8")  # storable


@pytest.mark.parametrize("encoding", DECODERS)
def test_long_values_are_cut_and_attribute_counts_capped(encoding: str) -> None:
    nested = AnyValue()
    nested.array_value.values.add(string_value="y" * 50)
    nested.kvlist_value.values.add(key="deep", value=AnyValue(string_value="z" * 50))
    many = [_attr(f"k{i}", "v") for i in range(30)]
    span = _span(
        1,
        name="n" * 50,
        attributes=[_attr("long", "x" * 50), KeyValue(key="nested", value=nested), *many],
        events=[Span.Event(name=f"e{i}", time_unix_nano=T0) for i in range(12)],
        status=Status(code=2, message="m" * 50),
    )
    limits = DecodeLimits(max_value_chars=10, max_attributes=5, max_events=3)
    [decoded] = DECODERS[encoding](_request(span), now=NOW, limits=limits).spans
    assert decoded.attributes["long"] == "x" * 10
    assert decoded.attributes["nested"] == {"deep": "z" * 10}
    assert len(decoded.attributes) == 5
    assert [e.name for e in decoded.events] == ["e0", "e1", "e2"]
    assert decoded.name == "n" * 10 and decoded.status_message == "m" * 10


def test_default_limit_cuts_at_64_kib() -> None:
    span = _span(1, attributes=[_attr("prompt", "p" * 200_000)])
    [decoded] = decode_protobuf(_request(span).SerializeToString(), now=NOW).spans
    assert decoded.attributes["prompt"] == "p" * 65_536


def test_bytes_values_survive_both_encodings() -> None:
    span = _span(1, attributes=[KeyValue(key="raw", value=AnyValue(bytes_value=b"\x00\xff"))])
    for decode in DECODERS.values():
        assert decode(_request(span), now=NOW).spans[0].attributes["raw"] == b"\x00\xff"
    assert base64.b64encode(b"\x00\xff") == b"AP8="
