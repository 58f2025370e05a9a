"""What of a span's message content is kept: only where the system allows it, and truncated.

Content lives in one column (``SpanRow.content``) so that one switch governs it: the attributes
and events that carry prompts, completions, tool payloads, documents or embedded texts in any
convention (``content_fields.CONTENT_FIELDS``) are removed from the stored attributes and events
whatever the setting, and kept (truncated) only when the system's telemetry settings say so:
messages as the span's ``input`` and ``output``, every other field under ``other``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from aitower.telemetry import semconv_messages
from aitower.telemetry.content_fields import (
    CONTENT_ATTRIBUTES,
    CONTENT_EVENTS,
    CONTENT_PREFIXES,
    DROPPED_SUFFIXES,
    is_message_attribute,
)
from aitower.telemetry.records import Attributes, AttrValue, DecodedSpan, SpanEvent

TRUNCATION_MARK = "…[truncated]"


@dataclass(frozen=True, slots=True)
class ContentPolicy:
    store: bool
    max_chars: int


# Attributes that carry a whole side of the conversation as one value: stored as sent, so the
# hot path never parses and re-serialises message JSON. OpenInference's structured
# ``llm.input_messages.*`` win over its raw ``input.value`` (the request's JSON): ``_STRUCTURED``.
RAW_INPUT = ("gen_ai.input.messages", "input.value", "traceloop.entity.input")
RAW_OUTPUT = ("gen_ai.output.messages", "output.value", "traceloop.entity.output")
_STRUCTURED_IN = ("llm.input_messages.0.message.role", "llm.input_messages.0.message.content")
_STRUCTURED_OUT = ("llm.output_messages.0.message.role", "llm.output_messages.0.message.content")
_PLAIN = (str, int, float, bool)
_KEY_IS_CONTENT: dict[str, bool] = {}  # attribute names are few; classify each once


def is_content_attribute(name: str) -> bool:
    known = _KEY_IS_CONTENT.get(name)
    if known is None:
        known = name in CONTENT_ATTRIBUTES or name.startswith(CONTENT_PREFIXES)
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
    """The content to keep: messages (each side cut to ``max_chars``, oldest turns first) and
    the other content fields, each cut to ``max_chars``.

    A side sent as one attribute (``gen_ai.input.messages``, ``input.value``) is kept as sent
    unless OpenInference's structured messages are there too; messages spread over events or
    flattened attributes are assembled by ``semconv_messages``.
    """
    if not policy.store or not has_content:
        return None
    attrs = span.attributes
    given_in = None if _any_given(attrs, _STRUCTURED_IN) else _first_given(attrs, RAW_INPUT)
    given_out = None if _any_given(attrs, _STRUCTURED_OUT) else _first_given(attrs, RAW_OUTPUT)
    if given_in is None or given_out is None:
        assembled_in, assembled_out = semconv_messages.messages(span)
        given_in = assembled_in if given_in is None else given_in
        given_out = assembled_out if given_out is None else given_out
    other = _other_content(attrs, policy.max_chars)
    if given_in is None and given_out is None and not other:
        return None
    content = {
        "input": _bounded(given_in, policy.max_chars),
        "output": _bounded(given_out, policy.max_chars),
    }
    if other:
        content["other"] = other
    return content


def _other_content(attrs: Attributes, max_chars: int) -> dict[str, Any]:
    """Content fields that are not messages (tool payloads, documents, embedded texts,
    templates), each cut to ``max_chars``."""
    known = _KEY_IS_OTHER
    found: dict[str, Any] = {}
    for key, value in attrs.items():
        is_other = known.get(key)
        if is_other is None:
            is_other = _classify_other(key)
        if is_other:
            found[key] = _bounded_value(value, max_chars)
    return found


_KEY_IS_OTHER: dict[str, bool] = {}  # as ``_KEY_IS_CONTENT``: each name classified once


def _classify_other(key: str) -> bool:
    is_other = (
        is_content_attribute(key)
        and not is_message_attribute(key)
        and not key.endswith(DROPPED_SUFFIXES)
    )
    if len(_KEY_IS_OTHER) < 100_000:
        _KEY_IS_OTHER[key] = is_other
    return is_other


def _any_given(attrs: Attributes, names: tuple[str, ...]) -> bool:
    return any(name in attrs for name in names)


def _first_given(attrs: Attributes, names: tuple[str, ...]) -> AttrValue:
    for name in names:
        value = attrs.get(name)
        if value is not None:
            return value
    return None


def _bounded(messages: Any, max_chars: int) -> Any:
    """``messages`` within ``max_chars``: a list of messages loses its oldest turns first, so
    the newest user message of a long conversation is the one kept."""
    if messages is None:
        return None
    text = messages if isinstance(messages, str) else json.dumps(messages, default=str)
    if len(text) <= max_chars:
        return _jsonable(messages)
    listed = _message_list(messages)
    if listed:
        return _newest_turns(listed, max_chars)
    return _cut(text, max_chars)


def _bounded_value(value: AttrValue, max_chars: int) -> Any:
    text = value if isinstance(value, str) else json.dumps(_jsonable(value))
    return _jsonable(value) if len(text) <= max_chars else _cut(text, max_chars)


def _cut(text: str, max_chars: int) -> str:
    return text[: max(0, max_chars - len(TRUNCATION_MARK))] + TRUNCATION_MARK


def _message_list(messages: Any) -> list[Any] | None:
    """The list of messages in ``messages``: itself, its JSON, or a request's ``messages``."""
    if isinstance(messages, str):
        messages = semconv_messages.parse_json(messages)
    if isinstance(messages, dict):
        messages = messages.get("messages")
    return messages if isinstance(messages, list) else None


def _newest_turns(listed: list[Any], max_chars: int) -> list[Any]:
    """The newest messages that fit in ``max_chars``, after a note of how many were left out;
    the newest alone, cut, when even it does not fit."""
    kept: list[Any] = []
    used = 60  # room for the note
    for message in reversed(listed):
        size = len(json.dumps(_jsonable(message), default=str)) + 2
        if used + size > max_chars:
            break
        kept.append(_jsonable(message))
        used += size
    if not kept:
        newest = json.dumps(_jsonable(listed[-1]), default=str)
        kept = [_cut(newest, max(len(TRUNCATION_MARK), max_chars - 60))]
    left_out = len(listed) - len(kept)
    note = {"role": "aitower", "content": f"{TRUNCATION_MARK} {left_out} earlier message(s)"}
    return [note, *reversed(kept)] if left_out else list(reversed(kept))
