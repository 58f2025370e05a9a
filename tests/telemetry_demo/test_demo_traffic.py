"""The demo's generated LLM traffic: the stories it promises are in the numbers, and the traces
are shaped as real instrumentations emit them."""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from aitower.telemetry.demo_traffic import (
    DEMO_SERVICES,
    DemoTimeline,
    DemoTraffic,
    generate_traffic,
)
from aitower.telemetry.records import DecodedSpan

NOW = datetime(2025, 6, 18, 15, 20, tzinfo=UTC)  # a Wednesday afternoon
TIMELINE = DemoTimeline.ending(NOW)
# Published list prices (USD per million tokens: input, output), Google AI pricing page, 2025.
GEMINI_PRICES = {"gemini-2.5-flash": (0.30, 2.50), "gemini-2.5-pro": (1.25, 10.0)}


@pytest.fixture(scope="module")
def traffic() -> DemoTraffic:
    return generate_traffic(NOW)


def roots(traffic: DemoTraffic, service: str | None = None) -> list[DecodedSpan]:
    return [
        s
        for s in traffic.spans
        if s.parent_span_id is None and (service is None or s.service_name == service)
    ]


def at(span: DecodedSpan) -> datetime:
    return datetime.fromtimestamp(span.start_unix_nano / 1e9, UTC)


def duration_ms(span: DecodedSpan) -> float:
    return (span.end_unix_nano - span.start_unix_nano) / 1e6


def p95(values: list[float]) -> float:
    """Nearest-rank percentile, computed here independently of the product's histograms."""
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def by_trace(traffic: DemoTraffic) -> dict[str, list[DecodedSpan]]:
    traces: dict[str, list[DecodedSpan]] = defaultdict(list)
    for span in traffic.spans:
        traces[span.trace_id].append(span)
    return traces


def test_the_same_seed_and_time_give_the_same_traffic() -> None:
    first = generate_traffic(NOW, scale=0.05)
    again = generate_traffic(NOW, scale=0.05)
    other = generate_traffic(NOW, scale=0.05, seed=7)
    assert first.spans == again.spans and first.feedback == again.feedback
    assert first.spans != other.spans


def test_volume_fits_the_scale_and_covers_thirty_days(traffic: DemoTraffic) -> None:
    assert 70_000 <= len(traffic.spans) <= 120_000
    tiny = generate_traffic(NOW, scale=0.01)
    assert 0.005 < len(tiny.spans) / len(traffic.spans) < 0.02
    starts = [at(s) for s in traffic.spans]
    assert min(starts) >= TIMELINE.start and min(starts) < TIMELINE.start + timedelta(hours=6)
    assert max(s.end_unix_nano for s in traffic.spans) <= NOW.timestamp() * 1e9
    assert {s.service_name for s in traffic.spans} == set(DEMO_SERVICES)


def test_every_trace_is_a_well_formed_tree(traffic: DemoTraffic) -> None:
    for trace_id, spans in by_trace(traffic).items():
        assert len(trace_id) == 32 and int(trace_id, 16) > 0
        ids = {s.span_id: s for s in spans}
        assert len(ids) == len(spans), "span ids are unique within a trace"
        assert sum(s.parent_span_id is None for s in spans) == 1
        for span in spans:
            assert len(span.span_id) == 16 and span.end_unix_nano > span.start_unix_nano
            if span.parent_span_id is not None:
                parent = ids[span.parent_span_id]
                assert parent.start_unix_nano <= span.start_unix_nano
                assert span.end_unix_nano <= parent.end_unix_nano


def test_usage_is_on_llm_calls_only(traffic: DemoTraffic) -> None:
    calls = Counter[str]()
    for span in traffic.spans:
        operation = span.attributes.get("gen_ai.operation.name")
        has_usage = any(k.startswith("gen_ai.usage.") for k in span.attributes)
        if operation == "chat" and span.status_code != 2:
            calls["chat"] += 1
            assert isinstance(span.attributes["gen_ai.usage.input_tokens"], int)
            assert isinstance(span.attributes["gen_ai.usage.output_tokens"], int)
            assert span.attributes["gen_ai.response.model"]
            assert span.attributes["gen_ai.response.finish_reasons"] in (["stop"], ["length"])
            output = json.loads(str(span.attributes["gen_ai.output.messages"]))
            assert output[0]["role"] == "assistant" and output[0]["parts"][0]["content"]
        elif operation == "embeddings":
            assert has_usage
        else:
            assert not has_usage, span.name  # agents, chains, tools, retrievers, failed calls
        if operation == "chat":
            prompt = json.loads(str(span.attributes["gen_ai.input.messages"]))
            assert prompt[-1]["role"] == "user"
            assert span.attributes["user.id"] and span.attributes["session.id"]
        if "gen_ai.usage.cache_read.input_tokens" in span.attributes:
            calls["cached"] += 1
    assert calls["cached"] > 0.2 * calls["chat"]


