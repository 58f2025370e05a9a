"""Every span attribute and event that carries user content, in every convention read.

One table, shown as is in ``docs/telemetry.md`` (a test keeps the two equal). ``content``
applies the system's content rules to each: removed from the stored attributes and events
whatever the setting; with ``store_content`` on, messages are assembled into the span's
input and output, and every other field is kept beside them (``other``), each cut to
``max_content_chars``. Names ending in ``.`` are prefixes (flattened lists and objects).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Where = Literal["attribute", "prefix", "event"]
# "messages": assembled into the span's input or output; "other": kept as sent (cut);
# "dropped": never stored (embedding vectors, streaming chunks: no reader needs them).
Kept = Literal["messages", "other", "dropped"]


@dataclass(frozen=True, slots=True)
class ContentField:
    name: str
    where: Where
    convention: str
    carries: str
    kept: Kept


_GENAI, _OI, _OLL = "OTel GenAI", "OpenInference", "OpenLLMetry"

CONTENT_FIELDS: tuple[ContentField, ...] = (
    ContentField("gen_ai.input.messages", "attribute", _GENAI, "input messages", "messages"),
    ContentField("gen_ai.output.messages", "attribute", _GENAI, "output messages", "messages"),
    ContentField("gen_ai.system_instructions", "attribute", _GENAI, "system prompt", "messages"),
    ContentField("gen_ai.prompt", "attribute", _GENAI, "prompt (before v1.27)", "messages"),
    ContentField("gen_ai.completion", "attribute", _GENAI, "completion (before v1.27)", "messages"),
    ContentField("gen_ai.tool.call.arguments", "attribute", _GENAI, "tool call arguments", "other"),
    ContentField("gen_ai.tool.call.result", "attribute", _GENAI, "tool call result", "other"),
    ContentField("gen_ai.retrieval.documents", "attribute", _GENAI, "retrieved documents", "other"),
    ContentField("gen_ai.retrieval.query.text", "attribute", _GENAI, "retrieval query", "other"),
    ContentField("gen_ai.prompt.", "prefix", _OLL, "flattened prompt messages", "messages"),
    ContentField("gen_ai.completion.", "prefix", _OLL, "flattened completions", "messages"),
    ContentField("llm.prompts.", "prefix", _OLL, "flattened prompts", "messages"),
    ContentField("traceloop.entity.input", "attribute", _OLL, "task/workflow input", "messages"),
    ContentField("traceloop.entity.output", "attribute", _OLL, "task/workflow output", "messages"),
    ContentField("traceloop.prompt.template", "attribute", _OLL, "prompt template", "other"),
    ContentField(
        "traceloop.prompt.template_variables", "attribute", _OLL, "template variables", "other"
    ),
    ContentField("input.value", "attribute", _OI, "span input (raw)", "messages"),
    ContentField("output.value", "attribute", _OI, "span output (raw)", "messages"),
    ContentField("llm.input_messages.", "prefix", _OI, "input messages, tool calls", "messages"),
    ContentField("llm.output_messages.", "prefix", _OI, "output messages, tool calls", "messages"),
    ContentField("llm.prompts", "attribute", _OI, "completion-API prompts", "other"),
    ContentField("llm.choices", "attribute", _OI, "completion-API choices", "other"),
    ContentField("llm.function_call", "attribute", _OI, "function call arguments", "other"),
    ContentField("llm.prompt_template.", "prefix", _OI, "template, variables", "other"),
    ContentField("retrieval.documents.", "prefix", _OI, "retrieved documents", "other"),
    ContentField("reranker.query", "attribute", _OI, "reranker query", "other"),
    ContentField("reranker.input_documents.", "prefix", _OI, "documents to rerank", "other"),
    ContentField("reranker.output_documents.", "prefix", _OI, "reranked documents", "other"),
    ContentField("embedding.embeddings.", "prefix", _OI, "embedded texts", "other"),
    ContentField("gen_ai.system.message", "event", _GENAI, "system message", "messages"),
    ContentField("gen_ai.user.message", "event", _GENAI, "user message", "messages"),
    ContentField("gen_ai.assistant.message", "event", _GENAI, "assistant message", "messages"),
    ContentField("gen_ai.tool.message", "event", _GENAI, "tool result message", "messages"),
    ContentField("gen_ai.choice", "event", _GENAI, "completion choice", "messages"),
    ContentField("gen_ai.content.prompt", "event", _GENAI, "prompt (before v1.27)", "messages"),
    ContentField(
        "gen_ai.content.completion", "event", _GENAI, "completion (before v1.27)", "messages"
    ),
    ContentField(
        "gen_ai.client.inference.operation.details", "event", _GENAI, "messages", "messages"
    ),
    ContentField("llm.content.completion.chunk", "event", _OLL, "streamed chunk", "dropped"),
)

# Inside a content prefix, parts that are never kept: vectors are numbers, not text to read.
DROPPED_SUFFIXES = (".embedding.vector",)

CONTENT_ATTRIBUTES = frozenset(f.name for f in CONTENT_FIELDS if f.where == "attribute")
CONTENT_PREFIXES = tuple(f.name for f in CONTENT_FIELDS if f.where == "prefix")
CONTENT_EVENTS = frozenset(f.name for f in CONTENT_FIELDS if f.where == "event")
MESSAGE_ATTRIBUTES = frozenset(
    f.name for f in CONTENT_FIELDS if f.where == "attribute" and f.kept == "messages"
)
MESSAGE_PREFIXES = tuple(
    f.name for f in CONTENT_FIELDS if f.where == "prefix" and f.kept == "messages"
)


def is_message_attribute(name: str) -> bool:
    """Whether ``name`` is assembled into the input or output messages (not kept apart)."""
    return name in MESSAGE_ATTRIBUTES or name.startswith(MESSAGE_PREFIXES)


def markdown_table() -> str:
    """The table as ``docs/telemetry.md`` shows it."""
    lines = [
        "| attribute or event | kind | convention | carries | kept as |",
        "|---|---|---|---|---|",
    ]
    for f in CONTENT_FIELDS:
        shown = f"`{f.name}…`" if f.where == "prefix" else f"`{f.name}`"
        lines.append(f"| {shown} | {f.where} | {f.convention} | {f.carries} | {f.kept} |")
    return "\n".join(lines)
