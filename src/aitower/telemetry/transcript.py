"""A span's stored messages as a chat transcript: who said what, which tools were called with
which arguments, what they answered.

The stored messages keep each convention's shape (``telemetry.semconv_messages``): the GenAI
conventions' ``parts`` (``text``, ``tool_call``, ``tool_call_response``, ``reasoning``), the
OpenAI-style ``content`` (a string or a list of ``{"type": "text", "text": …}``) with
``tool_calls`` (``{"function": {"name", "arguments"}}``), OpenInference's flattened
``tool_calls.N.tool_call.function.*`` keys, or a bare string. Each becomes a ``Turn``; what no
rule knows is shown as its JSON (``ensure_ascii=False``: "it's", never ``it\\u0027s``), and the
page keeps the raw attributes one click away.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_FLAT_TOOL = re.compile(r"^tool_calls\.(\d+)\.tool_call\.(function\.name|function\.arguments|id)$")
_SKIP = frozenset({"role", "content", "parts", "tool_calls", "finish_reason", "index", "name"})


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: str  # pretty JSON when the arguments are JSON, else as sent
    call_id: str = ""


@dataclass(slots=True)
class Turn:
    role: str
    texts: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_results: list[str] = field(default_factory=list)
    extra: str = ""  # fields no rule knows, as readable JSON
    finish_reason: str = ""


def readable(value: Any) -> str:
    """A value as text: strings as they are, the rest as indented JSON without escapes."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _arguments(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    return readable(value)


def _call(name: Any, arguments: Any, call_id: Any) -> ToolCall:
    return ToolCall(str(name or "tool"), _arguments(arguments), str(call_id or ""))


def _content(turn: Turn, content: Any) -> None:
    if content is None or content == "":
        return
    if isinstance(content, list):
        for item in content:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                turn.texts.append(item["text"])
            elif isinstance(item, str):
                turn.texts.append(item)
            else:
                turn.texts.append(readable(item))
        return
    turn.texts.append(readable(content))


def _part(turn: Turn, part: Any) -> None:
    if not isinstance(part, dict):
        turn.texts.append(readable(part))
        return
    kind = part.get("type")
    if kind in ("text", "reasoning") and "content" in part:
        prefix = "(reasoning) " if kind == "reasoning" else ""
        turn.texts.append(prefix + readable(part["content"]))
    elif kind == "tool_call":
        turn.tool_calls.append(_call(part.get("name"), part.get("arguments"), part.get("id")))
    elif kind == "tool_call_response":
        turn.tool_results.append(readable(part.get("response", part.get("result", ""))))
    else:
        turn.texts.append(readable(part))


def _openai_tool_calls(turn: Turn, calls: Any) -> None:
    for call in calls if isinstance(calls, list) else []:
        if not isinstance(call, dict):
            continue
        function = call.get("function")
        spec: dict[str, Any] = function if isinstance(function, dict) else call
        turn.tool_calls.append(_call(spec.get("name"), spec.get("arguments"), call.get("id")))


def _flat_tool_calls(turn: Turn, message: dict[str, Any]) -> set[str]:
    """OpenInference's ``tool_calls.N.tool_call.function.name`` keys; the keys it used."""
    found: dict[int, dict[str, Any]] = {}
    used = set()
    for key, value in message.items():
        match = _FLAT_TOOL.match(key)
        if match:
            found.setdefault(int(match.group(1)), {})[match.group(2)] = value
            used.add(key)
    for index in sorted(found):
        call = found[index]
        name, arguments = call.get("function.name"), call.get("function.arguments")
        turn.tool_calls.append(_call(name, arguments, call.get("id")))
    return used


def turn_of(message: Any, default_role: str) -> Turn:
    """One stored message as a turn of the transcript."""
    if not isinstance(message, dict):
        return Turn(default_role, texts=[readable(message)])
    turn = Turn(str(message.get("role") or default_role))
    for part in message.get("parts") or []:
        _part(turn, part)
    _content(turn, message.get("content"))
    _openai_tool_calls(turn, message.get("tool_calls"))
    used = _flat_tool_calls(turn, message)
    if turn.role == "tool" and turn.texts and not turn.tool_results:
        turn.tool_results, turn.texts = turn.texts, []
    turn.finish_reason = str(message.get("finish_reason") or "")
    rest = {k: v for k, v in message.items() if k not in _SKIP and k not in used}
    if rest:
        turn.extra = readable(rest)
    return turn


def transcript(content: dict[str, Any] | None) -> list[Turn]:
    """The span's input then output messages, as turns."""
    if not content:
        return []
    turns: list[Turn] = []
    for side in ("input", "output"):
        messages = content.get(side)
        if messages is None:
            continue
        items = messages if isinstance(messages, list) else [messages]
        turns.extend(turn_of(m, side) for m in items)
    return turns
