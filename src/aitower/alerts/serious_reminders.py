"""The background job that reminds people of an Art. 73 reporting deadline as it nears.

For each serious incident not yet reported, the reminders whose moment has come (half the time
gone, 24 hours left, overdue: ``serious_domain.reminder_moments``) are recorded and notified
over every enabled channel, through the same outbox as alerts, naming the incident's owner.

Once each: a reminder is a row keyed by incident, kind and deadline (unique), written in the
transaction that enqueues its deliveries, under a lock on the incident's classification. A
second replica's pass waits for the lock, then finds the row and sends nothing; were two to
race past it, the unique key would refuse the second commit. Nothing here is slow (no peer is
called inside the transaction), so a row lock does what a lease does for the rule evaluator.
A reclassification that moves the deadline starts its reminders afresh.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aitower.alerts import messages
from aitower.alerts import serious_domain as art73
from aitower.alerts.evaluator import enqueue
from aitower.alerts.incidents import add_event
from aitower.alerts.serious_domain import Reminder
from aitower.alerts.tables import IncidentRow, SeriousIncidentReminderRow, SeriousIncidentRow
from aitower.core.access.tables import UserRow
from aitower.core.db.engine import Database
from aitower.inventory.tables import SystemRow

log = logging.getLogger("aitower.alerts.serious")
ACTOR = "system:art73"


def _pending(db: Database) -> list[uuid.UUID]:
    s = SeriousIncidentRow
    with db.reading() as session:
        return list(
            session.execute(
                select(s.incident_id)
                .where(s.serious.is_(True), s.reported_at.is_(None), s.deadline_at.is_not(None))
                .order_by(s.deadline_at)
            ).scalars()
        )


def _payload(
    session: Session, inc: IncidentRow, row: SeriousIncidentRow, reminder: Reminder, now: datetime
) -> dict[str, Any]:
    assert row.deadline_at is not None
    system = None if inc.system_id is None else session.get(SystemRow, inc.system_id)
    owner = None if inc.owner_id is None else session.get(UserRow, inc.owner_id)
    payload = messages.build_payload(
        event=f"report_{reminder.value}",
        incident={
            "id": str(inc.id),
            "title": inc.title,
            "status": inc.status,
            "severity": inc.severity,
            "opened_at": inc.opened_at.isoformat(),
            "owner": None if owner is None else owner.username,
        },
        rule=None,
        system=None if system is None else {"id": str(system.id), "name": system.name},
        value=None,
        samples=None,
        at=now,
    )
    payload["serious"] = {
        "limbs": list(row.limbs),
        "death": row.death,
        "widespread": row.widespread,
        "aware_at": row.aware_at.isoformat(),
        "deadline_at": row.deadline_at.isoformat(),
        "article": row.deadline_paragraph,
        "reminder": reminder.value,
    }
    return payload


def _remind_one(db: Database, incident_id: uuid.UUID, now: datetime) -> Reminder | None:
    with db.writing() as session:
        row = session.get(SeriousIncidentRow, incident_id, with_for_update=True)
        if row is None or not row.serious or row.reported_at is not None or row.deadline_at is None:
            return None
        sent = {
            Reminder(r)
            for r in session.execute(
                select(SeriousIncidentReminderRow.reminder).where(
                    SeriousIncidentReminderRow.incident_id == incident_id,
                    SeriousIncidentReminderRow.deadline_at == row.deadline_at,
                )
            ).scalars()
        }
        due = art73.due_reminders(row.aware_at, row.deadline_at, now, sent)
        if not due:
            return None
        latest = due[-1]
        for reminder in due:
            session.add(
                SeriousIncidentReminderRow(
                    id=uuid.uuid4(),
                    incident_id=incident_id,
                    reminder=reminder.value,
                    deadline_at=row.deadline_at,
                    notified=reminder is latest,
                    at=now,
                )
            )
        inc = session.get(IncidentRow, incident_id)
        assert inc is not None
        text = (
            f"{art73.REMINDER_TEXT[latest]}: Art. 73 deadline {row.deadline_at:%Y-%m-%d %H:%M} UTC"
        )
        event = add_event(
            session, incident_id, "report_reminder", ACTOR, text, {"reminder": latest.value}, now
        )
        enqueue(session, incident_id, event, _payload(session, inc, row, latest, now))
        return latest


def send_serious_reminders(db: Database, now: datetime) -> list[Reminder]:
    """One pass: each unreported serious incident's due reminder, recorded and enqueued once."""
    sent: list[Reminder] = []
    for incident_id in _pending(db):
        try:
            found = _remind_one(db, incident_id, now)
        except IntegrityError:  # another replica recorded it first: nothing to send
            log.info("reminder of incident %s already recorded by another replica", incident_id)
            continue
        if found is not None:
            sent.append(found)
    return sent
