"""One trace as its span tree: spans in depth-first order with their depth, timings relative
to the trace's start (for the waterfall), LLM fields, stored messages and the trace's scores.

The tree is built from parent links. A span whose parent is not in the trace (not sent, purged,
or still in flight) is an orphan and is shown at the root level rather than hidden; a parent
link that would loop is cut the same way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.errors import NotFound
from aitower.telemetry.scope import Scope
from aitower.telemetry.tables import ScoreRow, SpanRow, TraceRow
from aitower.telemetry.traces import TraceSummary, trace_summary


@dataclass(frozen=True, slots=True)
class SpanView:
    span_id: str
    parent_span_id: str | None
    depth: int
    orphan: bool  # has a parent id that is not in the trace
    name: str
    span_type: str
    service_name: str
    start_time: datetime
    offset_ms: float  # from the trace's first span start
    duration_ms: float
    error: bool
    status_message: str
    provider: str | None
    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    cache_read_tokens: int | None
    reasoning_tokens: int | None
    cost: float | None
    cost_source: str | None
    user_id: str | None
    session_id: str | None
    content: dict[str, Any] | None
    attributes: dict[str, Any]
    events: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ScoreView:
    id: uuid.UUID
    kind: str
    name: str
    span_id: str | None
    score: float | None
    label: str | None
    comment: str
    source: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TraceDetail:
    trace: TraceSummary
    spans: list[SpanView]
    scores: list[ScoreView]

    @property
    def span_total_ms(self) -> float:
        """The waterfall's width: from the first start to the last end."""
        return max((s.offset_ms + max(s.duration_ms, 0.0) for s in self.spans), default=0.0)


def depth_first(spans: Sequence[SpanRow]) -> list[tuple[SpanRow, int, bool]]:
    """(span, depth, orphan) with every child after its parent, siblings by start time."""
    ids = {s.span_id for s in spans}
    children: dict[str | None, list[SpanRow]] = {}
    for span in sorted(spans, key=lambda s: (s.start_time, s.span_id)):
        parent = span.parent_span_id if span.parent_span_id in ids else None
        if parent == span.span_id:
            parent = None
        children.setdefault(parent, []).append(span)
    ordered: list[tuple[SpanRow, int, bool]] = []
    seen: set[str] = set()
    stack = [(s, 0) for s in reversed(children.get(None, []))]
    while stack:
        span, depth = stack.pop()
        if span.span_id in seen:
            continue
        seen.add(span.span_id)
        orphan = depth == 0 and span.parent_span_id is not None
        ordered.append((span, depth, orphan))
        stack.extend((c, depth + 1) for c in reversed(children.get(span.span_id, [])))
    # Spans caught in a parent loop never reach the root; show them at the root level too.
    for span in sorted(spans, key=lambda s: (s.start_time, s.span_id)):
        if span.span_id not in seen:
            seen.add(span.span_id)
            ordered.append((span, 0, True))
    return ordered


def _span_view(row: SpanRow, depth: int, orphan: bool, origin: datetime) -> SpanView:
    return SpanView(
        span_id=row.span_id,
        parent_span_id=row.parent_span_id,
        depth=depth,
        orphan=orphan,
        name=row.name,
        span_type=row.span_type,
        service_name=row.service_name,
        start_time=row.start_time,
        offset_ms=(row.start_time - origin).total_seconds() * 1000.0,
        duration_ms=row.duration_ms,
        error=row.status_code == 2,
        status_message=row.status_message,
        provider=row.provider,
        model=row.model,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        cache_read_tokens=row.cache_read_tokens,
        reasoning_tokens=row.reasoning_tokens,
        cost=row.cost,
        cost_source=row.cost_source,
        user_id=row.user_id,
        session_id=row.session_id,
        content=readable_content(row.content),
        attributes=row.attributes or {},
        events=row.events or [],
    )


def readable_content(content: dict[str, Any] | None) -> dict[str, Any] | None:
    """Each side as a list of messages. Ingest keeps a side as sent, often a JSON string of
    messages (``gen_ai.input.messages``) or plain text (``input.value``), or cut short."""
    if content is None:
        return None
    return {side: _as_messages(content.get(side)) for side in ("input", "output")}


def _as_messages(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]  # plain text, or JSON cut at the size limit: shown as text
    return value if isinstance(value, list) else [value]


def _visible(scope: Scope, row: TraceRow) -> bool:
    if scope.system is not None:
        return str(row.system_id) == str(scope.system.id)
    return scope.org_wide or str(row.system_id) in scope.systems


def trace_detail(session: Session, scope: Scope, trace_id: str) -> TraceDetail:
    """The trace if the scope includes it (else NotFound: traces of others are not disclosed)."""
    row = session.get(TraceRow, trace_id)
    if row is None or not _visible(scope, row):
        raise NotFound(f"no trace {trace_id}")
    spans = list(session.execute(select(SpanRow).where(SpanRow.trace_id == trace_id)).scalars())
    origin = min((s.start_time for s in spans), default=row.start_time)
    scores = session.execute(
        select(ScoreRow).where(ScoreRow.trace_id == trace_id).order_by(ScoreRow.created_at)
    ).scalars()
    return TraceDetail(
        trace_summary(row, scope),
        [_span_view(s, d, o, origin) for s, d, o in depth_first(spans)],
        [
            ScoreView(
                s.id, s.kind, s.name, s.span_id, s.score, s.label, s.comment, s.source, s.created_at
            )
            for s in scores
        ],
    )
