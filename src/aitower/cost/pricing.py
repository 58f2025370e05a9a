"""Pricing one LLM call: the span's own cost, else the organisation's price, else the catalog.

Rules, in order:

1. A cost the span already carries (``LlmFacts.carried_cost``, finite and >= 0) wins: the
   instrumentation saw the bill. Source ``"span"``.
2. An organisation override for the call's provider whose model pattern matches and which is in
   effect on the call's UTC day (``effective_from`` inclusive, ``effective_to`` exclusive or
   open) wins over the catalog; among several, the most specific pattern, then the latest
   ``effective_from``. Source ``"override"``.
3. The catalog: the provider's entry; a host without its own entry falls back to the maker's
   list price (``names.RESELLS``); a span naming no known provider is matched against the
   makers' own model names (``names.MAKERS``). Source ``"catalog"``.
4. Otherwise the call is **unpriced**: cost None, never 0, so a missing price shows up.

Cost in USD, prices per million tokens. ``TokenUsage.input`` includes cache reads and writes
and ``output`` includes reasoning tokens, so::

    cost = ( (input - cache_read - cache_write) * p_input
           + cache_read * p_cache_read + cache_write * p_cache_write
           + (output - reasoning) * p_output + reasoning * p_reasoning ) / 1e6

A missing cache-read or cache-write price is the input price (no discount is assumed, so a
cache never makes a call look cheaper than it was billed); a missing reasoning price is the
output price (how every listed provider bills thinking). If an instrumentation reports cache
tokens *beside* input (input < cache_read + cache_write, Anthropic's own usage shape) the input
count is taken as the uncached part; likewise reasoning beside output.

An override gives per-kind prices, a discount percent off the catalog, or both: a kind it
prices is used as given; every other kind is the catalog's price less the discount. An
override that needs the catalog for a kind the catalog lacks does not apply.

``PriceBook.price`` runs for every LLM span at ingest, so the model resolution (name
normalisation, pattern matching, override choice) is memoised per (provider, model, UTC day):
after the first call of a day, pricing is one dict lookup plus arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from aitower.cost.catalog import Catalog, CatalogEntry, ModelPattern, Prices, best_match
from aitower.cost.names import MAKERS, RESELLS, maker_of, name_candidates, normalise_provider
from aitower.cost.usage import TokenUsage

PriceSource = Literal["span", "override", "catalog", "unpriced"]
PER_MILLION = 1_000_000.0
MEMO_LIMIT = 200_000  # (provider, model, day) keys kept before the memo starts over
_UTC = dt.UTC
_ZERO = dt.timedelta(0)


@dataclass(frozen=True, slots=True)
class PriceOverride:
    """An organisation's price for a provider's models matching a pattern, for a period."""

    id: str
    provider: str  # normalised (names.normalise_provider)
    model_pattern: str
    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None
    reasoning: float | None = None
    discount_percent: float | None = None
    effective_from: dt.date = dt.date.min
    effective_to: dt.date | None = None  # exclusive; None: open-ended

    def in_effect(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)


@dataclass(frozen=True, slots=True)
class Tariff:
    """The resolved price per million tokens of each kind (no fallbacks left) and its origin."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    reasoning: float
    source: Literal["override", "catalog"]
    entry_id: str  # the catalog entry id, or the override's id
    pattern: str  # the model pattern that matched
    provider: str  # whose price it is (a maker's for a reseller fallback)
    catalog_entry: str | None = None  # the catalog entry an override built on, if any
    discount_percent: float | None = None

    def cost(self, usage: TokenUsage) -> float:
        return cost_of(self, usage)


@dataclass(frozen=True, slots=True)
class PricedCall:
    cost: float | None  # USD; None only when unpriced
    source: PriceSource
    entry_id: str | None = None
    pattern: str | None = None


def _count(value: int) -> int:
    return value if value > 0 else 0


def cost_of(tariff: Tariff, usage: TokenUsage) -> float:
    """USD cost of ``usage`` at ``tariff`` (formula in the module docstring)."""
    cache_read, cache_write = _count(usage.cache_read), _count(usage.cache_write)
    reasoning, tokens_in, tokens_out = (
        _count(usage.reasoning),
        _count(usage.input),
        _count(usage.output),
    )
    cached = cache_read + cache_write
    uncached = tokens_in - cached if tokens_in >= cached else tokens_in
    plain_out = tokens_out - reasoning if tokens_out >= reasoning else tokens_out
    return (
        uncached * tariff.input
        + cache_read * tariff.cache_read
        + cache_write * tariff.cache_write
        + plain_out * tariff.output
        + reasoning * tariff.reasoning
    ) / PER_MILLION


def _resolved(prices: Prices) -> tuple[float, float, float, float, float]:
    """(input, output, cache_read, cache_write, reasoning) with the documented fallbacks."""
    return (
        prices.input,
        prices.output,
        prices.input if prices.cache_read is None else prices.cache_read,
        prices.input if prices.cache_write is None else prices.cache_write,
        prices.output if prices.reasoning is None else prices.reasoning,
    )


def catalog_tariff(entry: CatalogEntry, candidates: Sequence[str]) -> Tariff:
    i, o, cr, cw, r = _resolved(entry.prices)
    return Tariff(
        i, o, cr, cw, r, "catalog", entry.id, entry.pattern_for(candidates), entry.provider
    )


