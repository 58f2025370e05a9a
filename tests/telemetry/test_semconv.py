"""Mapping the OpenTelemetry GenAI and OpenInference conventions to one LLM-call record."""

from __future__ import annotations

import json
import random

import pytest

from aitower.cost.usage import TokenUsage
from aitower.telemetry.otlp import decode_protobuf
from aitower.telemetry.records import (
    Attributes,
    DecodedSpan,
    Evaluation,
    SpanEvent,
    SpanType,
)
from aitower.telemetry.semconv import llm_facts
from support_telemetry import genai_trace, protobuf_body, record_spans


def span(
    attributes: Attributes,
    events: list[SpanEvent] | None = None,
    resource: Attributes | None = None,
) -> DecodedSpan:
    return DecodedSpan(
        resource=resource or {"service.name": "svc"},
        scope_name="test",
        trace_id="1" * 32,
        span_id="2" * 16,
        parent_span_id=None,
        name="op",
        kind=3,
        start_unix_nano=1_700_000_000 * 10**9,
        end_unix_nano=1_700_000_001 * 10**9,
        status_code=0,
        status_message="",
        attributes=attributes,
        events=events or [],
    )


def event(name: str, **attributes: object) -> SpanEvent:
    return SpanEvent(name, 1_700_000_000 * 10**9, dict(attributes))  # type: ignore[arg-type]


# --- OpenTelemetry GenAI ------------------------------------------------------------------------


def test_current_genai_chat_span() -> None:
    facts = llm_facts(
        span(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.response.model": "gpt-4o-2024-08-06",
                "gen_ai.usage.input_tokens": 1200,
                "gen_ai.usage.output_tokens": 300,
                "gen_ai.usage.cache_read.input_tokens": 1000,
                "gen_ai.usage.cache_creation.input_tokens": 100,
                "gen_ai.usage.reasoning.output_tokens": 120,
                "gen_ai.response.finish_reasons": ["stop"],
                "gen_ai.conversation.id": "conv-1",
                "user.id": "alice",
                "gen_ai.input.messages": json.dumps(
                    [{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]
                ),
                "gen_ai.output.messages": json.dumps(
                    [{"role": "assistant", "parts": [{"type": "text", "content": "hello"}]}]
                ),
                "gen_ai.system_instructions": json.dumps([{"type": "text", "content": "Be nice"}]),
            },
            resource={"service.name": "svc", "aitower.system": "chatbot"},
        )
    )
    assert facts.span_type is SpanType.llm and facts.is_llm_call
    assert facts.provider == "openai" and facts.operation == "chat"
    # Counted under the requested model, priced by the answering snapshot.
    assert facts.model == "gpt-4o" and facts.price_model == "gpt-4o-2024-08-06"
    assert facts.usage == TokenUsage(
        input=1200, output=300, cache_read=1000, cache_write=100, reasoning=120
    )
    assert facts.finish_reasons == ("stop",)
    assert facts.session_id == "conv-1" and facts.user_id == "alice"
    assert facts.system_hint == "chatbot"
    assert facts.input_messages == [
        {"role": "system", "parts": [{"type": "text", "content": "Be nice"}]},
        {"role": "user", "parts": [{"type": "text", "content": "hi"}]},
    ]
    assert facts.output_messages == [
        {"role": "assistant", "parts": [{"type": "text", "content": "hello"}]}
    ]
    assert facts.carried_cost is None


def test_older_genai_names() -> None:
    facts = llm_facts(
        span(
            {
                "gen_ai.system": "Anthropic",
                "gen_ai.operation.name": "text_completion",
                "gen_ai.request.model": "claude-3-5-sonnet",
                "gen_ai.usage.prompt_tokens": 50,
                "gen_ai.usage.completion_tokens": 7,
                "gen_ai.usage.cache_read_input_tokens": 10,
                "gen_ai.usage.cache_creation_input_tokens": 5,
                "enduser.id": "bob",
                "gen_ai.prompt": json.dumps([{"role": "user", "content": "2+2?"}]),
                "gen_ai.completion": "4",
            }
        )
    )
    assert facts.provider == "anthropic"
    assert facts.usage == TokenUsage(input=50, output=7, cache_read=10, cache_write=5)
    assert facts.user_id == "bob"
    assert facts.input_messages == [{"role": "user", "content": "2+2?"}]
    assert facts.output_messages == [{"role": "assistant", "content": "4"}]


