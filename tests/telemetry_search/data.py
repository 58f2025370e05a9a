"""Spans with message content, stored through the real ingest (``store_spans``)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from aitower.core.db.engine import Database
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.ingest import DEFAULT_CONTENT, IngestOutcome, store_spans
from aitower.telemetry.records import DecodedSpan
from support_spans import SpanSpec, new_trace_id, ns, span

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
LEAK = "Please wire it to IBAN DE89370400440532013000 today."


def chat_span(
    question: str,
    answer: str,
    *,
    system_id: uuid.UUID | None = None,
    user: str = "u-1",
    session: str = "s-1",
    model: str = "gpt-4o-mini",
    start: datetime = NOW - timedelta(hours=1),
    tool_args: str | None = None,
    trace_id: str | None = None,
    span_id: str | None = None,
) -> DecodedSpan:
    """An LLM call whose messages travel as ``gen_ai.input.messages`` / ``output.messages``."""
    attributes: dict[str, object] = {
        "gen_ai.input.messages": json.dumps([{"role": "user", "content": question}]),
        "gen_ai.output.messages": json.dumps([{"role": "assistant", "content": answer}]),
        "user.id": user,
        "session.id": session,
    }
    if tool_args is not None:
        attributes["gen_ai.tool.call.arguments"] = tool_args
    spec = SpanSpec(start_ns=ns(start), usage=(10, 5), model=model, attributes=attributes)
    resource = {"aitower.system": str(system_id)} if system_id else None
    return span(
        spec,
        trace_id=trace_id or new_trace_id(),
        span_id=span_id,
        service="bank-assistant",
        resource=resource,
    )


def store(
    db: Database, spans: list[DecodedSpan], content: ContentPolicy = DEFAULT_CONTENT
) -> IngestOutcome:
    return store_spans(db, spans, default_content=content)
