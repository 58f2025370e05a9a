"""One span's attributes, in whichever LLM convention it speaks, read into an ``LlmFacts``.

Conventions read (attribute names checked against these versions):

* OpenTelemetry GenAI semantic conventions (development status), registry as in
  ``opentelemetry-semantic-conventions`` 0.66b2 and the ``semantic-conventions-genai``
  repository: ``gen_ai.provider.name`` (``gen_ai.system`` before v1.37),
  ``gen_ai.operation.name``, ``gen_ai.request.model``,
  ``gen_ai.response.model``, ``gen_ai.usage.input_tokens`` / ``output_tokens`` (``prompt_tokens``
  / ``completion_tokens`` before v1.27), ``gen_ai.usage.cache_read.input_tokens``,
  ``gen_ai.usage.cache_creation.input_tokens``, ``gen_ai.usage.reasoning.output_tokens``,
  ``gen_ai.response.finish_reasons``, ``openai.response.service_tier``
  (``gen_ai.openai.response.service_tier`` before v1.37), ``gen_ai.input.messages`` /
  ``gen_ai.output.messages`` /
  ``gen_ai.system_instructions`` (on the span or on a
  ``gen_ai.client.inference.operation.details`` event), the per-message events of v1.27-v1.36
  (``gen_ai.system.message``, ``gen_ai.user.message``, ``gen_ai.assistant.message``,
  ``gen_ai.tool.message``, ``gen_ai.choice``), the older ``gen_ai.prompt`` / ``gen_ai.completion``
  (a JSON string, ``gen_ai.content.prompt`` events, or OpenLLMetry's flattened
  ``gen_ai.prompt.N.role``), ``gen_ai.evaluation.result`` events, ``gen_ai.conversation.id``.
* OpenInference semantic conventions (spec of the Arize-ai/openinference repository, 2025):
  ``openinference.span.kind``, ``llm.model_name``, ``llm.provider``, ``llm.system``,
  ``llm.token_count.*`` with ``prompt_details.cache_read`` / ``cache_write`` and
  ``completion_details.reasoning``, flattened ``llm.input_messages.N.message.*``,
  ``input.value`` / ``output.value``, ``session.id``, ``user.id``, ``llm.cost.*``,
  ``llm.invocation_parameters`` (the requested model of a failed call).
* OpenLLMetry / traceloop-sdk 0.62: ``traceloop.association.properties.*`` (user and session),
  ``gen_ai.user`` (the OpenAI ``user`` parameter), ``traceloop.span.kind``, ``llm.request.type``.

The model a call is counted under is the requested one (``LlmFacts.model``); it is priced by
the answering one (``LlmFacts.price_model``).
* Variants seen in the wild: ``gen_ai.usage.cache_read_input_tokens`` (Strands, LiteLLM),
  ``gen_ai.usage.input_tokens.cached`` (Sentry), ``traceloop.span.kind`` (OpenLLMetry),
  ``gen_ai.usage.cost`` (carried cost).

Rule that keeps totals right: ``usage`` (and a carried cost) is set only on spans that are LLM
or embedding calls themselves. Agent, chain and workflow spans often repeat the sum of their
children's tokens; counting them too would double the trace's tokens.
"""

from __future__ import annotations

import json
import math

from aitower.cost.usage import TokenUsage
from aitower.telemetry import semconv_messages
from aitower.telemetry.records import (
    Attributes,
    AttrValue,
    DecodedSpan,
    Evaluation,
    LlmFacts,
    SpanType,
)

