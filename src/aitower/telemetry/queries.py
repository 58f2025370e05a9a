"""The monitoring dashboards' figures, read from rollups only (never from raw spans).

One overview is a handful of queries over the range's rollups (minute or hour table as the
range asks, a primary-key range scan): sums per chart bucket and system (grouped by the
database), the root-span latency histograms, sums per model; then the previous period's sums per
system for trends, the day-keyed user and session rollups, and score aggregates. Histograms are
merged and percentiles derived in Python (``telemetry.metrics``).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import BigInteger, Integer, Text, cast, func, select
from sqlalchemy.orm import Session

from aitower.core.moments import EPOCH
from aitower.telemetry.metrics import (
    SCALARS,
    Figures,
    ModelUsage,
    SeriesPoint,
    Summary,
    summarize,
)
from aitower.telemetry.ranges import Grain, TimeRange, choose_grain, floor
from aitower.telemetry.scope import Scope
from aitower.telemetry.scores import ScoreSummary, score_summaries
from aitower.telemetry.tables import (
    HourRollupRow,
    MinuteRollupRow,
    SixHourRollupRow,
)
from aitower.telemetry.top_keys import KeyUsage, top_keys

TOP = 10
COST_SERIES = 5  # systems drawn one by one in the cost chart; the rest are summed as "others"


def rollup_table(
    grain: Grain,
) -> type[MinuteRollupRow] | type[HourRollupRow] | type[SixHourRollupRow]:
    if grain is Grain.minute:
        return MinuteRollupRow
    return HourRollupRow if grain is Grain.hour else SixHourRollupRow


@dataclass(frozen=True, slots=True)
class RangeInfo:
    start: datetime
    end: datetime
    grain: str
    step_seconds: int
    preset: str | None

    @classmethod
    def of(cls, trange: TimeRange) -> RangeInfo:
        step = int(trange.step.total_seconds())
        return cls(trange.start, trange.end, trange.grain.value, step, trange.preset)


@dataclass(frozen=True, slots=True)
class SystemFigures:
    """One row of the portfolio's per-system table; ``requests_change`` is relative to the
    previous period of equal length (None when it had no requests)."""

    system_id: uuid.UUID
    name: str
    unit_name: str
    figures: Figures
    previous_requests: int
    previous_cost: float
    requests_change: float | None


@dataclass(frozen=True, slots=True)
class CostSeries:
    name: str
    points: list[tuple[datetime, float]]


@dataclass(frozen=True, slots=True)
class Overview:
    range: RangeInfo
    totals: Figures
    series: list[SeriesPoint]
    systems: list[SystemFigures]
    models: list[ModelUsage]
    unpriced_models: list[ModelUsage]
    top_users: list[KeyUsage]
    top_sessions: list[KeyUsage]
    scores: list[ScoreSummary]
    cost_by_system: list[CostSeries]


def step_start(session: Session, column: Any, step: timedelta) -> Any:
    """The chart bucket of a UTC timestamp column as Unix seconds, in SQL: rows are summed per
    chart bucket by the database, not in Python. (SQLite keeps naive UTC text; PostgreSQL's
    epoch of a ``timestamptz`` is zone-free.)"""
    seconds = int(step.total_seconds())
    if session.get_bind().dialect.name == "postgresql":
        epoch: Any = cast(func.extract("epoch", column), BigInteger)
    else:
        epoch = cast(func.strftime("%s", column), Integer)
    return (epoch // seconds) * seconds


@functools.lru_cache(maxsize=4096)
def _moment(seconds: int) -> datetime:
    """A chart bucket's start (cached: a range's thousands of cells share its few hundred
    buckets)."""
    return EPOCH + timedelta(seconds=int(seconds))


def summary_of(session: Session, scope: Scope, trange: TimeRange) -> Summary:
    """Rollup cells of the scope whose bucket starts in ``[floor(start), end)``, summed by the
    database per (chart bucket, system), histograms of root spans, and sums per model."""
    table = rollup_table(trange.grain)
    in_range = [
        table.bucket_start >= floor(trange.start, trange.grain.size),
        table.bucket_start < trange.end,
        *scope.key_condition(table.system_key),
    ]
    at = step_start(session, table.bucket_start, trange.step).label("at")
    sums = [func.sum(getattr(table, name)) for name in SCALARS]
    # A chart step equal to the rollup's bucket groups by the bucket column itself: rows arrive
    # grouped in primary-key order (no sort) and the epoch is computed once per group, not per
    # row (a quarter of this statement's instructions for a 30-day range).
    group = table.bucket_start if trange.step == trange.grain.size else at
    scalars = session.execute(
        select(at, table.system_key, *sums).where(*in_range).group_by(group, table.system_key)
    ).all()
    # As text, decoded here by orjson: four times faster than the driver's JSON decoding of
    # the hundreds of histograms a 30-day range reads (merged in their stored form: ``metrics``).
    hist_text = cast(table.latency_hist, Text)
    hists = session.execute(
        select(at, table.system_key, hist_text).where(*in_range, table.requests > 0)
    ).all()
    models = session.execute(
        select(table.system_key, table.model, *sums)
        .where(*in_range, table.model != "")
        .group_by(table.system_key, table.model)
    ).all()
    return summarize(
        ((_moment(r[0]), r[1], r[2:]) for r in scope.keep(scalars, 1)),
        ((_moment(r[0]), r[1], orjson.loads(r[2]) if r[2] else []) for r in scope.keep(hists, 1)),
        ((r[0], r[1], r[2:]) for r in scope.keep(models, 0)),
        trange.buckets(),
    )


def previous_sums(
    session: Session, scope: Scope, trange: TimeRange, now: datetime
) -> dict[str, tuple[int, float]]:
    """Requests and cost per system in the period of equal length before the range."""
    start, end = trange.previous()
    grain, _ = choose_grain(start, end, now)
    table = rollup_table(grain)
    query = (
        select(table.system_key, func.sum(table.requests), func.sum(table.cost))
        .where(table.bucket_start >= start, table.bucket_start < end)
        .group_by(table.system_key)
    )
    rows = scope.keep(session.execute(scope.restrict(query, table.system_key)).all(), 0)
    return {str(k): (int(r or 0), float(c or 0.0)) for k, r, c in rows}


def system_table(
    scope: Scope, summary: Summary, previous: dict[str, tuple[int, float]]
) -> list[SystemFigures]:
    """Systems with traffic in the range or the one before, busiest first."""
    found = []
    for key, ref in scope.systems.items():
        sums = summary.by_system.get(key)
        before_requests, before_cost = previous.get(key, (0, 0.0))
        if sums is None and not before_requests:
            continue
        figures = (sums or type(summary.totals)()).figures()
        change = (figures.requests - before_requests) / before_requests if before_requests else None
        found.append(
            SystemFigures(
                ref.id, ref.name, ref.unit_name, figures, before_requests, before_cost, change
            )
        )
    found.sort(key=lambda s: (-s.figures.requests, -s.figures.cost, s.name))
    return found


def cost_series(scope: Scope, summary: Summary, buckets: list[datetime]) -> list[CostSeries]:
    """Cost per chart bucket of the costliest systems, the rest summed as "others"."""
    ranked = sorted(
        (k for k in summary.cost_by_system_bucket if k in scope.systems),
        key=lambda k: -summary.by_system[k].cost,
    )
    found = []
    for key in ranked[:COST_SERIES]:
        costs = summary.cost_by_system_bucket[key]
        found.append(CostSeries(scope.systems[key].name, [(b, costs.get(b, 0.0)) for b in buckets]))
    rest = ranked[COST_SERIES:]
    if rest:
        points = [
            (b, sum(summary.cost_by_system_bucket[k].get(b, 0.0) for k in rest)) for b in buckets
        ]
        found.append(CostSeries(f"{len(rest)} others", points))
    return found


def overview(session: Session, scope: Scope, trange: TimeRange, now: datetime) -> Overview:
    """The dashboard of a portfolio or one system over a range."""
    summary = summary_of(session, scope, trange)
    buckets = trange.buckets()
    return Overview(
        range=RangeInfo.of(trange),
        totals=summary.totals.figures(),
        series=summary.series(),
        systems=system_table(scope, summary, previous_sums(session, scope, trange, now)),
        models=summary.models(TOP),
        unpriced_models=summary.unpriced(),
        top_users=top_keys(session, scope, trange, "user", TOP),
        top_sessions=top_keys(session, scope, trange, "session", TOP),
        scores=score_summaries(session, scope, trange.start, trange.end),
        cost_by_system=cost_series(scope, summary, buckets),
    )
