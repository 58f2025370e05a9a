"""The trace shapes of the demo's three LLM applications, as their OpenTelemetry SDKs emit them.

Each ``build_*`` function makes one trace (a list of ``DecodedSpan``) from a random source, a
start time and the conditions of that moment (an incident slowing the provider down, which
model marketing uses). The attributes follow the OpenTelemetry GenAI semantic conventions
(``gen_ai.*``) with OpenInference span kinds on the application's own spans, so the demo
exercises the same mapping real instrumentations do. Usage is reported on LLM and embedding
spans only: an agent or chain span never repeats its children's tokens.

Pure: no clock, no I/O; the same random state gives the same trace.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from aitower.telemetry.records import Attributes, AttrValue, DecodedSpan, SpanEvent

MS = 1_000_000  # nanoseconds per millisecond

SERVER, CLIENT, INTERNAL = 2, 3, 1
OK, ERROR = 0, 2

CHATBOT = "support-chatbot"
KNOWLEDGE = "knowledge-assistant"
MARKETING = "marketing-content"

CHAT_MODEL = ("openai", "gpt-4o-mini", "gpt-4o-mini-2024-07-18")
CHAT_FALLBACK = ("anthropic", "claude-3-5-haiku", "claude-3-5-haiku-20241022")
KB_MODEL = ("anthropic", "claude-sonnet-4", "claude-sonnet-4-20250514")
KB_EMBEDDINGS = ("openai", "text-embedding-3-small", "text-embedding-3-small")
# A model fine-tuned and served in house: no catalog has its price, so its calls show unpriced.
KB_REWRITER = ("acme.ml-platform", "acme-query-rewriter-ft-v3", "acme-query-rewriter-ft-v3")
MARKETING_CHEAP = ("gcp.vertex_ai", "gemini-2.5-flash", "gemini-2.5-flash")
MARKETING_PREMIUM = ("gcp.vertex_ai", "gemini-2.5-pro", "gemini-2.5-pro")

CHAT_SYSTEM = (
    "You are Acme's support assistant. Answer from the help-centre articles and the customer's "
    "orders; hand over to a human agent when unsure."
)
CHAT_TURNS = (
    (
        "Where is my order #48213?",
        "Your order #48213 left our warehouse yesterday and should "
        "arrive on Thursday. Here is the tracking link.",
    ),
    (
        "How do I reset my password?",
        "Open Sign in, choose 'Forgot password' and follow the "
        "link we email you; it is valid for 30 minutes.",
    ),
    (
        "Can I change the delivery address after ordering?",
        "Yes, until the order is packed. I have updated the address on order #51877 for you.",
    ),
    (
        "What is your refund policy for opened items?",
        "Opened items can be returned within 30 "
        "days for a refund to the original payment method, minus shipping.",
    ),
    (
        "My invoice shows a double charge.",
        "I see two authorisations; the second one is a hold "
        "that your bank releases within 3 working days. No second charge was taken.",
    ),
    (
        "How do I cancel my subscription?",
        "Go to Account > Subscription > Cancel. Your plan "
        "stays active until the end of the current billing period.",
    ),
    (
        "Do you ship to Norway?",
        "We ship to Norway in 4-6 working days; import VAT is collected "
        "at checkout, so there is nothing to pay on delivery.",
    ),
    (
        "The app keeps logging me out.",
        "Please update the app to version 5.2 or later; the "
        "logout issue was fixed there. If it persists I can connect you to an agent.",
    ),
)
CHAT_TOOLS = ("lookup_order", "update_address", "create_ticket", "check_refund_status")

KB_SYSTEM = "Answer employees' questions from the intranet and IT runbooks. Cite your sources."
KB_TURNS = (
    (
        "How do I request VPN access?",
        "Request the 'VPN-Employees' group in the IT portal; your "
        "manager approves it and access works within an hour [IT-Runbook 4.2].",
    ),
    (
        "What is the hotel limit for a trip to London?",
        "The travel policy allows up to GBP 220 "
        "per night in London, breakfast included [Travel Policy 3.1].",
    ),
    (
        "How do I rotate the staging database credentials?",
        "Run the 'rotate-db-secret' pipeline "
        "for staging, then restart the services listed in the runbook [Runbook DB-07].",
    ),
    (
        "Who approves new SaaS tools?",
        "The IT procurement board approves new SaaS tools after a "
        "security review; submit the intake form first [Procurement 2.4].",
    ),
    (
        "Where is the incident runbook for the payments API?",
        "It is in Confluence under "
        "SRE > Runbooks > Payments API; the on-call rota is linked at the top.",
    ),
)
MARKETING_SYSTEM = "You write on-brand marketing copy for Acme Outdoor: warm, concise, no jargon."
MARKETING_TURNS = (
    "Write three subject lines for the spring sale email.",
    "Draft a 120-word product description for the TrailLite 2 backpack.",
    "Rewrite this LinkedIn post about our repair programme in a friendlier tone.",
    "Create four ad copy variants for the loyalty programme launch.",
    "Write a landing-page hero text for the new rain jacket line.",
)
MARKETING_DRAFT = (
    "Meet the TrailLite 2: 28 litres of weather-proof space that weighs less than your water "
    "bottle. Padded straps, a hip belt that actually fits, and pockets where your hands expect "
    "them. Built to be repaired, not replaced."
)

ERRORS_USUAL = (
    "RateLimitError: 429 Too Many Requests: rate limit reached for requests",
    "APIStatusError: 503 Service Unavailable: the upstream model is overloaded",
    "BadRequestError: 400 context_length_exceeded: the prompt is too long for the model",
)
ERROR_TIMEOUT = "APITimeoutError: request timed out after 30 s"


@dataclass(frozen=True, slots=True)
class Moment:
    """Conditions at a trace's start that change its shape: incidents, model changes."""

    slowdown: float = 1.0  # factor on the provider's latency
    error_rate: float = 0.012  # probability that one LLM call fails
    marketing_premium: bool = False  # marketing has switched to the expensive model