_OPENINFERENCE_KINDS = {
    "LLM": SpanType.llm,
    "EMBEDDING": SpanType.embedding,
    "CHAIN": SpanType.chain,
    "AGENT": SpanType.agent,
    "TOOL": SpanType.tool,
    "RETRIEVER": SpanType.retriever,
    "RERANKER": SpanType.reranker,
    "GUARDRAIL": SpanType.guardrail,
    "EVALUATOR": SpanType.evaluator,
}
_GENAI_OPERATIONS = {
    "chat": SpanType.llm,
    "text_completion": SpanType.llm,
    "generate_content": SpanType.llm,
    "completion": SpanType.llm,  # OpenLLMetry's llm.request.type
    "embeddings": SpanType.embedding,
    "embedding": SpanType.embedding,
    "invoke_agent": SpanType.agent,
    "create_agent": SpanType.agent,
    "execute_tool": SpanType.tool,
    "retrieval": SpanType.retriever,
    "invoke_workflow": SpanType.chain,
}
_TRACELOOP_KINDS = {
    "workflow": SpanType.chain,
    "task": SpanType.chain,
    "agent": SpanType.agent,
    "tool": SpanType.tool,
}
_CALL_TYPES = (SpanType.llm, SpanType.embedding)

# Each fact, by the attribute names that carry it, most authoritative first.
_PROVIDER = ("gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system")
_REQUEST_MODEL = ("gen_ai.request.model", "llm.request.model", "llm.request.model_name")
# OpenInference's ``llm.model_name`` names the answering model on success (the OpenAI
# instrumentor reads the response) and is absent on failure, where only
# ``llm.invocation_parameters`` (a JSON object) says which model was asked for.
_INVOCATION_PARAMETERS = ("llm.invocation_parameters", "embedding.invocation_parameters")
_LATE_MODEL = ("llm.model_name", "embedding.model_name")
_RESPONSE_MODEL = ("gen_ai.response.model", "llm.response.model", "llm.response.model_name")
_RESPONSE_ID = ("gen_ai.response.id", "llm.response.id")
# Every name a model is read from: a span with none of them (an agent, tool or retriever span)
# skips the lookups in one C-level test (hot path).
_MODEL_KEYS = frozenset(_REQUEST_MODEL + _INVOCATION_PARAMETERS + _LATE_MODEL + _RESPONSE_MODEL)
_INPUT_TOKENS = (
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.prompt_tokens",
    "llm.token_count.prompt",
)
_OUTPUT_TOKENS = (
    "gen_ai.usage.output_tokens",
    "gen_ai.usage.completion_tokens",
    "llm.token_count.completion",
)
_TOTAL_TOKENS = ("gen_ai.usage.total_tokens", "llm.token_count.total", "llm.usage.total_tokens")
_CACHE_READ = (
    "gen_ai.usage.cache_read.input_tokens",
    "gen_ai.usage.cache_read_input_tokens",
    "gen_ai.usage.input_tokens.cached",
    "llm.token_count.prompt_details.cache_read",
)
_CACHE_WRITE = (
    "gen_ai.usage.cache_creation.input_tokens",
    "gen_ai.usage.cache_creation_input_tokens",
    "gen_ai.usage.cache_write.input_tokens",
    "gen_ai.usage.cache_write_input_tokens",
    "llm.token_count.prompt_details.cache_write",
)
_REASONING = (
    "gen_ai.usage.reasoning.output_tokens",
    "gen_ai.usage.reasoning_tokens",
    "gen_ai.usage.output_tokens.reasoning",
    "llm.token_count.completion_details.reasoning",
)
# OpenLLMetry (traceloop-sdk) writes ``Traceloop.set_association_properties({...})`` as
# ``traceloop.association.properties.<key>``, and the OpenAI ``user`` parameter as ``gen_ai.user``.
_TRACELOOP = "traceloop.association.properties."
_USER = (
    "user.id",
    "enduser.id",
    "gen_ai.user.id",
    "gen_ai.user",
    "llm.user",
    f"{_TRACELOOP}user_id",
    f"{_TRACELOOP}userId",
    f"{_TRACELOOP}user",
    "langfuse.user.id",
)
_SESSION = (
    "gen_ai.conversation.id",
    "session.id",
    f"{_TRACELOOP}session_id",
    f"{_TRACELOOP}sessionId",
    f"{_TRACELOOP}conversation_id",
    f"{_TRACELOOP}thread_id",
    "langfuse.session.id",
)
_COST = ("gen_ai.usage.cost", "llm.cost.total", "gen_ai.cost.total", "llm.usage.cost")
_COST_PARTS = ("llm.cost.prompt", "llm.cost.completion")
_OPERATION = ("gen_ai.operation.name", "llm.request.type")
# The tier that served the call (it prices it: priority, flex, batch…): the response's, as the
# request's may be "auto". openai.* from semconv 1.37; gen_ai.openai.* before.
_SERVICE_TIER = ("openai.response.service_tier", "gen_ai.openai.response.service_tier")
_SYSTEM_HINT = ("aitower.system",)


