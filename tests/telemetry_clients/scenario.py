"""One app, one instrumentation stack: run as ``python scenario.py NAME`` in its own process.

Instrumentors patch the clients globally; a process per scenario keeps them from leaking into
each other (or into other tests under xdist). Environment: ``FAKE_URL`` (the fake provider),
``OTLP_URL`` (an aitower server) and ``OTLP_KEY`` (its ingest key); with ``OTLP_GRPC`` (a
host:port) the spans go to the server's OTLP/gRPC endpoint instead. Each scenario makes three
requests, each under its own root span: two calls that succeed and one the provider refuses.
Spans go out through the SDK's OTLP exporter in batches of two, so the spans of one trace
arrive in several requests, children first.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

FAKE = os.environ.get("FAKE_URL", "")
QUESTIONS = ("Where is my order?", "And the invoice?", "FAIL please")
USER, SESSION = "user-42", "session-9"


def _provider(name: str) -> TracerProvider:
    if os.environ.get("OTLP_URL") == "console":  # to look at a stack's spans by hand
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

        provider = TracerProvider(resource=Resource.create({"service.name": name}))
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
        trace.set_tracer_provider(provider)
        return provider
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(_exporter(), max_export_batch_size=2))
    trace.set_tracer_provider(provider)
    return provider


def _exporter() -> SpanExporter:
    key = os.environ["OTLP_KEY"]
    grpc_address = os.environ.get("OTLP_GRPC")
    if grpc_address:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcSpanExporter,
        )

        return GrpcSpanExporter(endpoint=grpc_address, insecure=True, headers=(("x-api-key", key),))
    return OTLPSpanExporter(
        endpoint=f"{os.environ['OTLP_URL']}/v1/traces", headers={"x-api-key": key}
    )


def _requests(provider: TracerProvider, call: Callable[[str], Any], **root: Any) -> None:
    tracer = provider.get_tracer("app")
    for question in QUESTIONS:
        try:
            with tracer.start_as_current_span("handle request", attributes=root):
                call(question)
        except Exception as exc:  # the refused call: its error is what the test counts
            if "FAIL" not in question:
                raise AssertionError(f"unexpected failure: {exc!r}") from exc


def _openai() -> Any:
    import openai

    return openai.OpenAI(base_url=f"{FAKE}/v1", api_key="sk-test", max_retries=0)


def _chat(client: Any, question: str, **extra: Any) -> Any:
    return client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": question}], **extra
    )


def contrib_openai_v2(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)
    client = _openai()
    root = {"user.id": USER, "gen_ai.conversation.id": SESSION}
    _requests(provider, lambda q: _chat(client, q), **root)


def openllmetry_openai(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.openai import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)
    client = _openai()
    _requests(provider, lambda q: _chat(client, q, user=USER))


def _chat_model() -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=f"{FAKE}/v1", api_key="sk-test", model="gpt-4o-mini", max_retries=0)


def openllmetry_langchain_openai(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.langchain import LangchainInstrumentor
    from opentelemetry.instrumentation.openai import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)
    LangchainInstrumentor().instrument(tracer_provider=provider)
    model = _chat_model()
    metadata = {"user_id": USER, "session_id": SESSION}
    _requests(provider, lambda q: model.invoke(q, config={"metadata": metadata}))


def openinference_openai(provider: TracerProvider) -> None:
    from openinference.instrumentation import using_attributes
    from openinference.instrumentation.openai import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)
    client = _openai()
    with using_attributes(user_id=USER, session_id=SESSION):
        _requests(provider, lambda q: _chat(client, q))


def openinference_langchain_openai(provider: TracerProvider) -> None:
    from openinference.instrumentation import using_attributes
    from openinference.instrumentation.langchain import LangChainInstrumentor
    from openinference.instrumentation.openai import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)
    LangChainInstrumentor().instrument(tracer_provider=provider)
    model = _chat_model()
    with using_attributes(user_id=USER, session_id=SESSION):
        _requests(provider, lambda q: model.invoke(q))


def _anthropic(open_telemetry: Any) -> Any:
    import anthropic

    return anthropic.Anthropic(
        base_url=FAKE, api_key="sk-ant-test", max_retries=0, open_telemetry=open_telemetry
    )


def _message(client: Any, question: str) -> Any:
    return client.messages.create(
        model="claude-haiku-4-5",
        max_tokens=256,
        messages=[{"role": "user", "content": question}],
        metadata={"user_id": USER},
    )


def openllmetry_anthropic(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor

    AnthropicInstrumentor().instrument(tracer_provider=provider)
    client = _anthropic(False)  # the SDK's own spans off: OpenLLMetry alone
    _requests(provider, lambda q: _message(client, q), **{"user.id": USER})


def anthropic_sdk(provider: TracerProvider) -> None:
    client = _anthropic({"tracer_provider": provider, "conversation_id": SESSION})
    _requests(provider, lambda q: _message(client, q), **{"user.id": USER})


def anthropic_sdk_and_openllmetry(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.anthropic import AnthropicInstrumentor

    AnthropicInstrumentor().instrument(tracer_provider=provider)
    client = _anthropic({"tracer_provider": provider, "conversation_id": SESSION})
    _requests(provider, lambda q: _message(client, q), **{"user.id": USER})


def nested_llm_span(provider: TracerProvider) -> None:
    """The app's own GenAI chat span, repeating the usage, around the instrumented call."""
    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=provider)
    client = _openai()
    tracer = provider.get_tracer("app")

    def call(question: str) -> None:
        attrs = {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o-mini",
        }
        with tracer.start_as_current_span("chat gpt-4o-mini", attributes=attrs) as outer:
            answer = _chat(client, question)
            outer.set_attribute("gen_ai.usage.input_tokens", answer.usage.prompt_tokens)
            outer.set_attribute("gen_ai.usage.output_tokens", answer.usage.completion_tokens)

    root = {"user.id": USER, "gen_ai.conversation.id": SESSION}
    _requests(provider, call, **root)


SCENARIOS: dict[str, Callable[[TracerProvider], None]] = {
    f.__name__: f
    for f in (
        contrib_openai_v2,
        openllmetry_openai,
        openllmetry_langchain_openai,
        openinference_openai,
        openinference_langchain_openai,
        openllmetry_anthropic,
        anthropic_sdk,
        anthropic_sdk_and_openllmetry,
        nested_llm_span,
    )
}


def main(name: str) -> None:
    provider = _provider(name)
    SCENARIOS[name](provider)
    if not provider.force_flush(30_000):
        raise SystemExit("spans not exported in 30 s")
    provider.shutdown()


if __name__ == "__main__":
    main(sys.argv[1])
