"""Detections found in stored telemetry: one row per (span, field, detection type).

Written at ingest, in the transaction that stores the span, by the scanning step (the system's
settings say which detectors run). A row never holds the detected value: ``digest`` is a keyed
hash of it (HMAC-SHA256 with the server's key), so that the same IBAN seen in forty answers
groups as one value without being readable from the database. Like spans, findings carry no
foreign key to their system, and are purged with the spans they point at.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base


class ContentFindingRow(Base):
    __tablename__ = "content_findings"
    __table_args__ = (
        Index("ix_content_findings_system_seen", "system_id", "seen_at"),
        Index("ix_content_findings_type_seen", "finding_type", "seen_at"),
        Index("ix_content_findings_span", "trace_id", "span_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str] = mapped_column(String(16))
    system_id: Mapped[uuid.UUID | None] = mapped_column()
    service_name: Mapped[str] = mapped_column(String(200))
    finding_type: Mapped[str] = mapped_column(String(64))  # ``detectors.catalog`` name
    category: Mapped[str] = mapped_column(String(32))  # personal_data | secret | injection
    field: Mapped[str] = mapped_column(String(16))  # where in the span: input | output | other
    occurrences: Mapped[int] = mapped_column(Integer)  # detections of this type in the field
    confidence: Mapped[float] = mapped_column(Float)  # the highest of them
    reason: Mapped[str] = mapped_column(String(300))  # the first one's, for the list
    digest: Mapped[str] = mapped_column(String(64))  # keyed hash of the first value, never it
    action: Mapped[str] = mapped_column(String(8))  # what redaction did: keep|drop|mask|hash
    user_id: Mapped[str | None] = mapped_column(String(200))
    session_id: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    seen_at: Mapped[datetime] = mapped_column()  # the span's start
