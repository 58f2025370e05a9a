"""Storage of the human review queue: the items to judge and each system's routing settings.

An item points at a trace (and, for a finding, the span and the detector's type); it is unique
per (trace, source, finding type), so a routing pass that looks at a trace again, or two
replicas routing at once, never queue it twice. ``finding_type`` is "" for items that did not
come from a finding (a unique key over a NULL column would not be unique on every database).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, JSONDocument, utcnow


class ReviewItemRow(HasId, Base):
    __tablename__ = "review_items"
    __table_args__ = (
        UniqueConstraint("trace_id", "source", "finding_type"),
        Index("ix_review_items_status_created", "status", "created_at"),
        Index("ix_review_items_system_created", "system_id", "created_at"),
        Index("ix_review_items_reviewed_at", "reviewed_at"),
    )

    system_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))  # flagged | low_score | finding | sample
    reason: Mapped[str] = mapped_column(Text)
    finding_type: Mapped[str] = mapped_column(String(64), default="")
    assigned_role: Mapped[str] = mapped_column(String(32))
    assignee: Mapped[uuid.UUID | None] = mapped_column()  # a user's id, once claimed
    assignee_name: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | done
    verdict: Mapped[str | None] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class ReviewRouteRow(Base):
    """Per system: which outputs go to review and to whom, and how far routing has looked."""

    __tablename__ = "review_routes"

    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=False)
    sample_rate: Mapped[float] = mapped_column(Float, default=0.0)
    low_score_below: Mapped[float | None] = mapped_column(Float)
    score_name: Mapped[str] = mapped_column(String(100), default="")  # "": any score name
    finding_types: Mapped[list[str]] = mapped_column(JSONDocument)
    finding_categories: Mapped[list[str]] = mapped_column(JSONDocument)
    finding_role: Mapped[str] = mapped_column(String(32), default="security")
    quality_role: Mapped[str] = mapped_column(String(32), default="prompt_engineer")
    watermark: Mapped[datetime | None] = mapped_column()  # routing looked up to here
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
