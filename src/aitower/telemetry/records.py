"""The shapes that cross the telemetry pipeline: decoded spans in, LLM-call records out.

Decoding (``otlp.py``) turns an OTLP request into ``DecodedSpan``s; mapping (``semconv.py``)
reads the OpenTelemetry GenAI and OpenInference attributes of one span into an ``LlmFacts``;
the ingest service prices, links and stores them. Everything here is plain data, so the
pipeline's rules are tested without HTTP or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from aitower.cost.usage import TokenUsage

# An OTLP attribute value as Python sees it: scalars, lists of them, or nested key/values.
AttrValue = str | bool | int | float | bytes | list["AttrValue"] | dict[str, "AttrValue"] | None
Attributes = dict[str, AttrValue]


class SpanType(StrEnum):
    """What a span does in an LLM application (OpenInference span kinds, GenAI operations)."""

    llm = "llm"
    embedding = "embedding"
    chain = "chain"
    agent = "agent"
    tool = "tool"
    retriever = "retriever"
    reranker = "reranker"
    guardrail = "guardrail"
    evaluator = "evaluator"
    other = "other"


@dataclass(frozen=True, slots=True)
class SpanEvent:
    name: str
    time_unix_nano: int
    attributes: Attributes


@dataclass(slots=True)
class DecodedSpan:
    """One OTLP span with its resource, ids as lower-case hex, times in Unix nanoseconds."""

    resource: Attributes
    scope_name: str
    trace_id: str  # 32 hex characters
    span_id: str  # 16 hex characters
    parent_span_id: str | None  # None for a root span
    name: str
    kind: int  # OTLP SpanKind: 0 unset, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
    start_unix_nano: int
    end_unix_nano: int
    status_code: int  # 0 unset, 1 ok, 2 error
    status_message: str
    attributes: Attributes
    events: list[SpanEvent] = field(default_factory=list)

    @property
    def service_name(self) -> str:
        value = self.resource.get("service.name")
        return value if isinstance(value, str) and value else "unknown_service"


@dataclass(frozen=True, slots=True)
class RejectedSpan:
    """A span the decoder refused, and why in one line (reported as OTLP partial success)."""

    trace_id: str
    span_id: str
    reason: str


@dataclass(slots=True)
class DecodeResult:
    spans: list[DecodedSpan]
    rejected: list[RejectedSpan]
    # True when the decoder knows every value fits the store (``storable``: no integer beyond
    # 64 bits, no NaN or infinity), so that nothing needs to be looked at again; a hint on the
    # work left, not part of what was decoded (two encodings of one request compare equal)
    storable: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A ``gen_ai.evaluation.result`` event (or an evaluation sent to the API)."""

    name: str
    score: float | None
    label: str | None
    explanation: str | None


@dataclass(frozen=True, slots=True)
class LlmFacts:
    """What the semantic conventions say about one span, whichever convention it used.

    ``usage`` is set only on spans that are LLM or embedding calls themselves: an agent or chain
    span that repeats its children's usage must not be counted again.
    """

    span_type: SpanType
    provider: str | None = None
    operation: str | None = None
    request_model: str | None = None
    response_model: str | None = None
    usage: TokenUsage | None = None
    finish_reasons: tuple[str, ...] = ()
    input_messages: list[AttrValue] | None = None
    output_messages: list[AttrValue] | None = None
    user_id: str | None = None
    session_id: str | None = None
    carried_cost: float | None = None  # a cost the instrumentation already computed, in USD
    evaluations: tuple[Evaluation, ...] = ()
    system_hint: str | None = None  # resource attribute ``aitower.system``
    response_id: str | None = None  # the provider's id of its answer (``gen_ai.response.id``)
    service_tier: str | None = None  # the tier that served the call (priority, flex, batch…)

    @property
    def is_llm_call(self) -> bool:
        return self.usage is not None

    @property
    def model(self) -> str | None:
        """The model a call is counted under: the one requested, so that a failed call (which
        has no response model) and a successful one (whose response names a dated snapshot,
        ``gpt-4o-mini-2024-07-18``) share one row and a model's error rate is right. The
        response model stays in the span's attributes and prices the call (``price_model``)."""
        return self.request_model or self.response_model

    @property
    def price_model(self) -> str | None:
        """The model a call is priced by: the answering snapshot when known (its price may
        differ from the alias's), else the requested one."""
        return self.response_model or self.request_model
