"""The SQL of moving one chunk of a service's stored telemetry to another attribution.

Runs inside the caller's short write transaction (``reattribution``). A chunk is a run of the
service's spans under the old attribution, in (start time, trace id, span id) order. What those
spans added to the rollups is worked out again from the stored rows with ingest's own sums
(``aggregate.BatchSums``), taken out of the old key's rows and added to the new key's, so that
rows merge (sums added, latency histograms merged by bucket) instead of being duplicated.
Buckets the retention purge already removed are neither taken out nor recreated. The spans,
their trace rows and the traces' scores (with the score rollups) then name the new system.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Table, func, literal, select, tuple_, update
from sqlalchemy.orm import Session

from aitower.cost.usage import TokenUsage
from aitower.telemetry import aggregate, ingest_recount, score_rollups, store
from aitower.telemetry import reattribution_rows as rows_sql
from aitower.telemetry.aggregate import (
    BatchSums,
    PricedSpan,
)
from aitower.telemetry.records import DecodedSpan, LlmFacts, SpanType
from aitower.telemetry.tables import ScoreRow

SPANS = store.SPANS
ROLLUP_TABLES = (
    store.MINUTE_ROLLUPS,
    store.HOUR_ROLLUPS,
    store.SIX_HOUR_ROLLUPS,
    store.DAY_ROLLUPS,
)
_IN_LIST = 500  # ids per IN list: well under both databases' parameter limits
_SPAN_COLUMNS = tuple(SPANS.c[name] for name in ingest_recount.PRICED_COLUMNS)
Cursor = tuple[datetime, str, str]  # start time, trace id, span id of the last span moved


def key_of(system_id: uuid.UUID | None, service_name: str) -> str:
    """The rollup key of an attribution: the system's id, or ``service:<name>``."""
    return str(system_id) if system_id is not None else f"service:{service_name}"


@dataclass(frozen=True, slots=True)
class Move:
    """One service's telemetry going from one attribution (None: unregistered) to another."""

    service_name: str
    source_id: uuid.UUID | None
    target_id: uuid.UUID | None

    @property
    def source_key(self) -> str:
        return key_of(self.source_id, self.service_name)

    @property
    def target_key(self) -> str:
        return key_of(self.target_id, self.service_name)


@dataclass(frozen=True, slots=True)
class ChunkResult:
    spans: int
    traces: int
    cursor: Cursor | None  # None: nothing was left after the cursor


def _under_source(table: Table, move: Move) -> Any:
    column = table.c.system_id
    same = column.is_(None) if move.source_id is None else column == move.source_id
    return same & (table.c.service_name == move.service_name)


def count_spans(session: Session, move: Move) -> int:
    """How many spans the move has to take (its progress bar's total)."""
    query = select(func.count()).select_from(SPANS).where(_under_source(SPANS, move))
    return int(session.execute(query).scalar_one())


def move_chunk(session: Session, move: Move, after: Cursor | None, limit: int) -> ChunkResult:
    """Move up to ``limit`` spans after ``after`` and what they added; say how far it got."""
    rows = _next_spans(session, move, after, limit)
    if not rows:
        return ChunkResult(0, 0, None)
    sums = BatchSums.of(_as_counted(session, [_priced(row, move.source_key) for row in rows]))
    hours = aggregate.coarser(sums.minutes, aggregate.hour_bucket)
    six_hours = aggregate.coarser(hours, aggregate.six_hour_bucket)
    days = aggregate.coarser(six_hours, aggregate.day_bucket)
    source, target = move.source_key, move.target_key
    for table, part in zip(ROLLUP_TABLES, (sums.minutes, hours, six_hours, days), strict=True):
        rows_sql.shift_rollups(session, table, part, source, target)
    rows_sql.shift_keys(session, sums.keys, source, target)
    rows_sql.set_span_systems(session, [(r.trace_id, r.span_id) for r in rows], move.target_id)
    traces = _move_traces(session, move, sorted({r.trace_id for r in rows}))
    last = rows[-1]
    return ChunkResult(len(rows), traces, (last.start_time, last.trace_id, last.span_id))


