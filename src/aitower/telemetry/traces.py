"""The trace explorer: filtered, sorted pages of traces, read from the trace rows.

A trace row sums its spans at ingest, so a search never touches the span table: the filters
are columns of ``telemetry_traces``, the time range rides on its start-time indexes, and a page
is a count plus one LIMIT query. "Name contains" first finds the matching names among the
distinct root-span names (``telemetry_trace_names``: an application has a handful), then their
traces by the name index; only when very many names match does it compare every trace's name.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from aitower.telemetry.scope import Scope
from aitower.telemetry.tables import TraceNameRow, TraceRow

# More matching names than this, and comparing each trace's name is cheaper than an IN list.
MAX_NAMES_IN_LIST = 200


class TraceSort(StrEnum):
    time = "time"
    latency = "latency"
    cost = "cost"


class TraceStatus(StrEnum):
    error = "error"
    ok = "ok"


SORT_COLUMNS = {
    TraceSort.time: TraceRow.start_time,
    TraceSort.latency: TraceRow.duration_ms,
    TraceSort.cost: TraceRow.cost,
}


@dataclass(frozen=True, slots=True)
class TraceFilter:
    system_id: uuid.UUID | None = None
    model: str | None = None
    status: TraceStatus | None = None
    user_id: str | None = None
    session_id: str | None = None
    min_latency_ms: float | None = None
    max_latency_ms: float | None = None
    min_cost: float | None = None
    start: datetime | None = None
    end: datetime | None = None
    q: str | None = None  # text in the root span's name


@dataclass(frozen=True, slots=True)
class TraceSummary:
    trace_id: str
    system_id: uuid.UUID | None
    system_name: str | None
    service_name: str
    root_name: str | None
    start_time: datetime
    duration_ms: float
    span_count: int
    llm_calls: int
    input_tokens: int
    output_tokens: int
    cost: float
    unpriced_calls: int
    error: bool
    model: str | None
    user_id: str | None
    session_id: str | None


def trace_summary(row: TraceRow, scope: Scope) -> TraceSummary:
    return TraceSummary(
        trace_id=row.trace_id,
        system_id=row.system_id,
        system_name=scope.name_of(row.system_id),
        service_name=row.service_name,
        root_name=row.root_name,
        start_time=row.start_time,
        duration_ms=row.duration_ms,
        span_count=row.span_count,
        llm_calls=row.llm_calls,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        cost=row.cost,
        unpriced_calls=row.unpriced_calls,
        error=row.error,
        model=row.model,
        user_id=row.user_id,
        session_id=row.session_id,
    )


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _scope_conditions(scope: Scope, flt: TraceFilter) -> list[ColumnElement[bool]]:
    """Organisation-wide readers also see traces of unclaimed services (system_id NULL);
    others see their systems' traces only."""
    if flt.system_id is not None:
        if scope.org_wide or str(flt.system_id) in scope.systems:
            return [TraceRow.system_id == flt.system_id]
        return [false()]
    if scope.org_wide:
        return []
    if not scope.systems:
        return [false()]
    return [TraceRow.system_id.in_(scope.ids)]


def _name_condition(session: Session, text: str) -> ColumnElement[bool]:
    """Traces whose root-span name contains ``text`` (case-insensitive)."""
    matches = func.lower(TraceNameRow.name).like(_like(text), escape="\\")
    names = list(
        session.execute(
            select(TraceNameRow.name).where(matches).limit(MAX_NAMES_IN_LIST + 1)
        ).scalars()
    )
    if not names:
        return false()
    if len(names) > MAX_NAMES_IN_LIST:
        return func.lower(TraceRow.root_name).like(_like(text), escape="\\")
    return TraceRow.root_name.in_(names)


def _conditions(session: Session, scope: Scope, flt: TraceFilter) -> list[ColumnElement[bool]]:
    found = _scope_conditions(scope, flt)
    checks: list[tuple[Any, Callable[[Any], ColumnElement[bool]]]] = [
        (flt.model, lambda v: TraceRow.model == v),
        (flt.user_id, lambda v: TraceRow.user_id == v),
        (flt.session_id, lambda v: TraceRow.session_id == v),
        (flt.min_latency_ms, lambda v: TraceRow.duration_ms >= v),
        (flt.max_latency_ms, lambda v: TraceRow.duration_ms <= v),
        (flt.min_cost, lambda v: TraceRow.cost >= v),
        (flt.start, lambda v: TraceRow.start_time >= v),
        (flt.end, lambda v: TraceRow.start_time < v),
        (flt.status, lambda v: TraceRow.error.is_(v is TraceStatus.error)),
        (flt.q, lambda v: _name_condition(session, v)),
    ]
    found.extend(condition(value) for value, condition in checks if value is not None)
    return found


def search_traces(
    session: Session,
    scope: Scope,
    flt: TraceFilter,
    *,
    sort: TraceSort = TraceSort.time,
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[TraceSummary], int]:
    """One page of matching traces in the scope, and how many match in all."""
    where = _conditions(session, scope, flt)
    total = session.execute(select(func.count()).select_from(TraceRow).where(*where)).scalar_one()
    column = SORT_COLUMNS[sort]
    order = [column.desc() if descending else column.asc(), TraceRow.trace_id]
    rows = session.execute(
        select(TraceRow).where(*where).order_by(*order).limit(limit).offset(offset)
    ).scalars()
    return [trace_summary(row, scope) for row in rows], int(total)
