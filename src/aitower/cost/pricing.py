"""Pricing one LLM call: the span's own cost, else the organisation's price, else the data.

Rules, in order:

1. A cost the span already carries (``LlmFacts.carried_cost``, finite and >= 0) wins: the
   instrumentation saw the bill. Source ``"span"``.
2. An organisation override for the call's provider whose model pattern matches and which is in
   effect on the call's UTC day (``effective_from`` inclusive, ``effective_to`` exclusive or
   open) wins over the price data; among several, the most specific pattern, then the latest
   ``effective_from``. Source ``"override"``.
3. The price data in force (genai-prices, ``price_data``): the provider's model as the package
   matches it (its fallbacks: Azure → OpenAI's list, Vertex → Anthropic's, …); a span naming no
   provider, or one the data does not know, is matched by the model's name. The price in
   effect at the call's time (dated prices), with the call's service tier or batch variant.
   Source ``"catalog"``.
4. Otherwise the call is **unpriced**: cost None, never 0, so a missing price shows up.

Service tier: the span's ``service_tier`` (OpenAI's ``priority``, ``flex``, ``default``…)
selects the data's ``service_tier`` variant; ``batch`` selects ``processing=batch``. As in
the package, a model priced through a fallback provider takes no variant.

An override gives per-kind prices, a discount percent off the data's price, or both. With only
a discount every rate (tiers included) is scaled; a **negative** discount is a premium (Azure
data-zone and regional deployments: +10 %). A kind it prices is used as given (then the tiers
no longer apply); every other kind is the data's price less the discount. An override that
needs the data for a kind the data lacks does not apply.

``PriceBook.price`` runs for every LLM span at ingest, so the resolution (name matching,
override choice, Decimal → float) is memoised per (provider, model, UTC day, service tier)
(and, for the few models with off-peak hours, which of their prices is in effect): after the
first call of a day, pricing is one dict lookup plus float arithmetic.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from genai_prices.types import StartDateConstraint

from aitower.cost.names import (
    aitower_provider,
    genai_provider_id,
    name_candidates,
    normalise_provider,
)
from aitower.cost.patterns import ModelPattern
from aitower.cost.price_data import Found, PriceData, changes_within_a_day, conditional_prices
from aitower.cost.tariffs import ListPrices, Tariff, cost_of, listed_and_tiers
from aitower.cost.usage import TokenUsage

PriceSource = Literal["span", "override", "catalog", "unpriced"]
MEMO_LIMIT = 200_000  # keys kept before the memo starts over
_UTC = dt.UTC
_ZERO = dt.timedelta(0)
_INTRADAY = object()  # memo marker: this model's price changes within a day


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
    discount_percent: float | None = None  # negative: a premium
    effective_from: dt.date = dt.date.min
    effective_to: dt.date | None = None  # exclusive; None: open-ended

    def in_effect(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    @property
    def gives_prices(self) -> bool:
        return any(
            v is not None
            for v in (self.input, self.output, self.cache_read, self.cache_write, self.reasoning)
        )


@dataclass(frozen=True, slots=True)
class PricedCall:
    cost: float | None  # USD; None only when unpriced
    source: PriceSource
    entry_id: str | None = None
    pattern: str | None = None


def price_context(service_tier: str | None) -> Mapping[str, str] | None:
    """The genai-prices price context of a call's service tier (None: standard)."""
    tier = (service_tier or "").strip().lower()
    if not tier:
        return None
    if tier == "batch":
        return {"processing": "batch"}
    return {"service_tier": tier}