def test_anthropic_style_input_that_excludes_the_cache_is_made_inclusive() -> None:
    facts = llm_facts(
        span(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": "claude-sonnet-4",
                "gen_ai.usage.input_tokens": 20,
                "gen_ai.usage.output_tokens": 5,
                "gen_ai.usage.cache_read.input_tokens": 3000,
            }
        )
    )
    assert facts.usage == TokenUsage(input=3020, output=5, cache_read=3000)


@pytest.mark.parametrize(
    ("operation", "span_type"),
    [
        ("chat", SpanType.llm),
        ("text_completion", SpanType.llm),
        ("generate_content", SpanType.llm),
        ("embeddings", SpanType.embedding),
        ("invoke_agent", SpanType.agent),
        ("create_agent", SpanType.agent),
        ("execute_tool", SpanType.tool),
    ],
)
def test_genai_operations(operation: str, span_type: SpanType) -> None:
    facts = llm_facts(
        span(
            {
                "gen_ai.operation.name": operation,
                "gen_ai.request.model": "m",
                "gen_ai.usage.input_tokens": 10,
            }
        )
    )
    assert facts.span_type is span_type
    assert facts.is_llm_call == (span_type in (SpanType.llm, SpanType.embedding))


def test_per_message_events_and_choice() -> None:
    facts = llm_facts(
        span(
            {"gen_ai.operation.name": "chat", "gen_ai.system": "openai"},
            events=[
                event(
                    "gen_ai.system.message", content="You are terse.", **{"gen_ai.system": "openai"}
                ),
                event("gen_ai.user.message", content="Capital of France?"),
                event("gen_ai.tool.message", content="{}", id="call_1"),
                event(
                    "gen_ai.choice",
                    index=0,
                    finish_reason="stop",
                    message={"role": "assistant", "content": "Paris"},
                ),
            ],
        )
    )
    assert facts.input_messages == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Capital of France?"},
        {"role": "tool", "content": "{}", "id": "call_1"},
    ]
    assert facts.output_messages == [
        {"role": "assistant", "content": "Paris", "finish_reason": "stop"}
    ]
    assert facts.finish_reasons == ("stop",)
    assert facts.usage == TokenUsage()  # an LLM call that reported no tokens: counted, zero


def test_inference_details_event_carries_the_messages() -> None:
    facts = llm_facts(
        span(
            {"gen_ai.operation.name": "chat"},
            events=[
                event(
                    "gen_ai.client.inference.operation.details",
                    **{
                        "gen_ai.input.messages": [{"role": "user", "parts": []}],
                        "gen_ai.output.messages": [{"role": "assistant", "parts": []}],
                        "gen_ai.system_instructions": "Answer in French",
                    },
                )
            ],
        )
    )
    assert facts.input_messages == [
        {"role": "system", "content": "Answer in French"},
        {"role": "user", "parts": []},
    ]
    assert facts.output_messages == [{"role": "assistant", "parts": []}]


def test_evaluation_result_events() -> None:
    facts = llm_facts(
        span(
            {"gen_ai.operation.name": "chat"},
            events=[
                event(
                    "gen_ai.evaluation.result",
                    **{
                        "gen_ai.evaluation.name": "relevance",
                        "gen_ai.evaluation.score.value": 0.8,
                        "gen_ai.evaluation.score.label": "relevant",
                        "gen_ai.evaluation.explanation": "on topic",
                    },
                ),
                event("gen_ai.evaluation.result", **{"gen_ai.evaluation.name": "toxicity"}),
                event("gen_ai.evaluation.result", **{"gen_ai.evaluation.score.value": 1}),
            ],
        )
    )
    assert facts.evaluations == (
        Evaluation("relevance", 0.8, "relevant", "on topic"),
        Evaluation("toxicity", None, None, None),
    )


