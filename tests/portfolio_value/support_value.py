"""Data for the value tests: ledger costs and telemetry traffic, written through the real paths
(the spend ledger's table, telemetry's ingest)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from aitower.core.db.engine import Database
from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.ingest import store_spans
from support_spans import agent_trace, ns

UNPRICED = "in-house-llm-7b"  # no price in any catalog: telemetry adds no cost for it


def ledger(
    db: Database, system_id: uuid.UUID | None, first: date, last: date, amount: float
) -> None:
    """One invoice of ``amount`` USD over [first, last)."""
    with db.writing() as session:
        session.add(
            SpendRecordRow(
                source="invoice", day_start=first, day_end=last, amount=amount,
                billed_amount=amount, system_id=system_id, vendor="Acme AI",
            )
        )  # fmt: skip


def traffic(db: Database, service: str, day: date, users: list[str], sessions: list[str]) -> int:
    """One trace per (user, session) pair given in order, a minute apart, at noon of ``day``."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    spans = []
    for i, (user, session) in enumerate(zip(users, sessions, strict=True)):
        spans += agent_trace(
            service=service, start_ns=ns(moment + timedelta(minutes=i)), model=UNPRICED,
            user=user, session=session,
        )  # fmt: skip
    store_spans(db, spans)
    return [s.trace_id for s in spans if s.parent_span_id is None]
