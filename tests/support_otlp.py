"""Agent traces made by the real OpenTelemetry SDK (encoders: ``support_telemetry``)."""

from __future__ import annotations

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from support_telemetry import record_spans


def sdk_traces(
    count: int, *, service: str = "support-bot", model: str = "gpt-4o-mini", error_every: int = 0
) -> list[ReadableSpan]:
    """``count`` traces of an agent span over two GenAI chat spans, from a real tracer."""
    return record_spans(
        lambda tracer: _agent_traces(tracer, count, model, error_every), {"service.name": service}
    )


def _agent_traces(tracer: Tracer, count: int, model: str, error_every: int) -> None:
    for i in range(count):
        with tracer.start_as_current_span("invoke_agent support") as agent:
            agent.set_attribute("gen_ai.operation.name", "invoke_agent")
            agent.set_attribute("user.id", f"user-{i % 7}")
            for n in range(2):
                with tracer.start_as_current_span(f"chat {model}", kind=SpanKind.CLIENT) as chat:
                    chat.set_attributes(
                        {
                            "gen_ai.operation.name": "chat",
                            "gen_ai.provider.name": "openai",
                            "gen_ai.request.model": model,
                            "gen_ai.response.model": model,
                            "gen_ai.usage.input_tokens": 100 + n,
                            "gen_ai.usage.output_tokens": 20 + n,
                        }
                    )
            if error_every and i % error_every == 0:
                agent.set_status(Status(StatusCode.ERROR, "tool failed"))
