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
from math import isfinite
from typing import Any

from aitower.telemetry import semconv_messages
from aitower.telemetry.content_fields import (
    CONTENT_ATTRIBUTES,
    CONTENT_EVENTS,
    CONTENT_PREFIXES,
    DROPPED_SUFFIXES,
    is_message_attribute,
)
from aitower.telemetry.content_scan import DEFAULT_SCAN, ScanPolicy
from aitower.telemetry.records import Attributes, AttrValue, DecodedSpan, SpanEvent

TRUNCATION_MARK = "…[truncated]"


@dataclass(frozen=True, slots=True)
class ContentPolicy:
    """A system's content rules: whether content is stored, its size, and its scanning and
    redaction (``content_scan``) with the server's key for digests (empty: ``fallback_key``)."""

    store: bool
    max_chars: int
    scan: ScanPolicy = DEFAULT_SCAN
    key: bytes = b""


# Attributes that carry a whole side of the conversation as one value: stored as sent, so the
# hot path never parses and re-serialises message JSON. OpenInference's structured
# ``llm.input_messages.*`` win over its raw ``input.value`` (the request's JSON): ``_STRUCTURED``.
RAW_INPUT = ("gen_ai.input.messages", "input.value", "traceloop.entity.input")
RAW_OUTPUT = ("gen_ai.output.messages", "output.value", "traceloop.entity.output")
_STRUCTURED_IN = ("llm.input_messages.0.message.role", "llm.input_messages.0.message.content")
_STRUCTURED_OUT = ("llm.output_messages.0.message.role", "llm.output_messages.0.message.content")
_PLAIN = (str, int, float, bool)
# What an attribute name carries, as flags: ``_KINDS`` of a span is the OR of its names' kinds.
_MESSAGE, _OTHER, _DROPPED = 1, 2, 4  # content: messages, other fields, never kept
_KEY_KIND: dict[str, int] = {}  # attribute names are few; classify each once (0: no content)


def _kind(name: str) -> int:
    kind = _KEY_KIND.get(name)
    if kind is None:
        if not (name in CONTENT_ATTRIBUTES or name.startswith(CONTENT_PREFIXES)):
            kind = 0
        elif is_message_attribute(name):
            kind = _MESSAGE
        else:
            kind = _DROPPED if name.endswith(DROPPED_SUFFIXES) else _OTHER
        if len(_KEY_KIND) < 100_000:
            _KEY_KIND[name] = kind
    return kind


def is_content_attribute(name: str) -> bool:
    return _kind(name) != 0


def stored_attributes(attributes: Attributes) -> tuple[dict[str, Any], bool]:
    """The attributes to keep (content removed), and whether any content was removed."""
    kept, kinds = _split(attributes)
    return kept, kinds != 0


def _split(attributes: Attributes) -> tuple[dict[str, Any], int]:
    """The attributes to keep, and the kinds of content removed (flags, 0 for none)."""
    kept: dict[str, Any] = {}
    kinds = 0
    known = _KEY_KIND
    for key, value in attributes.items():
        kind = known.get(key)
        if kind is None:
            kind = _kind(key)
        if kind:
            kinds |= kind
        else:
            kept[key] = value if type(value) in _PLAIN else _jsonable(value)
    return kept, kinds


def span_columns(
    span: DecodedSpan, policy: ContentPolicy, *, keep: bool | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]] | None, dict[str, Any] | None]:
    """A span's stored attributes, events and content (``stored_attributes``,
    ``stored_events``, ``stored_content``), its attribute names classified once for all three:
    the other content fields are looked for only on a span that has one. ``keep`` overrides
    ``policy.store`` (content is built to be scanned even where it is not stored)."""
    attributes, kinds = _split(span.attributes)
    events, events_content = stored_events(span.events) if span.events else (None, False)
    if not (policy.store if keep is None else keep) or not (kinds or events_content):
        return attributes, events, None
    return attributes, events, _content(span, policy, with_other=bool(kinds & _OTHER))


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
    return _content(span, policy, with_other=True)


def _content(
    span: DecodedSpan, policy: ContentPolicy, *, with_other: bool
) -> dict[str, Any] | None:
    attrs = span.attributes
    keys = attrs.keys()
    given_in = None if not keys.isdisjoint(_STRUCTURED_IN) else _first_given(attrs, RAW_INPUT)
    given_out = None if not keys.isdisjoint(_STRUCTURED_OUT) else _first_given(attrs, RAW_OUTPUT)
    if given_in is None:  # a side not sent whole is assembled (``semconv_messages``)
        given_in = semconv_messages.input_messages(span)
    if given_out is None:
        given_out = semconv_messages.output_messages(span)
    other = _other_content(attrs, policy.max_chars) if with_other else None
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
    known = _KEY_KIND
    found: dict[str, Any] = {}
    for key, value in attrs.items():
        kind = known.get(key)
        if kind is None:
            kind = _kind(key)
        if kind == _OTHER:
            found[key] = _bounded_value(value, max_chars)
    return found


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
    kind = type(value)
    if isinstance(value, str):
        text = value
    elif kind is int or (kind is float and isfinite(value)):  # type: ignore[arg-type]
        text = repr(value)  # as ``json.dumps`` writes it, without its encoder's cost
    else:
        text = json.dumps(_jsonable(value))
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
