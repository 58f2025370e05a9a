"""The input and output messages of a span, from wherever its convention put them.

Sources, tried in this order (the first that has messages wins, for input and output apart):

1. ``gen_ai.input.messages`` / ``gen_ai.output.messages`` on the span (a JSON string or a
   structured array), with ``gen_ai.system_instructions`` as a leading system message;
2. the same attributes on a ``gen_ai.client.inference.operation.details`` event;
3. OpenInference's flattened ``llm.input_messages.N.message.*`` / ``llm.output_messages.N...``;
4. OpenLLMetry's flattened ``gen_ai.prompt.N.*`` / ``gen_ai.completion.N.*``;
5. ``gen_ai.prompt`` / ``gen_ai.completion`` as attributes or on ``gen_ai.content.prompt`` /
   ``gen_ai.content.completion`` events (GenAI conventions before v1.27);
6. the per-message events of v1.27-v1.36: ``gen_ai.system.message``, ``gen_ai.user.message``,
   ``gen_ai.assistant.message``, ``gen_ai.tool.message`` (input) and ``gen_ai.choice`` (output);
7. ``input.value`` / ``output.value`` (OpenInference, any span kind) or OpenLLMetry's
   ``traceloop.entity.input`` / ``output``, as one message of role ``input`` / ``output``.

Messages are kept as the convention wrote them (dicts with ``role`` and ``parts`` or
``content``); a value that should be JSON but is not (e.g. cut by the size limit) is kept as one
message whose ``content`` is the raw text, so nothing sent is hidden.
"""

from __future__ import annotations

import json

from aitower.telemetry.records import Attributes, AttrValue, DecodedSpan, SpanEvent

Messages = list[AttrValue]

_DETAILS_EVENT = "gen_ai.client.inference.operation.details"
_ROLE_EVENTS = {
    "gen_ai.system.message": "system",
    "gen_ai.user.message": "user",
    "gen_ai.assistant.message": "assistant",
    "gen_ai.tool.message": "tool",
}


def messages(span: DecodedSpan) -> tuple[Messages | None, Messages | None]:
    """``(input, output)`` messages of ``span``, each None when the span carries none."""
    attrs = span.attributes
    return _input(span, attrs), _output(span, attrs)


def input_messages(span: DecodedSpan) -> Messages | None:
    """The input side of ``messages`` alone (content assembles only a side not sent whole)."""
    return _input(span, span.attributes)


def output_messages(span: DecodedSpan) -> Messages | None:
    """The output side of ``messages`` alone."""
    return _output(span, span.attributes)


def _input(span: DecodedSpan, attrs: Attributes) -> Messages | None:
    found = _structured(attrs.get("gen_ai.input.messages"))
    if found is None:
        details = _event(span.events, _DETAILS_EVENT)
        if details is not None:
            found = _structured(details.get("gen_ai.input.messages"))
            if found is not None:
                return _with_instructions(found, details)
    if found is not None:
        return _with_instructions(found, attrs)
    return (
        _flattened(attrs, "llm.input_messages.", "message.")
        or _flattened(attrs, "gen_ai.prompt.", "")
        or _legacy(span, "gen_ai.prompt", "gen_ai.content.prompt", "user")
        or _role_events(span.events)
        or _plain(attrs, ("input.value", "traceloop.entity.input"), "input")
    )


def _output(span: DecodedSpan, attrs: Attributes) -> Messages | None:
    found = _structured(attrs.get("gen_ai.output.messages"))
    if found is None:
        details = _event(span.events, _DETAILS_EVENT)
        if details is not None:
            found = _structured(details.get("gen_ai.output.messages"))
    if found is not None:
        return found
    return (
        _flattened(attrs, "llm.output_messages.", "message.")
        or _flattened(attrs, "gen_ai.completion.", "")
        or _legacy(span, "gen_ai.completion", "gen_ai.content.completion", "assistant")
        or _choice_events(span.events)
        or _plain(attrs, ("output.value", "traceloop.entity.output"), "output")
    )


