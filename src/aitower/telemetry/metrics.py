"""Figures of the monitoring views, summed from rollup cells in one pass (pure).

A cell is one rollup row: one time bucket, one system (or unclaimed service) and one model. Sums
are additive; latency percentiles come from merging the cells' log-bucket histograms
(``telemetry.histogram``), so they stay within 1 % of the exact nearest-rank percentile of the
raw root-span durations whichever cells are merged. Rates and per-request figures are derived
only at the end, from the sums, never averaged across cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from aitower.telemetry import histogram
from aitower.telemetry.ranges import floor


class RollupCell(Protocol):
    @property
    def bucket_start(self) -> datetime: ...
    @property
    def system_key(self) -> str: ...
    @property
    def model(self) -> str: ...
    @property
    def requests(self) -> int: ...
    @property
    def errors(self) -> int: ...
    @property
    def latency_sum_ms(self) -> float: ...
    @property
    def latency_hist(self) -> Mapping[str, int] | None: ...
    @property
    def llm_calls(self) -> int: ...
    @property
    def llm_errors(self) -> int: ...
    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def cache_read_tokens(self) -> int: ...
    @property
    def reasoning_tokens(self) -> int: ...
    @property
    def cost(self) -> float: ...
    @property
    def unpriced_calls(self) -> int: ...
    @property
    def unpriced_tokens(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Figures:
    """What a tile row shows for one scope and period. Latencies in milliseconds, cost in USD;
    None where there is nothing to divide by or no latency recorded."""

    requests: int
    errors: int
    error_rate: float | None
    latency_avg_ms: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None
    llm_calls: int
    llm_errors: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    reasoning_tokens: int
    total_tokens: int
    cost: float
    cost_per_request: float | None
    unpriced_calls: int
    unpriced_tokens: int


@dataclass(slots=True)
class Sums:
    """A running sum of cells; ``figures()`` derives rates and percentiles from it."""

    requests: int = 0
    errors: int = 0
    latency_sum_ms: float = 0.0
    hist: histogram.Histogram = field(default_factory=dict)
    llm_calls: int = 0
    llm_errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0
    unpriced_tokens: int = 0

    def add(self, cell: RollupCell, *, with_latency: bool = True) -> None:
        self.requests += cell.requests
        self.errors += cell.errors
        self.latency_sum_ms += cell.latency_sum_ms
        if with_latency and cell.requests and cell.latency_hist:
            histogram.merge_into(self.hist, cell.latency_hist)
        self.llm_calls += cell.llm_calls
        self.llm_errors += cell.llm_errors
        self.input_tokens += cell.input_tokens
        self.output_tokens += cell.output_tokens
        self.cache_read_tokens += cell.cache_read_tokens
        self.reasoning_tokens += cell.reasoning_tokens
        self.cost += cell.cost
        self.unpriced_calls += cell.unpriced_calls
        self.unpriced_tokens += cell.unpriced_tokens

    def figures(self) -> Figures:
        p50, p95, p99 = histogram.quantiles(self.hist, (0.50, 0.95, 0.99))
        per = self.requests or None
        return Figures(
            requests=self.requests,
            errors=self.errors,
            error_rate=None if per is None else self.errors / per,
            latency_avg_ms=None if per is None else self.latency_sum_ms / per,
            latency_p50_ms=p50,
            latency_p95_ms=p95,
            latency_p99_ms=p99,
            llm_calls=self.llm_calls,
            llm_errors=self.llm_errors,
            input_tokens=self.input_tokens,
            output_tokens=self.output_tokens,
            cache_read_tokens=self.cache_read_tokens,
            reasoning_tokens=self.reasoning_tokens,
            total_tokens=self.input_tokens + self.output_tokens,
            cost=round(self.cost, 10),
            cost_per_request=None if per is None else self.cost / per,
            unpriced_calls=self.unpriced_calls,
            unpriced_tokens=self.unpriced_tokens,
        )


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    at: datetime
    figures: Figures


@dataclass(frozen=True, slots=True)
class ModelUsage:
    model: str
    calls: int
    errors: int
    input_tokens: int
    output_tokens: int
    cost: float
    unpriced_calls: int
    unpriced_tokens: int


@dataclass(slots=True)
class Summary:
    """Everything one pass over the cells of a scope and range yields."""

    totals: Sums
    by_bucket: dict[datetime, Sums]
    by_system: dict[str, Sums]
    by_model: dict[str, Sums]
    cost_by_system_bucket: dict[str, dict[datetime, float]]

    def series(self) -> list[SeriesPoint]:
        return [SeriesPoint(at, sums.figures()) for at, sums in self.by_bucket.items()]

    def models(self, limit: int | None = None) -> list[ModelUsage]:
        """LLM models by calls (then cost), most used first."""
        found = [
            ModelUsage(
                name,
                s.llm_calls,
                s.llm_errors,
                s.input_tokens,
                s.output_tokens,
                round(s.cost, 10),
                s.unpriced_calls,
                s.unpriced_tokens,
            )
            for name, s in self.by_model.items()
            if name and s.llm_calls
        ]
        found.sort(key=lambda m: (-m.calls, -m.cost, m.model))
        return found if limit is None else found[:limit]

    def unpriced(self) -> list[ModelUsage]:
        """Models some of whose calls had no price, most tokens first."""
        found = [m for m in self.models() if m.unpriced_calls]
        found.sort(key=lambda m: (-m.unpriced_tokens, m.model))
        return found


def summarize(cells: Iterable[RollupCell], buckets: list[datetime], step: timedelta) -> Summary:
    """Sum the cells into totals, chart buckets (every bucket kept, empty ones as zeros),
    systems and models. Cells outside the buckets count in the totals only."""
    summary = Summary(Sums(), {at: Sums() for at in buckets}, {}, {}, {})
    for cell in cells:
        summary.totals.add(cell)
        bucket = summary.by_bucket.get(floor(cell.bucket_start, step))
        if bucket is not None:
            bucket.add(cell)
        system = summary.by_system.get(cell.system_key)
        if system is None:
            system = summary.by_system[cell.system_key] = Sums()
            summary.cost_by_system_bucket[cell.system_key] = {}
        system.add(cell)
        if cell.cost:
            costs = summary.cost_by_system_bucket[cell.system_key]
            at = floor(cell.bucket_start, step)
            costs[at] = costs.get(at, 0.0) + cell.cost
        if cell.model:
            model = summary.by_model.get(cell.model)
            if model is None:
                model = summary.by_model[cell.model] = Sums()
            model.add(cell, with_latency=False)
    return summary
