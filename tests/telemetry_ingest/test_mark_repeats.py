"""``mark_repeats`` leaves out the rules' work for traces whose calls cannot repeat each other
(ingest's hot path): over random traces it marks exactly what ``calls.counted_calls`` says."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from aitower.cost.usage import TokenUsage
from aitower.telemetry.aggregate import PricedSpan
from aitower.telemetry.calls import counted_calls
from aitower.telemetry.ingest_recount import mark_repeats, node_of
from aitower.telemetry.records import DecodedSpan, LlmFacts, SpanType

_SPAN = st.fixed_dictionaries(
    {
        "trace": st.sampled_from(["t1", "t2", "t3"]),
        "parent": st.none() | st.sampled_from(["0", "1", "2", "3", "4", "5", "x"]),
        "call": st.booleans(),
        "model": st.none() | st.sampled_from(["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5"]),
        "response_id": st.none() | st.sampled_from(["", "r1", "r2"]),
        "tokens": st.sampled_from([(10, 1), (10, 2), (20, 1)]),
        "start": st.integers(0, 5),
        "length": st.integers(0, 6),
    }
)


def _item(index: int, spec: dict[str, object]) -> PricedSpan:
    start = int(spec["start"]) * 1_000_000  # type: ignore[call-overload]
    span = DecodedSpan(
        {"service.name": "svc"},
        "test",
        str(spec["trace"]),
        str(index),
        spec["parent"],  # type: ignore[arg-type]
        "span",
        1,
        start,
        start + int(spec["length"]) * 1_000_000,  # type: ignore[call-overload]
        0,
        "",
        {},
    )
    tokens: tuple[int, int] = spec["tokens"]  # type: ignore[assignment]
    facts = LlmFacts(
        SpanType.llm if spec["call"] else SpanType.other,
        request_model=spec["model"],  # type: ignore[arg-type]
        usage=TokenUsage(*tokens) if spec["call"] else None,
        response_id=spec["response_id"],  # type: ignore[arg-type]
    )
    return PricedSpan.of(span, facts, "service:svc", None, None)


@settings(max_examples=400, deadline=None)
@given(st.lists(_SPAN, max_size=7))
def test_marks_what_the_rule_says(specs: list[dict[str, object]]) -> None:
    items = [_item(i, spec) for i, spec in enumerate(specs)]
    by_trace: dict[str, list[PricedSpan]] = defaultdict(list)
    for item in items:
        by_trace[item.span.trace_id].append(item)
    expected = {
        (trace_id, span_id)
        for trace_id, members in by_trace.items()
        for span_id in counted_calls(node_of(m) for m in members)
    }
    marked = mark_repeats(items)
    assert [m.span for m in marked] == [i.span for i in items]
    counted = {(m.span.trace_id, m.span.span_id) for m in marked if m.counted and m.facts.usage}
    assert counted == expected
