"""Everything a reviewer sees beside an item: the trace's transcript (input and output
messages of each span that stored them), the context documents the model was given, the
detectors' findings on the trace, the trace's scores and, for an answer with context, the
groundedness marks.

A finding shows its type, field, confidence and reason, never the value: the value is visible
only where the transcript holds it (when the system stores content and redaction kept it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import NotFound
from aitower.review.context_docs import ContextDocument, context_documents
from aitower.review.groundedness import GroundednessMarks, marks
from aitower.review.service import ItemView, get_item
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.scope import system_scope
from aitower.telemetry.tables import SpanRow
from aitower.telemetry.trace_detail import SpanView, TraceDetail, trace_detail
from aitower.telemetry.transcript import Turn, transcript


@dataclass(frozen=True, slots=True)
class FindingView:
    span_id: str
    finding_type: str
    category: str
    field: str
    occurrences: int
    confidence: float
    reason: str
    action: str
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class SpanTranscript:
    span: SpanView
    turns: list[Turn]


@dataclass(frozen=True, slots=True)
class ItemDetail:
    item: ItemView
    trace: TraceDetail | None  # None once the trace was purged by retention
    transcripts: list[SpanTranscript]
    documents: list[ContextDocument]
    findings: list[FindingView]
    groundedness: GroundednessMarks | None


def _findings(session: Session, trace_id: str) -> list[FindingView]:
    f = ContentFindingRow
    rows = session.execute(
        select(f).where(f.trace_id == trace_id).order_by(f.seen_at, f.span_id, f.finding_type)
    ).scalars()
    return [
        FindingView(
            r.span_id,
            r.finding_type,
            r.category,
            r.field,
            r.occurrences,
            r.confidence,
            r.reason,
            r.action,
            r.seen_at,
        )
        for r in rows
    ]


def _documents(session: Session, trace_id: str) -> list[ContextDocument]:
    rows = session.execute(
        select(SpanRow.span_id, SpanRow.content)
        .where(SpanRow.trace_id == trace_id, SpanRow.content.is_not(None))
        .order_by(SpanRow.start_time, SpanRow.span_id)
    ).all()
    return [doc for span_id, content in rows for doc in context_documents(span_id, content)]


def _answer(transcripts: list[SpanTranscript]) -> str:
    """The output texts of the last span that stored an answer: what the user was told."""
    for entry in reversed(transcripts):
        output = (entry.span.content or {}).get("output")
        texts = [text for turn in transcript({"output": output}) for text in turn.texts]
        if texts:
            return "\n".join(texts)
    return ""


def item_detail(session: Session, principal: Principal, item_id: uuid.UUID) -> ItemDetail:
    item = get_item(session, principal, item_id)
    scope = system_scope(session, principal, item.system_id)
    try:
        trace: TraceDetail | None = trace_detail(session, scope, item.trace_id)
    except NotFound:
        trace = None
    spans = trace.spans if trace is not None else []
    transcripts = [SpanTranscript(s, turns) for s in spans if (turns := transcript(s.content))]
    documents = _documents(session, item.trace_id) if trace is not None else []
    grounded = marks(_answer(transcripts), [d.text for d in documents])
    return ItemDetail(
        item, trace, transcripts, documents, _findings(session, item.trace_id), grounded
    )
