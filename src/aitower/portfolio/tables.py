"""Storage of value and decisions: each system's declared value model, the portfolio decisions
recorded by the ops manager, and the subscriptions to the executive report."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, UTCDateTime


class ValueModelRow(HasTimestamps, Base):
    """A system's value, as its business owner declares it (one per system; history on the
    audit trail). Value per month =
    ``hours_saved_per_use × uses per month × loaded_hourly_rate × adoption``
    ``+ revenue_per_month + cost_avoided_per_month``, where uses per month are measured from
    telemetry (``use_driver``: requests, sessions or active users) when the system sends
    traces, else the declared ``declared_uses_per_month``; adoption is measured active users /
    ``eligible_users`` when both are known, else ``declared_adoption_percent``."""

    __tablename__ = "value_models"

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True
    )
    use_driver: Mapped[str] = mapped_column(String(20), default="requests")
    hours_saved_per_use: Mapped[float] = mapped_column(Float, default=0.0)
    loaded_hourly_rate: Mapped[float] = mapped_column(Float, default=0.0)  # USD
    declared_uses_per_month: Mapped[float | None] = mapped_column(Float)
    eligible_users: Mapped[int | None] = mapped_column(Integer)
    declared_adoption_percent: Mapped[float | None] = mapped_column(Float)
    revenue_per_month: Mapped[float] = mapped_column(Float, default=0.0)  # USD attributed
    cost_avoided_per_month: Mapped[float] = mapped_column(Float, default=0.0)  # USD
    one_off_investment: Mapped[float] = mapped_column(Float, default=0.0)  # USD, for payback
    value_since: Mapped[date | None] = mapped_column(Date)  # when the system began to deliver
    assumptions: Mapped[str] = mapped_column(Text, default="")
    declared_by: Mapped[str] = mapped_column(String(200))


class PortfolioDecisionRow(HasId, Base):
    """A decision on a system: scale, keep, fix, retire or consolidate (into another system),
    with the reasons shown when it was taken; the latest per system is in force. A retirement
    or consolidation starts a lifecycle move through governance, whose id is kept."""

    __tablename__ = "portfolio_decisions"
    __table_args__ = (Index("ix_portfolio_decisions_system", "system_id", "decided_at"),)

    system_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(12))
    recommended: Mapped[str] = mapped_column(String(12), default="")  # what aitower suggested
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDocument, default=list
    )  # as shown then
    into_system_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="")
    move_id: Mapped[uuid.UUID | None] = mapped_column()  # the governance move it started
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReportSubscriptionRow(HasId, HasTimestamps, Base):
    """The executive report sent weekly or monthly to recipients, for the whole portfolio or a
    unit, in the formats asked for. ``next_due`` is when the background pass sends it next."""

    __tablename__ = "portfolio_report_subscriptions"

    name: Mapped[str] = mapped_column(String(200))
    cadence: Mapped[str] = mapped_column(String(10))  # weekly | monthly
    recipients: Mapped[list[str]] = mapped_column(JSONDocument, default=list)  # e-mail addresses
    formats: Mapped[list[str]] = mapped_column(JSONDocument, default=list)  # html | pdf | csv
    unit_id: Mapped[uuid.UUID | None] = mapped_column()  # None: the whole portfolio
    next_due: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(200))
    # Migration 0026 (the sending): the e-mail channel whose SMTP server sends it (None: the
    # first enabled e-mail channel), the failed attempts at the due period, when the next try
    # may start (a claim in flight or a back-off), and the last period sent (never twice).
    channel_id: Mapped[uuid.UUID | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_period_start: Mapped[date | None] = mapped_column(Date)
    last_period_end: Mapped[date | None] = mapped_column(Date)