def llm_facts(span: DecodedSpan, *, with_messages: bool = True) -> LlmFacts:
    """What ``span`` says about an LLM call, in the OpenTelemetry GenAI or OpenInference terms.

    ``with_messages=False`` skips reading the messages and finish reasons (half the cost of
    this function on chat spans, which parses their JSON): ingest stores both as sent, in the
    span's content and attributes, and needs neither to count, link or price the call.
    """
    attrs = span.attributes
    operation = _text(attrs, _OPERATION)
    span_type = _span_type(attrs, operation)
    is_call = span_type in _CALL_TYPES
    input_messages, output_messages = (
        semconv_messages.messages(span) if with_messages else (None, None)
    )
    has_model = not attrs.keys().isdisjoint(_MODEL_KEYS)
    return LlmFacts(
        span_type,
        _provider(attrs),
        operation,
        _request_model(attrs) if has_model else None,
        (_text(attrs, _RESPONSE_MODEL) or _text(attrs, _LATE_MODEL)) if has_model else None,
        _usage(attrs) if is_call else None,
        _finish_reasons(span) if with_messages else (),
        input_messages,
        output_messages,
        _text(attrs, _USER),
        _text(attrs, _SESSION),
        _carried_cost(attrs) if is_call else None,
        _evaluations(span) if span.events else (),
        _text(span.resource, _SYSTEM_HINT),
        _text(attrs, _RESPONSE_ID) if is_call else None,
        _text(attrs, _SERVICE_TIER) if is_call else None,
    )


def response_id(attrs: Attributes) -> str | None:
    """The provider's id of the answer a call span describes (stored spans keep it)."""
    return _text(attrs, _RESPONSE_ID)


def _request_model(attrs: Attributes) -> str | None:
    """The model asked for: the GenAI request attribute, else OpenInference's invocation
    parameters, else the one model name the span has."""
    found = _text(attrs, _REQUEST_MODEL)
    if found is not None:
        return found
    for key in _INVOCATION_PARAMETERS:
        params = attrs.get(key)
        if isinstance(params, str) and '"model"' in params:
            try:
                model = json.loads(params).get("model")
            except (ValueError, AttributeError, RecursionError):
                continue
            if isinstance(model, str) and model:
                return model
    return _text(attrs, _LATE_MODEL)


def _span_type(attrs: Attributes, operation: str | None) -> SpanType:
    kind = attrs.get("openinference.span.kind")
    if isinstance(kind, str):
        return _OPENINFERENCE_KINDS.get(kind.upper(), SpanType.other)
    if operation is not None and operation in _GENAI_OPERATIONS:
        return _GENAI_OPERATIONS[operation]
    traceloop = attrs.get("traceloop.span.kind")
    if isinstance(traceloop, str) and traceloop in _TRACELOOP_KINDS:
        return _TRACELOOP_KINDS[traceloop]
    # No kind said: a model with token counts is an LLM call (a hand-made or older span).
    has_model = (
        _text(attrs, _REQUEST_MODEL) or _text(attrs, _RESPONSE_MODEL) or _text(attrs, _LATE_MODEL)
    )
    if has_model and (_count(attrs, _INPUT_TOKENS) is not None or _count(attrs, _OUTPUT_TOKENS)):
        return SpanType.llm
    return SpanType.other


