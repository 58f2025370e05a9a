"""Reading results: a monitor's history as a series, one result in full, and what pages need.

* ``result_series``: the summary numbers of a monitor's results in time order (a chart's
  points; ``detail`` is not read), each point's id opens ``get_result``.
* ``latest_result``: a monitor's newest result with its detail (a model's monitoring tab).
* ``drift_table``: the newest result's per-feature drift, each feature with its trend
  (statistic and verdict of the last ``points`` results, from the small ``feature_scores``).
* ``portfolio``: every monitor the principal sees with its newest result and worst signal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from aitower.core.access.principal import Principal
from aitower.core.errors import NotFound
from aitower.inventory.tables import SystemRow
from aitower.model_monitors.evaluate import SUMMARY_FIELDS
from aitower.model_monitors.monitors import get_monitor, list_monitors
from aitower.model_monitors.tables import ModelMonitorResultRow as R

STATUS_RANK = {"alert": 0, "error": 1, "ok": 2, "empty": 3}


@dataclass(frozen=True, slots=True)
class ResultPoint:
    """One result's headline: what a history chart plots and a list shows."""

    id: uuid.UUID
    monitor_id: uuid.UUID
    model_id: uuid.UUID
    system_id: uuid.UUID
    run_at: datetime
    window_start: datetime
    window_end: datetime
    trigger: str
    status: str
    rows: int
    labelled_rows: int
    duration_ms: float
    summary: dict[str, float | None]
    signals: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ResultView:
    point: ResultPoint
    feature_scores: dict[str, Any]
    detail: dict[str, Any]


def _point(row: R) -> ResultPoint:
    return ResultPoint(
        id=row.id,
        monitor_id=row.monitor_id,
        model_id=row.model_id,
        system_id=row.system_id,
        run_at=row.run_at,
        window_start=row.window_start,
        window_end=row.window_end,
        trigger=row.trigger,
        status=row.status,
        rows=row.rows,
        labelled_rows=row.labelled_rows,
        duration_ms=row.duration_ms,
        summary={name: getattr(row, name) for name in SUMMARY_FIELDS},
        signals=list((row.signals or {}).get("items") or []),
    )


def _light() -> Any:
    return select(R).options(defer(R.detail), defer(R.feature_scores))


def result_series(
    session: Session,
    principal: Principal,
    monitor_id: uuid.UUID,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
) -> tuple[list[ResultPoint], int]:
    """The monitor's results with ``since <= run_at < until``, oldest first."""
    get_monitor(session, principal, monitor_id)
    query = _light().where(R.monitor_id == monitor_id)
    if since is not None:
        query = query.where(R.run_at >= since)
    if until is not None:
        query = query.where(R.run_at < until)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(R.run_at, R.id).limit(limit).offset(offset)).scalars()
    return [_point(r) for r in rows], int(total)


def get_result(session: Session, principal: Principal, result_id: uuid.UUID) -> ResultView:
    found = session.execute(
        select(R, SystemRow.unit_id)
        .join(SystemRow, SystemRow.id == R.system_id)
        .where(R.id == result_id)
    ).first()
    if found is None or not principal.sees_unit(found[1]):
        raise NotFound(f"no monitor result {result_id}")
    row = found[0]
    return ResultView(_point(row), dict(row.feature_scores or {}), dict(row.detail or {}))


def latest_result(
    session: Session, principal: Principal, monitor_id: uuid.UUID
) -> ResultView | None:
    get_monitor(session, principal, monitor_id)
    found = session.execute(
        select(R.id).where(R.monitor_id == monitor_id).order_by(R.run_at.desc()).limit(1)
    ).scalar()
    return None if found is None else get_result(session, principal, found)


@dataclass(frozen=True, slots=True)
class FeatureTrend:
    """A drift table row: the newest verdict of a feature and its recent history."""

    name: str
    latest: dict[str, Any]  # the result detail's feature entry (method, statistic, chart counts)
    trend: list[tuple[datetime, float | None, bool]]  # (run_at, statistic, drifted), oldest first


def drift_table(
    session: Session, principal: Principal, monitor_id: uuid.UUID, *, points: int = 30
) -> list[FeatureTrend]:
    """Per feature: the newest result's drift and the trend over the last ``points`` results."""
    latest = latest_result(session, principal, monitor_id)
    if latest is None:
        return []
    newest_first = session.execute(
        select(R.run_at, R.feature_scores)
        .where(R.monitor_id == monitor_id, R.status.in_(("ok", "alert")))
        .order_by(R.run_at.desc())
        .limit(points)
    ).all()
    history = list(reversed(newest_first))
    features = (latest.detail.get("drift") or {}).get("features") or []
    table = []
    for feature in features:
        name = feature["name"]
        trend = []
        for run_at, scores in history:
            entry = (scores or {}).get(name)
            if entry is not None:
                trend.append((run_at, entry.get("statistic"), bool(entry.get("drifted"))))
        table.append(FeatureTrend(name, feature, trend))
    return table


@dataclass(frozen=True, slots=True)
class PortfolioEntry:
    monitor_id: uuid.UUID
    monitor_name: str
    model_id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    enabled: bool
    latest: ResultPoint | None
    worst_signal: dict[str, Any] | None


def worst_signal(signals: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The signal furthest beyond its limit, relative to the limit (measured before estimated
    at equal distance): a fairness ratio 0.5 under a floor of 0.8 outranks an AUC 0.68 under
    0.7."""

    def distance(signal: dict[str, Any]) -> tuple[float, bool]:
        limit = float(signal.get("limit") or 0.0)
        gap = abs(float(signal.get("value") or 0.0) - limit) / (abs(limit) or 1.0)
        return gap, not signal.get("estimated", False)

    return max(signals, key=distance) if signals else None


def portfolio(session: Session, principal: Principal) -> list[PortfolioEntry]:
    """Every monitor the principal sees, with its newest result; alerting ones first."""
    monitors, _ = list_monitors(session, principal, limit=100_000)
    if not monitors:
        return []
    # Newest result of every monitor (one walk of the (monitor_id, run_at) index); monitors
    # the principal does not see are dropped below, not in an IN list of unbounded length.
    latest_ids = (
        select(R.monitor_id, func.max(R.run_at).label("run_at")).group_by(R.monitor_id)
    ).subquery()
    rows = session.execute(
        _light().join(
            latest_ids,
            (latest_ids.c.monitor_id == R.monitor_id) & (latest_ids.c.run_at == R.run_at),
        )
    ).scalars()
    visible = {m.id for m in monitors}
    by_monitor = {row.monitor_id: _point(row) for row in rows if row.monitor_id in visible}
    entries = [
        PortfolioEntry(
            monitor_id=m.id,
            monitor_name=m.spec.name,
            model_id=m.model_id,
            system_id=m.system_id,
            system_name=m.system_name,
            enabled=m.enabled,
            latest=by_monitor.get(m.id),
            worst_signal=worst_signal(by_monitor[m.id].signals) if m.id in by_monitor else None,
        )
        for m in monitors
    ]

    def rank(entry: PortfolioEntry) -> tuple[int, str, str]:
        status = entry.latest.status if entry.latest else "empty"
        return STATUS_RANK.get(status, 4), entry.system_name, entry.monitor_name

    return sorted(entries, key=rank)