def _structured(value: AttrValue) -> Messages | None:
    """A messages attribute: a JSON array in a string, or an OTLP array of kvlists."""
    if value is None:
        return None
    if isinstance(value, str):
        parsed = _json(value)
        if parsed is None:
            return [{"content": value}]
        value = parsed
    if isinstance(value, list):
        return value
    return [value]


def _with_instructions(found: Messages, attrs: Attributes) -> Messages:
    instructions = attrs.get("gen_ai.system_instructions")
    if instructions is None:
        return found
    if isinstance(instructions, str):
        parsed = _json(instructions)
        if parsed is None:
            return [{"role": "system", "content": instructions}, *found]
        instructions = parsed
    parts: list[AttrValue] = instructions if isinstance(instructions, list) else [instructions]
    return [{"role": "system", "parts": parts}, *found]


def _flattened(attrs: Attributes, prefix: str, inner: str) -> Messages | None:
    """Messages written as ``<prefix>N.<inner><field>`` attributes, in index order.

    ``llm.input_messages.0.message.role`` becomes ``{"role": ...}`` of message 0; deeper
    names (``message.tool_calls.0.tool_call.function.name``) are kept as flat keys.
    """
    first = f"{prefix}0.{inner}"
    if first + "role" not in attrs and first + "content" not in attrs:
        return None
    by_index: dict[int, dict[str, AttrValue]] = {}
    for key, value in attrs.items():
        if not key.startswith(prefix):
            continue
        index, _, field = key[len(prefix) :].partition(".")
        if not index.isdigit():
            continue
        if inner and field.startswith(inner):
            field = field[len(inner) :]
        by_index.setdefault(int(index), {})[field] = value
    return [by_index[i] for i in sorted(by_index)]


def _legacy(span: DecodedSpan, key: str, event_name: str, role: str) -> Messages | None:
    value = span.attributes.get(key)
    if value is None:
        event = _event(span.events, event_name)
        value = event.get(key) if event is not None else None
    if value is None:
        return None
    if isinstance(value, str):
        parsed = _json(value)
        if parsed is None:
            return [{"role": role, "content": value}]
        value = parsed
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return [{"role": role, "content": value}]


def _role_events(events: list[SpanEvent]) -> Messages | None:
    found: Messages = []
    for event in events:
        role = _ROLE_EVENTS.get(event.name)
        if role is not None:
            found.append(_event_message(event.attributes, role))
    return found or None


def _choice_events(events: list[SpanEvent]) -> Messages | None:
    found: Messages = []
    for event in events:
        if event.name != "gen_ai.choice":
            continue
        message = event.attributes.get("message")
        if isinstance(message, str):
            message = _json(message) or {"content": message}
        entry = dict(message) if isinstance(message, dict) else {}
        entry.setdefault("role", "assistant")
        if "finish_reason" in event.attributes:
            entry["finish_reason"] = event.attributes["finish_reason"]
        found.append(entry)
    return found or None


def _event_message(attrs: Attributes, role: str) -> AttrValue:
    message: dict[str, AttrValue] = {"role": attrs.get("role") or role}
    for key, value in attrs.items():
        if key not in ("role", "gen_ai.system", "gen_ai.provider.name"):
            message[key] = value
    return message


def _plain(attrs: Attributes, keys: tuple[str, ...], role: str) -> Messages | None:
    for key in keys:
        value = attrs.get(key)
        if value is not None and value != "":
            return [{"role": role, "content": value}]
    return None


def _event(events: list[SpanEvent], name: str) -> Attributes | None:
    for event in events:
        if event.name == name:
            return event.attributes
    return None


def parse_json(text: str) -> list[AttrValue] | dict[str, AttrValue] | None:
    """``text`` parsed, if it is a JSON array or object; None for plain text or broken JSON."""
    return _json(text)


def _json(text: str) -> list[AttrValue] | dict[str, AttrValue] | None:
    """``text`` parsed, if it is a JSON array or object; None for plain text or broken JSON."""
    if not text or text[0] not in "[{":
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return parsed if isinstance(parsed, list | dict) else None
