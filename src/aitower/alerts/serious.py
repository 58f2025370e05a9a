"""Use cases of serious incidents (EU AI Act Art. 73): classify an incident against Art. 3(49),
with its moment of awareness, and record when the report went to the market surveillance
authority.

Each change is a timeline event and an audit event (before and after) in one transaction; the
deadline is computed by ``serious_domain.reporting_deadline`` and stored beside the judgement.
Reading follows the incident: whoever sees the incident sees its classification.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.alerts import serious_domain as art73
from aitower.alerts.incidents import add_event, get_incident
from aitower.alerts.serious_domain import Classification, Deadline, Limb
from aitower.alerts.tables import IncidentRow, SeriousIncidentRow
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.core.moments import utc_moment


@dataclass(frozen=True, slots=True)
class SeriousView:
    serious: bool
    limbs: tuple[Limb, ...]
    death: bool
    widespread: bool
    note: str
    classified_by: str
    classified_at: datetime
    aware_at: datetime
    aware_time_zone: str
    deadline: Deadline | None
    reported_at: datetime | None
    reported_by: str | None
    report_reference: str

    @property
    def deadline_met(self) -> bool | None:
        if self.deadline is None:
            return None
        return art73.deadline_met(self.deadline.at, self.reported_at)

    def countdown(self, now: datetime) -> art73.Countdown | None:
        if self.deadline is None:
            return None
        return art73.countdown(self.deadline.at, now, self.reported_at)

    def local(self, moment: datetime) -> datetime:
        """``moment`` on the clock of the zone awareness was entered in."""
        return moment.astimezone(art73.zone(self.aware_time_zone))


def _classification(row: SeriousIncidentRow) -> Classification:
    limbs = frozenset(Limb(letter) for letter in row.limbs)
    return Classification(limbs, death=row.death, widespread=row.widespread)


def _view(row: SeriousIncidentRow) -> SeriousView:
    found = _classification(row)
    return SeriousView(
        serious=row.serious,
        limbs=tuple(sorted(found.limbs)),
        death=row.death,
        widespread=row.widespread,
        note=row.note,
        classified_by=row.classified_by,
        classified_at=row.classified_at,
        aware_at=row.aware_at,
        aware_time_zone=row.aware_time_zone,
        deadline=art73.reporting_deadline(row.aware_at, found),
        reported_at=row.reported_at,
        reported_by=row.reported_by,
        report_reference=row.report_reference,
    )


def _audit(view: SeriousView | None) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "serious": view.serious,
        "limbs": "".join(view.limbs),
        "death": view.death,
        "widespread": view.widespread,
        "note": view.note,
        "aware_at": view.aware_at,
        "aware_time_zone": view.aware_time_zone,
        "deadline_at": None if view.deadline is None else view.deadline.at,
        "reported_at": view.reported_at,
        "report_reference": view.report_reference,
    }


def get_serious(
    session: Session, principal: Principal, incident_id: uuid.UUID
) -> SeriousView | None:
    """The incident's classification, or None when nobody has classified it yet."""
    get_incident(session, principal, incident_id)
    row = session.get(SeriousIncidentRow, incident_id)
    return None if row is None else _view(row)


def serious_of(
    session: Session, incident_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, SeriousView]:
    """Classifications of incidents the caller already read (a list's page)."""
    if not incident_ids:
        return {}
    rows = session.execute(
        select(SeriousIncidentRow).where(SeriousIncidentRow.incident_id.in_(list(incident_ids)))
    ).scalars()
    return {r.incident_id: _view(r) for r in rows}


def _moment(
    given: datetime | None, tz_name: str, now: datetime, field: str, default: datetime
) -> tuple[datetime, str]:
    """A moment entered by a person (wall clock in ``tz_name``, or with an offset) as UTC."""
    tz = art73.zone(tz_name)
    if given is None:
        return default, tz.key
    moment = utc_moment(art73.local_moment(given, tz, field), field)
    if moment > now:
        raise InvalidInput.on(field, "must not be in the future")
    return moment, tz.key


