"""Storage of alert rules and their state, incidents and their timeline, and notifications.

``alert_rule_state`` is separate from the rule so that evaluation (frequent, by whichever
replica holds the rule's lease) never rewrites what a person edited. Deliveries are an outbox:
enqueued in the transaction that fires or resolves a rule, sent afterwards, so a notification
is neither lost when sending fails nor sent for a change that rolled back.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, utcnow


class AlertRuleRow(HasId, HasTimestamps, Base):
    __tablename__ = "alert_rules"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    metric: Mapped[str] = mapped_column(String(40))
    # None: the whole portfolio.
    system_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    evaluation_name: Mapped[str | None] = mapped_column(String(100))
    comparator: Mapped[str] = mapped_column(String(2))
    threshold: Mapped[float] = mapped_column(Float)
    window_minutes: Mapped[int] = mapped_column(Integer)
    min_samples: Mapped[int] = mapped_column(Integer)
    for_minutes: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(default=True)


class AlertRuleStateRow(Base):
    __tablename__ = "alert_rule_state"

    rule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("alert_rules.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(16), default="ok")
    since: Mapped[datetime | None] = mapped_column()
    last_value: Mapped[float | None] = mapped_column(Float)
    last_samples: Mapped[int] = mapped_column(Integer, default=0)
    last_evaluated_at: Mapped[datetime | None] = mapped_column()
    # The replica evaluating the rule and until when; a crashed replica's lease just expires.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column()


class IncidentRow(HasId, HasTimestamps, Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_status_opened", "status", "opened_at"),)

    title: Mapped[str] = mapped_column(String(300))
    system_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="SET NULL"), index=True
    )
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # open | acknowledged | resolved
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rule_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("alert_rules.id", ondelete="SET NULL"), index=True
    )
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()


class IncidentEventRow(HasId, Base):
    __tablename__ = "incident_events"
    __table_args__ = (Index("ix_incident_events_incident_at", "incident_id", "at"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    # fired | notified | notification_failed | acknowledged | assigned | comment | resolved
    # | reopened | opened (by hand) | classified | reported | report_reminder
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class NotificationChannelRow(HasId, HasTimestamps, Base):
    __tablename__ = "notification_channels"

    kind: Mapped[str] = mapped_column(String(16))  # webhook | slack | email
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # webhook: url, secret; slack: url; email: host, port, sender, recipients, username,
    # password, starttls. Secrets are stored to sign and log in; never returned by the API.
    config: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    enabled: Mapped[bool] = mapped_column(default=True)


class NotificationDeliveryRow(HasId, Base):
    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_status_next", "status", "next_attempt_at"),)

    channel_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notification_channels.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("incident_events.id", ondelete="SET NULL")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    last_error: Mapped[str] = mapped_column(Text, default="")
    response_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class SeriousIncidentRow(Base):
    """An incident's classification against Art. 3(49) of the EU AI Act and its Art. 73 report.

    One row per classified incident (classified as not serious too: that judgement is kept).
    The deadline is computed by ``serious_domain.reporting_deadline`` and stored so the list
    sorts by it and the reminder job finds what is due with one indexed query.
    """

    __tablename__ = "serious_incidents"

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    serious: Mapped[bool] = mapped_column()
    limbs: Mapped[str] = mapped_column(String(8), default="")  # letters of Art. 3(49): "ab"
    death: Mapped[bool] = mapped_column(default=False)
    widespread: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    classified_by: Mapped[str] = mapped_column(String(200))
    classified_at: Mapped[datetime] = mapped_column()
    aware_at: Mapped[datetime] = mapped_column()
    # The IANA zone awareness was entered in; the deadline is shown in it beside UTC.
    aware_time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    deadline_days: Mapped[int | None] = mapped_column(Integer)
    deadline_paragraph: Mapped[str] = mapped_column(String(8), default="")
    reported_at: Mapped[datetime | None] = mapped_column()
    reported_by: Mapped[str | None] = mapped_column(String(200))
    report_reference: Mapped[str] = mapped_column(Text, default="")


class SeriousIncidentReminderRow(HasId, Base):
    """A reminder of the Art. 73 deadline, recorded once per incident, kind and deadline: the
    unique key is what keeps two replicas (or two passes) from sending it twice."""

    __tablename__ = "serious_incident_reminders"
    __table_args__ = (
        UniqueConstraint("incident_id", "reminder", "deadline_at", name="uq_serious_reminder"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    reminder: Mapped[str] = mapped_column(String(16))  # half_time | day_left | overdue
    deadline_at: Mapped[datetime] = mapped_column()
    notified: Mapped[bool] = mapped_column(default=True)  # False: passed with a later one
    at: Mapped[datetime] = mapped_column(default=utcnow)
