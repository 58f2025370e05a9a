"""Storage of EU AI Act assessments (every version kept) and the risk register."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, utcnow


class AssessmentRow(HasId, Base):
    """One answered EU AI Act questionnaire; the highest version of a system is in force."""

    __tablename__ = "risk_assessments"
    __table_args__ = (UniqueConstraint("system_id", "version"),)

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    tier: Mapped[str] = mapped_column(String(16))
    # {"articles", "reasons", "obligations": [...], "roles": [...], "gpai": str}; versions
    # stored before roles were asked lack the last two.
    result: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    assessed_by: Mapped[str] = mapped_column(String(200))
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RiskRow(HasId, HasTimestamps, Base):
    __tablename__ = "risks"
    __table_args__ = (Index("ix_risks_status_next_review", "status", "next_review"),)

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32))
    likelihood: Mapped[int] = mapped_column()
    impact: Mapped[int] = mapped_column()
    residual_likelihood: Mapped[int] = mapped_column()
    residual_impact: Mapped[int] = mapped_column()
    mitigations: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16))
    next_review: Mapped[date | None] = mapped_column(Date)
