"""Running monitors: one replica per monitor at a time, the result stored in one commit.

Several ``aitower serve`` replicas may share one PostgreSQL. A due monitor is claimed by a
conditional UPDATE of its row (``… WHERE next_run_at <= now AND (lease_until IS NULL OR
lease_until < now)``): the database lets exactly one UPDATE match, so exactly one replica runs
it; one that dies holding the lease loses it when ``LEASE`` expires. The run reads the window
and the stored baseline (never the reference's rows), computes outside any write transaction,
then stores the result, moves ``next_run_at`` to the schedule's next boundary and drops the
lease in one transaction, only if it still holds the lease.

A run that fails (an input the checks refuse, a store error) stores an ``error`` result with
the reason and still moves on to the next boundary, so one broken monitor neither stops the
pass nor is retried every few seconds.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, NotFound
from aitower.model_monitors.evaluate import SUMMARY_FIELDS, Outcome, evaluate
from aitower.model_monitors.monitors import spec_of
from aitower.model_monitors.references import load_baseline
from aitower.model_monitors.spec import next_run, scheduled_window
from aitower.model_monitors.store import PredictionStore, default_store
from aitower.model_monitors.tables import ModelMonitorResultRow, ModelMonitorRow

log = logging.getLogger("aitower.model_monitors")
LEASE = timedelta(minutes=10)
INTEGER_FIELDS = frozenset(
    {"drifted_features", "judged_features", "estimated_rows", "fairness_rows"}
)


@dataclass(frozen=True, slots=True)
class RunSummary:
    monitor_id: uuid.UUID
    result_id: uuid.UUID | None  # None: the lease was lost, nothing stored
    status: str
    rows: int
    seconds: float


def claim_monitor(db: Database, monitor_id: uuid.UUID, owner: str, now: datetime) -> bool:
    """Take the monitor's lease if it is enabled, due and free (or expired); atomic."""
    m = ModelMonitorRow
    with db.writing() as session:
        result = session.execute(
            update(m)
            .where(
                m.id == monitor_id,
                m.enabled.is_(True),
                m.next_run_at <= now,
                or_(m.lease_until.is_(None), m.lease_until < now),
            )
            .values(lease_owner=owner, lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1


def _compute(
    db: Database, store: PredictionStore, monitor_id: uuid.UUID, start: datetime, end: datetime
) -> tuple[Outcome | None, str, float]:
    """The outcome (or None and the error) and the seconds it took."""
    began = time.perf_counter()
    try:
        with db.reading() as session:
            row = session.get(ModelMonitorRow, monitor_id)
            if row is None:
                raise NotFound(f"no monitor {monitor_id}")
            spec, model_id = spec_of(row), row.model_id
            baseline = load_baseline(session, row.reference_id)
            window = store.window(session, model_id, start, end)
        outcome = evaluate(baseline, window, spec)
    except DomainError as exc:
        return None, exc.detail, time.perf_counter() - began
    except Exception as exc:  # stored as an error result; the pass goes on
        log.exception("monitor %s failed", monitor_id)
        return None, f"{type(exc).__name__}: {exc}", time.perf_counter() - began
    return outcome, "", time.perf_counter() - began


def _result_row(
    row: ModelMonitorRow,
    outcome: Outcome | None,
    error: str,
    bounds: tuple[datetime, datetime],
    now: datetime,
    trigger: str,
    seconds: float,
) -> ModelMonitorResultRow:
    summary: dict[str, Any] = dict.fromkeys(SUMMARY_FIELDS)
    if outcome is not None:
        summary.update(
            {
                k: (None if v is None else int(v)) if k in INTEGER_FIELDS else v
                for k, v in outcome.summary.items()
            }
        )
    return ModelMonitorResultRow(
        id=uuid.uuid4(),
        monitor_id=row.id,
        model_id=row.model_id,
        system_id=row.system_id,
        run_at=now,
        window_start=bounds[0],
        window_end=bounds[1],
        trigger=trigger,
        status="error" if outcome is None else outcome.status,
        rows=0 if outcome is None else outcome.rows,
        labelled_rows=0 if outcome is None else outcome.labelled_rows,
        duration_ms=round(seconds * 1000.0, 3),
        feature_scores={} if outcome is None else outcome.feature_scores,
        signals={"items": [] if outcome is None else outcome.detail.get("signals", [])},
        detail={"error": error} if outcome is None else outcome.detail,
        **summary,
    )


def _store(
    db: Database,
    monitor_id: uuid.UUID,
    computed: tuple[Outcome | None, str, float],
    bounds: tuple[datetime, datetime],
    now: datetime,
    owner: str | None,
    trigger: str | None = None,
) -> uuid.UUID | None:
    outcome, error, seconds = computed
    with db.writing() as session:
        row = session.get(ModelMonitorRow, monitor_id, with_for_update=True)
        if row is None or (owner is not None and row.lease_owner != owner):
            return None  # deleted meanwhile, or the lease expired and another replica took it
        trigger = trigger or ("manual" if owner is None else "schedule")
        result = _result_row(row, outcome, error, bounds, now, trigger, seconds)
        session.add(result)
        row.last_run_at, row.last_status = now, result.status
        if owner is not None:
            row.next_run_at = next_run(now, spec_of(row).schedule)
            row.lease_owner, row.lease_until = None, None
        session.flush()
        return result.id


def run_claimed(
    db: Database, monitor_id: uuid.UUID, owner: str, now: datetime, store: PredictionStore
) -> RunSummary:
    """Run a monitor whose lease ``owner`` holds, over its scheduled window."""
    with db.reading() as session:
        row = session.get(ModelMonitorRow, monitor_id)
        if row is None:
            return RunSummary(monitor_id, None, "gone", 0, 0.0)
        bounds = scheduled_window(now, spec_of(row))
    computed = _compute(db, store, monitor_id, *bounds)
    result_id = _store(db, monitor_id, computed, bounds, now, owner)
    return _summary(monitor_id, result_id, computed)


def _summary(
    monitor_id: uuid.UUID, result_id: uuid.UUID | None, computed: tuple[Outcome | None, str, float]
) -> RunSummary:
    outcome, _, seconds = computed
    status = "error" if outcome is None else outcome.status
    return RunSummary(
        monitor_id, result_id, status, 0 if outcome is None else outcome.rows, seconds
    )


def run_now(
    db: Database,
    monitor_id: uuid.UUID,
    now: datetime,
    store: PredictionStore | None = None,
    *,
    trigger: str = "manual",
) -> RunSummary:
    """Run a monitor at once over ``[now − window, now)``; its schedule is left as it is.

    Callers check the principal may run it (``monitors.get_monitor``) first. ``now`` may lie in
    the past: a backfill (``trigger="backfill"``, the demo's history) runs a monitor as of past
    schedule boundaries over the predictions and labels stored by now.
    """
    with db.reading() as session:
        row = session.get(ModelMonitorRow, monitor_id)
        if row is None:
            raise NotFound(f"no monitor {monitor_id}")
        bounds = (now - timedelta(hours=row.window_hours), now)
    computed = _compute(db, store or default_store(), monitor_id, *bounds)
    result_id = _store(db, monitor_id, computed, bounds, now, None, trigger)
    return _summary(monitor_id, result_id, computed)


def due_monitor_ids(db: Database, now: datetime) -> list[uuid.UUID]:
    """Enabled monitors whose next run is due (one indexed query: cheap when none is)."""
    m = ModelMonitorRow
    with db.reading() as session:
        return list(
            session.execute(
                select(m.id)
                .where(m.enabled.is_(True), m.next_run_at <= now)
                .order_by(m.next_run_at, m.id)
            ).scalars()
        )


def run_due_monitors(
    db: Database,
    now: datetime,
    owner: str,
    *,
    store: PredictionStore | None = None,
    only: set[uuid.UUID] | None = None,
    progress: Callable[[RunSummary], None] | None = None,
) -> list[RunSummary]:
    """One pass: every due monitor this replica (``owner``) could claim, run once."""
    chosen = store or default_store()
    done: list[RunSummary] = []
    for monitor_id in due_monitor_ids(db, now):
        if only is not None and monitor_id not in only:
            continue
        if not claim_monitor(db, monitor_id, owner, now):
            continue
        summary = run_claimed(db, monitor_id, owner, now, chosen)
        done.append(summary)
        if progress is not None:
            progress(summary)
    return done