def override_tariff(override: PriceOverride, base: Tariff | None, pattern: str) -> Tariff | None:
    """The override's prices over the (discounted) data's; None when it cannot price alone."""
    factor = 1.0 - (override.discount_percent or 0.0) / 100.0
    common = {
        "source": "override",
        "entry_id": override.id,
        "pattern": pattern,
        "provider": override.provider,
        "catalog_entry": None if base is None else base.entry_id,
        "discount_percent": override.discount_percent,
    }
    if not override.gives_prices:
        return None if base is None else replace(base.scaled(factor), **common)  # type: ignore[arg-type]
    listed = base.listed if base is not None else None

    def kind(given: float | None, listed_price: float | None) -> float | None:
        if given is not None:
            return given
        return None if listed_price is None else listed_price * factor

    tokens_in = kind(override.input, listed.input if listed else None)
    tokens_out = kind(override.output, listed.output if listed else None)
    if tokens_in is None or tokens_out is None:
        return None
    merged = ListPrices(
        tokens_in,
        tokens_out,
        kind(override.cache_read, listed.cache_read if listed else None),
        kind(override.cache_write, listed.cache_write if listed else None),
        None if listed is None or listed.cache_write_1h is None else listed.cache_write_1h * factor,
        kind(override.reasoning, listed.reasoning if listed else None),
        0.0 if listed is None else listed.per_call * factor,
    )
    return Tariff(merged.rates(), listed=merged, **common)  # type: ignore[arg-type]


def utc_day(at: dt.datetime) -> dt.date:
    if at.tzinfo is _UTC:  # the common case, on the ingest hot path
        return at.date()
    offset = at.utcoffset()
    return at.date() if offset is None or offset == _ZERO else at.astimezone(_UTC).date()


def _utc(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=_UTC) if at.tzinfo is None else at.astimezone(_UTC)


def _price_from(found: Found, at: dt.datetime) -> dt.date | None:
    """The start date of the dated price in effect (the package's last-active rule)."""
    for conditional in reversed(conditional_prices(found.model)):
        constraint = conditional.constraint
        if constraint is None or constraint.active(at):
            return constraint.start_date if isinstance(constraint, StartDateConstraint) else None
    return None


def catalog_tariff(
    found: Found, at: dt.datetime, service_tier: str | None = None, data_label: str = ""
) -> Tariff | None:
    """The data's tariff of a found model at ``at`` (dated price, variant); None when the
    model's price cannot price tokens."""
    context = None if found.via_fallback else price_context(service_tier)
    moment = _utc(at)
    built = listed_and_tiers(found.model.get_prices(moment, context))
    if built is None:
        return None
    listed, tiers = built
    return Tariff(
        listed.rates(),
        "catalog",
        found.entry_id,
        found.ref,
        aitower_provider(found.list_provider or found.provider.id),
        tiers=tiers,
        listed=listed,
        variant=None if context is None else ",".join(f"{k}={v}" for k, v in context.items()),
        price_from=_price_from(found, moment),
        data_label=data_label,
    )


@dataclass(frozen=True, slots=True)
class _Resolution:
    """What a (provider, model) resolves to at any time: the data's model and the overrides."""

    found: Found | None
    overrides: tuple[tuple[PriceOverride, str], ...]  # usable ones, in order of preference
    intraday: bool
    data_label: str

    def slot(self, at: dt.datetime) -> int:
        """Which of the model's prices is in effect at ``at`` (the package's last-active
        rule): the memo key of a model whose price changes within a day."""
        assert self.found is not None
        prices = conditional_prices(self.found.model)
        moment = _utc(at)
        for index in range(len(prices) - 1, -1, -1):
            constraint = prices[index].constraint
            if constraint is None or constraint.active(moment):
                return index
        return 0

    def on(self, at: dt.datetime, service_tier: str | None) -> Tariff | None:
        base = None
        if self.found is not None:
            base = catalog_tariff(self.found, at, service_tier, self.data_label)
        day = utc_day(at)
        for override, pattern in self.overrides:
            if override.in_effect(day):
                tariff = override_tariff(override, base, pattern)
                if tariff is not None:
                    return tariff
        return base