def messages(*parts: tuple[str, str]) -> str:
    """``gen_ai.input.messages`` / ``gen_ai.output.messages`` as the conventions' JSON."""
    return json.dumps(
        [{"role": role, "parts": [{"type": "text", "content": text}]} for role, text in parts]
    )


def output_messages(text: str, finish: str) -> str:
    return json.dumps(
        [
            {
                "role": "assistant",
                "parts": [{"type": "text", "content": text}],
                "finish_reason": finish,
            }
        ]
    )


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * rng.lognormvariate(0.0, sigma)


@dataclass
class TraceBuilder:
    """Collects one trace's spans; ids come from the trace's random source."""

    rng: random.Random
    resource: Attributes
    common: Attributes  # user and session ids carried by the root and the LLM calls
    trace_id: str = ""
    spans: list[DecodedSpan] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.trace_id = f"{self.rng.getrandbits(128) | 1:032x}"

    def span(
        self,
        name: str,
        parent: DecodedSpan | None,
        start: int,
        duration_ms: float,
        attributes: Attributes,
        *,
        kind: int = INTERNAL,
        scope: str = "acme.app",
    ) -> DecodedSpan:
        made = DecodedSpan(
            resource=self.resource,
            scope_name=scope,
            trace_id=self.trace_id,
            span_id=f"{self.rng.getrandbits(64) | 1:016x}",
            parent_span_id=None if parent is None else parent.span_id,
            name=name,
            kind=kind,
            start_unix_nano=start,
            end_unix_nano=start + max(1, int(duration_ms * MS)),
            status_code=OK,
            status_message="",
            attributes=attributes,
        )
        self.spans.append(made)
        return made


def fail(span: DecodedSpan, message: str) -> None:
    span.status_code = ERROR
    span.status_message = message
    span.attributes["error.type"] = message.split(":", 1)[0]


