"""The official openai client, instrumented by OpenTelemetry, against a loopback server."""

from __future__ import annotations

import math

import openai
from fastapi.testclient import TestClient
from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.telemetry.tables import SpanRow
from support import make_key, seed_units
from support_telemetry import protobuf_body


def test_instrumented_openai_calls_are_recorded_with_model_tokens_and_cost(
    client: TestClient, db: Database, fake_openai: str
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "support-bot"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrumentor = OpenAIInstrumentor()
    instrumentor.instrument(tracer_provider=provider)
    try:
        llm = openai.OpenAI(base_url=fake_openai, api_key="sk-test", max_retries=0)
        answer = llm.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Where is my order?"}]
        )
        assert answer.choices[0].message.content == "Your order ships today."
    finally:
        instrumentor.uninstrument()
    spans = exporter.get_finished_spans()
    assert spans, "the instrumentation produced no span"
    seed_units(db)
    headers = {"content-type": "application/x-protobuf", "x-api-key": make_key(db, Role.engineer)}
    assert (
        client.post("/v1/traces", content=protobuf_body(spans), headers=headers).status_code == 200
    )
    with db.reading() as session:
        row = session.execute(select(SpanRow).where(SpanRow.input_tokens.is_not(None))).scalar_one()
    # Counted under the model asked for; the answering snapshot stays on the span.
    assert row.model == "gpt-4o"
    assert row.attributes["gen_ai.response.model"] == "gpt-4o-2024-07-18"
    assert (row.input_tokens, row.output_tokens) == (1234, 321)
    # gpt-4o list price: $2.50 input, $10.00 output per million tokens. This instrumentation
    # reports no cached tokens (the real-client suite checks those that do), so every input
    # token is priced as new.
    assert row.cost is not None
    assert math.isclose(row.cost, 1234 * 2.50e-6 + 321 * 10.00e-6, rel_tol=1e-9)
    assert row.cost_source == "catalog"
