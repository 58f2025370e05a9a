"""Storing decoded spans: link to systems, map conventions, price, insert, roll up, in one commit.

The OTLP endpoint answers only after ``store_spans`` returns, that is after the commit, so an
acknowledged span is never lost. Spans already stored (same trace and span id, as an exporter
re-sends after a timeout) are ignored and counted nowhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aitower.core.db.engine import Database
from aitower.cost import service as cost
from aitower.cost.pricing import PriceBook
from aitower.inventory import service as inventory
from aitower.telemetry import aggregate, score_rollups, service, store
from aitower.telemetry.aggregate import PricedSpan, clean, nanos_to_datetime, system_id
from aitower.telemetry.content import (
    ContentPolicy,
    stored_attributes,
    stored_content,
    stored_events,
)
from aitower.telemetry.records import DecodedSpan, LlmFacts
from aitower.telemetry.semconv import llm_facts
from aitower.telemetry.tables import ScoreRow, SystemTelemetrySettingsRow


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int  # spans newly stored
    duplicates: int  # spans already stored (same trace and span id): ignored, not counted again
    stored: frozenset[tuple[str, str]] = frozenset()  # (trace id, span id) of the new ones


def store_spans(
    db: Database,
    spans: Sequence[DecodedSpan],
    *,
    default_content: ContentPolicy = ContentPolicy(store=True, max_chars=4000),
    facts: Sequence[LlmFacts] | None = None,
) -> IngestOutcome:
    """Store ``spans`` and update traces, rollups and sources in one write transaction.

    Returns only after the commit: the OTLP answer is sent after this, so an acknowledged span
    is never lost. ``facts`` (``facts_of(spans)``) may be computed beforehand, outside the
    writer's critical section.
    """
    if not spans:
        return IngestOutcome(0, 0)
    facts = facts_of(spans) if facts is None else facts
    with db.writing() as session:
        keys = _system_keys(session, spans, facts)
        policies = _content_policies(session, set(keys.values()))
        pricer = _pricer(session)
        rows: list[dict[str, Any]] = []
        priced: dict[tuple[str, str], PricedSpan] = {}
        for span, fact in zip(spans, facts, strict=True):
            key = keys[_link_key(span, fact)]
            item = _priced(span, fact, key, pricer)
            policy = policies.get(key, default_content)
            priced.setdefault((span.trace_id, span.span_id), item)
            rows.append(_span_row(item, policy))
        inserted = store.insert_new_spans(session, rows)
        fresh = [item for k, item in priced.items() if k in inserted]
        _add_sums(session, fresh)
        _add_evaluations(session, fresh)
    return IngestOutcome(len(fresh), len(spans) - len(fresh), frozenset(inserted))


def facts_of(spans: Sequence[DecodedSpan]) -> list[LlmFacts]:
    """What the conventions say of each span. Messages are stored as sent (``content``), never
    parsed on the hot path."""
    return [llm_facts(span, with_messages=False) for span in spans]


def _add_sums(session: Session, fresh: list[PricedSpan]) -> None:
    traces = aggregate.traces(fresh)
    store.add_to_traces(session, traces)
    linked = {t: system_id(s.system_key) for t, s in traces.items()}
    service.link_waiting_scores(session, {t: s for t, s in linked.items() if s is not None})
    for table, bucket in (
        (store.MINUTE_ROLLUPS, aggregate.minute_bucket),
        (store.HOUR_ROLLUPS, aggregate.hour_bucket),
        (store.SIX_HOUR_ROLLUPS, aggregate.six_hour_bucket),
    ):
        store.add_to_rollups(session, table, aggregate.rollups(fresh, bucket))
    store.add_to_key_rollups(session, aggregate.key_rollups(fresh))
    store.add_to_sources(session, aggregate.sources(fresh))


def _link_key(span: DecodedSpan, fact: LlmFacts) -> tuple[str | None, str]:
    return (fact.system_hint, span.service_name)


def _system_keys(
    session: Session, spans: Sequence[DecodedSpan], facts: Sequence[LlmFacts]
) -> dict[tuple[str | None, str], str]:
    """Each (``aitower.system`` hint, service name) pair to its system id or ``service:<name>``.

    The resource attribute wins when it names a known system (by id or name); otherwise the
    system that registered the service name; otherwise the telemetry is an unregistered source.
    """
    pairs = {_link_key(s, f) for s, f in zip(spans, facts, strict=True)}
    hinted = inventory.systems_by_reference(session, {clean(h) for h, _ in pairs if h})
    claimed = inventory.systems_for_services(session, {clean(name) for _, name in pairs})
    keys: dict[tuple[str | None, str], str] = {}
    for hint, name in pairs:
        system_id = hinted.get(clean(hint)) if hint else None
        system_id = system_id or claimed.get(clean(name))
        keys[(hint, name)] = str(system_id) if system_id else f"service:{clean(name[:200])}"
    return keys


def _content_policies(session: Session, system_keys: set[str]) -> dict[str, ContentPolicy]:
    """Systems' own content settings; systems without settings take the server's default."""
    ids = [uuid.UUID(k) for k in system_keys if not k.startswith("service:")]
    if not ids:
        return {}
    rows = session.execute(
        select(SystemTelemetrySettingsRow).where(SystemTelemetrySettingsRow.system_id.in_(ids))
    ).scalars()
    return {str(r.system_id): ContentPolicy(r.store_content, r.max_content_chars) for r in rows}


def _pricer(session: Session) -> PriceBook:
    return cost.load_price_book(session)


def _priced(span: DecodedSpan, fact: LlmFacts, system_key: str, pricer: PriceBook) -> PricedSpan:
    if fact.usage is None:
        return PricedSpan.of(span, fact, system_key, None, None)
    at = nanos_to_datetime(span.start_unix_nano)
    call = pricer.price(fact.provider, fact.model, fact.usage, at, fact.carried_cost)
    return PricedSpan.of(span, fact, system_key, call.cost, call.source)


def _span_row(item: PricedSpan, policy: ContentPolicy) -> dict[str, Any]:
    span, fact, usage = item.span, item.facts, item.facts.usage
    attributes, attrs_content = stored_attributes(span.attributes)
    events, events_content = stored_events(span.events)
    return {
        "trace_id": span.trace_id,
        "span_id": span.span_id,
        "parent_span_id": span.parent_span_id,
        "system_id": system_id(item.system_key),
        "service_name": span.service_name[:200],
        "name": span.name[:500],
        "kind": span.kind,
        "span_type": fact.span_type.value,
        "start_time": item.start,
        "duration_ms": item.duration_ms,
        "status_code": span.status_code,
        "status_message": span.status_message,
        "provider": fact.provider[:100] if fact.provider else None,
        "model": fact.model[:200] if fact.model else None,
        "input_tokens": usage.input if usage else None,
        "output_tokens": usage.output if usage else None,
        "cache_read_tokens": usage.cache_read if usage else None,
        "cache_write_tokens": usage.cache_write if usage else None,
        "reasoning_tokens": usage.reasoning if usage else None,
        "cost": item.cost,
        "cost_source": item.cost_source,
        "user_id": fact.user_id[:200] if fact.user_id else None,
        "session_id": fact.session_id[:200] if fact.session_id else None,
        "content": stored_content(span, policy, has_content=attrs_content or events_content),
        "attributes": attributes,
        "events": events,
    }


def _add_evaluations(session: Session, fresh: list[PricedSpan]) -> None:
    """``gen_ai.evaluation.result`` events become scores beside feedback."""
    rows = [
        {
            "id": uuid.uuid4(),
            "kind": "evaluation",
            "trace_id": item.span.trace_id,
            "span_id": item.span.span_id,
            "system_id": system_id(item.system_key),
            "name": clean(evaluation.name[:100]),
            "score": evaluation.score,
            "label": clean(evaluation.label[:100]) if evaluation.label else None,
            "comment": clean(evaluation.explanation or ""),
            "source": "span",
            "created_at": item.start,
        }
        for item in fresh
        for evaluation in item.facts.evaluations
    ]
    if rows:
        session.execute(insert(ScoreRow), rows)
        score_rollups.add_rows(session, rows)
