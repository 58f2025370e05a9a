"""Build spans the way instrumented LLM apps send them (OpenTelemetry GenAI conventions)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from aitower.telemetry.records import Attributes, DecodedSpan

BASE_NS = 1_780_000_000 * 10**9  # 2026-05-28, inside every test's plausible-time window


def new_trace_id() -> str:
    return secrets.token_hex(16)


def new_span_id() -> str:
    return secrets.token_hex(8)


def ns(moment: datetime) -> int:
    return int(moment.timestamp() * 1e9)


@dataclass
class SpanSpec:
    """A span to build; ``usage`` (input, output) makes it a GenAI chat call."""

    name: str = "chat gpt-4o-mini"
    start_ns: int = BASE_NS
    duration_ms: float = 100.0
    parent: str | None = None
    usage: tuple[int, int] | None = None
    model: str = "gpt-4o-mini"
    provider: str = "openai"
    error: bool = False
    attributes: Attributes = field(default_factory=dict)


def span(
    spec: SpanSpec,
    *,
    trace_id: str,
    span_id: str | None = None,
    service: str = "support-bot",
    resource: Attributes | None = None,
) -> DecodedSpan:
    attrs: Attributes = dict(spec.attributes)
    if spec.usage is not None:
        attrs.update(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": spec.provider,
                "gen_ai.request.model": spec.model,
                "gen_ai.response.model": spec.model,
                "gen_ai.usage.input_tokens": spec.usage[0],
                "gen_ai.usage.output_tokens": spec.usage[1],
            }
        )
    return DecodedSpan(
        resource={"service.name": service, **(resource or {})},
        scope_name="test",
        trace_id=trace_id,
        span_id=span_id or new_span_id(),
        parent_span_id=spec.parent,
        name=spec.name,
        kind=3 if spec.usage else 1,
        start_unix_nano=spec.start_ns,
        end_unix_nano=spec.start_ns + int(spec.duration_ms * 1e6),
        status_code=2 if spec.error else 0,
        status_message="boom" if spec.error else "",
        attributes=attrs,
    )


def agent_trace(
    *,
    service: str = "support-bot",
    start_ns: int = BASE_NS,
    duration_ms: float = 900.0,
    calls: tuple[tuple[int, int], ...] = ((1000, 200), (1500, 300)),
    model: str = "gpt-4o-mini",
    error: bool = False,
    user: str | None = None,
    session: str | None = None,
) -> list[DecodedSpan]:
    """An agent root that reports its children's usage again, with one chat span per call."""
    trace_id, root_id = new_trace_id(), new_span_id()
    total_in = sum(c[0] for c in calls)
    total_out = sum(c[1] for c in calls)
    root_attrs: Attributes = {
        "gen_ai.operation.name": "invoke_agent",
        "gen_ai.agent.name": "support agent",
        # Agent frameworks repeat the children's totals on the agent span: never count them.
        "gen_ai.usage.input_tokens": total_in,
        "gen_ai.usage.output_tokens": total_out,
    }
    if user:
        root_attrs["user.id"] = user
    if session:
        root_attrs["session.id"] = session
    root = SpanSpec(
        "invoke_agent support", start_ns, duration_ms, attributes=root_attrs, error=error
    )
    spans = [span(root, trace_id=trace_id, span_id=root_id, service=service)]
    offset = start_ns + 10_000_000
    for used in calls:
        child = SpanSpec(f"chat {model}", offset, 200.0, parent=root_id, usage=used, model=model)
        spans.append(span(child, trace_id=trace_id, service=service))
        offset += 250_000_000
    return spans
