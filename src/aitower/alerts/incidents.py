"""Use cases of incidents: list, read with the timeline, acknowledge, comment, assign, resolve.

An incident belongs to its system's business unit (read through the inventory), so a
principal sees only the incidents of systems in its units; portfolio-wide incidents (no
system) only organisation-wide principals. Every step a person takes is a timeline event and
an audit event, in one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.alerts.alert_domain import Severity
from aitower.alerts.tables import IncidentEventRow, IncidentRow, SeriousIncidentRow
from aitower.core.access.principal import Principal
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory import system_scope as scope
from aitower.inventory.tables import SystemRow

MAX_TEXT = 10_000
_FOLLOW_UPS = frozenset({"notified", "notification_failed"})


class IncidentStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


@dataclass(frozen=True, slots=True)
class IncidentView:
    id: uuid.UUID
    title: str
    system_id: uuid.UUID | None
    system_name: str | None
    unit_id: uuid.UUID | None
    severity: str
    status: IncidentStatus
    owner: str | None  # username
    rule_id: uuid.UUID | None
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None


@dataclass(frozen=True, slots=True)
class EventView:
    id: uuid.UUID
    kind: str
    actor: str
    text: str
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    status: str | None = None
    system_id: uuid.UUID | None = None
    severity: str | None = None
    serious: bool = False  # only incidents classified serious, the nearest deadline first


def _query() -> Any:
    return (
        select(IncidentRow, SystemRow.name, SystemRow.unit_id, UserRow.username)
        .outerjoin(SystemRow, SystemRow.id == IncidentRow.system_id)
        .outerjoin(UserRow, UserRow.id == IncidentRow.owner_id)
    )


def _view(
    row: IncidentRow, system_name: str | None, unit_id: uuid.UUID | None, owner: str | None
) -> IncidentView:
    return IncidentView(
        id=row.id,
        title=row.title,
        system_id=row.system_id,
        system_name=system_name,
        unit_id=unit_id,
        severity=row.severity,
        status=IncidentStatus(row.status),
        owner=owner,
        rule_id=row.rule_id,
        opened_at=row.opened_at,
        acknowledged_at=row.acknowledged_at,
        resolved_at=row.resolved_at,
    )


def add_event(
    session: Session,
    incident_id: uuid.UUID,
    kind: str,
    actor: str,
    text: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> IncidentEventRow:
    """Append to an incident's timeline (inside the caller's transaction)."""
    row = IncidentEventRow(
        id=uuid.uuid4(),
        incident_id=incident_id,
        kind=kind,
        actor=actor,
        text=text,
        data=data or {},
        at=at or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def get_incident(session: Session, principal: Principal, incident_id: uuid.UUID) -> IncidentView:
    found = session.execute(_query().where(IncidentRow.id == incident_id)).first()
    if found is None or not scope.sees(principal, found[2], found[0].system_id is not None):
        raise NotFound(f"no incident {incident_id}")
    return _view(*found)


def timeline(session: Session, principal: Principal, incident_id: uuid.UUID) -> list[EventView]:
    """The incident's events, oldest first."""
    get_incident(session, principal, incident_id)
    rows = session.execute(
        select(IncidentEventRow)
        .where(IncidentEventRow.incident_id == incident_id)
        .order_by(IncidentEventRow.at)
    ).scalars()
    # A notification sent in the same instant as the event it reports still comes after it.
    ordered = sorted(rows, key=lambda r: (r.at, r.kind in _FOLLOW_UPS))
    return [EventView(r.id, r.kind, r.actor, r.text, dict(r.data), r.at) for r in ordered]


