"""What the overview shows: the organisation at a glance, and what each capability adds.

The core's own figures (units, users, keys, the audit trail's activity) are queried here; the
portfolio's tiles and charts come from the capabilities' ``OverviewSource``s, in rank order.
The activity charts read the audit trail, so they are collected only for principals who may
read it (``audit.read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.access.tables import ApiKeyRow, BusinessUnitRow, UserRow
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.base import utcnow
from aitower.core.web import charts
from aitower.core.web.overview_panels import (
    AttentionItem,
    AttentionSource,
    OverviewChart,
    OverviewSource,
    OverviewTile,
    attention_items,
)

ACTIVITY_DAYS = 30
TOP_ACTIONS = 10


@dataclass(frozen=True, slots=True)
class Activity:
    """Audit events of the last days: a count for every day (zeros included) and the most
    frequent actions."""

    per_day: list[tuple[date, int]]
    by_action: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.per_day)

    def per_day_chart(self) -> Markup:
        points = [(datetime.combine(day, time(0), UTC), float(n)) for day, n in self.per_day]
        return charts.time_series_svg(
            [charts.Series("audit events", points)],
            title=f"Audit events per day, last {len(self.per_day)} days",
            height=240,
        )

    def by_action_chart(self) -> Markup:
        return charts.bar_chart_svg(
            [(action, float(n)) for action, n in self.by_action],
            title=f"Events by action, last {len(self.per_day)} days",
            horizontal=True,
        )


@dataclass(frozen=True, slots=True)
class Overview:
    units: int
    users: int
    active_keys: int
    activity: Activity | None = None
    tiles: tuple[OverviewTile, ...] = ()  # the capabilities', by rank
    charts: tuple[OverviewChart, ...] = ()
    items: tuple[AttentionItem, ...] = ()  # what needs attention, by rank


def _count(session: Session, query: Any) -> int:
    return int(session.execute(query).scalar_one())


def collect(
    session: Session,
    principal: Principal,
    sources: Sequence[OverviewSource] = (),
    attention: Sequence[AttentionSource] = (),
    *,
    now: datetime | None = None,
) -> Overview:
    activity = None
    today = (now or utcnow()).date()
    if principal.can(CorePermission.audit_read):
        activity = collect_activity(session, today)
    panels = [p for p in (source(session, principal, today) for source in sources) if p]
    tiles = sorted((t for p in panels for t in p.tiles), key=lambda t: t.rank)
    charts = sorted((c for p in panels for c in p.charts), key=lambda c: c.rank)
    return Overview(
        units=_count(session, select(func.count()).select_from(BusinessUnitRow)),
        users=_count(
            session,
            select(func.count()).select_from(UserRow).where(UserRow.disabled.is_(False)),
        ),
        active_keys=_count(
            session,
            select(func.count()).select_from(ApiKeyRow).where(ApiKeyRow.revoked_at.is_(None)),
        ),
        activity=activity,
        tiles=tuple(tiles),
        charts=tuple(charts),
        items=attention_items(session, principal, attention),
    )


def _utc_day(session: Session) -> Any:
    """The UTC calendar day of an event as 'YYYY-MM-DD' text, in SQL.

    PostgreSQL's ``timestamptz`` would be cut at the session's time zone, so it is converted
    to UTC first; SQLite stores naive UTC text already.
    """
    column = AuditEventRow.occurred_at
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column)


def collect_activity(session: Session, today: date, days: int = ACTIVITY_DAYS) -> Activity:
    """Events per UTC day for the ``days`` days ending ``today``, and the top actions then."""
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(0), UTC)
    window = AuditEventRow.occurred_at >= since
    day = _utc_day(session).label("day")
    counts = {
        str(d): int(n)
        for d, n in session.execute(select(day, func.count()).where(window).group_by(day)).all()
    }
    per_day = [
        (first + timedelta(days=i), counts.get((first + timedelta(days=i)).isoformat(), 0))
        for i in range(days)
    ]
    total = func.count().label("n")
    by_action = session.execute(
        select(AuditEventRow.action, total)
        .where(window)
        .group_by(AuditEventRow.action)
        .order_by(total.desc(), AuditEventRow.action)
        .limit(TOP_ACTIONS)
    ).all()
    return Activity(per_day, [(str(a), int(n)) for a, n in by_action])