def test_openllmetry_flattened_prompts_and_workflow_spans() -> None:
    facts = llm_facts(
        span(
            {
                "gen_ai.system": "openai",
                "llm.request.type": "chat",
                "gen_ai.request.model": "gpt-4o-mini",
                "gen_ai.usage.prompt_tokens": 9,
                "gen_ai.usage.completion_tokens": 3,
                "gen_ai.prompt.0.role": "user",
                "gen_ai.prompt.0.content": "hello",
                "gen_ai.completion.0.role": "assistant",
                "gen_ai.completion.0.content": "hi",
                "gen_ai.completion.0.finish_reason": "stop",
            }
        )
    )
    assert facts.span_type is SpanType.llm
    assert facts.input_messages == [{"role": "user", "content": "hello"}]
    assert facts.output_messages[0]["content"] == "hi"  # type: ignore[index]
    workflow = llm_facts(
        span(
            {
                "traceloop.span.kind": "workflow",
                "gen_ai.usage.prompt_tokens": 9,
                "gen_ai.request.model": "gpt-4o-mini",
            }
        )
    )
    assert workflow.span_type is SpanType.chain and workflow.usage is None


# --- OpenInference ----------------------------------------------------------------------------


def test_openinference_llm_span_with_flattened_messages() -> None:
    facts = llm_facts(
        span(
            {
                "openinference.span.kind": "LLM",
                "llm.model_name": "gpt-4o",
                "llm.provider": "openai",
                "llm.system": "openai",
                "llm.token_count.prompt": 100,
                "llm.token_count.completion": 20,
                "llm.token_count.total": 120,
                "llm.token_count.prompt_details.cache_read": 40,
                "llm.token_count.prompt_details.cache_write": 10,
                "llm.token_count.completion_details.reasoning": 5,
                "llm.input_messages.1.message.role": "user",
                "llm.input_messages.1.message.content": "question",
                "llm.input_messages.0.message.role": "system",
                "llm.input_messages.0.message.content": "rules",
                "llm.output_messages.0.message.role": "assistant",
                "llm.output_messages.0.message.tool_calls.0.tool_call.function.name": "f",
                "input.value": "{raw request}",
                "session.id": "s-9",
                "user.id": "u-9",
                "llm.cost.prompt": 0.001,
                "llm.cost.completion": 0.002,
            }
        )
    )
    assert facts.span_type is SpanType.llm
    assert facts.provider == "openai" and facts.model == "gpt-4o"
    assert facts.usage == TokenUsage(
        input=100, output=20, cache_read=40, cache_write=10, reasoning=5
    )
    assert facts.input_messages == [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "question"},
    ]
    assert facts.output_messages == [
        {"role": "assistant", "tool_calls.0.tool_call.function.name": "f"}
    ]
    assert (facts.session_id, facts.user_id) == ("s-9", "u-9")
    assert facts.carried_cost == pytest.approx(0.003)


@pytest.mark.parametrize(
    ("kind", "span_type"),
    [
        ("LLM", SpanType.llm),
        ("EMBEDDING", SpanType.embedding),
        ("CHAIN", SpanType.chain),
        ("AGENT", SpanType.agent),
        ("TOOL", SpanType.tool),
        ("RETRIEVER", SpanType.retriever),
        ("RERANKER", SpanType.reranker),
        ("GUARDRAIL", SpanType.guardrail),
        ("EVALUATOR", SpanType.evaluator),
        ("PROMPT", SpanType.other),
    ],
)
def test_openinference_kinds(kind: str, span_type: SpanType) -> None:
    facts = llm_facts(
        span(
            {
                "openinference.span.kind": kind,
                "llm.token_count.prompt": 5,
                "llm.model_name": "m",
                "input.value": "q",
                "output.value": "a",
            }
        )
    )
    assert facts.span_type is span_type
    assert facts.is_llm_call == (kind in ("LLM", "EMBEDDING"))
    assert facts.input_messages == [{"role": "input", "content": "q"}]
    assert facts.output_messages == [{"role": "output", "content": "a"}]


