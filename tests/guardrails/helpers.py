"""Findings put in ``content_findings`` as the ingest scan writes them, for the read side."""

from __future__ import annotations

import uuid
from datetime import datetime

from aitower.core.db.engine import Database
from aitower.telemetry.finding_tables import ContentFindingRow

CATEGORY = {"iban": "personal_data", "email": "personal_data", "secret.github_token": "secret"}


def add_finding(
    db: Database,
    system_id: uuid.UUID | None,
    finding_type: str,
    seen_at: datetime,
    *,
    trace: str = "a",
    span: str = "1",
    field: str = "output",
    occurrences: int = 1,
    user: str | None = None,
    digest: str = "d1",
) -> None:
    """One row: ``trace`` and ``span`` are padded to OTLP's 32 and 16 hex digits."""
    with db.writing() as session:
        session.add(
            ContentFindingRow(
                trace_id=trace.rjust(32, "0"),
                span_id=span.rjust(16, "0"),
                system_id=system_id,
                service_name="svc",
                finding_type=finding_type,
                category=CATEGORY.get(finding_type, "personal_data"),
                field=field,
                occurrences=occurrences,
                confidence=0.99,
                reason="test",
                digest=digest.ljust(64, "0"),
                action="keep",
                user_id=user,
                session_id=None,
                model=None,
                seen_at=seen_at,
            )
        )
