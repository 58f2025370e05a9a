"""Storing decoded spans: link to systems, map conventions, price, insert, roll up, in one commit.

Two steps, so that a server does the pure work of a request while another request's spans are
being written: ``prepare_batch`` (no write lock; reads systems, content settings and prices)
builds the rows and the sums the spans add; ``write_batches`` inserts the spans of one or more
prepared batches and adds their sums, in one write transaction. The OTLP endpoint answers only
after that commit, so an acknowledged span is never lost. Spans already stored (same trace and
span id, as an exporter re-sends after a timeout) are ignored and counted nowhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from aitower.core.db.engine import Database
from aitower.cost import service as cost
from aitower.cost.pricing import PriceBook
from aitower.inventory import service as inventory
from aitower.telemetry import (
    aggregate,
    ingest_findings,
    ingest_recount,
    score_rollups,
    search_index,
    service,
    store,
)
from aitower.telemetry import ingest_scope as scope
from aitower.telemetry.aggregate import (
    BatchSums,
    PricedSpan,
    clean,
    nanos_to_datetime,
    system_id,
)
from aitower.telemetry.content import ContentPolicy
from aitower.telemetry.content_scan import ScanPolicy
from aitower.telemetry.records import DecodedSpan, LlmFacts, RejectedSpan
from aitower.telemetry.search_text import search_text
from aitower.telemetry.semconv import llm_facts
from aitower.telemetry.tables import ScoreRow, SystemTelemetrySettingsRow

DEFAULT_CONTENT = ContentPolicy(store=True, max_chars=4000)
SpanKey = tuple[str, str]  # (trace id, span id)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    accepted: int  # spans newly stored
    duplicates: int  # spans already stored (same trace and span id): ignored, not counted again
    stored: frozenset[SpanKey] = frozenset()  # (trace id, span id) of the new ones
    # spans refused whole: their system is outside the ingest key's business units
    refused: tuple[RejectedSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """One request's spans, ready to write: a row per distinct span and what they all add."""

    received: int  # spans in the request, repeats included
    items: list[PricedSpan]  # the distinct spans, first copy of each
    keys: list[SpanKey]  # items' keys, in order
    sql: str  # the span insert, and ``params[i]`` the driver's values of ``items[i]``
    params: list[Any]
    sums: BatchSums  # what the items add if all are new
    refused: tuple[RejectedSpan, ...] = ()  # spans left out: outside the sender's units
    # items' searchable text ("" for a span without stored content), see ``search_index``
    search: list[str] = field(default_factory=list)
    # what the scan found, per span (spans without findings absent): written for new spans only
    findings: ingest_findings.FindingRows = field(default_factory=dict)
    # the sender's unit when its key is limited to one (``SourceRow.sender_unit_id``)
    sender_unit: uuid.UUID | None = None


def store_spans(
    db: Database,
    spans: Sequence[DecodedSpan],
    *,
    default_content: ContentPolicy = DEFAULT_CONTENT,
    facts: Sequence[LlmFacts] | None = None,
    units: frozenset[uuid.UUID] | None = None,
) -> IngestOutcome:
    """Store ``spans`` and update traces, rollups and sources in one write transaction.

    Returns only after the commit. ``facts`` (``facts_of(spans)``) may be given when computed
    beforehand. ``units``: the sender's business units (None: every unit), see ``prepare_batch``.
    """
    if not spans:
        return IngestOutcome(0, 0)
    return write_batches(db, [prepare_batch(db, spans, default_content, facts, units)])


def facts_of(spans: Sequence[DecodedSpan]) -> list[LlmFacts]:
    """What the conventions say of each span. Messages are stored as sent (``content``), never
    parsed on the hot path."""
    return [llm_facts(span, with_messages=False) for span in spans]


def prepare_batch(
    db: Database,
    spans: Sequence[DecodedSpan],
    default_content: ContentPolicy = DEFAULT_CONTENT,
    facts: Sequence[LlmFacts] | None = None,
    units: frozenset[uuid.UUID] | None = None,
) -> PreparedBatch:
    """Link, price and turn ``spans`` into rows and sums, reading but never writing.

    A sender limited to some business units (``units``) may not write into another unit's
    system: a span that links to one is refused, with its reason, and counted nowhere. Spans of
    services no system claims are kept as unregistered sources, as for every sender.
    """
    facts = facts_of(spans) if facts is None else facts
    with db.reading() as session:
        links = _system_keys(session, spans, facts)
        outside = scope.outside_units(session, links, units)
        policies = _content_policies(session, set(links.values()), default_content)
        pricer = _pricer(session)
    items: dict[SpanKey, PricedSpan] = {}
    rows: list[dict[str, Any]] = []
    refused: list[RejectedSpan] = []
    search: list[str] = []
    findings: ingest_findings.FindingRows = {}
    for span, fact in zip(spans, facts, strict=True):
        key = (span.trace_id, span.span_id)
        if key in items:
            continue  # a span repeated within one request is the same span
        system_key = links[_link_key(span, fact)]
        if system_key in outside:
            refused.append(scope.refusal(span))
            continue
        item = items[key] = _priced(span, fact, system_key, pricer)
        row, found = _span_row(item, policies.get(system_key, default_content))
        rows.append(row)
        # indexed as stored: after redaction, so a search never finds a redacted value
        search.append(search_text(row["content"]) if row["content"] is not None else "")
        if found:
            findings[key] = found
    sql, params = store.span_params(db.engine.dialect, rows)
    fresh = ingest_recount.mark_repeats(list(items.values()))
    return PreparedBatch(
        len(spans) - len(refused),
        fresh,
        list(items),
        sql,
        params,
        BatchSums.of(fresh),
        tuple(refused),
        search,
        findings,
        next(iter(units)) if units is not None and len(units) == 1 else None,
    )