def test_openinference_embedding_model_and_carried_total_cost() -> None:
    facts = llm_facts(
        span(
            {
                "openinference.span.kind": "EMBEDDING",
                "embedding.model_name": "text-embedding-3-small",
                "llm.token_count.prompt": 8,
                "llm.token_count.total": 8,
                "llm.cost.total": 0.0001,
            }
        )
    )
    assert facts.model == "text-embedding-3-small"
    assert facts.usage == TokenUsage(input=8)
    assert facts.carried_cost == 0.0001


# --- the no-double-count rule -----------------------------------------------------------------


def test_agent_and_chain_spans_that_repeat_their_childrens_usage_are_not_calls() -> None:
    agent = llm_facts(
        span(
            {
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": 2400,
                "gen_ai.usage.output_tokens": 300,
                "gen_ai.usage.cost": 0.5,
            }
        )
    )
    chain = llm_facts(
        span(
            {
                "openinference.span.kind": "CHAIN",
                "llm.token_count.prompt": 2400,
                "llm.cost.total": 0.5,
            }
        )
    )
    for facts in (agent, chain):
        assert facts.usage is None and facts.carried_cost is None and not facts.is_llm_call


def test_a_trace_totals_only_its_llm_calls() -> None:
    """Agent trace from the SDK: the agent span repeats its children's totals."""
    rng = random.Random(5)
    sdk = record_spans(lambda tracer: genai_trace(tracer, rng))
    facts = [llm_facts(s) for s in decode_protobuf(protobuf_body(sdk)).spans]
    chat_inputs = [
        s.attributes["gen_ai.usage.input_tokens"]
        for s in decode_protobuf(protobuf_body(sdk)).spans
        if s.name.startswith("chat")
    ]
    assert [f.span_type for f in facts].count(SpanType.llm) == 2
    assert sum(f.usage.input for f in facts if f.usage) == sum(chat_inputs)  # type: ignore[misc]
    assert {f.span_type for f in facts} == {SpanType.llm, SpanType.tool, SpanType.agent}


def test_untyped_span_with_model_and_tokens_is_a_call_and_plain_spans_are_not() -> None:
    call = llm_facts(span({"gen_ai.request.model": "m", "gen_ai.usage.output_tokens": "12"}))
    assert call.span_type is SpanType.llm and call.usage == TokenUsage(output=12)
    plain = llm_facts(span({"http.method": "GET"}))
    assert plain.span_type is SpanType.other and plain.usage is None
    assert plain.input_messages is None and plain.output_messages is None


def test_garbage_counts_and_costs_are_ignored() -> None:
    facts = llm_facts(
        span(
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.usage.input_tokens": -5,
                "gen_ai.usage.prompt_tokens": 7,
                "gen_ai.usage.output_tokens": True,
                "gen_ai.usage.cost": "NaN",
                "llm.cost.total": "0.25",
                "gen_ai.input.messages": '[{"role": "user", "parts": [{"type": "te',
            }
        )
    )
    assert facts.usage == TokenUsage(input=7)
    assert facts.carried_cost == 0.25
    assert facts.input_messages == [{"content": '[{"role": "user", "parts": [{"type": "te'}]


def test_without_messages_skips_content() -> None:
    attrs: Attributes = {"gen_ai.operation.name": "chat", "gen_ai.input.messages": "[]"}
    assert llm_facts(span(attrs), with_messages=False).input_messages is None
    assert llm_facts(span(attrs)).input_messages == []
