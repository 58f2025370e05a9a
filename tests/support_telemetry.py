"""Spans made by the real OpenTelemetry SDK, encoded by the real OTLP exporter encoders."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any

from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Tracer

_TEXT = (
    "the quarterly report shows revenue growth in the enterprise segment while churn in small "
    "business accounts rose slightly please summarise the main drivers and suggest three "
    "actions for the customer success team to take next quarter with owners and deadlines"
)
WORDS = _TEXT.split()


def record_spans(
    produce: Callable[[Tracer], None], resource: dict[str, Any] | None = None
) -> list[ReadableSpan]:
    """Run ``produce`` against an SDK tracer and return the finished spans."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create(resource or {"service.name": "chatbot"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    produce(provider.get_tracer("tests.telemetry", "1.0"))
    provider.shutdown()
    return list(exporter.get_finished_spans())


def protobuf_body(spans: Sequence[ReadableSpan]) -> bytes:
    return encode_spans(spans).SerializeToString()


def json_body(spans: Sequence[ReadableSpan]) -> bytes:
    return otlp_json_from_protobuf(encode_spans(spans))


def otlp_json_from_protobuf(request: ExportTraceServiceRequest) -> bytes:
    """OTLP/JSON as the specification wants it: the protobuf JSON mapping with hex ids."""
    document = json_format.MessageToDict(request)
    for resource_spans in document.get("resourceSpans", []):
        for scope_spans in resource_spans.get("scopeSpans", []):
            for span in scope_spans.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if span.get(key):
                        span[key] = _b64_to_hex(span[key])
    return json.dumps(document).encode()


def _b64_to_hex(value: str) -> str:
    import base64

    return base64.b64decode(value).hex()


def sentence(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:chars]


def genai_trace(tracer: Tracer, rng: random.Random) -> None:
    """One realistic agent trace: an agent span, two chat calls and a tool call (4 spans)."""
    with tracer.start_as_current_span("invoke_agent support", attributes=_agent_attrs()):
        for index in range(2):
            with tracer.start_as_current_span("chat gpt-4o", attributes=_chat_attrs(rng)):
                pass
            if index == 0:
                with tracer.start_as_current_span(
                    "execute_tool lookup_order",
                    attributes={
                        "gen_ai.operation.name": "execute_tool",
                        "gen_ai.tool.name": "lookup_order",
                        "gen_ai.tool.call.id": "call_1",
                        "gen_ai.tool.type": "function",
                    },
                ):
                    pass


def _agent_attrs() -> dict[str, Any]:
    return {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support",
        "gen_ai.provider.name": "openai",
        "gen_ai.usage.input_tokens": 2400,
        "gen_ai.usage.output_tokens": 300,
        "gen_ai.conversation.id": "conv-42",
    }


def _chat_attrs(rng: random.Random) -> dict[str, Any]:
    user = sentence(rng, 300)
    answer = sentence(rng, 300)
    return {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o",
        "gen_ai.response.model": "gpt-4o-2024-08-06",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.max_tokens": 800,
        "gen_ai.request.top_p": 1.0,
        "gen_ai.response.id": f"chatcmpl-{rng.getrandbits(64):x}",
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": rng.randint(200, 2000),
        "gen_ai.usage.output_tokens": rng.randint(20, 400),
        "gen_ai.usage.cache_read.input_tokens": 128,
        "gen_ai.conversation.id": f"conv-{rng.randint(1, 500)}",
        "user.id": f"user-{rng.randint(1, 200)}",
        "server.address": "api.openai.com",
        "server.port": 443,
        "gen_ai.output.type": "text",
        "gen_ai.input.messages": json.dumps(
            [
                {"role": "system", "parts": [{"type": "text", "content": "Be concise."}]},
                {"role": "user", "parts": [{"type": "text", "content": user}]},
            ]
        ),
        "gen_ai.output.messages": json.dumps(
            [
                {
                    "role": "assistant",
                    "parts": [{"type": "text", "content": answer}],
                    "finish_reason": "stop",
                }
            ]
        ),
        "gen_ai.system_instructions": "Be concise.",
    }
