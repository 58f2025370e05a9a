"""Reminders of the Art. 73 deadline, on both databases: each sent once at its moment (half the
time gone, 24 h left, overdue), over every enabled channel, never twice across passes or
replicas; a late classification notifies once; a report stops them; a new deadline restarts
them. The notification goes out through the outbox and says what is due."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from aitower.alerts import channels, incidents, messages, serious
from aitower.alerts.serious_domain import Reminder
from aitower.alerts.serious_reminders import send_serious_reminders
from aitower.alerts.tables import IncidentEventRow, NotificationDeliveryRow
from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database

CTX = ChangeContext(system_principal("tests"))
SECRET = "a-webhook-secret-of-32-characters"
# Aware 2026-03-02 09:15 UTC; point (d): 15 days, due 2026-03-17 09:15 (Art. 73(2)).
AWARE = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
HALF = datetime(2026, 3, 9, 21, 15, tzinfo=UTC)  # 7 days 12 h after awareness
DAY_LEFT = datetime(2026, 3, 16, 9, 15, tzinfo=UTC)
DEADLINE = datetime(2026, 3, 17, 9, 15, tzinfo=UTC)
SECOND = timedelta(seconds=1)


def _setup(db: Database, *, channels_count: int = 2) -> uuid.UUID:
    with db.writing() as session:
        for n in range(channels_count):
            channels.create_channel(
                session,
                CTX,
                "webhook",
                f"hook {n}",
                {"url": f"https://hooks.example.com/{n}", "secret": SECRET},
            )
        made = incidents.create_incident(
            session,
            CTX,
            title="Flooded basement by the pump model",
            severity="high",
            system_id=None,
        )
    return made.id


def _classify(db: Database, incident: uuid.UUID, limbs: list[str], *, death: bool = False) -> None:
    with db.writing() as session:
        serious.classify(
            session,
            CTX,
            incident,
            limbs=limbs,
            death=death,
            aware_at=AWARE,
            now=AWARE + timedelta(hours=1),
        )


def _deliveries(db: Database) -> list[dict[str, object]]:
    with db.reading() as session:
        rows = session.execute(
            select(NotificationDeliveryRow).order_by(NotificationDeliveryRow.created_at)
        ).scalars()
        return [dict(r.payload) for r in rows]


def _reminder_events(db: Database) -> int:
    with db.reading() as session:
        query = select(func.count()).where(IncidentEventRow.kind == "report_reminder")
        return int(session.execute(query).scalar_one())


def test_each_reminder_once_at_its_moment(db: Database) -> None:
    incident = _setup(db)
    _classify(db, incident, ["d"])
    assert send_serious_reminders(db, HALF - SECOND) == []
    assert send_serious_reminders(db, HALF) == [Reminder.half_time]
    assert send_serious_reminders(db, HALF + timedelta(hours=1)) == []  # the next pass
    assert send_serious_reminders(db, DAY_LEFT - SECOND) == []
    assert send_serious_reminders(db, DAY_LEFT) == [Reminder.day_left]
    assert send_serious_reminders(db, DAY_LEFT) == []
    assert send_serious_reminders(db, DEADLINE) == [Reminder.overdue]
    assert send_serious_reminders(db, DEADLINE + timedelta(days=3)) == []
    sent = _deliveries(db)
    assert len(sent) == 3 * 2  # three reminders over two channels
    assert [p["event"] for p in sent[::2]] == [
        "report_half_time",
        "report_day_left",
        "report_overdue",
    ]
    assert _reminder_events(db) == 3
    first = sent[0]
    assert first["serious"]["deadline_at"] == DEADLINE.isoformat()  # type: ignore[index]
    assert "report due 2026-03-17T09:15:00+00:00" in messages.summary(first)


def test_a_late_classification_notifies_once(db: Database) -> None:
    incident = _setup(db, channels_count=1)
    _classify(db, incident, ["d"])
    assert send_serious_reminders(db, DEADLINE + timedelta(hours=2)) == [Reminder.overdue]
    assert send_serious_reminders(db, DEADLINE + timedelta(hours=3)) == []
    assert len(_deliveries(db)) == 1


def test_reported_incidents_and_not_serious_ones_are_left_alone(db: Database) -> None:
    incident = _setup(db, channels_count=1)
    _classify(db, incident, ["d"])
    with db.writing() as session:
        serious.mark_reported(session, CTX, incident, now=DAY_LEFT - timedelta(hours=3))
    other = _setup(db, channels_count=0)
    _classify(db, other, [])
    assert send_serious_reminders(db, DEADLINE + timedelta(days=1)) == []
    assert _deliveries(db) == []


def test_a_new_deadline_restarts_the_reminders(db: Database) -> None:
    incident = _setup(db, channels_count=1)
    _classify(db, incident, ["d"])
    assert send_serious_reminders(db, HALF) == [Reminder.half_time]
    # A death is found: 10 days, due 2026-03-12 09:15; half-way (5 days) has passed too, and
    # 24 h before it is 2026-03-11 09:15.
    _classify(db, incident, ["a", "d"], death=True)
    assert send_serious_reminders(db, HALF) == [Reminder.half_time]
    assert send_serious_reminders(db, datetime(2026, 3, 11, 9, 15, tzinfo=UTC)) == [
        Reminder.day_left
    ]
    assert len(_deliveries(db)) == 3


def test_two_replicas_at_once_send_it_once(db: Database) -> None:
    incident = _setup(db, channels_count=1)
    _classify(db, incident, ["d"])
    results: list[list[Reminder]] = []
    errors: list[BaseException] = []

    def replica() -> None:
        try:
            results.append(send_serious_reminders(db, HALF))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(len(r) for r in results) == [0, 0, 0, 1]
    assert len(_deliveries(db)) == 1
    assert _reminder_events(db) == 1
