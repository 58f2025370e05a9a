"""What of a span's message content is kept: only where the system allows it, and truncated.

Content lives in one column (``SpanRow.content``) so that one switch governs it: the attributes
and events that carry prompts and completions in any convention are removed from the stored
attributes and events whatever the setting, and the messages are kept (truncated) only when
the system's telemetry settings say so.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from aitower.telemetry.records import Attributes, AttrValue, LlmFacts, SpanEvent

# Attribute names (or prefixes, ending in ".") that carry prompts, completions or tool payloads.
CONTENT_ATTRIBUTES = frozenset(
    {
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.system_instructions",
        "gen_ai.tool.call.arguments",
        "gen_ai.tool.call.result",
        "input.value",
        "output.value",
        "traceloop.entity.input",
        "traceloop.entity.output",
    }
)
CONTENT_PREFIXES = (
    "gen_ai.prompt.",
    "gen_ai.completion.",
    "llm.input_messages.",
    "llm.output_messages.",
    "llm.prompts.",
    "llm.prompt_template.",
)
CONTENT_EVENTS = frozenset(
    {
        "gen_ai.system.message",
        "gen_ai.user.message",
        "gen_ai.assistant.message",
        "gen_ai.tool.message",
        "gen_ai.choice",
        "gen_ai.content.prompt",
        "gen_ai.content.completion",
        "gen_ai.client.inference.operation.details",
    }
)
TRUNCATION_MARK = "…[truncated]"


@dataclass(frozen=True, slots=True)
class ContentPolicy:
    store: bool
    max_chars: int


def is_content_attribute(name: str) -> bool:
    return (
        name in CONTENT_ATTRIBUTES
        or name.startswith(CONTENT_PREFIXES)
        or name
        in (
            "gen_ai.prompt",
            "gen_ai.completion",
        )
    )


def stored_attributes(attributes: Attributes) -> dict[str, Any]:
    return {k: _jsonable(v) for k, v in attributes.items() if not is_content_attribute(k)}


def _jsonable(value: AttrValue) -> Any:
    """Bytes (OTLP ``bytesValue``) as base64 text; JSON has no bytes."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def stored_events(events: list[SpanEvent]) -> list[dict[str, Any]] | None:
    kept = [
        {
            "name": e.name,
            "time_unix_nano": e.time_unix_nano,
            "attributes": stored_attributes(e.attributes),
        }
        for e in events
        if e.name not in CONTENT_EVENTS
    ]
    return kept or None


def stored_content(facts: LlmFacts, policy: ContentPolicy) -> dict[str, Any] | None:
    """The messages to keep, each side cut to ``max_chars`` of JSON text when longer."""
    if not policy.store or (facts.input_messages is None and facts.output_messages is None):
        return None
    return {
        "input": _bounded(facts.input_messages, policy.max_chars),
        "output": _bounded(facts.output_messages, policy.max_chars),
    }


def _bounded(messages: Any, max_chars: int) -> Any:
    if messages is None:
        return None
    text = json.dumps(messages, ensure_ascii=False, default=str)
    if len(text) <= max_chars:
        return messages
    return text[: max(0, max_chars - len(TRUNCATION_MARK))] + TRUNCATION_MARK
