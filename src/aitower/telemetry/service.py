"""Use cases of the telemetry slice beside ingest: scores, per-system settings, claiming history.

Feedback and evaluation scores are data sent by applications, like spans: they are not audit
events. A system's telemetry settings (content, retention) are configuration: every change is.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory import service as inventory
from aitower.telemetry import score_rollups
from aitower.telemetry.aggregate import clean
from aitower.telemetry.tables import (
    ScoreRow,
    SystemTelemetrySettingsRow,
    TraceRow,
)

SCORE_KINDS = ("feedback", "evaluation")
THUMBS = {"up": 1.0, "down": 0.0}


@dataclass(frozen=True, slots=True)
class ScoreIn:
    kind: str
    trace_id: str
    span_id: str | None
    name: str
    score: float | None
    label: str | None
    comment: str
    source: str


@dataclass(frozen=True, slots=True)
class Score:
    id: uuid.UUID
    kind: str
    trace_id: str
    span_id: str | None
    system_id: uuid.UUID | None
    name: str
    score: float | None
    label: str | None
    comment: str
    source: str
    created_at: datetime


def _check_ids(trace_id: str, span_id: str | None) -> None:
    if len(trace_id) != 32 or not _is_hex(trace_id):
        raise InvalidInput.on("trace_id", "must be 32 lower-case hex characters")
    if span_id is not None and (len(span_id) != 16 or not _is_hex(span_id)):
        raise InvalidInput.on("span_id", "must be 16 lower-case hex characters")


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


def add_score(
    session: Session, item: ScoreIn, now: datetime, units: frozenset[uuid.UUID] | None = None
) -> Score:
    """Keep a score for a trace. The trace may not have arrived yet (feedback often comes
    first): then the score waits without a system, and ingest links it when the trace comes.

    A sender limited to business units (``units``; None: every unit) scores only traces it may
    see: stored, and of a system in its units or of an unregistered source. Any other trace id
    is unknown to it (404), so that it can neither add to another unit's scores nor learn which
    trace ids exist there; such a sender cannot score a trace before it arrives.
    """
    _check_ids(item.trace_id, item.span_id)
    if item.kind not in SCORE_KINDS:
        raise InvalidInput.on("kind", f"must be one of {', '.join(SCORE_KINDS)}")
    if item.score is None and not item.label:
        raise InvalidInput.on("score", "give a score, a label, or both")
    found = session.execute(
        select(TraceRow.system_id).where(TraceRow.trace_id == item.trace_id)
    ).first()
    system_id = None if found is None else found.system_id
    if units is not None and not _may_score(session, found is not None, system_id, units):
        raise NotFound(f"no trace {item.trace_id}")
    row = ScoreRow(
        id=uuid.uuid4(),
        kind=item.kind,
        trace_id=item.trace_id,
        span_id=item.span_id,
        system_id=system_id,
        name=clean(item.name),
        score=item.score,
        label=None if item.label is None else clean(item.label),
        comment=clean(item.comment),
        source=clean(item.source),
        created_at=now,
    )
    session.add(row)
    session.flush()
    score_rollups.add(session, [score_rollups.facts(row)])
    return _score(row)


def _may_score(
    session: Session, stored: bool, system_id: uuid.UUID | None, units: frozenset[uuid.UUID]
) -> bool:
    if not stored:
        return False
    if system_id is None:
        return True  # an unregistered source's trace, which every sender may send
    return inventory.system_units(session, [system_id]).get(system_id) in units


def _score(row: ScoreRow) -> Score:
    return Score(
        row.id,
        row.kind,
        row.trace_id,
        row.span_id,
        row.system_id,
        row.name,
        row.score,
        row.label,
        row.comment,
        row.source,
        row.created_at,
    )


def link_waiting_scores(session: Session, trace_systems: dict[str, uuid.UUID]) -> None:
    """Give scores that arrived before their trace the trace's system (one look-up; updates
    only where feedback was waiting, which is rare)."""
    if not trace_systems:
        return
    waiting: dict[str, list[score_rollups.ScoreFacts]] = {}
    for row in session.execute(
        select(ScoreRow.trace_id, *score_rollups.FACT_COLUMNS).where(
            ScoreRow.trace_id.in_(list(trace_systems)), ScoreRow.system_id.is_(None)
        )
    ):
        waiting.setdefault(row.trace_id, []).append(score_rollups.facts(row))
    for trace_id, scores in waiting.items():
        system_id = trace_systems[trace_id]
        session.execute(
            update(ScoreRow)
            .where(ScoreRow.trace_id == trace_id, ScoreRow.system_id.is_(None))
            .values(system_id=system_id)
        )
        score_rollups.move(session, scores, system_id)


@dataclass(frozen=True, slots=True)
class TelemetrySettings:
    store_content: bool
    max_content_chars: int
    retention_days: int
    rollup_retention_days: int


DEFAULT_SETTINGS = TelemetrySettings(True, 4000, 30, 400)


def get_settings(session: Session, principal: Principal, system_id: uuid.UUID) -> TelemetrySettings:
    inventory.get_system_ref(session, principal, system_id)
    row = session.get(SystemTelemetrySettingsRow, system_id)
    if row is None:
        return DEFAULT_SETTINGS
    return TelemetrySettings(
        row.store_content, row.max_content_chars, row.retention_days, row.rollup_retention_days
    )


def set_settings(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, wanted: TelemetrySettings
) -> TelemetrySettings:
    ref = inventory.get_system_ref(session, ctx.principal, system_id)
    if wanted.rollup_retention_days < wanted.retention_days:
        raise InvalidInput.on(
            "rollup_retention_days", "rollups must be kept at least as long as raw spans"
        )
    before = get_settings(session, ctx.principal, system_id)
    row = session.get(SystemTelemetrySettingsRow, system_id, with_for_update=True)
    if row is None:
        row = SystemTelemetrySettingsRow(system_id=system_id)
        session.add(row)
    row.store_content = wanted.store_content
    row.max_content_chars = wanted.max_content_chars
    row.retention_days = wanted.retention_days
    row.rollup_retention_days = wanted.rollup_retention_days
    session.flush()
    record_change(
        session,
        ctx,
        "telemetry.settings_changed",
        "ai_system",
        ref.id,
        before=asdict(before),
        after=asdict(wanted),
    )
    return wanted
