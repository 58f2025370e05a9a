"""What the detectors found in the traffic a reader may see: findings grouped by type, their
rate per day, and one type's traces, users and days.

A ``content_findings`` row is one (span, field, detection type) with ``occurrences`` detections
in it, so a type's *count* is the sum of occurrences, its *spans* the distinct spans, its
*traces*, *users* and *values* (keyed digests, never the value) the distinct ones. A finding is
scoped through its system: a reader sees the findings of the systems of its business units
(``telemetry.scope``); findings of unregistered services are not shown (nobody's unit owns
them). Days are UTC days.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from aitower.detectors.detection import Category
from aitower.guardrails.records import FindingFilter, TraceHit, TypeDetail, TypeSummary, UserHit
from aitower.telemetry.finding_tables import ContentFindingRow as F
from aitower.telemetry.scope import Scope

TRACES_SHOWN = 50
USERS_SHOWN = 50
__all__ = ["FindingFilter", "TraceHit", "TypeDetail", "TypeSummary", "UserHit"]


def scope_condition(scope: Scope) -> list[ColumnElement[bool]]:
    """The findings a scope sees: those of its systems (all registered ones when org-wide)."""
    if scope.org_wide:
        return [F.system_id.is_not(None)]
    if not scope.systems:
        return [false()]
    return [F.system_id.in_(scope.ids)]


def conditions(scope: Scope, filters: FindingFilter) -> list[ColumnElement[bool]]:
    found = scope_condition(scope)
    if filters.system_id is not None:
        found.append(F.system_id == filters.system_id)
    if filters.finding_type:
        found.append(F.finding_type == filters.finding_type)
    if filters.category:
        found.append(F.category == filters.category)
    if filters.since is not None:
        found.append(F.seen_at >= filters.since)
    if filters.until is not None:
        found.append(F.seen_at < filters.until)
    return found


def _summary_columns() -> tuple[Any, ...]:
    return (
        func.coalesce(func.sum(F.occurrences), 0),
        func.count(func.distinct(F.trace_id + F.span_id)),
        func.count(func.distinct(F.trace_id)),
        func.count(func.distinct(F.user_id)),
        func.count(func.distinct(F.digest)),
        func.count(func.distinct(F.system_id)),
        func.min(F.seen_at),
        func.max(F.seen_at),
    )


def _summary(finding_type: str, category: str, row: Any) -> TypeSummary:
    count, spans, traces, users, values, systems, first, last = row
    return TypeSummary(
        finding_type, category, int(count), int(spans), int(traces), int(users), int(values),
        int(systems), first, last,
    )  # fmt: skip


def by_type(session: Session, scope: Scope, filters: FindingFilter) -> list[TypeSummary]:
    """Every type found under ``filters``, the most detections first."""
    query = (
        select(F.finding_type, F.category, *_summary_columns())
        .where(*conditions(scope, filters))
        .group_by(F.finding_type, F.category)
    )
    found = [_summary(t, c, rest) for t, c, *rest in session.execute(query)]
    return sorted(found, key=lambda s: (-s.count, s.finding_type))


def day_of(session: Session) -> Any:
    """The UTC day of ``seen_at`` as ``YYYY-MM-DD`` text, in the database's own dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", F.seen_at), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", F.seen_at)


def per_day(
    session: Session, scope: Scope, filters: FindingFilter
) -> dict[str, dict[dt.date, int]]:
    """Detections per UTC day of each type under ``filters`` (days without any are absent)."""
    day = day_of(session)
    query = (
        select(F.finding_type, day, func.sum(F.occurrences))
        .where(*conditions(scope, filters))
        .group_by(F.finding_type, day)
    )
    found: dict[str, dict[dt.date, int]] = {}
    for finding_type, text, count in session.execute(query):
        found.setdefault(finding_type, {})[dt.date.fromisoformat(text)] = int(count)
    return found


def per_category(session: Session, scope: Scope, filters: FindingFilter) -> dict[str, int]:
    """Detections of each category under ``filters``; every category present, zero or not."""
    query = (
        select(F.category, func.sum(F.occurrences))
        .where(*conditions(scope, filters))
        .group_by(F.category)
    )
    found = {c.value: 0 for c in Category}
    for category, count in session.execute(query):
        found[category] = int(count)
    return found


def day_range(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _traces(session: Session, where: list[ColumnElement[bool]]) -> list[TraceHit]:
    query = (
        select(
            F.trace_id,
            F.system_id,
            func.sum(F.occurrences),
            func.min(F.user_id),
            func.min(F.seen_at),
        )
        .where(*where)
        .group_by(F.trace_id, F.system_id)
        .order_by(func.min(F.seen_at).desc(), F.trace_id)
        .limit(TRACES_SHOWN)
    )
    rows = session.execute(query).all()
    fields: dict[str, set[str]] = {}
    ids = [r[0] for r in rows]
    if ids:
        for trace_id, field in session.execute(
            select(F.trace_id, F.field).where(*where, F.trace_id.in_(ids)).distinct()
        ):
            fields.setdefault(trace_id, set()).add(field)
    return [
        TraceHit(trace_id, system, int(count), tuple(sorted(fields.get(trace_id, ()))), user, at)
        for trace_id, system, count, user, at in rows
    ]


def _users(session: Session, where: list[ColumnElement[bool]]) -> list[UserHit]:
    query = (
        select(
            F.user_id,
            func.sum(F.occurrences),
            func.count(func.distinct(F.trace_id)),
            func.max(F.seen_at),
        )
        .where(*where, F.user_id.is_not(None))
        .group_by(F.user_id)
        .order_by(func.sum(F.occurrences).desc(), F.user_id)
        .limit(USERS_SHOWN)
    )
    return [UserHit(str(u), int(c), int(t), at) for u, c, t, at in session.execute(query)]


def type_detail(
    session: Session, scope: Scope, filters: FindingFilter, finding_type: str
) -> TypeDetail | None:
    """One type under ``filters`` (None when nothing of it was found): its most recent traces,
    its users (the most detections first) and its count on every day from first to last."""
    narrowed = FindingFilter(
        filters.system_id, finding_type, filters.category, filters.since, filters.until
    )
    summaries = by_type(session, scope, narrowed)
    if not summaries:
        return None
    where = conditions(scope, narrowed)
    counts = per_day(session, scope, narrowed).get(finding_type, {})
    summary = summaries[0]
    days = day_range(summary.first_seen.date(), summary.last_seen.date())
    return TypeDetail(
        summary,
        _traces(session, where),
        _users(session, where),
        [(d, counts.get(d, 0)) for d in days],
    )


def per_system(
    session: Session, scope: Scope, filters: FindingFilter
) -> list[tuple[uuid.UUID, int]]:
    """Detections of each system under ``filters``, the most first."""
    query = (
        select(F.system_id, func.sum(F.occurrences))
        .where(*conditions(scope, filters))
        .group_by(F.system_id)
        .order_by(func.sum(F.occurrences).desc())
    )
    return [(system, int(count)) for system, count in session.execute(query) if system]
