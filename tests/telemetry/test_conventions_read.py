"""Every convention read fully: users and sessions, the requested model, structured messages,
and the content rules on every content-bearing attribute (``content_fields``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aitower.telemetry.content import ContentPolicy, stored_attributes, stored_content
from aitower.telemetry.content_fields import CONTENT_FIELDS, markdown_table
from aitower.telemetry.records import Attributes, DecodedSpan
from aitower.telemetry.semconv import llm_facts

DOCS = Path(__file__).parents[2] / "docs" / "telemetry.md"


def span(attributes: Attributes, status: int = 0) -> DecodedSpan:
    return DecodedSpan(
        {"service.name": "svc"},
        "test",
        "1" * 32,
        "2" * 16,
        None,
        "op",
        3,
        1_700_000_000 * 10**9,
        1_700_000_001 * 10**9,
        status,
        "",
        attributes,
    )


@pytest.mark.parametrize(
    ("attributes", "user", "session"),
    [
        (  # OpenLLMetry / traceloop-sdk association properties
            {
                "traceloop.association.properties.user_id": "u-1",
                "traceloop.association.properties.session_id": "s-1",
            },
            "u-1",
            "s-1",
        ),
        ({"gen_ai.user": "u-2"}, "u-2", None),  # OpenLLMetry: the OpenAI ``user`` parameter
        ({"user.id": "u-3", "gen_ai.conversation.id": "c-3"}, "u-3", "c-3"),  # OTel GenAI
        ({"user.id": "u-4", "session.id": "s-4"}, "u-4", "s-4"),  # OpenInference
    ],
)
def test_users_and_sessions_of_every_convention(
    attributes: Attributes, user: str, session: str | None
) -> None:
    facts = llm_facts(span({"gen_ai.operation.name": "chat", **attributes}))
    assert (facts.user_id, facts.session_id) == (user, session)


def test_a_failed_openinference_call_has_its_requested_model() -> None:
    failed = span(
        {
            "openinference.span.kind": "LLM",
            "llm.provider": "openai",
            "llm.invocation_parameters": '{"model": "gpt-4o-mini", "stream": false}',
        },
        status=2,
    )
    facts = llm_facts(failed)
    assert facts.model == "gpt-4o-mini" and facts.is_llm_call


def test_success_and_failure_share_the_requested_model() -> None:
    ok = llm_facts(
        span(
            {
                "openinference.span.kind": "LLM",
                "llm.invocation_parameters": '{"model": "gpt-4o-mini"}',
                "llm.model_name": "gpt-4o-mini-2024-07-18",
                "llm.token_count.prompt": 10,
            }
        )
    )
    assert ok.model == "gpt-4o-mini"
    assert ok.price_model == "gpt-4o-mini-2024-07-18"


def _turns(n: int) -> list[dict[str, str]]:
    out = [{"role": "system", "content": "You are the support bot. " * 10}]
    for i in range(n):
        out.append({"role": "user", "content": f"question {i}: " + "x" * 300})
        out.append({"role": "assistant", "content": f"answer {i}: " + "y" * 300})
    out.append({"role": "user", "content": "NEWEST: where is my order 8812?"})
    return out


def _flattened(messages: list[dict[str, str]], side: str) -> Attributes:
    attrs: Attributes = {}
    for i, message in enumerate(messages):
        attrs[f"llm.{side}_messages.{i}.message.role"] = message["role"]
        attrs[f"llm.{side}_messages.{i}.message.content"] = message["content"]
    return attrs


def test_openinference_structured_messages_win_and_the_cap_keeps_the_newest_turn() -> None:
    conversation = _turns(4)
    attrs: Attributes = {
        "openinference.span.kind": "LLM",
        "input.value": json.dumps({"messages": conversation, "model": "gpt-4o-mini"}),
        **_flattened(conversation, "input"),
    }
    content = stored_content(span(attrs), ContentPolicy(True, 1000), has_content=True)
    assert content is not None
    kept = content["input"]
    assert isinstance(kept, list), "structured messages, not the raw request JSON"
    assert kept[-1] == {"role": "user", "content": "NEWEST: where is my order 8812?"}
    assert "earlier message" in kept[0]["content"]  # says that old turns were left out
    assert len(json.dumps(kept)) <= 1000


def test_the_cap_on_raw_json_also_cuts_old_turns_first() -> None:
    attrs: Attributes = {"gen_ai.input.messages": json.dumps(_turns(4))}
    content = stored_content(span(attrs), ContentPolicy(True, 800), has_content=True)
    assert content is not None
    assert content["input"][-1]["content"] == "NEWEST: where is my order 8812?"


# One example attribute per content field, as its convention writes it.
EXAMPLES: Attributes = {
    "embedding.embeddings.0.embedding.text": "SECRET embedded text",
    "embedding.embeddings.0.embedding.vector": [0.1, 0.2],
    "retrieval.documents.0.document.content": "SECRET document",
    "reranker.input_documents.0.document.content": "SECRET rerank in",
    "reranker.output_documents.0.document.content": "SECRET rerank out",
    "reranker.query": "SECRET query",
    "llm.prompt_template.template": "SECRET template {x}",
    "llm.prompt_template.variables": '{"x": "SECRET"}',
    "llm.prompts": ["SECRET prompt"],
    "llm.choices": ["SECRET choice"],
    "llm.function_call": '{"arguments": "SECRET"}',
    "gen_ai.tool.call.arguments": '{"q": "SECRET"}',
    "gen_ai.tool.call.result": "SECRET result",
    "gen_ai.retrieval.documents": "SECRET docs",
    "gen_ai.retrieval.query.text": "SECRET retrieval query",
    "traceloop.prompt.template": "SECRET tl template",
    "traceloop.prompt.template_variables": "SECRET tl vars",
    "gen_ai.prompt.0.content": "SECRET flattened prompt",
    "gen_ai.prompt.0.role": "user",
    "llm.prompts.0.content": "SECRET llm prompt",
    "traceloop.entity.input": "SECRET entity input",
    "input.value": "SECRET input",
    "output.value": "SECRET output",
    "llm.input_messages.0.message.content": "SECRET message",
    "gen_ai.input.messages": '[{"role": "user", "content": "SECRET"}]',
    "gen_ai.system_instructions": "SECRET instructions",
    "gen_ai.prompt": "SECRET old prompt",
    "gen_ai.completion": "SECRET old completion",
    "gen_ai.completion.0.content": "SECRET flattened completion",
    "traceloop.entity.output": "SECRET entity output",
    "gen_ai.output.messages": '[{"role": "assistant", "content": "SECRET"}]',
    "llm.output_messages.0.message.content": "SECRET out message",
    "user.id": "kept",
}


def test_every_content_field_has_an_example() -> None:
    attrs = [f for f in CONTENT_FIELDS if f.where != "event"]
    for field in attrs:
        covered = any(
            key == field.name or (field.where == "prefix" and key.startswith(field.name))
            for key in EXAMPLES
        )
        assert covered, field.name


def test_no_content_field_is_stored_as_an_attribute() -> None:
    kept, had_content = stored_attributes(EXAMPLES)
    assert had_content
    assert kept == {"user.id": "kept"}


def test_store_content_false_keeps_none_of_them() -> None:
    assert stored_content(span(EXAMPLES), ContentPolicy(False, 4000), has_content=True) is None


def test_store_content_true_keeps_the_other_fields_cut_and_drops_vectors() -> None:
    content = stored_content(span(EXAMPLES), ContentPolicy(True, 12), has_content=True)
    assert content is not None
    other = content["other"]
    assert "embedding.embeddings.0.embedding.vector" not in other
    assert other["embedding.embeddings.0.embedding.text"].endswith("…[truncated]")
    assert set(other) == {
        k
        for k in EXAMPLES
        if k
        not in (
            "user.id",
            "embedding.embeddings.0.embedding.vector",
            "gen_ai.prompt.0.content",
            "gen_ai.prompt.0.role",
            "llm.prompts.0.content",
            "traceloop.entity.input",
            "input.value",
            "output.value",
            "llm.input_messages.0.message.content",
            "gen_ai.input.messages",
            "gen_ai.system_instructions",
            "gen_ai.prompt",
            "gen_ai.completion",
            "gen_ai.completion.0.content",
            "traceloop.entity.output",
            "gen_ai.output.messages",
            "llm.output_messages.0.message.content",
        )
    }


def test_the_docs_show_the_same_table_as_the_code() -> None:
    text = DOCS.read_text()
    found = re.search(r"<!-- content-fields -->\n(.*?)\n<!-- /content-fields -->", text, re.S)
    assert found, "docs/telemetry.md lost its content-fields table markers"
    assert found.group(1).strip() == markdown_table().strip(), (
        "docs/telemetry.md's content table differs from content_fields.CONTENT_FIELDS: paste "
        "the output of aitower.telemetry.content_fields.markdown_table() between the markers"
    )