def _as_counted(session: Session, items: list[PricedSpan]) -> list[PricedSpan]:
    """``items`` with the calls ingest did not count (a repeat of another call of its trace,
    ``calls``) marked so: a move takes out and adds only what ingest added."""
    traces = sorted({i.span.trace_id for i in items if i.facts.usage is not None})
    stacked = _traces_with_several_calls(session, traces)
    if not stacked:
        return items
    repeats = {
        (i.span.trace_id, i.span.span_id)
        for i in ingest_recount.stored_as_counted(session, stacked)
        if not i.counted
    }
    return [
        replace(i, counted=False) if (i.span.trace_id, i.span.span_id) in repeats else i
        for i in items
    ]


def _traces_with_several_calls(session: Session, trace_ids: Sequence[str]) -> list[str]:
    c = SPANS.c
    found: list[str] = []
    for start in range(0, len(trace_ids), _IN_LIST):
        query = (
            select(c.trace_id)
            .where(c.trace_id.in_(trace_ids[start : start + _IN_LIST]))
            .where(c.input_tokens.is_not(None))
            .group_by(c.trace_id)
            .having(func.count() > 1)
        )
        found.extend(session.execute(query).scalars())
    return found


def _next_spans(
    session: Session, move: Move, after: Cursor | None, limit: int
) -> Sequence[Row[Any]]:
    c = SPANS.c
    query = select(*_SPAN_COLUMNS).where(_under_source(SPANS, move))
    if after is not None:
        start = literal(after[0], type_=c.start_time.type)
        query = query.where(
            c.start_time >= start,  # lets the (system, start) index bound the scan
            tuple_(c.start_time, c.trace_id, c.span_id) > tuple_(start, after[1], after[2]),
        )
    query = query.order_by(c.start_time, c.trace_id, c.span_id).limit(limit)
    return session.execute(query).all()


def _priced(row: Row[Any], system_key: str) -> PricedSpan:
    """A stored span as ingest saw it when it added the span to its sums."""
    usage = None
    if row.input_tokens is not None:
        usage = TokenUsage(
            row.input_tokens,
            row.output_tokens or 0,
            row.cache_read_tokens or 0,
            row.cache_write_tokens or 0,
            row.reasoning_tokens or 0,
        )
    facts = LlmFacts(
        SpanType(row.span_type),
        response_model=row.model,
        usage=usage,
        user_id=row.user_id,
        session_id=row.session_id,
    )
    start = row.start_time
    span = DecodedSpan(
        {"service.name": row.service_name},
        "",
        row.trace_id,
        row.span_id,
        row.parent_span_id,
        row.name,
        row.kind,
        0,
        0,
        row.status_code,
        "",
        {},
    )
    end = start + timedelta(milliseconds=row.duration_ms)
    return PricedSpan(
        span,
        facts,
        system_key,
        row.cost,
        row.cost_source,
        start,
        end,
        row.duration_ms,
        row.parent_span_id is None,
        row.status_code == aggregate.ERROR_STATUS,
    )


def _move_traces(session: Session, move: Move, trace_ids: Sequence[str]) -> int:
    """Trace rows this service started (and still under the old attribution) follow, with the
    scores given to them."""
    traces, moved = store.TRACES, 0
    for start in range(0, len(trace_ids), _IN_LIST):
        part = trace_ids[start : start + _IN_LIST]
        ids = list(
            session.execute(
                select(traces.c.trace_id).where(
                    traces.c.trace_id.in_(part), _under_source(traces, move)
                )
            ).scalars()
        )
        if not ids:
            continue
        session.execute(
            update(traces).where(traces.c.trace_id.in_(ids)).values(system_id=move.target_id)
        )
        _move_scores(session, ids, move)
        moved += len(ids)
    return moved


def _move_scores(session: Session, trace_ids: Sequence[str], move: Move) -> None:
    source = ScoreRow.system_id
    same = source.is_(None) if move.source_id is None else source == move.source_id
    found = [
        score_rollups.facts(row)
        for row in session.execute(
            select(*score_rollups.FACT_COLUMNS).where(ScoreRow.trace_id.in_(trace_ids), same)
        )
    ]
    if not found:
        return
    session.execute(
        update(ScoreRow)
        .where(ScoreRow.trace_id.in_(trace_ids), same)
        .values(system_id=move.target_id)
    )
    score_rollups.add(session, found, sign=-1)
    score_rollups.add(session, [(c, move.target_id, k, n, lab, s) for c, _, k, n, lab, s in found])
