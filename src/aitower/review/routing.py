"""The background routing pass: each enabled route's new findings, low scores and sample of
traffic become review items.

Per system, in one transaction holding the route's row lock (so replicas routing at once take
turns): from the route's watermark (less ``LATE_GRACE``, for spans that arrive late) up to now,
the findings it routes, the scores below its threshold and the traces its sample takes are
queued unless already queued (``review_items`` is unique per trace, source and finding type),
and the watermark moves on. A first pass looks back ``FIRST_LOOKBACK``. A pass reads at most
``MAX_ROWS`` of each kind; when one kind has more, the pass stops at the time it reached and
the next pass goes on from there, so a backlog drains over passes without a long transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.db.engine import Database
from aitower.review.domain import RouteSettings, Source, sampled
from aitower.review.route_settings import settings_of
from aitower.review.tables import ReviewItemRow, ReviewRouteRow
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.tables import ScoreRow, TraceRow

FIRST_LOOKBACK = timedelta(days=1)
LATE_GRACE = timedelta(minutes=15)
MAX_ROWS = 5_000
ROUTER = "system:review routing"


@dataclass(frozen=True, slots=True)
class Candidate:
    trace_id: str
    span_id: str | None
    source: Source
    finding_type: str
    reason: str
    at: datetime

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.trace_id, self.source.value, self.finding_type)


def route_all(db: Database, now: datetime, _owner: str = "") -> int:
    """One pass over every enabled route; the number of items queued."""
    with db.reading() as session:
        systems = list(
            session.execute(
                select(ReviewRouteRow.system_id).where(ReviewRouteRow.enabled.is_(True))
            ).scalars()
        )
    queued = 0
    for system_id in systems:
        with db.writing() as session:
            queued += route_system(session, system_id, now)
    return queued


def route_system(session: Session, system_id: uuid.UUID, now: datetime) -> int:
    """Queue what the system's route takes from its watermark to ``now``; move the watermark."""
    row = session.get(ReviewRouteRow, system_id, with_for_update=True, populate_existing=True)
    if row is None or not row.enabled:
        return 0
    route = settings_of(row)
    since = (row.watermark or now - FIRST_LOOKBACK) - LATE_GRACE
    until = now
    found: list[Candidate] = []
    for collect in (_findings, _low_scores, _sample):
        batch, reached = collect(session, system_id, route, since, until)
        until = min(until, reached)
        found.extend(batch)
    fresh = _not_queued(session, [c for c in found if c.at < until])
    for c in fresh:
        role = route.finding_role if c.source is Source.finding else route.quality_role
        session.add(_item(system_id, c, role, now))
    row.watermark = max(until, row.watermark) if row.watermark else until
    return len(fresh)


def _item(system_id: uuid.UUID, c: Candidate, role: str, now: datetime) -> ReviewItemRow:
    return ReviewItemRow(
        id=uuid.uuid4(),
        system_id=system_id,
        trace_id=c.trace_id,
        span_id=c.span_id,
        source=c.source.value,
        reason=c.reason[:2000],
        finding_type=c.finding_type,
        assigned_role=role,
        status="open",
        notes="",
        created_at=now,
        created_by=ROUTER,
    )


def _capped(rows: Sequence[Any], until: datetime, at: int) -> tuple[Sequence[Any], datetime]:
    """Rows read up to ``MAX_ROWS`` (ordered by time): when the cap was hit, the pass stops at
    the last row's time (rows at that time are read again next pass)."""
    if len(rows) < MAX_ROWS:
        return rows, until
    reached = rows[-1][at]
    return [r for r in rows if r[at] < reached], reached


def _findings(
    session: Session, system_id: uuid.UUID, route: RouteSettings, since: datetime, until: datetime
) -> tuple[list[Candidate], datetime]:
    if not (route.finding_types or route.finding_categories):
        return [], until
    f = ContentFindingRow
    rows = session.execute(
        select(
            f.seen_at,
            f.trace_id,
            f.span_id,
            f.finding_type,
            f.category,
            f.field,
            f.occurrences,
            f.confidence,
            f.reason,
        )
        .where(f.system_id == system_id, f.seen_at >= since, f.seen_at < until)
        .order_by(f.seen_at)
        .limit(MAX_ROWS)
    ).all()
    rows, reached = _capped(rows, until, 0)
    best: dict[tuple[str, str], Any] = {}  # the most confident finding per trace and type
    for r in rows:
        if route.routes_finding(r.finding_type, r.category):
            key = (r.trace_id, r.finding_type)
            if key not in best or r.confidence > best[key].confidence:
                best[key] = r
    return [
        Candidate(
            r.trace_id,
            r.span_id,
            Source.finding,
            r.finding_type,
            f"{r.finding_type} ({r.category}) in the {r.field}: {r.occurrences} found, "
            f"confidence {r.confidence:.2f}. {r.reason}",
            r.seen_at,
        )
        for r in best.values()
    ], reached


def _low_scores(
    session: Session, system_id: uuid.UUID, route: RouteSettings, since: datetime, until: datetime
) -> tuple[list[Candidate], datetime]:
    if route.low_score_below is None:
        return [], until
    s = ScoreRow
    query = (
        select(s.created_at, s.trace_id, s.span_id, s.kind, s.name, s.score)
        .where(s.system_id == system_id, s.created_at >= since, s.created_at < until)
        .where(s.score.is_not(None), s.score < route.low_score_below)
        .order_by(s.created_at)
        .limit(MAX_ROWS)
    )
    if route.score_name:
        query = query.where(s.name == route.score_name)
    rows, reached = _capped(session.execute(query).all(), until, 0)
    lowest: dict[str, Any] = {}
    for r in rows:
        if r.trace_id not in lowest or r.score < lowest[r.trace_id].score:
            lowest[r.trace_id] = r
    return [
        Candidate(
            r.trace_id,
            r.span_id,
            Source.low_score,
            "",
            f"{r.kind} {r.name!r} scored {r.score:g}, below {route.low_score_below:g}",
            r.created_at,
        )
        for r in lowest.values()
    ], reached


def _sample(
    session: Session, system_id: uuid.UUID, route: RouteSettings, since: datetime, until: datetime
) -> tuple[list[Candidate], datetime]:
    if route.sample_rate <= 0.0:
        return [], until
    t = TraceRow
    rows = session.execute(
        select(t.start_time, t.trace_id)
        .where(t.system_id == system_id, t.start_time >= since, t.start_time < until)
        .order_by(t.start_time)
        .limit(MAX_ROWS)
    ).all()
    rows, reached = _capped(rows, until, 0)
    reason = f"in the {route.sample_rate:.1%} sample of the system's traffic"
    return [
        Candidate(r.trace_id, None, Source.sample, "", reason, r.start_time)
        for r in rows
        if sampled(r.trace_id, route.sample_rate)
    ], reached


def _not_queued(session: Session, found: list[Candidate]) -> list[Candidate]:
    """The candidates with no item yet (nor a duplicate earlier in ``found``)."""
    traces = sorted({c.trace_id for c in found})
    queued: set[tuple[str, str, str]] = set()
    i = ReviewItemRow
    for start in range(0, len(traces), 500):
        chunk = traces[start : start + 500]
        queued.update(
            (t, s, f)
            for t, s, f in session.execute(
                select(i.trace_id, i.source, i.finding_type).where(i.trace_id.in_(chunk))
            )
        )
    fresh = []
    for c in found:
        if c.key not in queued:
            queued.add(c.key)
            fresh.append(c)
    return fresh
