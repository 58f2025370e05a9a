"""The scanning step of ingest: a span's stored texts scanned and redacted, its findings rows.

``prepare_batch`` calls ``scanned_columns`` for every span (no database: the system's
``ContentPolicy`` says whether to scan, which types and what to redact); ``write_batches``
calls ``insert_findings`` in its write transaction with the keys the store newly inserted, so
a span sent twice is scanned twice but counted once. A system that stores no content is still
scanned: its findings are recorded, its texts are not kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from aitower.telemetry.aggregate import PricedSpan, system_id
from aitower.telemetry.content import ContentPolicy, span_columns
from aitower.telemetry.content_scan import Finding, fallback_key, scan_span
from aitower.telemetry.finding_tables import ContentFindingRow

SpanKey = tuple[str, str]
FindingRows = dict[SpanKey, list[dict[str, Any]]]


def scanned_columns(
    item: PricedSpan, policy: ContentPolicy
) -> tuple[
    dict[str, Any], list[dict[str, Any]] | None, dict[str, Any] | None, str | None, list[Finding]
]:
    """A span's attributes, events, content and status message as they will be stored (after
    redaction), and what the scan found in them."""
    span = item.span
    scanning = policy.scan.enabled
    attributes, events, content = span_columns(span, policy, keep=policy.store or scanning)
    status_message = span.status_message
    if not scanning:
        return attributes, events, content, status_message, []
    scanned = scan_span(content, status_message, events, policy.scan, policy.key or fallback_key())
    content = scanned.content if policy.store else None
    return attributes, scanned.events, content, scanned.status_message, scanned.findings


def finding_rows(item: PricedSpan, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """``content_findings`` rows of one span (its ids, system, user, session, model, start)."""
    span, facts = item.span, item.facts
    where = {
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "system_id": system_id(item.system_key),
        "service_name": span.service_name[:200],
        "user_id": facts.user_id[:200] if facts.user_id else None,
        "session_id": facts.session_id[:200] if facts.session_id else None,
        "model": facts.model[:200] if facts.model else None,
        "seen_at": item.start,
    }
    return rows_of(where, findings)


def rows_of(where: dict[str, Any], findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """``content_findings`` rows: ``where`` (the span's columns of the table) and each finding."""
    return [
        {
            **where,
            "finding_type": f.type[:64],
            "category": f.category,
            "field": f.field,
            "occurrences": f.occurrences,
            "confidence": f.confidence,
            "reason": f.reason,
            "digest": f.digest,
            "action": f.action,
        }
        for f in findings
    ]


def insert_findings(
    session: Session, batches: Sequence[FindingRows], inserted: set[SpanKey]
) -> int:
    """Insert the findings of the spans newly stored, each span's once (the first batch that
    carried it, as its sums); returns how many rows."""
    rows: list[dict[str, Any]] = []
    done: set[SpanKey] = set()
    for found in batches:
        for key, span_rows in found.items():
            if key in inserted and key not in done:
                done.add(key)
                rows.extend(span_rows)
    return insert_rows(session, rows)


def insert_rows(session: Session, rows: list[dict[str, Any]]) -> int:
    if rows:
        session.execute(insert(ContentFindingRow), [{"id": uuid.uuid4(), **r} for r in rows])
    return len(rows)
