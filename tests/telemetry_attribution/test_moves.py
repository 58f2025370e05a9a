"""Moves on both databases: rollups merged (never duplicated), spans written mid-move, scores."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry import histogram, reattribution, service
from aitower.telemetry.ingest import prepare_batch, store_spans, write_batches
from aitower.telemetry.tables import (
    AttributionRow,
    DayRollupRow,
    HourRollupRow,
    KeyRollupRow,
    MinuteRollupRow,
    ScoreRollupRow,
    ScoreRow,
    SixHourRollupRow,
    SpanRow,
    TraceRow,
)
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import BASE_NS, SpanSpec, agent_trace, span

MINUTE = 60 * 10**9


def _system(db: Database, services: list[str]) -> uuid.UUID:
    system_id = make_system(db, seed_units(db).unit_id, "Support chatbot")
    _claim(db, system_id, services)
    return system_id


def _claim(db: Database, system_id: uuid.UUID, services: list[str]) -> None:
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": services})


def _rows(db: Database, table: type[HourRollupRow]) -> list[HourRollupRow]:
    with db.reading() as session:
        return list(session.execute(select(table)).scalars())


def test_rows_of_both_services_merge_into_one_row_per_bucket_and_model(db: Database) -> None:
    system_id = _system(db, ["chat-a"])
    a = [
        agent_trace(
            service="chat-a", start_ns=BASE_NS + i * MINUTE, duration_ms=400.0 + i, user="u1"
        )
        for i in range(3)
    ]
    b = [
        agent_trace(
            service="chat-b", start_ns=BASE_NS + i * MINUTE, duration_ms=900.0 + i, user="u1"
        )
        for i in range(3)
    ]
    for trace in (*a, *b):
        store_spans(db, trace)
    assert {r.system_key for r in _rows(db, HourRollupRow)} == {str(system_id), "service:chat-b"}

    _claim(db, system_id, ["chat-a", "chat-b"])
    assert reattribution.run_pending(db, "test", limit=4) == 0  # 18 spans in chunks of 4

    for table, buckets in (
        (MinuteRollupRow, 3),
        (HourRollupRow, 1),
        (SixHourRollupRow, 1),
        (DayRollupRow, 1),
    ):
        rows = _rows(db, table)
        assert {r.system_key for r in rows} == {str(system_id)}
        # one row per bucket and model ("" for agent spans, the model for the calls)
        assert len(rows) == 2 * buckets, table
        assert sum(r.requests for r in rows) == 6 and sum(r.llm_calls for r in rows) == 12
        assert sum(r.input_tokens for r in rows) == 6 * 2500
        assert sum(r.output_tokens for r in rows) == 6 * 500
    hour = next(r for r in _rows(db, HourRollupRow) if r.model == "")
    durations = [400.0, 401.0, 402.0, 900.0, 901.0, 902.0]
    assert math.isclose(hour.latency_sum_ms, sum(durations))
    expected = histogram.merged([{histogram.bucket_key(d): 1} for d in durations])
    assert histogram.unpack(hour.latency_hist) == expected
    with db.reading() as session:
        keys = list(session.execute(select(KeyRollupRow)).scalars())
        spans = session.execute(select(SpanRow.system_id).distinct()).scalars().all()
        traces = session.execute(select(TraceRow.system_id).distinct()).scalars().all()
    # the user is named on the agent (root) spans only, so its day counts requests, no calls
    assert [(k.system_key, k.key_kind, k.key, k.requests, k.llm_calls) for k in keys] == [
        (str(system_id), "user", "u1", 6, 0)
    ]
    assert spans == [system_id] and traces == [system_id]

    _claim(db, system_id, ["chat-a"])  # chat-b leaves: its part is taken out of the merged rows
    assert reattribution.run_pending(db, "test", limit=4) == 0
    for key, own in ((str(system_id), durations[:3]), ("service:chat-b", durations[3:])):
        rows = [r for r in _rows(db, HourRollupRow) if r.system_key == key]
        assert sum(r.requests for r in rows) == 3 and sum(r.llm_calls for r in rows) == 6
        assert sum(r.input_tokens for r in rows) == 3 * 2500
        root = next(r for r in rows if r.model == "")
        assert math.isclose(root.latency_sum_ms, sum(own))
        expected = histogram.merged([{histogram.bucket_key(d): 1} for d in own])
        assert histogram.unpack(root.latency_hist) == expected


def test_spans_prepared_before_the_claim_and_written_mid_move_end_up_moved(db: Database) -> None:
    system_id = _system(db, [])
    for i in range(4):
        store_spans(db, agent_trace(service="late-bot", start_ns=BASE_NS + i * MINUTE))
    late = prepare_batch(db, agent_trace(service="late-bot", start_ns=BASE_NS))  # old claim
    _claim(db, system_id, ["late-bot"])
    reattribution.plan(db)
    assert reattribution.step(db, "late-bot", "test", limit=5)  # a first chunk moved
    write_batches(db, [late])  # lands under service:late-bot, before the cursor
    while reattribution.step(db, "late-bot", "test", limit=5):
        pass
    reattribution.plan(db)  # nothing left to start
    with db.reading() as session:
        keys = set(session.execute(select(HourRollupRow.system_key)).scalars())
        requests = session.scalar(select(func.sum(HourRollupRow.requests)))
        unmoved = session.scalar(select(func.count()).where(SpanRow.system_id.is_(None)))
        row = session.get(AttributionRow, "late-bot")
    assert keys == {str(system_id)} and requests == 5 and unmoved == 0
    assert row is not None and (row.state, row.spans_moved, row.traces_moved) == ("done", 15, 5)


def test_scores_follow_their_trace_both_ways(db: Database) -> None:
    system_id = _system(db, [])
    trace = agent_trace(service="scored-bot")
    store_spans(db, trace)
    now = datetime(2026, 5, 28, 12, tzinfo=UTC)
    with db.writing() as session:
        item = service.ScoreIn("feedback", trace[0].trace_id, None, "thumbs", 1.0, "up", "", "app")
        service.add_score(session, item, now)

    def where() -> tuple[object, set[str]]:
        with db.reading() as session:
            score = session.execute(select(ScoreRow.system_id)).scalar_one()
            keys = {
                r.system_key for r in session.execute(select(ScoreRollupRow)).scalars() if r.count
            }
        return score, keys

    assert where() == (None, {""})
    _claim(db, system_id, ["scored-bot"])
    reattribution.run_pending(db, "test")
    assert where() == (system_id, {str(system_id)})
    _claim(db, system_id, [])
    reattribution.run_pending(db, "test")
    assert where() == (None, {""})


def test_a_call_reported_twice_moves_as_one_call(db: Database) -> None:
    """A wrapper span around the provider call (stacked instrumentations) was counted once at
    ingest; taking the service's name away moves one call back, not two."""
    system_id = _system(db, ["stacked"])
    trace_id = "ab" * 16
    root = SpanSpec(name="chat request", duration_ms=900.0)
    outer = SpanSpec(start_ns=BASE_NS + 10**6, duration_ms=800.0, usage=(120, 30))
    inner = SpanSpec(start_ns=BASE_NS + 2 * 10**6, duration_ms=700.0, usage=(120, 30))
    root_span = span(root, trace_id=trace_id, service="stacked")
    outer.parent = root_span.span_id
    outer_span = span(outer, trace_id=trace_id, service="stacked")
    inner.parent = outer_span.span_id
    store_spans(db, [root_span, outer_span, span(inner, trace_id=trace_id, service="stacked")])
    assert sum(r.llm_calls for r in _rows(db, HourRollupRow)) == 1
    reattribution.run_pending(db, "test")  # the background pass notes where the history lies

    _claim(db, system_id, [])
    assert reattribution.run_pending(db, "test", limit=2) == 0

    rows = _rows(db, HourRollupRow)
    assert {r.system_key for r in rows if r.llm_calls or r.requests} == {"service:stacked"}
    assert sum(r.llm_calls for r in rows) == 1
    assert sum(r.input_tokens for r in rows) == 120 and sum(r.output_tokens for r in rows) == 30
    assert sum(r.requests for r in rows) == 1
