"""A span's messages as a chat transcript (roles, text, tool calls) in every convention's
shape, and on the trace page with the raw attributes one click away, never ``\\u0027``."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.transcript import ToolCall, transcript, turn_of
from support import login, make_user, seed_units
from support_spans import SpanSpec, new_trace_id, ns, span

GENAI_INPUT = [
    {"role": "system", "parts": [{"type": "text", "content": "You help with orders."}]},
    {"role": "user", "parts": [{"type": "text", "content": "Where's my order 42?"}]},
    {
        "role": "assistant",
        "parts": [
            {"type": "tool_call", "id": "call_1", "name": "find_order", "arguments": {"order": 42}},
        ],
    },
    {
        "role": "tool",
        "parts": [{"type": "tool_call_response", "id": "call_1", "response": "shipped"}],
    },
]
GENAI_OUTPUT = [
    {
        "role": "assistant",
        "parts": [{"type": "text", "content": "It's shipped."}],
        "finish_reason": "stop",
    },
]


def test_each_convention_becomes_turns() -> None:
    turns = transcript({"input": GENAI_INPUT, "output": GENAI_OUTPUT})
    assert [t.role for t in turns] == ["system", "user", "assistant", "tool", "assistant"]
    assert turns[1].texts == ["Where's my order 42?"]
    assert turns[2].tool_calls == [ToolCall("find_order", '{\n  "order": 42\n}', "call_1")]
    assert turns[3].tool_results == ["shipped"] and turns[4].finish_reason == "stop"

    openai = turn_of(
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c", "type": "function",
             "function": {"name": "refund", "arguments": '{"amount": 9.5}'}}]},
        "output",
    )  # fmt: skip
    assert openai.tool_calls == [ToolCall("refund", '{\n  "amount": 9.5\n}', "c")]
    assert openai.texts == [] and openai.extra == ""
    parts = turn_of({"role": "user", "content": [{"type": "text", "text": "hi"}]}, "input")
    assert parts.texts == ["hi"]
    flat = turn_of(
        {"role": "assistant", "tool_calls.0.tool_call.function.name": "lookup",
         "tool_calls.0.tool_call.function.arguments": "not json"},
        "output",
    )  # fmt: skip
    assert flat.tool_calls == [ToolCall("lookup", "not json")] and flat.extra == ""
    assert turn_of("plain text", "input").texts == ["plain text"]
    odd = turn_of({"role": "user", "content": "x", "weird": {"é": "l'été"}}, "input")
    assert '"é": "l\'été"' in odd.extra  # readable JSON, no \\u escapes
    assert transcript(None) == [] and transcript({}) == []


def test_the_trace_page_shows_a_transcript(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.admin))
    trace_id = new_trace_id()
    attrs = {
        "gen_ai.input.messages": json.dumps(GENAI_INPUT),
        "gen_ai.output.messages": json.dumps(GENAI_OUTPUT),
    }
    start = ns(utcnow() - timedelta(minutes=5))
    store_spans(db, [span(SpanSpec(start_ns=start, usage=(10, 5), attributes=attrs),
                          trace_id=trace_id)])  # fmt: skip
    page = client.get(f"/monitoring/traces/{trace_id}").text
    assert 'data-role="user"' in page and "Where&#39;s my order 42?" in page
    assert 'data-testid="tool-call"' in page and "find_order" in page
    assert "It&#39;s shipped." in page
    assert "\\u0027" not in page
    assert '<details data-testid="raw"><summary>Raw messages and attributes</summary>' in page
