"""Sums that ingest adds to traces, rollups, per-user/session counters and sources.

Pure: given the spans of one request that were newly stored (already linked and priced), say
what to add where. Each span adds to its trace and to exactly one rollup row per granularity,
so nothing is counted twice, and an agent span repeating its children's usage adds no tokens
(its ``usage`` is None, see ``semconv``).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol

from aitower.telemetry import histogram
from aitower.telemetry.records import DecodedSpan, LlmFacts

ERROR_STATUS = 2


@dataclass(frozen=True, slots=True)
class PricedSpan:
    """A newly stored span with what ingest learnt about it (times computed once: hot path)."""

    span: DecodedSpan
    facts: LlmFacts
    system_key: str  # system id, or "service:<service.name>"
    cost: float | None  # None: not an LLM call, or an LLM call without a price
    cost_source: str | None
    start: datetime
    end: datetime
    duration_ms: float
    is_root: bool
    is_error: bool
    # False for a call span that repeats another one's call (``calls``): stored and shown, its
    # usage, cost and errors counted nowhere.
    counted: bool = True

    @classmethod
    def of(
        cls,
        span: DecodedSpan,
        facts: LlmFacts,
        system_key: str,
        cost: float | None,
        cost_source: str | None,
        start: datetime | None = None,
    ) -> PricedSpan:
        return cls(
            span,
            facts,
            system_key,
            cost,
            cost_source,
            nanos_to_datetime(span.start_unix_nano) if start is None else start,
            nanos_to_datetime(span.end_unix_nano),
            max(0, span.end_unix_nano - span.start_unix_nano) / 1e6,
            span.parent_span_id is None,
            span.status_code == ERROR_STATUS,
        )


@functools.lru_cache(maxsize=4096)
def system_id(system_key: str) -> uuid.UUID | None:
    """The system id in a rollup key, or None for an unregistered ``service:`` source."""
    return None if system_key.startswith("service:") else uuid.UUID(system_key)


def clean(text: str) -> str:
    """Text without NUL characters (PostgreSQL cannot store them; OTLP strings may hold them)."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def nanos_to_datetime(nanos: int) -> datetime:
    return datetime.fromtimestamp(nanos / 1e9, UTC)


@dataclass(slots=True)
class RollupSums:
    spans: int = 0
    requests: int = 0
    errors: int = 0
    latency_sum_ms: float = 0.0
    latency_hist: histogram.Histogram = field(default_factory=dict)
    llm_calls: int = 0
    llm_errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0
    unpriced_tokens: int = 0

    def add(self, item: PricedSpan) -> None:
        self.spans += 1
        if item.is_root:
            self.requests += 1
            self.errors += int(item.is_error)
            self.latency_sum_ms += item.duration_ms
            histogram.add(self.latency_hist, item.duration_ms)
        if item.counted and item.facts.usage is not None:  # spares a call (hot path)
            self.add_call(item, 1)

    def add_call(self, item: PricedSpan, sign: int) -> None:
        """Count (``sign`` 1) or stop counting (-1) the LLM call ``item`` describes."""
        usage = item.facts.usage
        if usage is None:
            return
        self.llm_calls += sign
        self.llm_errors += sign * int(item.is_error)
        self.input_tokens += sign * usage.input
        self.output_tokens += sign * usage.output
        self.cache_read_tokens += sign * usage.cache_read
        self.cache_write_tokens += sign * usage.cache_write
        self.reasoning_tokens += sign * usage.reasoning
        if item.cost is None:
            self.unpriced_calls += sign
            self.unpriced_tokens += sign * usage.total
        else:
            self.cost += sign * item.cost

    def copy(self) -> RollupSums:
        twin = RollupSums()
        twin.merge(self)
        return twin

    def merge(self, other: RollupSums) -> None:
        """Add ``other``'s sums (histograms by bucket) to these."""
        self.spans += other.spans
        self.requests += other.requests
        self.errors += other.errors
        self.latency_sum_ms += other.latency_sum_ms
        histogram.merge_into(self.latency_hist, other.latency_hist)
        self.llm_calls += other.llm_calls
        self.llm_errors += other.llm_errors
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.reasoning_tokens += other.reasoning_tokens
        self.cost += other.cost
        self.unpriced_calls += other.unpriced_calls
        self.unpriced_tokens += other.unpriced_tokens


RollupKey = tuple[datetime, str, str]  # bucket start, system key, model ("" when not an LLM call)


