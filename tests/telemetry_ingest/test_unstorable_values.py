"""A value the store cannot hold is kept as text with a note; the rest of the request is stored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.settings import Settings
from aitower.telemetry.tables import SpanRow
from support import make_key, seed_units
from support_otlp import sdk_traces
from support_telemetry import json_body


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