def test_office_hours_and_working_days_carry_the_traffic(traffic: DemoTraffic) -> None:
    counts = Counter((at(s).date(), at(s).hour) for s in roots(traffic, "knowledge-assistant"))
    days = sorted({d for d, _ in counts})[1:-1]  # whole days only
    workdays = [d for d in days if d.weekday() < 5]
    weekends = [d for d in days if d.weekday() >= 5]

    def mean(ds: list[date], hrs: range) -> float:
        return sum(counts[(d, h)] for d in ds for h in hrs) / (len(ds) * len(hrs))

    assert mean(workdays, range(9, 17)) > 10 * mean(workdays, range(0, 5))
    assert mean(weekends, range(24)) < 0.2 * mean(workdays, range(24))
    chatbot = Counter(at(s).weekday() >= 5 for s in roots(traffic, "support-chatbot"))
    per_weekend_day = chatbot[True] / len(weekends)
    per_workday = chatbot[False] / (len(days) + 2 - len(weekends))
    assert 0.3 < per_weekend_day / per_workday < 0.7  # customers write at weekends too


def test_the_incident_doubles_the_chatbots_p95_and_bursts_its_errors(
    traffic: DemoTraffic,
) -> None:
    chatbot = roots(traffic, "support-chatbot")
    inside = [s for s in chatbot if TIMELINE.incident_start <= at(s) < TIMELINE.incident_end]
    hours = range(TIMELINE.incident_start.hour, TIMELINE.incident_end.hour)
    usual = [
        s
        for s in chatbot
        if at(s).hour in hours
        and at(s).weekday() < 5
        and at(s).date() != TIMELINE.incident_start.date()
    ]
    ratio = p95([duration_ms(s) for s in inside if s.status_code != 2]) / p95(
        [duration_ms(s) for s in usual if s.status_code != 2]
    )
    assert 1.7 < ratio < 2.8, ratio
    inside_errors = sum(s.status_code == 2 for s in inside) / len(inside)
    usual_errors = sum(s.status_code == 2 for s in usual) / len(usual)
    assert inside_errors > 3 * usual_errors
    assert any("timed out" in s.status_message for s in inside if s.status_code == 2)


def test_errors_stay_in_range_and_say_what_failed(traffic: DemoTraffic) -> None:
    all_roots = roots(traffic)
    failed = [s for s in all_roots if s.status_code == 2]
    assert 0.01 <= len(failed) / len(all_roots) <= 0.03
    assert all(s.status_message and s.attributes.get("error.type") for s in failed)


def request_cost(spans: list[DecodedSpan]) -> float:
    total = 0.0
    for span in spans:
        model = span.attributes.get("gen_ai.request.model")
        if model in GEMINI_PRICES and "gen_ai.usage.input_tokens" in span.attributes:
            price_in, price_out = GEMINI_PRICES[str(model)]
            tokens_in = span.attributes["gen_ai.usage.input_tokens"]
            tokens_out = span.attributes["gen_ai.usage.output_tokens"]
            assert isinstance(tokens_in, int) and isinstance(tokens_out, int)
            total += (tokens_in * price_in + tokens_out * price_out) / 1e6
    return total


def test_marketing_changes_model_and_cost_per_request_jumps(traffic: DemoTraffic) -> None:
    traces = by_trace(traffic)
    before: list[float] = []
    after: list[float] = []
    models: dict[bool, set[object]] = defaultdict(set)
    for root in roots(traffic, "marketing-content"):
        late = at(root) >= TIMELINE.model_change
        (after if late else before).append(request_cost(traces[root.trace_id]))
        models[late] |= {s.attributes.get("gen_ai.request.model") for s in traces[root.trace_id]}
    assert models[False] - {None} == {"gemini-2.5-flash"}
    assert models[True] - {None} == {"gemini-2.5-pro"}
    assert (sum(after) / len(after)) / (sum(before) / len(before)) > 1.4


def test_an_in_house_model_without_a_catalog_price_carries_tokens(traffic: DemoTraffic) -> None:
    rewrites = [
        s
        for s in traffic.spans
        if s.attributes.get("gen_ai.request.model") == "acme-query-rewriter-ft-v3"
        and "gen_ai.usage.input_tokens" in s.attributes
    ]
    assert len(rewrites) > 0.9 * len(roots(traffic, "knowledge-assistant"))


def test_feedback_rates_existing_traces_and_sours_in_the_incident(traffic: DemoTraffic) -> None:
    root_ids = {(s.trace_id, s.span_id) for s in roots(traffic)}
    assert 0.03 < len(traffic.feedback) / len(root_ids) < 0.15
    assert all((f.trace_id, f.span_id) in root_ids for f in traffic.feedback)
    assert all(f.created_at <= NOW and f.label in ("up", "down") for f in traffic.feedback)
    assert any(f.comment for f in traffic.feedback)
    chatbot = [f for f in traffic.feedback if f.service_name == "support-chatbot"]
    during = [
        f.score
        for f in chatbot
        if TIMELINE.incident_start <= f.created_at < TIMELINE.incident_end + timedelta(minutes=5)
    ]
    overall = sum(f.score for f in chatbot) / len(chatbot)
    assert during and sum(during) / len(during) < overall - 0.2


def test_some_calls_carry_evaluation_results(traffic: DemoTraffic) -> None:
    events = [e for s in traffic.spans for e in s.events]
    assert {e.name for e in events} == {"gen_ai.evaluation.result"}
    assert {e.attributes["gen_ai.evaluation.name"] for e in events} == {
        "groundedness",
        "brand_voice",
    }
    for event in events:
        score = event.attributes["gen_ai.evaluation.score.value"]
        assert isinstance(score, float) and 0 <= score <= 1
