"""Storing quality signals: user feedback and evaluation results, linked to a trace.

A score names the trace (and optionally the span) it rates; its system is the one the trace was
linked to at ingest, looked up here when the caller does not give it, so feedback shows beside
the latency and cost of the same system.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput
from aitower.telemetry.tables import ScoreRow, TraceRow

SCORE_KINDS = ("feedback", "evaluation")
_HEX = set("0123456789abcdef")
_LOOKUP_CHUNK = 500  # trace ids per IN (...) query, well under every driver's parameter limit


@dataclass(frozen=True, slots=True)
class NewScore:
    kind: str  # "feedback" | "evaluation"
    trace_id: str
    name: str
    created_at: datetime
    score: float | None = None
    label: str | None = None
    comment: str = ""
    source: str = ""
    span_id: str | None = None
    system_id: uuid.UUID | None = None  # None: the system of the stored trace, if any


def _check(score: NewScore) -> None:
    if score.kind not in SCORE_KINDS:
        raise InvalidInput.on("kind", f"must be one of {', '.join(SCORE_KINDS)}")
    if len(score.trace_id) != 32 or not set(score.trace_id) <= _HEX:
        raise InvalidInput.on("trace_id", "must be 32 lower-case hexadecimal characters")
    if not score.name.strip():
        raise InvalidInput.on("name", "must not be empty")
    if score.score is None and score.label is None:
        raise InvalidInput.on("score", "give a score or a label")


def trace_systems(session: Session, trace_ids: Sequence[str]) -> dict[str, uuid.UUID]:
    """The system each stored trace was linked to (traces without one are left out)."""
    found: dict[str, uuid.UUID] = {}
    unique = sorted(set(trace_ids))
    for i in range(0, len(unique), _LOOKUP_CHUNK):
        rows = session.execute(
            select(TraceRow.trace_id, TraceRow.system_id).where(
                TraceRow.trace_id.in_(unique[i : i + _LOOKUP_CHUNK]),
                TraceRow.system_id.is_not(None),
            )
        )
        found.update({trace_id: system_id for trace_id, system_id in rows if system_id})
    return found


def record_scores(session: Session, ctx: ChangeContext, scores: Sequence[NewScore]) -> int:
    """Store ``scores`` (all or none) with one audit event for the batch; returns how many."""
    for score in scores:
        _check(score)
    if not scores:
        return 0
    systems = trace_systems(session, [s.trace_id for s in scores if s.system_id is None])
    rows = [
        {
            "id": uuid.uuid4(),
            **{f: getattr(s, f) for f in NewScore.__dataclass_fields__},
            "system_id": s.system_id or systems.get(s.trace_id),
        }
        for s in scores
    ]
    session.execute(insert(ScoreRow), rows)
    kinds = sorted({s.kind for s in scores})
    record_change(
        session,
        ctx,
        "telemetry.scores.add",
        "telemetry_scores",
        None,
        after={"count": len(rows), "kinds": kinds, "names": sorted({s.name for s in scores})},
    )
    return len(rows)