def _locked(
    session: Session, ctx: ChangeContext, incident_id: uuid.UUID
) -> SeriousIncidentRow | None:
    get_incident(session, ctx.principal, incident_id)
    if session.get(IncidentRow, incident_id, with_for_update=True) is None:
        raise NotFound(f"no incident {incident_id}")
    return session.get(SeriousIncidentRow, incident_id, with_for_update=True)


def _describe(view: SeriousView) -> str:
    if not view.serious:
        return "not a serious incident under Art. 3(49)"
    points = ", ".join(f"({letter})" for letter in view.limbs)
    extra = "".join(
        [
            ", death of a person" if view.death else "",
            ", widespread infringement" if view.widespread else "",
        ]
    )
    assert view.deadline is not None
    due = f"{view.deadline.at:%Y-%m-%d %H:%M} UTC (Art. {view.deadline.paragraph})"
    return f"serious incident, Art. 3(49) {points}{extra}; report by {due}"


def classify(
    session: Session,
    ctx: ChangeContext,
    incident_id: uuid.UUID,
    *,
    limbs: list[str],
    death: bool = False,
    widespread: bool = False,
    note: str = "",
    aware_at: datetime | None = None,
    time_zone: str | None = None,
    now: datetime,
) -> SeriousView:
    """Classify (or reclassify) an incident; no limb records it as not serious.

    The moment of awareness defaults to the moment of this classification the first time and
    to the one recorded before on a reclassification (becoming aware is a past fact that a
    second opinion does not move).
    """
    found = art73.classification(limbs, death=death, widespread=widespread)
    text = art73.clean_note(note)
    row = _locked(session, ctx, incident_id)
    before = None if row is None else _view(row)
    default = now if row is None else row.aware_at
    zone_name = (time_zone or "").strip() or ("UTC" if row is None else row.aware_time_zone)
    moment, zone_name = _moment(aware_at, zone_name, now, "aware_at", default)
    if row is None:
        row = SeriousIncidentRow(incident_id=incident_id, report_reference="")
        session.add(row)
    deadline = art73.reporting_deadline(moment, found)
    row.serious, row.limbs = found.serious, "".join(sorted(found.limbs))
    row.death, row.widespread, row.note = found.death, found.widespread, text
    row.classified_by, row.classified_at = ctx.principal.actor, now
    row.aware_at, row.aware_time_zone = moment, zone_name
    row.deadline_at = None if deadline is None else deadline.at
    row.deadline_days = None if deadline is None else deadline.days
    row.deadline_paragraph = "" if deadline is None else deadline.paragraph
    session.flush()
    view = _view(row)
    add_event(session, incident_id, "classified", ctx.principal.actor, _describe(view), at=now)
    record_change(
        session,
        ctx,
        "incident.classified",
        "incident",
        incident_id,
        before=_audit(before),
        after=_audit(view),
    )
    return view


def mark_reported(
    session: Session,
    ctx: ChangeContext,
    incident_id: uuid.UUID,
    *,
    reported_at: datetime | None = None,
    time_zone: str = "UTC",
    reference: str = "",
    now: datetime,
) -> SeriousView:
    """Record when the report went to the market surveillance authority (default: now), and
    its reference there; a correction is recorded the same way."""
    ref = art73.clean_note(reference, "reference")
    row = _locked(session, ctx, incident_id)
    if row is None or not row.serious:
        raise Conflict.on("serious", "classify the incident as serious before reporting it")
    before = _view(row)
    moment, _ = _moment(reported_at, time_zone, now, "reported_at", now)
    if moment < row.aware_at:
        raise InvalidInput.on("reported_at", "must not be before the moment of awareness")
    row.reported_at, row.reported_by, row.report_reference = moment, ctx.principal.actor, ref
    session.flush()
    view = _view(row)
    met = "in time" if view.deadline_met else "after the deadline"
    text = f"reported to the market surveillance authority at {moment:%Y-%m-%d %H:%M} UTC, {met}"
    add_event(session, incident_id, "reported", ctx.principal.actor, text, {"reference": ref}, now)
    record_change(
        session,
        ctx,
        "incident.reported",
        "incident",
        incident_id,
        before=_audit(before),
        after=_audit(view),
    )
    return view
