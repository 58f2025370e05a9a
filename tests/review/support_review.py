"""Telemetry rows for review tests, written directly: traces with a stored conversation and
retrieved documents, scores, and detector findings (filled at ingest by the scanning step)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aitower.core.db.engine import Database
from aitower.telemetry.finding_tables import ContentFindingRow
from aitower.telemetry.tables import ScoreRow, SpanRow, TraceRow

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
IBAN = "DE89370400440532013000"


def trace_id(n: int) -> str:
    return f"{n:032x}"


def content(answer: str = f"Your IBAN is {IBAN}.") -> dict[str, Any]:
    return {
        "input": [{"role": "user", "content": "What is my account number?"}],
        "output": [{"role": "assistant", "content": answer}],
        "other": {
            "retrieval.documents.0.document.id": "kb-7",
            "retrieval.documents.0.document.content": "Accounts are listed in the portal.",
            "retrieval.documents.0.document.score": 0.82,
        },
    }


def add_trace(
    db: Database,
    system_id: uuid.UUID | None,
    tid: str,
    start: datetime,
    *,
    stored: dict[str, Any] | None = None,
) -> None:
    span_id = tid[-16:]
    with db.writing() as session:
        session.add(
            TraceRow(
                trace_id=tid, system_id=system_id, service_name="kb", root_name="answer",
                start_time=start, end_time=start + timedelta(seconds=1), duration_ms=1000.0,
                span_count=1, llm_calls=1, input_tokens=10, output_tokens=20, cost=0.0,
                unpriced_calls=0, error=False, model="gpt-4o", user_id="u1", session_id=None,
            )
        )  # fmt: skip
        session.add(
            SpanRow(
                trace_id=tid, span_id=span_id, parent_span_id=None, system_id=system_id,
                service_name="kb", name="chat gpt-4o", kind=3, span_type="llm",
                start_time=start, duration_ms=1000.0, status_code=0, status_message="",
                model="gpt-4o", content=stored, attributes={}, events=None,
            )
        )  # fmt: skip


def add_traces(db: Database, system_id: uuid.UUID, ids: range, start: datetime) -> None:
    """Many bare traces, a second apart, in one transaction."""
    with db.writing() as session:
        for n in ids:
            moment = start + timedelta(seconds=n - ids.start)
            session.add(
                TraceRow(
                    trace_id=trace_id(n), system_id=system_id, service_name="kb",
                    root_name="answer", start_time=moment,
                    end_time=moment + timedelta(seconds=1), duration_ms=1000.0, span_count=1,
                    llm_calls=1, input_tokens=1, output_tokens=1, cost=0.0, unpriced_calls=0,
                    error=False, model=None, user_id=None, session_id=None,
                )
            )  # fmt: skip


def add_finding(
    db: Database,
    system_id: uuid.UUID,
    tid: str,
    seen_at: datetime,
    finding_type: str = "iban",
    category: str = "personal_data",
    confidence: float = 0.9,
) -> None:
    with db.writing() as session:
        session.add(
            ContentFindingRow(
                id=uuid.uuid4(), trace_id=tid, span_id=tid[-16:], system_id=system_id,
                service_name="kb", finding_type=finding_type, category=category,
                field="output", occurrences=1, confidence=confidence,
                reason=f"{finding_type} with a valid checksum", digest="0" * 64, action="keep",
                user_id="u1", session_id=None, model="gpt-4o", seen_at=seen_at,
            )
        )  # fmt: skip


def add_score(
    db: Database,
    system_id: uuid.UUID,
    tid: str,
    created_at: datetime,
    score: float,
    name: str = "helpfulness",
) -> None:
    with db.writing() as session:
        session.add(
            ScoreRow(
                id=uuid.uuid4(), kind="feedback", trace_id=tid, span_id=None,
                system_id=system_id, name=name, score=score, label=None, comment="",
                source="user", created_at=created_at,
            )
        )  # fmt: skip
