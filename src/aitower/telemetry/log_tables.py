"""Storage of GenAI events sent as OTLP log records, while they wait for their span.

An instrumentation that captures message content as events (``gen_ai.user.message``,
``gen_ai.choice``, ``gen_ai.client.inference.operation.details`` …) emits them as log records
during the call, and the SDK exports logs and spans separately: the logs usually arrive first.
Each such event waits here, keyed by the span it names, until the span is stored; then its
content joins the span's (``span_log_events.attach_waiting``) and the row is deleted. Rows whose
span never comes are deleted after ``span_log_events.HOLD``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, JSONDocument


class SpanLogEventRow(Base):
    __tablename__ = "telemetry_span_log_events"
    __table_args__ = (
        Index("ix_telemetry_span_log_events_span", "trace_id", "span_id"),
        Index("ix_telemetry_span_log_events_received_at", "received_at"),
    )

    # Increasing with arrival: events of one time keep the order they were sent in.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    time_unix_nano: Mapped[int] = mapped_column(BigInteger)
    # The log record's attributes with its body's fields (the event's message), as sent.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # The receiving server's content default, for spans of systems without their own setting.
    default_store_content: Mapped[bool] = mapped_column(Boolean)
    default_max_chars: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column()
