"""Gathers what aitower holds about a serious incident into the report's plain facts: the
system from the inventory (through its service), the rule that fired, the timeline and the
classification."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from aitower.alerts import incidents, rules
from aitower.alerts.alert_domain import describe
from aitower.alerts.serious import get_serious
from aitower.alerts.serious_report import EventFacts, ReportFacts, SystemFacts
from aitower.core.access.principal import Principal
from aitower.core.errors import Conflict, NotFound
from aitower.inventory.records import Person
from aitower.inventory.service import get_system


def _name(p: Person | None) -> str | None:
    if p is None:
        return None
    return p.username if not p.display_name else f"{p.display_name} ({p.username})"


def _system(
    session: Session, principal: Principal, system_id: uuid.UUID | None
) -> SystemFacts | None:
    if system_id is None:
        return None
    try:
        s = get_system(session, principal, system_id)
    except NotFound:
        return None
    return SystemFacts(
        name=s.name,
        purpose=s.purpose,
        kind=s.kind.value,
        risk_tier=None if s.risk_tier is None else s.risk_tier.value,
        stage=s.stage.value,
        unit=s.unit_name,
        accountable_owner=_name(s.accountable_owner),
        technical_owner=_name(s.technical_owner),
        vendors=s.vendors,
        models=tuple(f"{m.provider} {m.name} {m.version}".strip() for m in s.models),
    )


def _rule(session: Session, principal: Principal, rule_id: uuid.UUID | None) -> str | None:
    if rule_id is None:
        return None
    try:
        rule = rules.get_rule(session, principal, rule_id)
    except NotFound:
        return "an alert rule since deleted"
    return f"alert rule {rule.spec.name!r}: {describe(rule.spec)}"


def report_facts(
    session: Session, principal: Principal, incident_id: uuid.UUID, now: datetime
) -> ReportFacts:
    """The facts of the draft report; refused while the incident is not classified serious."""
    inc = incidents.get_incident(session, principal, incident_id)
    s = get_serious(session, principal, incident_id)
    if s is None or not s.serious:
        raise Conflict.on("serious", "classify the incident as serious to draft its report")
    events = incidents.timeline(session, principal, incident_id)
    return ReportFacts(
        incident_id=str(inc.id),
        title=inc.title,
        severity=inc.severity,
        status=inc.status.value,
        owner=inc.owner,
        opened_at=inc.opened_at,
        resolved_at=inc.resolved_at,
        rule=_rule(session, principal, inc.rule_id),
        system=_system(session, principal, inc.system_id),
        limbs=s.limbs,
        death=s.death,
        widespread=s.widespread,
        note=s.note,
        classified_by=s.classified_by,
        classified_at=s.classified_at,
        aware_at=s.aware_at,
        aware_time_zone=s.aware_time_zone,
        aware_local=s.local(s.aware_at),
        deadline=s.deadline,
        deadline_local=None if s.deadline is None else s.local(s.deadline.at),
        countdown=s.countdown(now),
        reported_at=s.reported_at,
        report_reference=s.report_reference,
        events=tuple(EventFacts(e.at, e.kind, e.actor, e.text) for e in events),
        generated_at=now,
    )