def list_incidents(
    session: Session, principal: Principal, flt: IncidentFilter, *, limit: int, offset: int
) -> tuple[list[IncidentView], int]:
    """Newest first, in the principal's scope, with the total that matches."""
    query = scope.scoped(_query(), principal, IncidentRow.system_id)
    if flt.status:
        query = query.where(IncidentRow.status == flt.status)
    if flt.system_id:
        query = query.where(IncidentRow.system_id == flt.system_id)
    if flt.severity:
        query = query.where(IncidentRow.severity == flt.severity)
    order: tuple[Any, ...] = (IncidentRow.opened_at.desc(), IncidentRow.id)
    if flt.serious:
        s = SeriousIncidentRow
        query = query.join(s, s.incident_id == IncidentRow.id).where(s.serious.is_(True))
        order = (s.reported_at.is_not(None), s.deadline_at, IncidentRow.id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return [_view(*r) for r in rows], int(total)


def _locked(session: Session, ctx: ChangeContext, incident_id: uuid.UUID) -> IncidentRow:
    get_incident(session, ctx.principal, incident_id)
    row = session.get(IncidentRow, incident_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    return row


def _text(text: str, *, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise InvalidInput.on("text", "must not be empty")
    if len(text) > MAX_TEXT:
        raise InvalidInput.on("text", f"at most {MAX_TEXT} characters")
    return text


def _done(
    session: Session, ctx: ChangeContext, row: IncidentRow, action: str, before: dict[str, Any]
) -> IncidentView:
    session.flush()
    view = get_incident(session, ctx.principal, row.id)
    after = {"status": view.status.value, "owner": view.owner}
    record_change(
        session, ctx, f"incident.{action}", "incident", row.id, before=before, after=after
    )
    return view


def _state(session: Session, ctx: ChangeContext, incident_id: uuid.UUID) -> dict[str, Any]:
    view = get_incident(session, ctx.principal, incident_id)
    return {"status": view.status.value, "owner": view.owner}


def acknowledge(
    session: Session, ctx: ChangeContext, incident_id: uuid.UUID, text: str = ""
) -> IncidentView:
    before = _state(session, ctx, incident_id)
    row = _locked(session, ctx, incident_id)
    if row.status != IncidentStatus.open.value:
        raise Conflict.on("status", f"the incident is {row.status}, not open")
    now = utcnow()
    row.status, row.acknowledged_at = IncidentStatus.acknowledged.value, now
    if row.owner_id is None and ctx.principal.user_id is not None:
        row.owner_id = ctx.principal.user_id
    add_event(session, row.id, "acknowledged", ctx.principal.actor, _text(text, required=False))
    return _done(session, ctx, row, "acknowledged", before)


def comment(
    session: Session, ctx: ChangeContext, incident_id: uuid.UUID, text: str
) -> IncidentView:
    body = _text(text, required=True)
    before = _state(session, ctx, incident_id)
    row = _locked(session, ctx, incident_id)
    add_event(session, row.id, "comment", ctx.principal.actor, body)
    return _done(session, ctx, row, "commented", before)


def assign(
    session: Session, ctx: ChangeContext, incident_id: uuid.UUID, owner: str | None
) -> IncidentView:
    """Give the incident an owner (a username), or none."""
    before = _state(session, ctx, incident_id)
    row = _locked(session, ctx, incident_id)
    owner_id = None
    if owner:
        owner_id = session.execute(
            select(UserRow.id).where(UserRow.username == owner.strip().lower())
        ).scalar_one_or_none()
        if owner_id is None:
            raise InvalidInput.on("owner", f"no user {owner!r}")
    row.owner_id = owner_id
    add_event(session, row.id, "assigned", ctx.principal.actor, owner or "", {"owner": owner})
    return _done(session, ctx, row, "assigned", before)


def resolve(
    session: Session, ctx: ChangeContext, incident_id: uuid.UUID, text: str = ""
) -> IncidentView:
    before = _state(session, ctx, incident_id)
    row = _locked(session, ctx, incident_id)
    if row.status == IncidentStatus.resolved.value:
        raise Conflict.on("status", "the incident is already resolved")
    row.status, row.resolved_at = IncidentStatus.resolved.value, utcnow()
    add_event(session, row.id, "resolved", ctx.principal.actor, _text(text, required=False))
    return _done(session, ctx, row, "resolved", before)


def create_incident(
    session: Session,
    ctx: ChangeContext,
    *,
    title: str,
    severity: str,
    system_id: uuid.UUID | None,
    text: str = "",
) -> IncidentView:
    """An incident entered by hand (a complaint, a report from a deployer, a finding no rule
    watches): open, owned by whoever entered it, its description the first timeline event."""
    name = title.strip()
    if not name or len(name) > 300:
        raise InvalidInput.on("title", "must be 1 to 300 characters")
    if severity not in Severity.__members__:
        raise InvalidInput.on("severity", f"one of: {', '.join(Severity)}")
    scope.system_for(session, ctx.principal, system_id, "system_id")
    row = IncidentRow(
        id=uuid.uuid4(),
        title=name,
        system_id=system_id,
        severity=severity,
        status=IncidentStatus.open.value,
        owner_id=ctx.principal.user_id,
        opened_at=utcnow(),
    )
    session.add(row)
    session.flush()
    add_event(session, row.id, "opened", ctx.principal.actor, _text(text, required=False))
    view = get_incident(session, ctx.principal, row.id)
    after = {"title": name, "severity": severity, "system_id": system_id, "by_hand": True}
    record_change(session, ctx, "incident.opened", "incident", row.id, after=after)
    return view