def llm_call(
    b: TraceBuilder,
    parent: DecodedSpan,
    start: int,
    model: tuple[str, str, str],
    moment: Moment,
    prompt: tuple[tuple[str, str], ...],
    answer: str,
    tokens: tuple[int, int, int],
    ms_per_token: float,
) -> DecodedSpan:
    """One ``chat`` span; ``tokens`` is (input, output, cache read). Fails at the moment's rate,
    then without usage or output, as instrumentations report a call the provider refused."""
    provider, requested, responded = model
    duration = (250 + ms_per_token * tokens[1]) * b.rng.lognormvariate(0, 0.25) * moment.slowdown
    attrs: Attributes = {
        "gen_ai.provider.name": provider,
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": requested,
        "gen_ai.request.temperature": 0.3,
        "gen_ai.input.messages": messages(*prompt),
        **b.common,
    }
    failed = b.rng.random() < moment.error_rate
    if failed:
        timeout = moment.slowdown > 1.5 and b.rng.random() < 0.7
        duration = 30_000.0 if timeout else duration * 0.3
    span = b.span(
        f"chat {requested}",
        parent,
        start,
        duration,
        attrs,
        kind=CLIENT,
        scope=f"opentelemetry.instrumentation.{provider.split('.')[0]}",
    )
    if failed:
        fail(span, ERROR_TIMEOUT if timeout else b.rng.choice(ERRORS_USUAL))
        return span
    finish = "length" if b.rng.random() < 0.02 else "stop"
    attrs["gen_ai.response.model"] = responded
    attrs["gen_ai.response.id"] = f"resp_{b.rng.getrandbits(48):012x}"
    attrs["gen_ai.response.finish_reasons"] = [finish]
    attrs["gen_ai.usage.input_tokens"] = tokens[0]
    attrs["gen_ai.usage.output_tokens"] = tokens[1]
    if tokens[2]:
        attrs["gen_ai.usage.cache_read.input_tokens"] = tokens[2]
    attrs["gen_ai.output.messages"] = output_messages(answer, finish)
    return span


def evaluation(span: DecodedSpan, name: str, score: float, label: str, why: str) -> None:
    """A ``gen_ai.evaluation.result`` event, as an online evaluator attaches it."""
    attrs: dict[str, AttrValue] = {
        "gen_ai.evaluation.name": name,
        "gen_ai.evaluation.score.value": round(score, 3),
        "gen_ai.evaluation.score.label": label,
        "gen_ai.evaluation.explanation": why,
    }
    span.events.append(SpanEvent("gen_ai.evaluation.result", span.end_unix_nano, attrs))


def close_root(root: DecodedSpan, children: list[DecodedSpan]) -> None:
    """The root ends after its last child and fails with the first failed LLM call."""
    root.end_unix_nano = max(c.end_unix_nano for c in children) + 4 * MS
    failed = next((c for c in children if c.status_code == ERROR and "chat" in c.name), None)
    if failed is not None:
        fail(root, failed.status_message)


def build_chatbot(b: TraceBuilder, start: int, moment: Moment) -> list[DecodedSpan]:
    """Agent root -> retriever -> chat (gpt-4o-mini, sometimes Claude) -> maybe tool + chat."""
    rng = b.rng
    question, answer = rng.choice(CHAT_TURNS)
    root = b.span(
        "invoke_agent support-agent",
        None,
        start,
        1,
        {
            "gen_ai.operation.name": "invoke_agent",
            "gen_ai.agent.name": "support-agent",
            "openinference.span.kind": "AGENT",
            **b.common,
        },
        kind=SERVER,
    )
    at = start + int(lognormal(rng, 3, 0.5) * MS)
    retrieve = b.span(
        "retrieve help_centre",
        root,
        at,
        lognormal(rng, 70, 0.4),
        {
            "openinference.span.kind": "RETRIEVER",
            "retrieval.top_k": 5,
        },
    )
    model = CHAT_FALLBACK if rng.random() < 0.15 else CHAT_MODEL
    prompt = (("system", CHAT_SYSTEM), ("user", question))
    tokens_in = rng.randint(900, 2600)
    cached = 1024 if tokens_in > 1100 and rng.random() < 0.4 else 0
    first = llm_call(
        b,
        root,
        retrieve.end_unix_nano + MS,
        model,
        moment,
        prompt,
        answer,
        (tokens_in, rng.randint(60, 260), cached),
        9.0,
    )
    children = [retrieve, first]
    if first.status_code == OK and rng.random() < 0.3:
        tool_name = rng.choice(CHAT_TOOLS)
        tool = b.span(
            f"execute_tool {tool_name}",
            root,
            first.end_unix_nano + MS,
            lognormal(rng, 120, 0.5),
            {
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": tool_name,
                "openinference.span.kind": "TOOL",
            },
        )
        if rng.random() < 0.02:
            fail(tool, "ToolError: order service answered 504 Gateway Timeout")
        second = llm_call(
            b,
            root,
            tool.end_unix_nano + MS,
            model,
            moment,
            prompt,
            answer,
            (tokens_in + rng.randint(100, 300), rng.randint(40, 160), 0),
            9.0,
        )
        children += [tool, second]
    close_root(root, children)
    return b.spans


