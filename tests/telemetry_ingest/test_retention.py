"""Retention: raw spans go after their system's days, dashboards keep their rollups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from aitower.core.db.engine import Database
from aitower.inventory import service as inventory
from aitower.telemetry import service
from aitower.telemetry.ingest import store_spans
from aitower.telemetry.retention import purge
from aitower.telemetry.tables import HourRollupRow, MinuteRollupRow, SpanRow, TraceRow
from support import CTX, seed_units
from support_inventory import make_system
from support_spans import agent_trace, ns

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def _count(db: Database, table: type) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_spans_expire_per_system_and_rollups_outlive_them(db: Database) -> None:
    system_id = make_system(db, seed_units(db).unit_id, "Support chatbot")
    with db.writing() as session:
        inventory.update_system(session, CTX, system_id, {"services": ["support-bot"]})
        service.set_settings(session, CTX, system_id, service.TelemetrySettings(True, 4000, 7, 90))
    old = agent_trace(service="support-bot", start_ns=ns(NOW - timedelta(days=10)))
    recent = agent_trace(service="support-bot", start_ns=ns(NOW - timedelta(days=2)))
    other_old = agent_trace(service="other-app", start_ns=ns(NOW - timedelta(days=10)))
    store_spans(db, [*old, *recent, *other_old])
    hours_before = _count(db, HourRollupRow)

    result = purge(db, NOW)

    # The chatbot keeps 7 days: its 10-day-old trace goes; the unclaimed service keeps the
    # default 30 days. Minute rollups older than 3 days go; hour rollups stay (90 days).
    assert (result.traces, result.spans) == (1, 3)
    with db.reading() as session:
        left = set(session.execute(select(TraceRow.trace_id)).scalars())
    assert left == {recent[0].trace_id, other_old[0].trace_id}
    assert _count(db, SpanRow) == 6
    assert _count(db, HourRollupRow) == hours_before
    # Each trace fills two minute rows (its root, and its chat model): the recent ones stay.
    assert _count(db, MinuteRollupRow) == 2
