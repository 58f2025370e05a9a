"""Which LLM-call spans of a trace are counted: each provider call once, whoever reported it.

Instrumentations stack. OpenInference's LangChain and OpenAI instrumentors both on give a
LangChain ``ChatOpenAI`` LLM span with the OpenAI client's LLM span inside it; the ``anthropic``
SDK's own span and OpenLLMetry's Anthropic span describe the same request (same
``gen_ai.response.id``). Every span is stored and shown; usage, cost, LLM calls and LLM errors
are counted on one span per provider call, chosen by two rules over the spans of one trace:

1. **Wrapper**: a call span (LLM or embedding) is a wrapper, not counted, when another call
   span of a compatible model (same model family: equal, one a prefix of the other once
   lower-cased and stripped of a ``provider/`` prefix, or either unknown) is inside it:
   a. nested: the inner span's nearest call ancestor is this span; or
   b. a twin within its time: the other span reports the same input and output tokens and
      runs strictly within this span's start and end. Stacked instrumentations do not always
      nest their spans: OpenInference's LangChain ``ChatOpenAI`` span and its OpenAI
      ``ChatCompletion`` span are siblings, and so are OpenLLMetry's ``anthropic.chat`` and the
      ``anthropic`` SDK's ``anthropic.messages.create`` (checked with the real packages).
   The span nearest the wire wins because it carries what the provider answered (response
   model, cache tokens, response id), and a wrapper around two attempts (a retry) is two
   calls.
2. **Same response id**: of the remaining spans that carry the same provider response id
   (``gen_ai.response.id``), one is counted: the deepest, then the smallest span id.

Pure and order-free: the answer depends only on the set of spans known, so ingest recomputes it
when more spans of a trace arrive and corrects the sums it added before (``ingest_recount``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CallNode:
    """The little of one span that the rules need."""

    span_id: str
    parent_span_id: str | None
    is_call: bool  # an LLM or embedding span with usage (``LlmFacts.usage`` set)
    model: str | None = None
    response_id: str | None = None
    start_ns: int = 0
    end_ns: int = 0
    tokens: tuple[int, int] | None = None  # input, output


# Stored times are kept to the microsecond; a twin's bounds are compared with that slack.
_SLACK_NS = 1_000


def counted_calls(nodes: Iterable[CallNode]) -> frozenset[str]:
    """The span ids of the call spans that are counted (rules in the module docstring)."""
    by_id = {node.span_id: node for node in nodes}
    calls = [node for node in by_id.values() if node.is_call]
    if len(calls) < 2:
        return frozenset(node.span_id for node in calls)
    nearest = {node.span_id: _nearest_call_ancestor(node, by_id) for node in calls}
    wrappers = {
        ancestor.span_id
        for node in calls
        if (ancestor := nearest[node.span_id]) is not None
        and same_family(node.model, ancestor.model)
    }
    wrappers.update(outer.span_id for outer in calls if _has_twin_within(outer, calls))
    counted = [node for node in calls if node.span_id not in wrappers]
    return frozenset(_one_per_response(counted, by_id))


def _one_per_response(counted: list[CallNode], by_id: Mapping[str, CallNode]) -> list[str]:
    keep: dict[str, tuple[int, str]] = {}
    out: list[str] = []
    for node in counted:
        if not node.response_id:
            out.append(node.span_id)
            continue
        rank = (-_depth(node, by_id), node.span_id)
        found = keep.get(node.response_id)
        if found is None or rank < found:
            keep[node.response_id] = rank
    out.extend(span_id for _, span_id in keep.values())
    return out


def _has_twin_within(outer: CallNode, calls: list[CallNode]) -> bool:
    span = outer.end_ns - outer.start_ns
    return any(
        inner is not outer
        and inner.tokens == outer.tokens
        and inner.start_ns >= outer.start_ns - _SLACK_NS
        and inner.end_ns <= outer.end_ns + _SLACK_NS
        and inner.end_ns - inner.start_ns + 2 * _SLACK_NS < span
        and same_family(inner.model, outer.model)
        for inner in calls
    )


def _nearest_call_ancestor(node: CallNode, by_id: Mapping[str, CallNode]) -> CallNode | None:
    seen = {node.span_id}
    parent = by_id.get(node.parent_span_id or "")
    while parent is not None and parent.span_id not in seen:
        if parent.is_call:
            return parent
        seen.add(parent.span_id)
        parent = by_id.get(parent.parent_span_id or "")
    return None


def _depth(node: CallNode, by_id: Mapping[str, CallNode]) -> int:
    depth, seen = 0, {node.span_id}
    parent = by_id.get(node.parent_span_id or "")
    while parent is not None and parent.span_id not in seen:
        depth += 1
        seen.add(parent.span_id)
        parent = by_id.get(parent.parent_span_id or "")
    return depth


def same_family(one: str | None, other: str | None) -> bool:
    """Whether two model names may name the same model (``gpt-4o-mini`` and
    ``openai/gpt-4o-mini-2024-07-18`` do; ``gpt-4o`` and ``claude-sonnet-4-5`` do not)."""
    if not one or not other:
        return True
    a, b = _bare(one), _bare(other)
    return a.startswith(b) or b.startswith(a)


def _bare(model: str) -> str:
    return model.strip().lower().rpartition("/")[2]
