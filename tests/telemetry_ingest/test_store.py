"""Ingest on both databases: stored once, summed once, linked, priced, content as allowed."""

from __future__ import annotations

import math
import uuid

from sqlalchemy import func, select

from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry import histogram, service
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.tables import (
    HourRollupRow,
    MinuteRollupRow,
    ScoreRow,
    SourceRow,
    SpanRow,
    SystemTelemetrySettingsRow,
    TraceRow,
)
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import BASE_NS, SpanSpec, agent_trace, new_trace_id, span

# gpt-4o-mini list prices: $0.15 input, $0.60 output per million tokens.
MINI_IN, MINI_OUT = 0.15e-6, 0.60e-6


def _claim(db: Database, service_name: str) -> uuid.UUID:
    seeded = seed_units(db)
    system_id = make_system(db, seeded.unit_id, "Support chatbot")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": [service_name]})
    return system_id


def test_tokens_and_cost_are_the_sum_of_llm_calls_never_the_agent_repeat(db: Database) -> None:
    spans = agent_trace(calls=((1000, 200), (1500, 300)))
    outcome = store_spans(db, spans)
    assert (outcome.accepted, outcome.duplicates) == (3, 0)
    with db.reading() as session:
        trace = session.get(TraceRow, spans[0].trace_id)
        rollup = session.execute(
            select(
                func.sum(HourRollupRow.input_tokens),
                func.sum(HourRollupRow.output_tokens),
                func.sum(HourRollupRow.llm_calls),
                func.sum(HourRollupRow.requests),
                func.sum(HourRollupRow.cost),
            )
        ).one()
    assert trace is not None
    assert (trace.input_tokens, trace.output_tokens, trace.llm_calls) == (2500, 500, 2)
    expected_cost = 2500 * MINI_IN + 500 * MINI_OUT
    assert math.isclose(trace.cost, expected_cost, rel_tol=1e-9)
    assert tuple(rollup[:4]) == (2500, 500, 2, 1)
    assert math.isclose(rollup[4], expected_cost, rel_tol=1e-9)
    assert trace.root_name == "invoke_agent support"
    assert math.isclose(trace.duration_ms, 900.0)


def test_resent_spans_are_stored_once_and_counted_once(db: Database) -> None:
    spans = agent_trace()
    store_spans(db, spans)
    again = store_spans(db, [*spans, *agent_trace()])
    assert (again.accepted, again.duplicates) == (3, 3)
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(SpanRow)) == 6
        assert session.scalar(select(func.sum(MinuteRollupRow.spans))) == 6
        assert session.scalar(select(func.sum(MinuteRollupRow.requests))) == 2
        assert session.scalar(select(func.sum(SourceRow.spans))) == 6


def test_a_trace_split_over_requests_adds_up(db: Database) -> None:
    spans = agent_trace(calls=((10, 1), (20, 2), (30, 3)))
    store_spans(db, spans[2:])  # children first, as batch processors often send them
    store_spans(db, spans[:2])
    with db.reading() as session:
        trace = session.get(TraceRow, spans[0].trace_id)
    assert trace is not None
    assert (trace.span_count, trace.llm_calls, trace.input_tokens) == (4, 3, 60)
    assert trace.root_name == "invoke_agent support"
    assert math.isclose(trace.duration_ms, 900.0)


def test_spans_link_by_claimed_service_name_and_by_resource_attribute(db: Database) -> None:
    system_id = _claim(db, "support-bot")
    claimed = agent_trace(service="support-bot")
    unclaimed = agent_trace(service="shadow-gpt")
    tid = new_trace_id()
    hinted = [
        span(
            SpanSpec(usage=(5, 5)),
            trace_id=tid,
            service="x",
            resource={"aitower.system": "Support chatbot"},
        )
    ]
    store_spans(db, [*claimed, *unclaimed, *hinted])
    with db.reading() as session:
        by_trace = dict(session.execute(select(TraceRow.trace_id, TraceRow.system_id)).all())
        keys = set(session.execute(select(HourRollupRow.system_key)).scalars())
        source = session.get(SourceRow, "shadow-gpt")
    assert by_trace[claimed[0].trace_id] == system_id
    assert by_trace[tid] == system_id
    assert by_trace[unclaimed[0].trace_id] is None
    assert keys == {str(system_id), "service:shadow-gpt"}
    assert source is not None and source.spans == 3 and source.models == ["gpt-4o-mini"]


