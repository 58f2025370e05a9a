"""Retention: raw spans and traces go after each system's days, rollups much later.

Dashboards answer from rollups, so purging raw spans keeps the history of the charts. One-minute
rollups serve alert windows and short ranges only and are kept ``MINUTE_ROLLUP_DAYS``. Work is
done in bounded chunks, each its own transaction, so a purge never holds the write lock long.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, delete, exists, select
from sqlalchemy.orm import Session

from aitower.core.db.engine import Database
from aitower.telemetry import score_rollups, search_index, store
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.service import DEFAULT_SETTINGS
from aitower.telemetry.tables import (
    KeyRollupRow,
    ScoreRow,
    SpanRow,
    SystemTelemetrySettingsRow,
    TraceNameRow,
    TraceRow,
)

MINUTE_ROLLUP_DAYS = 3
CHUNK = 2000  # traces per transaction; keeps IN lists and lock times small


@dataclass(frozen=True, slots=True)
class PurgeResult:
    spans: int
    traces: int
    rollup_rows: int


def _retention(session: Session) -> tuple[dict[uuid.UUID, tuple[int, int]], int, int]:
    """Per system with its own settings: (raw days, rollup days); plus the defaults."""
    own = {
        row.system_id: (row.retention_days, row.rollup_retention_days)
        for row in session.execute(select(SystemTelemetrySettingsRow)).scalars()
    }
    return own, DEFAULT_SETTINGS.retention_days, DEFAULT_SETTINGS.rollup_retention_days


def purge(db: Database, now: datetime) -> PurgeResult:
    with db.reading() as session:
        own, raw_days, rollup_days = _retention(session)
    traces = spans = 0
    for system_id, (days, _) in own.items():
        t, s = _purge_traces(db, TraceRow.system_id == system_id, now - timedelta(days=days))
        traces, spans = traces + t, spans + s
    others = TraceRow.system_id.is_(None) | TraceRow.system_id.not_in(list(own))
    t, s = _purge_traces(db, others, now - timedelta(days=raw_days))
    traces, spans = traces + t, spans + s
    longest = max([rollup_days, *(r for _, r in own.values())])
    with db.writing() as session:
        rollups = _delete_before(session, store.MINUTE_ROLLUPS, now - timedelta(MINUTE_ROLLUP_DAYS))
        for table in (store.HOUR_ROLLUPS, store.SIX_HOUR_ROLLUPS, store.DAY_ROLLUPS):
            rollups += _delete_before(session, table, now - timedelta(days=longest))
        key_cutoff = (now - timedelta(days=longest)).date()
        deleted = session.execute(delete(KeyRollupRow).where(KeyRollupRow.day < key_cutoff))
        rollups += deleted.rowcount  # type: ignore[attr-defined]
        score_cutoff = now - timedelta(days=longest)
        session.execute(delete(ScoreRow).where(ScoreRow.created_at < score_cutoff))
        score_rollups.purge_before(session, score_cutoff)
        # A name no stored trace carries any more is no longer a search candidate.
        still_used = exists().where(TraceRow.root_name == TraceNameRow.name)
        session.execute(delete(TraceNameRow).where(~still_used))
    return PurgeResult(spans, traces, rollups)


def _delete_before(session: Session, table: Table, cutoff: datetime) -> int:
    result = session.execute(delete(table).where(table.c.bucket_start < cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _purge_traces(db: Database, scope: ColumnElement[bool], cutoff: datetime) -> tuple[int, int]:
    """Delete traces that started before ``cutoff`` with their spans, ``CHUNK`` traces per
    transaction. Returns (traces, spans) deleted."""
    traces = spans = 0
    while True:
        with db.writing() as session:
            ids = list(
                session.execute(
                    select(TraceRow.trace_id)
                    .where(scope, TraceRow.start_time < cutoff)
                    .limit(CHUNK)
                ).scalars()
            )
            if ids:
                search_index.remove_traces(session, ids)
                gone = session.execute(delete(SpanRow).where(SpanRow.trace_id.in_(ids)))
                spans += int(gone.rowcount)  # type: ignore[attr-defined]
                session.execute(delete(TraceRow).where(TraceRow.trace_id.in_(ids)))
                # Findings go with the spans they point at (``finding_tables``).
                findings = ContentFindingRow.trace_id.in_(ids)
                session.execute(delete(ContentFindingRow).where(findings))
        traces += len(ids)
        if len(ids) < CHUNK:
            return traces, spans
