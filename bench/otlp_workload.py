"""The ingest benchmark's workload: LLM agent traces encoded once into OTLP/HTTP protobuf bodies.

Each trace is what an instrumented agent sends: an agent root span, two chat calls to a model,
and a tool or retriever span between them, with the OpenTelemetry GenAI attributes (provider,
operation, models, tokens, finish reasons, ~300-character input/output messages) and the
OpenInference ones Phoenix reads (span kind, model name, token counts, input/output values,
session and user). Spans are built as the SDK's ``ReadableSpan`` objects and encoded with the
OTLP exporter's own ``encode_spans``, in batches of 512 in end order, as the SDK's batch span
processor would send them. Everything but the time base comes from a seeded generator, so every
server in a run receives byte-identical bodies.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.util.types import Attributes

SPANS_PER_TRACE = 4
SCOPE = InstrumentationScope("bench.agent", "1.0.0")
MODELS = (
    ("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
    ("openai", "gpt-4.1", "gpt-4.1-2025-04-14"),
    ("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),
    ("aws.bedrock", "anthropic.claude-3-5-haiku", "anthropic.claude-3-5-haiku-20241022-v1:0"),
    ("gcp.gemini", "gemini-2.5-flash", "gemini-2.5-flash"),
)
SERVICES = ("support-chatbot", "knowledge-assistant", "marketing-generator")
WORDS = (
    "order", "invoice", "refund", "delivery", "account", "password", "policy", "contract",
    "warranty", "shipment", "customer", "premium", "renewal", "discount", "region", "product",
    "manual", "release", "security", "incident", "quarter", "report", "summary", "translate",
    "draft", "campaign", "audience", "budget", "forecast",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Workload:
    bodies: list[bytes]  # serialized ExportTraceServiceRequest, one per POST
    spans: int
    traces: int
    llm_spans: int


def _text(rng: random.Random, chars: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:chars]


def _messages(rng: random.Random, role: str, chars: int) -> str:
    """A GenAI-convention message list of about ``chars`` characters of JSON."""
    body = _text(rng, max(chars - 60, 20))
    return json.dumps([{"role": role, "parts": [{"type": "text", "content": body}]}])


def _context(trace_id: int, span_id: int) -> SpanContext:
    return SpanContext(trace_id, span_id, is_remote=False, trace_flags=TraceFlags(1))


def _chat_attributes(
    rng: random.Random, model: tuple[str, str, str], finish: str, session: str, user: str
) -> Attributes:
    provider, requested, responded = model
    prompt, completion = rng.randint(200, 4000), rng.randint(20, 800)
    input_messages = _messages(rng, "user", 300)
    output_messages = _messages(rng, "assistant", 300)
    return {
        "gen_ai.provider.name": provider,
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": requested,
        "gen_ai.response.model": responded,
        "gen_ai.response.id": f"resp-{rng.getrandbits(48):012x}",
        "gen_ai.request.temperature": 0.2,
        "gen_ai.usage.input_tokens": prompt,
        "gen_ai.usage.output_tokens": completion,
        "gen_ai.response.finish_reasons": (finish,),
        "gen_ai.input.messages": input_messages,
        "gen_ai.output.messages": output_messages,
        "openinference.span.kind": "LLM",
        "llm.model_name": responded,
        "llm.provider": provider,
        "llm.token_count.prompt": prompt,
        "llm.token_count.completion": completion,
        "llm.token_count.total": prompt + completion,
        "input.value": input_messages,
        "input.mime_type": "application/json",
        "output.value": output_messages,
        "output.mime_type": "application/json",
        "session.id": session,
        "user.id": user,
    }


def _step_attributes(rng: random.Random, session: str, user: str) -> tuple[str, Attributes]:
    """A tool call or a retrieval between the two chat calls."""
    common = {"session.id": session, "user.id": user, "input.value": _text(rng, 120)}
    if rng.random() < 0.5:
        return "execute_tool lookup_order", {
            **common,
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "lookup_order",
            "openinference.span.kind": "TOOL",
            "tool.name": "lookup_order",
            "output.value": _text(rng, 200),
        }
    return "retrieve documents", {
        **common,
        "openinference.span.kind": "RETRIEVER",
        "retrieval.documents.0.document.content": _text(rng, 200),
        "retrieval.documents.0.document.score": round(rng.random(), 3),
    }


def _trace(rng: random.Random, index: int, start_ns: int, resource: Resource) -> list[ReadableSpan]:
    """One agent trace's four spans, children first (the order in which they end)."""
    trace_id = rng.getrandbits(128) | 1
    ids = [rng.getrandbits(64) | 1 for _ in range(SPANS_PER_TRACE)]
    model = MODELS[rng.randrange(len(MODELS))]
    session, user = f"session-{index // 4:05d}", f"user-{rng.randrange(500):03d}"
    root = _context(trace_id, ids[0])
    error = rng.random() < 0.02
    durations = [rng.randint(300, 3000) * 1_000_000 for _ in range(3)]
    t = start_ns + 1_000_000
    spans = []
    step_name, step_attributes = _step_attributes(rng, session, user)
    plan = (
        (
            "chat " + model[1],
            SpanKind.CLIENT,
            _chat_attributes(rng, model, "tool_calls", session, user),
        ),
        (step_name, SpanKind.INTERNAL, step_attributes),
        ("chat " + model[1], SpanKind.CLIENT, _chat_attributes(rng, model, "stop", session, user)),
    )
    failed = Status(StatusCode.ERROR, "upstream 503")
    for step, ((name, kind, attributes), span_id, duration) in enumerate(
        zip(plan, ids[1:], durations, strict=True)
    ):
        status = failed if error and step == 2 else Status(StatusCode.OK)
        spans.append(
            ReadableSpan(
                name=name,
                context=_context(trace_id, span_id),
                parent=root,
                resource=resource,
                attributes=attributes,
                kind=kind,
                status=status,
                start_time=t,
                end_time=t + duration,
                instrumentation_scope=SCOPE,
            )
        )
        t += duration + 1_000_000
    agent = {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support-agent",
        "openinference.span.kind": "AGENT",
        "session.id": session,
        "user.id": user,
        "input.value": _text(rng, 150),
        "output.value": _text(rng, 150),
    }
    spans.append(
        ReadableSpan(
            name="invoke_agent support-agent",
            context=root,
            parent=None,
            resource=resource,
            attributes=agent,
            kind=SpanKind.INTERNAL,
            status=Status(StatusCode.OK),
            start_time=start_ns,
            end_time=t,
            instrumentation_scope=SCOPE,
        )
    )
    return spans


def make_workload(spans: int, batch: int, *, seed: int = 4, now_ns: int | None = None) -> Workload:
    """``spans // 4`` traces over the hour before ``now_ns`` (default: now), ``batch`` a body."""
    rng = random.Random(seed)
    traces = spans // SPANS_PER_TRACE
    end = now_ns if now_ns is not None else time.time_ns()
    first = end - 3_600_000_000_000
    resources = [
        Resource.create(
            {"service.name": name, "service.version": "2.3.1", "deployment.environment": "prod"}
        )
        for name in SERVICES
    ]
    all_spans: list[ReadableSpan] = []
    for index in range(traces):
        start = first + index * (3_500_000_000_000 // max(traces, 1))
        all_spans.extend(_trace(rng, index, start, resources[index % len(resources)]))
    bodies = [
        encode_spans(all_spans[i : i + batch]).SerializeToString()
        for i in range(0, len(all_spans), batch)
    ]
    return Workload(bodies, len(all_spans), traces, traces * 2)
