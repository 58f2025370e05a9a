"""The demo's 30 days of LLM traffic: a demo contributor and the step that stores it.

``add_demo_traffic`` (declared in ``telemetry/slice.py``) runs inside the demo's transaction
(``core/demo/loader.py``) and only decides: when none of the demo applications has sent
telemetry yet, it asks for the history. The history is stored after that transaction commits
(``DemoHistory``), through the same ``store_spans`` the OTLP endpoint uses, so the demo's spans
are linked, priced and rolled up exactly as real ones; the users' feedback follows as feedback
scores. Loading twice adds nothing: the second run finds the applications' telemetry and asks
for nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import DemoHistory, DemoOrganisation, Report
from aitower.telemetry.demo_traffic import DEMO_SERVICES, DemoTraffic, generate_traffic
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.records import DecodedSpan
from aitower.telemetry.service import ScoreIn, add_score
from aitower.telemetry.tables import SourceRow

BATCH_SPANS = 5_000  # spans per store_spans call: one write transaction each
FEEDBACK_SOURCE = "demo end users"


def has_telemetry(session: Session, service_names: Sequence[str]) -> bool:
    """Whether any of ``service_names`` has sent telemetry (it is a known source)."""
    query = select(SourceRow.service_name).where(SourceRow.service_name.in_(service_names))
    return session.execute(query.limit(1)).first() is not None


def add_demo_traffic(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Ask for the traffic history unless the demo applications already sent telemetry."""
    del ctx  # the spans and scores are data sent by applications, not audited changes
    if has_telemetry(session, DEMO_SERVICES):
        return

    def store(db: Database, scale: float, report: Report) -> str:
        said = store_demo_traffic(db, generate_traffic(utcnow(), scale=scale), report)
        for service_name in DEMO_SERVICES:
            demo.note("LLM traffic histories", service_name)
        return said

    demo.history.append(DemoHistory("30 days of LLM traffic", store))


def batches(spans: Sequence[DecodedSpan], size: int) -> Iterator[Sequence[DecodedSpan]]:
    """Slices of about ``size`` spans that never split a trace (its spans are contiguous)."""
    start = 0
    for i, span in enumerate(spans):
        if i - start >= size and span.parent_span_id is None:
            yield spans[start:i]
            start = i
    if start < len(spans):
        yield spans[start:]


def store_feedback(session: Session, traffic: DemoTraffic) -> int:
    """The users' thumbs as feedback scores, through the same service as the feedback API."""
    for rated in traffic.feedback:
        item = ScoreIn(
            kind="feedback",
            trace_id=rated.trace_id,
            span_id=rated.span_id,
            name="thumbs",
            score=rated.score,
            label=rated.label,
            comment=rated.comment,
            source=FEEDBACK_SOURCE,
        )
        add_score(session, item, rated.created_at)
    return len(traffic.feedback)


def store_demo_traffic(db: Database, traffic: DemoTraffic, report: Report) -> str:
    """Store the spans in trace-aligned batches, then the feedback; says what it stored."""
    began = time.perf_counter()
    total, done = len(traffic.spans), 0
    report(0, total)
    for batch in batches(traffic.spans, BATCH_SPANS):
        store_spans(db, batch)
        done += len(batch)
        report(done, total)
    with db.writing() as session:
        rated = store_feedback(session, traffic)
    seconds = time.perf_counter() - began
    return (
        f"Stored 30 days of LLM traffic: {total:,} spans in {traffic.traces:,} traces and "
        f"{rated:,} feedback ratings ({seconds:.1f} s)."
    )
