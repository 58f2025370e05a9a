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

from aitower.telemetry import semconv_messages
from aitower.telemetry.records import Attributes, AttrValue, DecodedSpan, SpanEvent

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


# Attributes that carry a whole side of the conversation as one value: stored as sent, so the
# hot path never parses and re-serialises message JSON.
RAW_INPUT = ("gen_ai.input.messages", "input.value", "traceloop.entity.input")
RAW_OUTPUT = ("gen_ai.output.messages", "output.value", "traceloop.entity.output")
_PLAIN = (str, int, float, bool)
_KEY_IS_CONTENT: dict[str, bool] = {}  # attribute names are few; classify each once


def is_content_attribute(name: str) -> bool:
    known = _KEY_IS_CONTENT.get(name)
    if known is None:
        known = (
            name in CONTENT_ATTRIBUTES
            or name.startswith(CONTENT_PREFIXES)
            or name in ("gen_ai.prompt", "gen_ai.completion")
        )
        if len(_KEY_IS_CONTENT) < 100_000:
            _KEY_IS_CONTENT[name] = known
    return known


def stored_attributes(attributes: Attributes) -> tuple[dict[str, Any], bool]:
    """The attributes to keep (content removed), and whether any content was removed."""
    kept: dict[str, Any] = {}
    had_content = False
    known = _KEY_IS_CONTENT
    for key, value in attributes.items():
        is_content = known.get(key)
        if is_content is None:
            is_content = is_content_attribute(key)
        if is_content:
            had_content = True
        else:
            kept[key] = value if type(value) in _PLAIN else _jsonable(value)
    return kept, had_content


def _jsonable(value: AttrValue) -> Any:
    """Bytes (OTLP ``bytesValue``) as base64 text; JSON has no bytes."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def stored_events(events: list[SpanEvent]) -> tuple[list[dict[str, Any]] | None, bool]:
    """The events to keep (message events removed), and whether any were removed."""
    kept = [
        {
            "name": e.name,
            "time_unix_nano": e.time_unix_nano,
            "attributes": stored_attributes(e.attributes)[0],
        }
        for e in events
        if e.name not in CONTENT_EVENTS
    ]
    return kept or None, len(kept) < len(events)


def stored_content(
    span: DecodedSpan, policy: ContentPolicy, *, has_content: bool
) -> dict[str, Any] | None:
    """The messages to keep, each side cut to ``max_chars`` when longer.

    A side sent as one attribute (``gen_ai.input.messages``, ``input.value``) is kept as sent;
    messages spread over events or flattened attributes are assembled by ``semconv_messages``.
    """
    if not policy.store or not has_content:
        return None
    attrs = span.attributes
    given_in = _first_given(attrs, RAW_INPUT)
    given_out = _first_given(attrs, RAW_OUTPUT)
    if given_in is None and given_out is None:
        given_in, given_out = semconv_messages.messages(span)
        if given_in is None and given_out is None:
            return None
    return {
        "input": _bounded(given_in, policy.max_chars),
        "output": _bounded(given_out, policy.max_chars),
    }


def _first_given(attrs: Attributes, names: tuple[str, ...]) -> AttrValue:
    for name in names:
        value = attrs.get(name)
        if value is not None:
            return value
    return None


def _bounded(messages: Any, max_chars: int) -> Any:
    if messages is None:
        return None
    text = messages if isinstance(messages, str) else json.dumps(messages, default=str)
    if len(text) <= max_chars:
        return _jsonable(messages)
    return text[: max(0, max_chars - len(TRUNCATION_MARK))] + TRUNCATION_MARK