def build_knowledge(b: TraceBuilder, start: int, moment: Moment) -> list[DecodedSpan]:
    """Chain root -> query rewrite (in-house model) -> embeddings -> retriever -> Claude."""
    rng = b.rng
    question, answer = rng.choice(KB_TURNS)
    root = b.span(
        "rag_pipeline",
        None,
        start,
        1,
        {
            "openinference.span.kind": "CHAIN",
            "input.value": question,
            **b.common,
        },
        kind=SERVER,
    )
    rewrite = llm_call(
        b,
        root,
        start + 2 * MS,
        KB_REWRITER,
        Moment(),
        (("user", question),),
        question.rstrip("?") + " (policy, runbook)",
        (rng.randint(180, 420), rng.randint(15, 60), 0),
        4.0,
    )
    provider, requested, responded = KB_EMBEDDINGS
    embed = b.span(
        f"embeddings {requested}",
        root,
        rewrite.end_unix_nano + MS,
        lognormal(rng, 45, 0.35),
        {
            "gen_ai.provider.name": provider,
            "gen_ai.operation.name": "embeddings",
            "gen_ai.request.model": requested,
            "gen_ai.response.model": responded,
            "gen_ai.usage.input_tokens": rng.randint(12, 48),
        },
        kind=CLIENT,
        scope="opentelemetry.instrumentation.openai",
    )
    retrieve = b.span(
        "retrieve intranet",
        root,
        embed.end_unix_nano + MS,
        lognormal(rng, 110, 0.4),
        {
            "openinference.span.kind": "RETRIEVER",
            "retrieval.top_k": 8,
        },
    )
    tokens_in = rng.randint(2500, 6000)
    cached = 1800 if rng.random() < 0.7 else 0
    prompt = (("system", KB_SYSTEM), ("user", question))
    chat = llm_call(
        b,
        root,
        retrieve.end_unix_nano + MS,
        KB_MODEL,
        moment,
        prompt,
        answer,
        (tokens_in, rng.randint(150, 520), cached),
        14.0,
    )
    if chat.status_code == OK and rng.random() < 0.04:
        score = rng.uniform(0.55, 1.0)
        label = "grounded" if score >= 0.8 else "partially grounded"
        evaluation(chat, "groundedness", score, label, "Claims checked against the cited pages.")
    close_root(root, [rewrite, embed, retrieve, chat])
    return b.spans


def build_marketing(b: TraceBuilder, start: int, moment: Moment) -> list[DecodedSpan]:
    """Chain root -> one long generation, on the cheap or (after the change) premium model."""
    rng = b.rng
    request = rng.choice(MARKETING_TURNS)
    root = b.span(
        "generate_copy",
        None,
        start,
        1,
        {
            "openinference.span.kind": "CHAIN",
            "input.value": request,
            **b.common,
        },
        kind=SERVER,
    )
    model = MARKETING_PREMIUM if moment.marketing_premium else MARKETING_CHEAP
    per_token = 22.0 if moment.marketing_premium else 8.0
    prompt = (("system", MARKETING_SYSTEM), ("user", request))
    chat = llm_call(
        b,
        root,
        start + 3 * MS,
        model,
        moment,
        prompt,
        MARKETING_DRAFT,
        (rng.randint(400, 1200), rng.randint(400, 1400), 0),
        per_token,
    )
    if chat.status_code == OK and rng.random() < 0.1:
        score = rng.uniform(0.4, 1.0)
        label = "on-brand" if score >= 0.7 else "off-brand"
        evaluation(chat, "brand_voice", score, label, "Tone and vocabulary against the guide.")
    close_root(root, [chat])
    return b.spans
