"""Evaluating alert rules: one replica per rule at a time, incidents and outbox in one commit.

Several ``aitower serve`` replicas may share one PostgreSQL. Each claims a rule by a
conditional UPDATE of its state row (``… WHERE lease_until IS NULL OR lease_until < now``):
the database lets exactly one UPDATE match, so exactly one replica evaluates the rule; a
replica that dies holding a lease loses it when the lease expires. A rule evaluated less than
``min_gap`` ago is not due, so replicas running passes at the same moment do not repeat it.

The transaction that records a rule's new state also opens (or joins) the incident, adds the
timeline event and enqueues one delivery per enabled channel: a notification exists if and
only if the transition committed.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from aitower.alerts import messages
from aitower.alerts.alert_domain import (
    AlertState,
    Notice,
    Observation,
    RuleSpec,
    RuleState,
    Transition,
    describe,
    next_state,
)
from aitower.alerts.incidents import IncidentStatus, add_event
from aitower.alerts.metric_values import metric_value
from aitower.alerts.rules import spec_of
from aitower.alerts.tables import (
    AlertRuleRow,
    AlertRuleStateRow,
    IncidentEventRow,
    IncidentRow,
    NotificationChannelRow,
    NotificationDeliveryRow,
)
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.engine import Database
from aitower.inventory.tables import SystemRow

LEASE = timedelta(seconds=60)
MIN_GAP = timedelta(seconds=10)
ACTOR = "system:alerts"


@dataclass(frozen=True, slots=True)
class RuleTransition:
    rule_id: uuid.UUID
    transition: Transition
    incident_id: uuid.UUID | None  # opened, joined or resolved by this transition


def claim_rule(
    db: Database, rule_id: uuid.UUID, owner: str, now: datetime, *, min_gap: timedelta = MIN_GAP
) -> bool:
    """Take the rule's lease if it is free (or expired) and the rule is due; atomic."""
    st = AlertRuleStateRow
    with db.writing() as session:
        result = session.execute(
            update(st)
            .where(
                st.rule_id == rule_id,
                or_(st.lease_until.is_(None), st.lease_until < now),
                or_(st.last_evaluated_at.is_(None), st.last_evaluated_at <= now - min_gap),
            )
            .values(lease_owner=owner, lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1


def enqueue(
    session: Session, incident_id: uuid.UUID, event: IncidentEventRow, payload: dict[str, Any]
) -> int:
    """One pending delivery per enabled channel; returns how many."""
    channels = session.execute(
        select(NotificationChannelRow.id).where(NotificationChannelRow.enabled.is_(True))
    ).scalars()
    count = 0
    for channel_id in channels:
        session.add(
            NotificationDeliveryRow(
                id=uuid.uuid4(),
                channel_id=channel_id,
                incident_id=incident_id,
                event_id=event.id,
                payload=payload,
                status="pending",
                attempts=0,
                next_attempt_at=event.at,
                created_at=event.at,
            )
        )
        count += 1
    session.flush()
    return count


def _payload(
    notice: Notice,
    inc: IncidentRow,
    rule: AlertRuleRow,
    spec: RuleSpec,
    system: str | None,
    t: Transition,
    now: datetime,
) -> dict[str, Any]:
    return messages.build_payload(
        event=notice.value,
        incident={
            "id": str(inc.id),
            "title": inc.title,
            "status": inc.status,
            "severity": inc.severity,
            "opened_at": inc.opened_at.isoformat(),
        },
        rule={**asdict(spec), "id": str(rule.id), "condition": describe(spec)},
        system=None if rule.system_id is None else {"id": str(rule.system_id), "name": system},
        value=t.value,
        samples=t.samples,
        at=now,
    )


def _open_incident(
    session: Session, rule: AlertRuleRow, spec: RuleSpec, system: str | None, now: datetime
) -> IncidentRow:
    found = session.execute(
        select(IncidentRow)
        .where(IncidentRow.rule_id == rule.id, IncidentRow.status != IncidentStatus.resolved.value)
        .order_by(IncidentRow.opened_at.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if found is not None:
        return found
    title = spec.name if system is None else f"{spec.name} on {system}"
    inc = IncidentRow(
        id=uuid.uuid4(),
        title=title[:300],
        system_id=rule.system_id,
        severity=spec.severity.value,
        status=IncidentStatus.open.value,
        rule_id=rule.id,
        opened_at=now,
    )
    session.add(inc)
    session.flush()
    record_change(
        session,
        ChangeContext(system_principal("alerts")),
        "incident.opened",
        "incident",
        inc.id,
        after={"title": inc.title, "severity": inc.severity, "rule_id": str(rule.id)},
    )
    return inc


def _latest_incident(session: Session, rule_id: uuid.UUID) -> IncidentRow | None:
    return session.execute(
        select(IncidentRow)
        .where(IncidentRow.rule_id == rule_id)
        .order_by(IncidentRow.opened_at.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()


def _notice_data(spec: RuleSpec, t: Transition) -> dict[str, Any]:
    return {"value": t.value, "samples": t.samples, "condition": describe(spec)}


def _record_notice(
    session: Session, rule: AlertRuleRow, spec: RuleSpec, t: Transition, now: datetime
) -> uuid.UUID | None:
    system = None if rule.system_id is None else session.get(SystemRow, rule.system_id)
    system_name = None if system is None else system.name
    if t.notice is Notice.fired:
        inc: IncidentRow | None = _open_incident(session, rule, spec, system_name, now)
    else:
        inc = _latest_incident(session, rule.id)
        if inc is None:
            return None
        if inc.status != IncidentStatus.resolved.value:
            inc.status, inc.resolved_at = IncidentStatus.resolved.value, now
    assert inc is not None and t.notice is not None
    value = "no value" if t.value is None else f"{t.value:g}"
    text = f"{describe(spec)}: {value} over {t.samples} samples"
    event = add_event(session, inc.id, t.notice.value, ACTOR, text, _notice_data(spec, t), now)
    enqueue(session, inc.id, event, _payload(t.notice, inc, rule, spec, system_name, t, now))
    return inc.id


def _evaluate_claimed(
    db: Database, rule_id: uuid.UUID, owner: str, now: datetime
) -> RuleTransition | None:
    with db.writing() as session:
        st = session.get(AlertRuleStateRow, rule_id, with_for_update=True)
        rule = session.get(AlertRuleRow, rule_id)
        if st is None or rule is None or st.lease_owner != owner:
            return None  # deleted meanwhile, or the lease expired and another replica took it
        spec = spec_of(rule)
        key = None if rule.system_id is None else str(rule.system_id)
        start = now - timedelta(minutes=spec.window_minutes)
        window = metric_value(
            session, spec.metric, key, start, now, evaluation=spec.evaluation_name
        )
        current = RuleState(AlertState(st.state), st.since)
        t = next_state(spec, current, Observation(window.value, window.samples), now)
        st.state, st.since = t.after.value, t.since
        st.last_value, st.last_samples, st.last_evaluated_at = t.value, t.samples, now
        st.lease_owner, st.lease_until = None, None
        incident_id = None if t.notice is None else _record_notice(session, rule, spec, t, now)
        return RuleTransition(rule_id, t, incident_id)


def evaluate_due_rules(
    db: Database,
    now: datetime,
    owner: str,
    *,
    min_gap: timedelta = MIN_GAP,
    only: set[uuid.UUID] | None = None,
) -> list[RuleTransition]:
    """One pass: every enabled, due rule this replica (``owner``) could claim, evaluated once
    (only the rules in ``only`` when given: the demo replays its own rules over its history)."""
    with db.reading() as session:
        rule_ids = list(
            session.execute(
                select(AlertRuleRow.id)
                .where(AlertRuleRow.enabled.is_(True))
                .order_by(AlertRuleRow.id)
            ).scalars()
        )
    done: list[RuleTransition] = []
    for rule_id in rule_ids:
        if only is not None and rule_id not in only:
            continue
        if not claim_rule(db, rule_id, owner, now, min_gap=min_gap):
            continue
        result = _evaluate_claimed(db, rule_id, owner, now)
        if result is not None:
            done.append(result)
    return done
