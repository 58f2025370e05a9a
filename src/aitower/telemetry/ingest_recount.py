"""Counting each provider call once when the spans of one trace arrive in several requests.

``calls.counted_calls`` says which call spans of a trace count, from the spans known. A request
is prepared alone (``mark_repeats``: the usual case, a whole trace in one export, needs nothing
more). When the write transaction finds that a trace already had spans stored, or that the
group of requests it writes holds several parts of one trace, it works out the answer again
over everything stored plus the new spans and returns what to add or take back
(``corrections``): a wrapper span that arrives after the call it wraps is not counted; a call
span that arrives after its wrapper was counted takes the count over, and the wrapper's usage,
cost, calls and errors are subtracted from the trace, the rollups, the user's and session's
counters and the source. The result depends only on the set of spans, not on arrival order.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.cost.usage import TokenUsage
from aitower.telemetry.aggregate import BatchSums, PricedSpan
from aitower.telemetry.calls import CallNode, counted_calls
from aitower.telemetry.records import DecodedSpan, LlmFacts, SpanType
from aitower.telemetry.semconv import response_id
from aitower.telemetry.tables import SpanRow, TraceRow

_CALL_TYPES = (SpanType.llm.value, SpanType.embedding.value)


def node_of(item: PricedSpan) -> CallNode:
    span, usage = item.span, item.facts.usage
    if usage is None:
        return CallNode(span.span_id, span.parent_span_id, False)
    return CallNode(
        span.span_id,
        span.parent_span_id,
        True,
        item.facts.model,
        item.facts.response_id,
        span.start_unix_nano,
        span.end_unix_nano,
        (usage.input, usage.output),
    )


def mark_repeats(items: list[PricedSpan]) -> list[PricedSpan]:
    """``items`` with the repeats among one request's spans marked ``counted=False``."""
    calls: dict[str, list[PricedSpan]] = defaultdict(list)
    for item in items:
        if item.facts.usage is not None:
            calls[item.span.trace_id].append(item)
    several = [found for found in calls.values() if len(found) > 1]
    if not several:
        return items
    parents = {(i.span.trace_id, i.span.span_id): i.span.parent_span_id for i in items}
    suspects = {found[0].span.trace_id for found in several if _may_repeat(found, parents)}
    if not suspects:
        return items
    by_trace: dict[str, list[PricedSpan]] = defaultdict(list)
    for item in items:
        if item.span.trace_id in suspects:
            by_trace[item.span.trace_id].append(item)
    counted: set[tuple[str, str]] = set()
    for trace_id, members in by_trace.items():
        counted.update((trace_id, s) for s in counted_calls(node_of(m) for m in members))
    return [
        replace(item, counted=False)
        if item.facts.usage is not None
        and item.span.trace_id in suspects
        and (item.span.trace_id, item.span.span_id) not in counted
        else item
        for item in items
    ]


def _may_repeat(found: list[PricedSpan], parents: dict[tuple[str, str], str | None]) -> bool:
    """Whether a rule of ``calls`` may leave one of a trace's calls ``found`` uncounted: only
    if two share a response id (rule 2) or their input and output tokens (a twin, rule 1b), or
    one has another among its ancestors in ``parents`` (nested, rule 1a). The usual trace (an
    agent's calls side by side, each answered once) has none of these, and every call counts
    without building the rules' nodes (``counted_calls`` would say the same)."""
    ids = [i.facts.response_id for i in found if i.facts.response_id]
    if len(set(ids)) < len(ids):
        return True
    tokens = {(i.facts.usage.input, i.facts.usage.output) for i in found if i.facts.usage}
    if len(tokens) < len(found):
        return True
    trace_id = found[0].span.trace_id
    is_call = {i.span.span_id for i in found}
    for item in found:
        parent, steps = item.span.parent_span_id, 0
        while parent is not None and steps < len(parents):  # steps: a cycle of parents ends
            if parent in is_call:
                return True
            parent, steps = parents.get((trace_id, parent)), steps + 1
    return False


def stored_as_counted(session: Session, trace_ids: Sequence[str]) -> list[PricedSpan]:
    """The stored spans of ``trace_ids`` as ingest counted them: rebuilt from their rows, each
    call marked by the rule over its whole stored trace (``calls``). Moving a span's history
    to another system subtracts and adds exactly this."""
    found = _stored_spans(session, list(trace_ids), set())
    items: list[PricedSpan] = []
    for members in found.values():
        counted = counted_calls(node_of(m) for m in members)
        items.extend(
            replace(m, counted=False)
            if m.facts.usage is not None and m.span.span_id not in counted
            else m
            for m in members
        )
    return items


