"""Ingest's minute sums, and the coarser rollups derived from them, equal the spans' own sums."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from aitower.telemetry import aggregate
from aitower.telemetry.aggregate import PricedSpan, RollupKey, RollupSums
from aitower.telemetry.semconv import llm_facts
from support_spans import BASE_NS, SpanSpec, new_span_id, new_trace_id, span

_SPAN = st.builds(
    lambda offset_s, ms, tokens, model, root, error, priced, system: (
        SpanSpec(
            start_ns=BASE_NS + offset_s * 10**9,
            duration_ms=ms,
            usage=tokens,
            model=model,
            error=error,
            parent=None if root else new_span_id(),
        ),
        priced,
        system,
    ),
    offset_s=st.integers(0, 3 * 86_400),
    ms=st.floats(0, 60_000, allow_nan=False),
    tokens=st.none() | st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)),
    model=st.sampled_from(["gpt-4o", "claude-sonnet-4", "mistral-large"]),
    root=st.booleans(),
    error=st.booleans(),
    priced=st.booleans(),
    system=st.sampled_from(["service:a", "service:b"]),
)


def _priced(spec: SpanSpec, priced: bool, system_key: str) -> PricedSpan:
    built = span(spec, trace_id=new_trace_id())
    facts = llm_facts(built, with_messages=False)
    cost = 0.25 if priced and facts.usage is not None else None
    return PricedSpan.of(built, facts, system_key, cost, "catalog" if cost else None)


def _reference(
    items: list[PricedSpan], bucket: Callable[[datetime], datetime]
) -> dict[RollupKey, RollupSums]:
    """Span by span, the definition: each span adds to its (bucket, system, model) row."""
    sums: dict[RollupKey, RollupSums] = {}
    for item in items:
        model = (item.facts.model or "")[:200] if item.facts.is_llm_call else ""
        sums.setdefault((bucket(item.start), item.system_key, model), RollupSums()).add(item)
    return sums


def _plain(sums: dict[RollupKey, RollupSums]) -> dict[RollupKey, dict[str, object]]:
    out = {}
    for key, value in sums.items():
        values = asdict(value)
        values["latency_sum_ms"] = round(values["latency_sum_ms"], 6)
        values["cost"] = round(values["cost"], 6)
        out[key] = values
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(_SPAN, max_size=40))
def test_hours_and_six_hours_from_minutes_equal_those_from_spans(
    specs: list[tuple[SpanSpec, bool, str]],
) -> None:
    items = [_priced(*spec) for spec in specs]
    minutes = aggregate.BatchSums.of(items).minutes
    assert _plain(minutes) == _plain(_reference(items, aggregate.minute_bucket))
    hours = aggregate.coarser(minutes, aggregate.hour_bucket)
    six_hours = aggregate.coarser(hours, aggregate.six_hour_bucket)
    assert _plain(hours) == _plain(_reference(items, aggregate.hour_bucket))
    assert _plain(six_hours) == _plain(_reference(items, aggregate.six_hour_bucket))
    assert sum(s.spans for s in six_hours.values()) == len(items)