def test_unknown_model_is_unpriced_not_free(db: Database) -> None:
    tid = new_trace_id()
    store_spans(db, [span(SpanSpec(usage=(700, 300), model="acme-internal-llm-7b"), trace_id=tid)])
    with db.reading() as session:
        row = session.execute(select(SpanRow)).scalar_one()
        rollup = session.execute(select(HourRollupRow)).scalar_one()
    assert (row.cost, row.cost_source) == (None, "unpriced")
    assert (rollup.unpriced_calls, rollup.unpriced_tokens, rollup.cost) == (1, 1000, 0.0)


def test_content_is_kept_only_where_the_system_allows_it(db: Database) -> None:
    system_id = _claim(db, "support-bot")
    messages = '[{"role": "user", "parts": [{"type": "text", "content": "my IBAN is DE89..."}]}]'
    extra = {"gen_ai.input.messages": messages, "input.value": "my IBAN is DE89..."}
    first = new_trace_id()
    store_spans(db, [span(SpanSpec(usage=(1, 1), attributes=extra), trace_id=first)])
    with db.writing() as session:
        session.add(SystemTelemetrySettingsRow(system_id=system_id, store_content=False))
    second = new_trace_id()
    store_spans(db, [span(SpanSpec(usage=(1, 1), attributes=extra), trace_id=second)])
    with db.reading() as session:
        rows = {r.trace_id: r for r in session.execute(select(SpanRow)).scalars()}
    assert rows[first].content is not None
    assert "DE89" in str(rows[first].content["input"])
    assert rows[second].content is None
    for row in rows.values():  # never duplicated into the attributes
        assert "gen_ai.input.messages" not in row.attributes
        assert "input.value" not in row.attributes


def test_latency_percentiles_from_rollups_match_the_raw_durations(db: Database) -> None:
    durations = [20.0 + 7.3 * i + (i % 7) * 55.0 for i in range(300)]
    spans = []
    for i, d in enumerate(durations):
        spans += agent_trace(start_ns=BASE_NS + i * 10**9, duration_ms=d, calls=((1, 1),))
    store_spans(db, spans)
    with db.reading() as session:
        hists = session.execute(select(HourRollupRow.latency_hist)).scalars().all()
    p50, p95, p99 = histogram.quantiles(
        histogram.merged(map(histogram.unpack, hists)), [0.5, 0.95, 0.99]
    )
    ordered = sorted(durations)
    for q, got in ((0.5, p50), (0.95, p95), (0.99, p99)):
        exact = ordered[math.ceil(q * len(ordered)) - 1]
        assert got is not None and abs(got - exact) <= 0.01 * exact


def test_rollup_rows_that_many_requests_add_to_hold_every_span(db: Database) -> None:
    """Requests add to rows that earlier ones created (an upsert on SQLite, locked rows on
    PostgreSQL): each row holds what all its spans add, and keeps its histogram in the form
    ``histogram.stored`` gives (the hour row packed, sparse minute rows as dicts)."""
    durations = [20.0 + 7.3 * i + (i % 7) * 55.0 for i in range(300)]
    traces = [
        agent_trace(start_ns=BASE_NS + i * 10**9, duration_ms=d, calls=((1, 1),))
        for i, d in enumerate(durations)
    ]
    for first in range(0, len(traces), 40):
        store_spans(db, [s for trace in traces[first : first + 40] for s in trace])
    expected: histogram.Histogram = {}
    for duration in durations:
        histogram.add(expected, duration)
    forms = set()
    for table in (MinuteRollupRow, HourRollupRow):
        with db.reading() as session:
            rows = session.execute(select(table.requests, table.latency_hist)).all()
        forms |= {(table, type(r.latency_hist)) for r in rows if r.requests}
        assert sum(r.requests for r in rows) == len(durations)
        assert histogram.merged(histogram.unpack(r.latency_hist) for r in rows) == expected
        for row in rows:
            assert row.latency_hist == histogram.stored(histogram.unpack(row.latency_hist))
    assert {(MinuteRollupRow, dict), (HourRollupRow, list)} <= forms


def test_feedback_sent_before_its_trace_is_linked_when_the_trace_arrives(db: Database) -> None:
    system_id = _claim(db, "support-bot")
    spans = agent_trace(service="support-bot")
    item = service.ScoreIn("feedback", spans[0].trace_id, None, "thumbs", 0.0, "down", "", "")
    with db.writing() as session:
        service.add_score(session, item, utcnow())
    store_spans(db, spans)
    with db.reading() as session:
        score = session.execute(select(ScoreRow)).scalar_one()
    assert score.system_id == system_id