def minute_bucket(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def hour_bucket(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def six_hour_bucket(moment: datetime) -> datetime:
    return moment.replace(hour=moment.hour - moment.hour % 6, minute=0, second=0, microsecond=0)


def day_bucket(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def coarser(
    sums: Mapping[RollupKey, RollupSums], bucket: Callable[[datetime], datetime]
) -> dict[RollupKey, RollupSums]:
    """The same sums in coarser buckets (minutes into hours, hours into six hours and days).

    Every finer bucket lies in exactly one coarser one, so this equals summing the spans
    with the coarser ``bucket``, for the cost of one merge per finer row instead of one
    addition per span.
    """
    out: dict[RollupKey, RollupSums] = {}
    for (start, system_key, model), add in sums.items():
        key = (bucket(start), system_key, model)
        found = out.get(key)
        if found is None:
            found = out[key] = RollupSums()
        found.merge(add)
    return out


@dataclass(slots=True)
class TraceSums:
    """What one request adds to a trace row; the root span, when present, names the trace."""

    system_key: str
    service_name: str
    start: datetime
    end: datetime
    root_name: str | None = None
    root_duration_ms: float | None = None
    span_count: int = 0
    llm_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0
    error: bool = False
    model: str | None = None
    user_id: str | None = None
    session_id: str | None = None

    def add(self, item: PricedSpan) -> None:
        self.span_count += 1
        self.start = min(self.start, item.start)
        self.end = max(self.end, item.end)
        self.error = self.error or item.is_error
        facts = item.facts
        if item.is_root:
            self.root_name = item.span.name[:500]
            self.root_duration_ms = item.duration_ms
        self.user_id = self.user_id or facts.user_id
        self.session_id = self.session_id or facts.session_id
        if item.counted and item.facts.usage is not None:  # spares a call (hot path)
            self.add_call(item, 1)

    def add_call(self, item: PricedSpan, sign: int) -> None:
        usage = item.facts.usage
        if usage is None:
            return
        self.llm_calls += sign
        self.input_tokens += sign * usage.input
        self.output_tokens += sign * usage.output
        self.model = self.model or item.facts.model
        if item.cost is None:
            self.unpriced_calls += sign
        else:
            self.cost += sign * item.cost

    def copy(self) -> TraceSums:
        return replace(self)

    def merge(self, other: TraceSums) -> None:
        """Add what ``other`` (later spans of the same trace) adds, as ``add`` would have."""
        self.span_count += other.span_count
        self.start = min(self.start, other.start)
        self.end = max(self.end, other.end)
        self.error = self.error or other.error
        if other.root_name is not None:
            self.root_name = other.root_name
            self.root_duration_ms = other.root_duration_ms
        self.user_id = self.user_id or other.user_id
        self.session_id = self.session_id or other.session_id
        self.llm_calls += other.llm_calls
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.model = self.model or other.model
        self.cost += other.cost
        self.unpriced_calls += other.unpriced_calls

    @property
    def duration_ms(self) -> float:
        if self.root_duration_ms is not None:
            return self.root_duration_ms
        return (self.end - self.start).total_seconds() * 1000.0


@dataclass(slots=True)
class KeySums:
    requests: int = 0
    llm_calls: int = 0
    tokens: int = 0
    cost: float = 0.0

    def add(self, item: PricedSpan) -> None:
        self.requests += int(item.is_root)
        if item.counted and item.facts.usage is not None:  # spares a call (hot path)
            self.add_call(item, 1)

    def add_call(self, item: PricedSpan, sign: int) -> None:
        usage = item.facts.usage
        if usage is not None:
            self.llm_calls += sign
            self.tokens += sign * usage.total
            self.cost += sign * (item.cost or 0.0)

    def copy(self) -> KeySums:
        return replace(self)

    def merge(self, other: KeySums) -> None:
        self.requests += other.requests
        self.llm_calls += other.llm_calls
        self.tokens += other.tokens
        self.cost += other.cost


KeyKey = tuple[date, str, str, str]  # day, system key, "user" | "session", value


@dataclass(slots=True)
class SourceSums:
    first_seen: datetime
    last_seen: datetime
    spans: int = 0
    llm_calls: int = 0
    tokens: int = 0
    models: set[str] = field(default_factory=set)

    def add(self, item: PricedSpan, model: str) -> None:
        """Count ``item``; ``model`` is its model, cleaned and cut ("" if not an LLM call)."""
        if item.start < self.first_seen:
            self.first_seen = item.start
        elif item.start > self.last_seen:
            self.last_seen = item.start
        self.spans += 1
        if item.facts.usage is not None and model:
            self.models.add(model)
        if item.counted and item.facts.usage is not None:  # spares a call (hot path)
            self.add_call(item, 1)

    def add_call(self, item: PricedSpan, sign: int) -> None:
        usage = item.facts.usage
        if usage is not None:
            self.llm_calls += sign
            self.tokens += sign * usage.total

    def copy(self) -> SourceSums:
        return replace(self, models=set(self.models))

    def merge(self, other: SourceSums) -> None:
        self.first_seen = min(self.first_seen, other.first_seen)
        self.last_seen = max(self.last_seen, other.last_seen)
        self.spans += other.spans
        self.llm_calls += other.llm_calls
        self.tokens += other.tokens
        self.models |= other.models


@dataclass(slots=True)
class BatchSums:
    """All that a batch of newly stored spans adds: to its traces, to the minute rollups (the
    coarser ones are derived, ``coarser``), to the users' and sessions' day counters and to
    the sources. Batches merge, so a group of requests writes one set of sums."""

    traces: dict[str, TraceSums]
    minutes: dict[RollupKey, RollupSums]
    keys: dict[KeyKey, KeySums]
    sources: dict[str, SourceSums]

    @classmethod
    def of(cls, items: Iterable[PricedSpan]) -> BatchSums:
        """The sums of ``items``, in one pass (the ingest hot path: each span adds to its trace,
        its minute, its user's and session's day and its source)."""
        sums = cls({}, {}, {}, {})
        names = _Cleaned()
        for item in items:
            span, facts = item.span, item.facts
            trace = sums.traces.get(span.trace_id)
            if trace is None:
                trace = sums.traces[span.trace_id] = TraceSums(
                    item.system_key, span.service_name, item.start, item.start
                )
            trace.add(item)
            model = names.of(facts.model) if facts.usage is not None else ""
            minute = (minute_bucket(item.start), item.system_key, model)
            rollup = sums.minutes.get(minute)
            if rollup is None:
                rollup = sums.minutes[minute] = RollupSums()
            rollup.add(item)
            if facts.user_id or facts.session_id:
                sums._add_keys(item)
            name = names.of(span.service_name)
            source = sums.sources.get(name)
            if source is None:
                source = sums.sources[name] = SourceSums(item.start, item.start)
            source.add(item, model)
        return sums

    @classmethod
    def recount(cls, changes: Iterable[tuple[PricedSpan, int]]) -> BatchSums:
        """What to add when stored spans change whether they are counted (``calls``): each
        ``(item, sign)`` adds (1) or takes back (-1) only the LLM-call part of ``item``'s
        sums, in the rows it already added to (spans, requests and latency do not move)."""
        sums = cls({}, {}, {}, {})
        names = _Cleaned()
        for item, sign in changes:
            span, facts = item.span, item.facts
            trace = sums.traces.get(span.trace_id)
            if trace is None:
                trace = sums.traces[span.trace_id] = TraceSums(
                    item.system_key, span.service_name, item.start, item.start
                )
            trace.add_call(item, sign)
            minute = (minute_bucket(item.start), item.system_key, names.of(facts.model))
            sums.minutes.setdefault(minute, RollupSums()).add_call(item, sign)
            day = item.start.date()
            for kind, value in (("user", facts.user_id), ("session", facts.session_id)):
                if value:
                    key = (day, item.system_key, kind, value[:200])
                    sums.keys.setdefault(key, KeySums()).add_call(item, sign)
            source = sums.sources.setdefault(
                names.of(span.service_name), SourceSums(item.start, item.start)
            )
            source.add_call(item, sign)
        return sums

    def _add_keys(self, item: PricedSpan) -> None:
        facts, day = item.facts, item.start.date()
        for kind, value in (("user", facts.user_id), ("session", facts.session_id)):
            if value:
                key = (day, item.system_key, kind, value[:200])
                found = self.keys.get(key)
                if found is None:
                    found = self.keys[key] = KeySums()
                found.add(item)

    @classmethod
    def merged(cls, batches: Sequence[BatchSums]) -> BatchSums:
        """The sums of all ``batches`` together; the batches themselves are left as they were
        (a group that fails is retried request by request, with each one's own sums)."""
        if len(batches) == 1:
            return batches[0]
        total = cls({}, {}, {}, {})
        for batch in batches:
            total.merge(batch)
        return total

    def merge(self, other: BatchSums) -> None:
        _merge_into(self.traces, other.traces)
        _merge_into(self.minutes, other.minutes)
        _merge_into(self.keys, other.keys)
        _merge_into(self.sources, other.sources)


class _Mergeable(Protocol):
    def copy(self) -> Any: ...

    def merge(self, other: Any, /) -> None: ...


def _merge_into(target: dict[Any, Any], other: Mapping[Any, _Mergeable]) -> None:
    """Add ``other``'s sums into ``target``; never shares or changes ``other``'s objects."""
    for key, value in other.items():
        found = target.get(key)
        if found is None:
            target[key] = value.copy()
        else:
            found.merge(value)


class _Cleaned:
    """Names (models, services) as stored: NUL-free and at most 200 characters, each worked
    out once per batch (a batch names a few models and services thousands of times)."""

    def __init__(self) -> None:
        self._done: dict[str | None, str] = {}

    def of(self, name: str | None) -> str:
        found = self._done.get(name)
        if found is None:
            found = self._done[name] = clean((name or "")[:200])
        return found