def corrections(
    session: Session,
    fresh: Sequence[PricedSpan],
    groups: int,
    earlier: Collection[str] | None = None,
) -> BatchSums | None:
    """What to add so that every call of the traces ``fresh`` touched is counted once.

    ``fresh`` are the spans this transaction inserted, each marked by its own request
    (``mark_repeats``); ``groups`` is how many requests they came from; ``earlier``, where the
    insert said, the traces among them that had spans stored before (None: not known, looked
    up). Runs in the write transaction, after the insert and before the sums are added. None
    when nothing changes.
    """
    by_trace: dict[str, list[PricedSpan]] = defaultdict(list)
    for item in fresh:
        by_trace[item.span.trace_id].append(item)
    # A trace with no span stored before has nothing to correct unless several requests of
    # this group hold its calls (each request marked its own): its stored count is not needed.
    known = list(by_trace) if earlier is None else [t for t in by_trace if t in earlier]
    stored = _stored_calls(session, known) if known else {}
    suspects = [
        t
        for t, items in by_trace.items()
        if stored.get(t, 0) + sum(i.facts.usage is not None for i in items) > 1
        and (t in stored or groups > 1)
    ]
    if not suspects:
        return None
    old = _stored_spans(session, suspects, {(i.span.trace_id, i.span.span_id) for i in fresh})
    changes: list[tuple[PricedSpan, int]] = []
    for trace_id in suspects:
        changes.extend(_changes(old.get(trace_id, []), by_trace[trace_id]))
    return BatchSums.recount(changes) if changes else None


def _changes(old: list[PricedSpan], new: list[PricedSpan]) -> Iterable[tuple[PricedSpan, int]]:
    before = counted_calls(node_of(item) for item in old)
    after = counted_calls(node_of(item) for item in [*old, *new])
    for item in old:
        if item.facts.usage is None:
            continue
        was, now = item.span.span_id in before, item.span.span_id in after
        if was != now:
            yield item, 1 if now else -1
    for item in new:
        if item.facts.usage is None:
            continue
        now = item.span.span_id in after
        if item.counted != now:
            yield item, 1 if now else -1


def _stored_calls(session: Session, trace_ids: list[str]) -> dict[str, int]:
    """Each already stored trace among ``trace_ids`` and the calls it counts so far."""
    found: dict[str, int] = {}
    for start in range(0, len(trace_ids), 500):
        part = trace_ids[start : start + 500]
        rows = session.execute(
            select(TraceRow.trace_id, TraceRow.llm_calls).where(TraceRow.trace_id.in_(part))
        )
        found.update({str(t): int(n) for t, n in rows.all()})
    return found


def _stored_spans(
    session: Session, trace_ids: list[str], skip: set[tuple[str, str]]
) -> dict[str, list[PricedSpan]]:
    """The spans stored before this transaction in ``trace_ids``, as ingest saw them."""
    c = SpanRow.__table__.c
    found: dict[str, list[PricedSpan]] = defaultdict(list)
    for start in range(0, len(trace_ids), 500):
        rows = session.execute(
            select(
                *(c[name] for name in _COLUMNS),
            ).where(c.trace_id.in_(trace_ids[start : start + 500]))
        ).mappings()
        for row in rows:
            if (row["trace_id"], row["span_id"]) not in skip:
                found[row["trace_id"]].append(_item(row))
    return found


# The columns a stored span's sums were built from (``reattribution_moves`` reads these too).
PRICED_COLUMNS = (
    "trace_id",
    "span_id",
    "parent_span_id",
    "service_name",
    "name",
    "kind",
    "span_type",
    "start_time",
    "duration_ms",
    "status_code",
    "model",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cost",
    "cost_source",
    "user_id",
    "session_id",
)
_COLUMNS = (*PRICED_COLUMNS, "system_id", "attributes")


def _item(row: Any) -> PricedSpan:
    """A stored span as the ``PricedSpan`` ingest made of it (what its sums were built from)."""
    start: datetime = row["start_time"]
    start_nanos = int(start.timestamp()) * 10**9 + start.microsecond * 1_000
    span = DecodedSpan(
        {"service.name": row["service_name"]},
        "",
        row["trace_id"],
        row["span_id"],
        row["parent_span_id"],
        row["name"],
        row["kind"],
        start_nanos,
        start_nanos + int(row["duration_ms"] * 1e6),
        row["status_code"],
        "",
        {},
    )
    is_call = row["span_type"] in _CALL_TYPES and row["input_tokens"] is not None
    usage = (
        TokenUsage(
            row["input_tokens"] or 0,
            row["output_tokens"] or 0,
            row["cache_read_tokens"] or 0,
            row["cache_write_tokens"] or 0,
            row["reasoning_tokens"] or 0,
        )
        if is_call
        else None
    )
    facts = LlmFacts(
        SpanType(row["span_type"]),
        request_model=row["model"],
        usage=usage,
        user_id=row["user_id"],
        session_id=row["session_id"],
        response_id=response_id(row["attributes"] or {}) if is_call else None,
    )
    system_id: uuid.UUID | None = row["system_id"]
    system_key = str(system_id) if system_id else f"service:{row['service_name']}"
    return PricedSpan.of(span, facts, system_key, row["cost"], row["cost_source"], start)