class PriceBook:
    """The price data and the organisation's overrides, ready to price calls (thread-safe
    reads: the memo is a dict whose entries are only ever added whole)."""

    def __init__(self, data: PriceData, overrides: Iterable[PriceOverride] = ()) -> None:
        self.data = data
        self.overrides = tuple(overrides)
        self._overrides_by_provider: dict[str, list[tuple[PriceOverride, ModelPattern]]] = {}
        for override in self.overrides:
            pattern = ModelPattern.of(override.model_pattern)
            self._overrides_by_provider.setdefault(override.provider, []).append(
                (override, pattern)
            )
        self._resolutions: dict[tuple[str | None, str | None], _Resolution] = {}
        self._memo: dict[tuple[object, ...], object] = {}

    def price(
        self,
        provider: str | None,
        model: str | None,
        usage: TokenUsage,
        at: dt.datetime,
        carried_cost: float | None = None,
        service_tier: str | None = None,
    ) -> PricedCall:
        """The cost of one call and where its price came from (rules in the module docstring)."""
        if carried_cost is not None and carried_cost >= 0 and math.isfinite(carried_cost):
            return PricedCall(float(carried_cost), "span")
        tariff = self.lookup(provider, model, at, service_tier)
        if tariff is None:
            return PricedCall(None, "unpriced")
        return PricedCall(cost_of(tariff, usage), tariff.source, tariff.entry_id, tariff.pattern)

    def lookup(
        self,
        provider: str | None,
        model: str | None,
        at: dt.datetime,
        service_tier: str | None = None,
    ) -> Tariff | None:
        """The tariff a call of ``model`` at ``provider`` pays at ``at``; None when unpriced."""
        key = (provider, model, utc_day(at), service_tier)
        found = self._memo.get(key, self)
        if found is not self and found is not _INTRADAY:
            return found  # type: ignore[return-value]
        if found is self:
            resolution = self._resolution(provider, model)
            if not resolution.intraday:
                tariff = resolution.on(at, service_tier)
                self._remember(key, tariff)
                return tariff
            self._remember(key, _INTRADAY)
        resolution = self._resolution(provider, model)
        timed = (provider, model, key[2], service_tier, resolution.slot(at))
        cached = self._memo.get(timed, self)
        if cached is self:
            cached = resolution.on(at, service_tier)
            self._remember(timed, cached)
        return cached  # type: ignore[return-value]

    def _remember(self, key: tuple[object, ...], value: object) -> None:
        if len(self._memo) >= MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = value

    def _resolution(self, provider: str | None, model: str | None) -> _Resolution:
        key = (provider, model)
        found = self._resolutions.get(key)
        if found is None:
            found = self._resolve(provider, model)
            if len(self._resolutions) >= MEMO_LIMIT:
                self._resolutions.clear()
            self._resolutions[key] = found
        return found

    def _find(self, provider: str | None, model: str) -> Found | None:
        genai_id = genai_provider_id(provider)
        if genai_id is not None and genai_id != "litellm" and self.data.provider(genai_id) is None:
            genai_id = None  # a provider the data does not know: found by the model's name
        return self.data.find(genai_id, model)

    def _resolve(self, provider: str | None, model: str | None) -> _Resolution:
        label = self.data.label
        if not model or not model.strip():
            return _Resolution(None, (), False, label)
        found = self._find(provider, model)
        named = normalise_provider(provider)
        owner = (
            named
            if named is not None
            else (aitower_provider(found.provider.id) if found is not None else None)
        )
        candidates = name_candidates(model)
        ranked = []
        for override, pattern in self._overrides_by_provider.get(owner or "", ()):
            rank = next((i for i, name in enumerate(candidates) if pattern.matches(name)), None)
            if rank is not None:
                sort_key = (rank, -pattern.specificity, -override.effective_from.toordinal())
                ranked.append((sort_key, override.id, override, pattern.text))
        ranked.sort(key=lambda item: (item[0], item[1]))
        intraday = found is not None and changes_within_a_day(found.model)
        return _Resolution(found, tuple((o, p) for _, _, o, p in ranked), intraday, label)