def _usage(attrs: Attributes) -> TokenUsage:
    """Token counts, kept consistent with ``TokenUsage``'s meaning.

    The GenAI conventions and OpenInference count cached tokens inside the input and reasoning
    inside the output. Some instrumentations pass Anthropic's ``input_tokens`` through, which
    excludes the cache; when cache counts exceed the input, they are added to it.
    """
    input_tokens = _count(attrs, _INPUT_TOKENS)
    output_tokens = _count(attrs, _OUTPUT_TOKENS) or 0
    if input_tokens is None:
        total = _count(attrs, _TOTAL_TOKENS)
        input_tokens = max(total - output_tokens, 0) if total is not None else 0
    cache_read = _count(attrs, _CACHE_READ) or 0
    cache_write = _count(attrs, _CACHE_WRITE) or 0
    reasoning = _count(attrs, _REASONING) or 0
    if cache_read + cache_write > input_tokens:
        input_tokens += cache_read + cache_write
    if reasoning > output_tokens:
        output_tokens += reasoning
    return TokenUsage(input_tokens, output_tokens, cache_read, cache_write, reasoning)


def _provider(attrs: Attributes) -> str | None:
    provider = _text(attrs, _PROVIDER)
    return provider.lower() if provider else None


def _finish_reasons(span: DecodedSpan) -> tuple[str, ...]:
    value = span.attributes.get("gen_ai.response.finish_reasons")
    if value is None:
        value = span.attributes.get("llm.response.finish_reason")
    if isinstance(value, str):
        value = _json_list(value)
    if isinstance(value, list):
        return tuple(str(v) for v in value if v is not None)
    reasons = [
        event.attributes.get("finish_reason")
        for event in span.events
        if event.name == "gen_ai.choice"
    ]
    return tuple(str(r) for r in reasons if r is not None)


def _json_list(value: str) -> AttrValue:
    if value.startswith("["):
        try:
            parsed: AttrValue = json.loads(value)
        except ValueError:
            return [value]
        return parsed
    return [value]


def _carried_cost(attrs: Attributes) -> float | None:
    for key in _COST:
        cost = _number(attrs.get(key))
        if cost is not None:
            return cost
    parts = [_number(attrs.get(key)) for key in _COST_PARTS]
    if any(part is not None for part in parts):
        return sum(part for part in parts if part is not None)
    return None


def _evaluations(span: DecodedSpan) -> tuple[Evaluation, ...]:
    found = []
    for event in span.events:
        if event.name != "gen_ai.evaluation.result":
            continue
        attrs = event.attributes
        name = _text(attrs, ("gen_ai.evaluation.name",))
        if name is None:
            continue  # the name is required; a nameless result cannot be charted
        found.append(
            Evaluation(
                name=name,
                score=_number(attrs.get("gen_ai.evaluation.score.value")),
                label=_text(attrs, ("gen_ai.evaluation.score.label",)),
                explanation=_text(attrs, ("gen_ai.evaluation.explanation",)),
            )
        )
    return tuple(found)


def _text(attrs: Attributes, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = attrs.get(key)
        if isinstance(value, str) and value:
            return value
    return None


# More tokens than any model takes in one call: an absurd count is ignored, not stored.
MAX_TOKENS = 2**31 - 1


def _count(attrs: Attributes, keys: tuple[str, ...]) -> int | None:
    """The first of ``keys`` that holds a plausible token count (ints, floats or strings)."""
    for key in keys:
        value = attrs.get(key)
        if type(value) is int:
            if 0 <= value <= MAX_TOKENS:
                return value
            continue
        if value is None or isinstance(value, bool):
            continue
        number = _number(value)
        if number is not None and 0 <= number <= MAX_TOKENS:
            return int(number)
    return None


def _number(value: AttrValue) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None
