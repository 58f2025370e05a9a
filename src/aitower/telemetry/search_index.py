"""Keeping the content search index (``span_search``) in step with the stored spans.

Ingest adds the rows of the spans it newly inserted, in its own transaction (a duplicate span
is not indexed twice: only keys the span insert reports new come here). Retention removes
them with their spans. The engines' indexes follow by themselves: SQLite's FTS5 table through
the triggers migration 0018 made, PostgreSQL's GIN indexes as any index does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert
from sqlalchemy.orm import Session

from aitower.telemetry import fast_sql
from aitower.telemetry.search_tables import SpanSearchRow

SEARCH: Table = SpanSearchRow.__table__  # type: ignore[assignment]


def _insert(_dialect: str) -> Any:
    return insert(SEARCH).values(
        trace_id=bindparam("trace_id"), span_id=bindparam("span_id"), body=bindparam("body")
    )


def add(session: Session, rows: Sequence[tuple[str, str, str]]) -> None:
    """Index (trace id, span id, searchable text) of spans just inserted."""
    if rows:
        fast_sql.execute_many(
            session,
            "span_search.insert",
            SEARCH,
            _insert,
            [{"trace_id": t, "span_id": s, "body": body} for t, s, body in rows],
        )


def remove_traces(session: Session, trace_ids: Sequence[str]) -> None:
    """Forget the spans of ``trace_ids`` (their spans are being deleted)."""
    if trace_ids:
        session.execute(delete(SpanSearchRow).where(SpanSearchRow.trace_id.in_(list(trace_ids))))
