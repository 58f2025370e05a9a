"""Figures of the monitoring views, folded from grouped rollup cells (pure).

A cell is one rollup row: one time bucket, one system (or unclaimed service) and one model. Sums
are additive; latency percentiles come from merging the cells' log-bucket histograms
(``telemetry.histogram``), so they stay within 1 % of the exact nearest-rank percentile of the
raw root-span durations whichever cells are merged. Rates and per-request figures are derived
only at the end, from the sums, never averaged across cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aitower.telemetry import histogram

# The summed columns of a rollup cell, in the order the queries select them.
SCALARS = (
    "requests",
    "errors",
    "latency_sum_ms",
    "llm_calls",
    "llm_errors",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "reasoning_tokens",
    "cost",
    "unpriced_calls",
    "unpriced_tokens",
)
PERCENTILES = (0.50, 0.95, 0.99)
# A cell's sums grouped by (chart bucket, system): (bucket, system_key, values in SCALARS order).
ScalarCell = tuple[datetime, str, Sequence[float]]
# One root-span latency histogram of a (chart bucket, system), in the form its rollup row keeps.
HistCell = tuple[datetime, str, histogram.Stored]
# LLM sums of a (system, model): (system_key, model, values in SCALARS order).
ModelCell = tuple[str, str, Sequence[float]]


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
    hist: histogram.Packed = field(default_factory=list)
    llm_calls: int = 0
    llm_errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0
    unpriced_tokens: int = 0

    def add(self, values: Sequence[float]) -> None:
        """Add sums given in ``SCALARS`` order (None counts as zero)."""
        (r, e, lat, c, ce, i, o, cr, rs, cost, uc, ut) = [v or 0 for v in values]
        self.requests += int(r)
        self.errors += int(e)
        self.latency_sum_ms += float(lat)
        self.llm_calls += int(c)
        self.llm_errors += int(ce)
        self.input_tokens += int(i)
        self.output_tokens += int(o)
        self.cache_read_tokens += int(cr)
        self.reasoning_tokens += int(rs)
        self.cost += float(cost)
        self.unpriced_calls += int(uc)
        self.unpriced_tokens += int(ut)

    def figures(self) -> Figures:
        p50, p95, p99 = histogram.quantiles_packed(self.hist, PERCENTILES)
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


def summarize(
    scalars: Iterable[ScalarCell],
    hists: Iterable[HistCell],
    models: Iterable[ModelCell],
    buckets: list[datetime],
) -> Summary:
    """Fold cells already grouped by (chart bucket, system) into totals, buckets (every bucket
    kept, empty ones as zeros) and systems, and model cells into models. Each histogram is
    merged once into its bucket and once into its system; totals merge the systems'. Cells
    outside the chart buckets count in the systems and totals only."""
    summary = Summary(Sums(), {at: Sums() for at in buckets}, {}, {}, {})
    by_bucket, by_system = summary.by_bucket, summary.by_system
    for at, key, values in scalars:
        if at in by_bucket:
            by_bucket[at].add(values)
        system = by_system.get(key)
        if system is None:
            system = by_system[key] = Sums()
        system.add(values)
        cost = float(values[_COST] or 0)
        if cost:
            costs = summary.cost_by_system_bucket.setdefault(key, {})
            costs[at] = costs.get(at, 0.0) + cost
    in_bucket: dict[datetime, list[histogram.Stored]] = {}
    in_system: dict[str, list[histogram.Stored]] = {}
    for at, key, hist in hists:
        if hist:
            if at in by_bucket:
                in_bucket.setdefault(at, []).append(hist)
            in_system.setdefault(key, []).append(hist)
    for at, found in in_bucket.items():
        by_bucket[at].hist = _merged(found)
    for key, found in in_system.items():
        by_system.setdefault(key, Sums()).hist = _merged(found)
    # Totals from the few per-system sums: merging every cell's histogram again would double
    # the histogram work for nothing.
    for sums in by_system.values():
        summary.totals.add([getattr(sums, name) for name in SCALARS])
    summary.totals.hist = histogram.merged_stored([s.hist for s in by_system.values()])
    for _, model, values in models:
        summary.by_model.setdefault(model, Sums()).add(values)
    return summary


_COST = SCALARS.index("cost")


def _merged(hists: list[histogram.Stored]) -> histogram.Packed:
    """One histogram of several; a lone packed one is used as it is (nothing merges into it
    later: a one-system dashboard's chart buckets each hold one)."""
    only = hists[0]
    if len(hists) == 1 and isinstance(only, list):
        return only
    return histogram.merged_stored(hists)