def write_batches(db: Database, batches: Sequence[PreparedBatch]) -> IngestOutcome:
    """Insert the batches' new spans and add what they add, in one write transaction."""
    keys = [key for batch in batches for key in batch.keys]
    params = [values for batch in batches for values in batch.params]
    received = sum(batch.received for batch in batches)
    with db.writing() as session:
        store.lock_for_ingest(session)
        new = store.insert_new_spans(session, keys, batches[0].sql, params)
        inserted = new.inserted
        search_index.add(session, _searchable(batches, inserted))
        if len(inserted) == len(keys):
            sums = BatchSums.merged([batch.sums for batch in batches])
            fresh = [item for batch in batches for item in batch.items]
        else:  # some were stored before: add only what the new ones add
            fresh = _first_copies(batches, inserted)
            sums = BatchSums.of(fresh)
        fixes = ingest_recount.corrections(session, fresh, len(batches), new.earlier)
        if fixes is not None:  # a call repeated across requests: counted once (``calls``)
            sums = BatchSums.merged([sums, fixes])
        _add_sums(session, sums)
        for batch in batches:
            store.note_sender_unit(session, batch.sums.sources, batch.sender_unit)
        _add_evaluations(session, fresh)
        ingest_findings.insert_findings(session, [b.findings for b in batches], inserted)
    refused = tuple(r for batch in batches for r in batch.refused)
    return IngestOutcome(len(inserted), received - len(inserted), frozenset(inserted), refused)


def _searchable(
    batches: Sequence[PreparedBatch], inserted: set[SpanKey]
) -> list[tuple[str, str, str]]:
    """(trace id, span id, text) of the newly inserted spans that have content, each once."""
    found: dict[SpanKey, str] = {}
    for batch in batches:
        for key, text in zip(batch.keys, batch.search, strict=True):
            if text and key in inserted:
                found.setdefault(key, text)
    return [(trace_id, span_id, text) for (trace_id, span_id), text in found.items()]


def _first_copies(batches: Sequence[PreparedBatch], inserted: set[SpanKey]) -> list[PricedSpan]:
    """The newly inserted spans, each once (the first request that carried it)."""
    found: dict[SpanKey, PricedSpan] = {}
    for batch in batches:
        for key, item in zip(batch.keys, batch.items, strict=True):
            if key in inserted:
                found.setdefault(key, item)
    return list(found.values())


def _add_sums(session: Session, sums: BatchSums) -> None:
    store.add_to_traces(session, sums.traces)
    linked = {t: system_id(s.system_key) for t, s in sums.traces.items()}
    service.link_waiting_scores(session, {t: s for t, s in linked.items() if s is not None})
    hours = aggregate.coarser(sums.minutes, aggregate.hour_bucket)
    store.add_to_rollups(session, store.MINUTE_ROLLUPS, sums.minutes)
    store.add_to_rollups(session, store.HOUR_ROLLUPS, hours)
    six_hours = aggregate.coarser(hours, aggregate.six_hour_bucket)
    store.add_to_rollups(session, store.SIX_HOUR_ROLLUPS, six_hours)
    store.add_to_rollups(
        session, store.DAY_ROLLUPS, aggregate.coarser(six_hours, aggregate.day_bucket)
    )
    store.add_to_key_rollups(session, sums.keys)
    store.add_to_sources(session, sums.sources)


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


def _content_policies(
    session: Session, system_keys: set[str], default: ContentPolicy
) -> dict[str, ContentPolicy]:
    """Systems' own content and scan settings, hashing with the server's key (``default``'s);
    systems without settings take the server's default."""
    ids = [uuid.UUID(k) for k in system_keys if not k.startswith("service:")]
    if not ids:
        return {}
    rows = session.execute(
        select(SystemTelemetrySettingsRow).where(SystemTelemetrySettingsRow.system_id.in_(ids))
    ).scalars()
    return {
        str(r.system_id): ContentPolicy(
            r.store_content,
            r.max_content_chars,
            ScanPolicy.of(r.scan_enabled, r.scan_types, r.redaction),
            default.key,
        )
        for r in rows
    }


def _pricer(session: Session) -> PriceBook:
    return cost.load_price_book(session)


def _priced(span: DecodedSpan, fact: LlmFacts, system_key: str, pricer: PriceBook) -> PricedSpan:
    """Price a call by the model that answered, else by the one requested; a call that used
    no tokens (a failed request) costs nothing and is not unpriced."""
    usage = fact.usage
    if usage is None:
        return PricedSpan.of(span, fact, system_key, None, None)
    start = nanos_to_datetime(span.start_unix_nano)
    call = pricer.price(
        fact.provider, fact.price_model, usage, start, fact.carried_cost, fact.service_tier
    )
    if call.cost is None and fact.model != fact.price_model:
        call = pricer.price(fact.provider, fact.model, usage, start, None, fact.service_tier)
    if call.cost is None and usage.total == 0:
        return PricedSpan.of(span, fact, system_key, 0.0, "no_tokens", start)
    return PricedSpan.of(span, fact, system_key, call.cost, call.source, start)


def _span_row(
    item: PricedSpan, policy: ContentPolicy
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The span's row, redacted as its system says, and its findings' rows."""
    span, fact, usage = item.span, item.facts, item.facts.usage
    attributes, events, content, status_message, found = ingest_findings.scanned_columns(
        item, policy
    )
    row = {
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
        "status_message": status_message,
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
        "content": content,
        "attributes": attributes,
        "events": events,
    }
    return row, ingest_findings.finding_rows(item, found) if found else []


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
