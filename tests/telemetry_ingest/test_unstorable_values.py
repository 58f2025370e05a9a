"""A value the store cannot hold is kept as text with a note; the rest of the request is stored."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry import otlp
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.storable import make_storable
from aitower.telemetry.tables import SpanRow
from support import make_key, seed_units
from support_otlp import sdk_traces
from support_telemetry import json_body, protobuf_body


@pytest.fixture(params=[0, 2], ids=["in-process", "2-workers"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The same answer whether the server stores the request itself or its workers do."""
    return settings.model_copy(update={"ingest_workers": request.param})


HUGE = 123456789012345678901234567890  # beyond 64 bits: OTLP/JSON carries it as a decimal string


def _with_values(body: bytes) -> tuple[bytes, str]:
    """The request with unstorable values added to its first span (attributes and an event)."""
    document: dict[str, Any] = json.loads(body)
    first = document["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
    first["attributes"] += [
        {"key": "app.request_number", "value": {"intValue": str(HUGE)}},
        {"key": "app.score", "value": {"doubleValue": "NaN"}},
        {"key": "app.limits", "value": {"arrayValue": {"values": [{"doubleValue": "Infinity"}]}}},
    ]
    first.setdefault("events", []).append(
        {
            "name": "app.checkpoint",
            "timeUnixNano": first["startTimeUnixNano"],
            "attributes": [{"key": "app.counter", "value": {"intValue": str(-HUGE)}}],
        }
    )
    return json.dumps(document).encode(), first["spanId"]


def test_an_over_long_integer_and_nan_are_kept_as_text_and_the_rest_is_stored(
    client: TestClient, db: Database
) -> None:
    seed_units(db)
    body, span_id = _with_values(json_body(sdk_traces(3)))
    headers = {"authorization": f"Bearer {make_key(db, Role.engineer)}"}
    answer = client.post(
        "/v1/traces", content=body, headers={**headers, "content-type": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    partial = answer.json().get("partialSuccess", {})
    assert int(partial.get("rejectedSpans", 0)) == 0
    assert "kept as text" in partial["errorMessage"] and span_id in partial["errorMessage"]
    with db.reading() as session:
        rows = {r.span_id: r for r in session.execute(select(SpanRow)).scalars()}
    assert len(rows) == 9  # every span of the request, the one with odd values included
    odd = rows[span_id]
    assert odd.attributes["app.request_number"] == str(HUGE)
    assert odd.attributes["app.score"] == "NaN"
    assert odd.attributes["app.limits"] == ["Infinity"]
    assert odd.events is not None
    assert odd.events[0]["attributes"]["app.counter"] == str(-HUGE)


def _protobuf_with(where: str, value: float) -> bytes:
    """An SDK request with ``value`` as a double in one place: a span attribute, an array, the
    resource or an event."""
    request = ExportTraceServiceRequest.FromString(protobuf_body(sdk_traces(1)))
    resource_spans = request.resource_spans[0]
    span = resource_spans.scope_spans[0].spans[0]
    if where == "attribute":
        span.attributes.add(key="app.score").value.double_value = value
    elif where == "array":
        values = span.attributes.add(key="app.limits").value.array_value.values
        values.add().double_value = value
    elif where == "resource":
        resource_spans.resource.attributes.add(key="app.score").value.double_value = value
    else:
        event = span.events.add(name="app.checkpoint", time_unix_nano=span.start_time_unix_nano)
        event.attributes.add(key="app.score").value.double_value = value
    return request.SerializeToString()


@pytest.mark.parametrize("where", ["attribute", "array", "resource", "event"])
def test_a_protobuf_nan_or_infinity_is_found_wherever_it_sits(where: str) -> None:
    """The protobuf decoder says when a request holds only storable values (its integers are
    64-bit), and ``make_storable`` then has nothing to look at; a NaN or an infinity anywhere
    is still found and kept as text."""
    plain = otlp.decode_protobuf(_protobuf_with(where, 0.5))
    assert plain.storable and make_storable(plain) == []
    for odd, text in ((math.nan, "NaN"), (-math.inf, "-Infinity")):
        result = otlp.decode_protobuf(_protobuf_with(where, odd))
        assert not result.storable
        notes = make_storable(result)
        assert len(notes) == (3 if where == "resource" else 1)  # the resource's spans share it
        assert "kept as text" in notes[0] and "not a finite number" in notes[0]
        assert _kept(result.spans[0], where) == text


def _kept(span: DecodedSpan, where: str) -> object:
    if where == "attribute":
        return span.attributes["app.score"]
    if where == "array":
        return span.attributes["app.limits"][0]  # type: ignore[index]
    if where == "resource":
        return span.resource["app.score"]
    return span.events[0].attributes["app.score"]