def override_tariff(
    override: PriceOverride, entry: CatalogEntry | None, pattern: str
) -> Tariff | None:
    """The override's prices over the (discounted) catalog's; None when it cannot price alone."""
    factor = 1.0 - (override.discount_percent or 0.0) / 100.0
    base = entry.prices if entry is not None else None

    def kind(given: float | None, catalog: float | None) -> float | None:
        if given is not None:
            return given
        return None if catalog is None else catalog * factor

    tokens_in = kind(override.input, base.input if base else None)
    tokens_out = kind(override.output, base.output if base else None)
    if tokens_in is None or tokens_out is None:
        return None
    merged = Prices(
        tokens_in,
        tokens_out,
        kind(override.cache_read, base.cache_read if base else None),
        kind(override.cache_write, base.cache_write if base else None),
        kind(override.reasoning, base.reasoning if base else None),
    )
    i, o, cr, cw, r = _resolved(merged)
    return Tariff(
        i,
        o,
        cr,
        cw,
        r,
        "override",
        override.id,
        pattern,
        override.provider,
        catalog_entry=None if entry is None else entry.id,
        discount_percent=override.discount_percent,
    )


@dataclass(frozen=True, slots=True)
class _Resolution:
    """What a (provider, model) resolves to on any day: catalog tariff and usable overrides."""

    catalog: Tariff | None
    overrides: tuple[tuple[PriceOverride, Tariff], ...]  # in order of preference

    def on(self, day: dt.date) -> Tariff | None:
        for override, tariff in self.overrides:
            if override.in_effect(day):
                return tariff
        return self.catalog


def utc_day(at: dt.datetime) -> dt.date:
    if at.tzinfo is _UTC:  # the common case, on the ingest hot path
        return at.date()
    offset = at.utcoffset()
    return at.date() if offset is None or offset == _ZERO else at.astimezone(_UTC).date()


class PriceBook:
    """The catalog and the organisation's overrides, ready to price calls (thread-safe reads)."""

    def __init__(self, catalog: Catalog, overrides: Iterable[PriceOverride] = ()) -> None:
        self.catalog = catalog
        self.overrides = tuple(overrides)
        self._overrides_by_provider: dict[str, list[tuple[PriceOverride, ModelPattern]]] = {}
        for override in self.overrides:
            pattern = ModelPattern.of(override.model_pattern)
            self._overrides_by_provider.setdefault(override.provider, []).append(
                (override, pattern)
            )
        self._resolutions: dict[tuple[str | None, str | None], _Resolution] = {}
        self._memo: dict[tuple[str | None, str | None, dt.date], Tariff | None] = {}

    def price(
        self,
        provider: str | None,
        model: str | None,
        usage: TokenUsage,
        at: dt.datetime,
        carried_cost: float | None = None,
    ) -> PricedCall:
        """The cost of one call and where its price came from (rules in the module docstring)."""
        if carried_cost is not None and carried_cost >= 0 and math.isfinite(carried_cost):
            return PricedCall(float(carried_cost), "span")
        tariff = self.lookup(provider, model, at)
        if tariff is None:
            return PricedCall(None, "unpriced")
        return PricedCall(cost_of(tariff, usage), tariff.source, tariff.entry_id, tariff.pattern)

    def lookup(self, provider: str | None, model: str | None, at: dt.datetime) -> Tariff | None:
        """The tariff a call of ``model`` at ``provider`` pays at ``at``; None when unpriced."""
        key = (provider, model, utc_day(at))
        try:
            return self._memo[key]
        except KeyError:
            pass
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        tariff = self._resolution(provider, model).on(key[2])
        self._memo[key] = tariff
        return tariff

    def _resolution(self, provider: str | None, model: str | None) -> _Resolution:
        key = (provider, model)
        found = self._resolutions.get(key)
        if found is None:
            found = self._resolve(normalise_provider(provider), model)
            if len(self._resolutions) >= MEMO_LIMIT:
                self._resolutions.clear()
            self._resolutions[key] = found
        return found

    def _resolve(self, provider: str | None, model: str | None) -> _Resolution:
        if not model or not model.strip():
            return _Resolution(None, ())
        candidates = name_candidates(model)
        entry = self._catalog_entry(provider, model, candidates)
        catalog = None if entry is None else catalog_tariff(entry, candidates)
        owner = provider if provider is not None else (entry.provider if entry else None)
        ranked = []
        for override, pattern in self._overrides_by_provider.get(owner or "", ()):
            rank = next((i for i, name in enumerate(candidates) if pattern.matches(name)), None)
            if rank is None:
                continue
            tariff = override_tariff(override, entry, pattern.text)
            if tariff is not None:
                sort_key = (rank, -pattern.specificity, -override.effective_from.toordinal())
                ranked.append((sort_key, override.id, override, tariff))
        ranked.sort(key=lambda item: (item[0], item[1]))
        return _Resolution(catalog, tuple((o, t) for _, _, o, t in ranked))

    def _catalog_entry(
        self, provider: str | None, model: str, candidates: Sequence[str]
    ) -> CatalogEntry | None:
        known = provider is not None and bool(self.catalog.of_provider(provider))
        if provider is not None:
            entry = best_match(self.catalog.of_provider(provider), candidates)
            if entry is not None:
                return entry
            makers = RESELLS.get(provider, ())
            named = maker_of(model)
            for maker in sorted(makers, key=lambda m: m != named):
                entry = best_match(self.catalog.of_provider(maker), candidates)
                if entry is not None:
                    return entry
            if known or provider in RESELLS:
                return None
        for maker in MAKERS:
            entry = best_match(self.catalog.of_provider(maker), candidates)
            if entry is not None:
                return entry
        return None
