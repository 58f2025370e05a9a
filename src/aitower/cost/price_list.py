"""The price list as people read it: each model of the data in force, with its source and
date, current list prices, context tiers, dated price changes and batch / service-tier
variants. Pure: the prices page, the API and ``aitower prices list`` show these rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from genai_prices.types import ModelInfo, Provider, StartDateConstraint, TimeOfDateConstraint

from aitower.cost.names import aitower_provider, genai_provider_id
from aitower.cost.price_data import PriceData, conditional_prices
from aitower.cost.tariffs import ListPrices, TierRates, is_priceable, listed_and_tiers, listed_of


@dataclass(frozen=True, slots=True)
class DatedPrice:
    """One of a model's prices over time: from a date, in a daily window, or always."""

    starts: dt.date | None
    window: str | None  # "00:30–16:30 UTC" for off-peak prices
    listed: ListPrices
    in_effect: bool


@dataclass(frozen=True, slots=True)
class VariantPrice:
    """Prices for a request context (``processing=batch``, ``service_tier=priority``): only
    the kinds it lists; the others are the standard price."""

    when: str
    listed: ListPrices
    starts: dt.date | None


@dataclass(frozen=True, slots=True)
class PriceRow:
    provider_id: str  # genai-prices id
    provider: str  # aitower's name for it
    provider_name: str
    model_id: str
    model_name: str
    sources: tuple[str, ...]  # the provider's pricing pages, as the data gives them
    priceable: bool  # has a token or per-call price (else: unpriced in aitower)
    listed: ListPrices | None  # in effect at the moment asked
    tiers: tuple[TierRates, ...]
    prices: tuple[DatedPrice, ...]
    variants: tuple[VariantPrice, ...]
    context_window: int | None
    deprecated: bool
    comments: str


def _window(constraint: TimeOfDateConstraint) -> str:
    return f"{constraint.start_time:%H:%M}–{constraint.end_time:%H:%M} UTC"


def _dated(model: ModelInfo, at: dt.datetime) -> tuple[DatedPrice, ...]:
    found: list[DatedPrice] = []
    chosen = model.get_prices(at)
    for conditional in conditional_prices(model):
        c = conditional.constraint
        found.append(
            DatedPrice(
                c.start_date if isinstance(c, StartDateConstraint) else None,
                _window(c) if isinstance(c, TimeOfDateConstraint) else None,
                listed_of(conditional.prices),
                conditional.prices is chosen,
            )
        )
    return tuple(found)


def _variants(model: ModelInfo) -> tuple[VariantPrice, ...]:
    return tuple(
        VariantPrice(
            ",".join(f"{k}={v}" for k, v in variant.when.items()),
            listed_of(variant.prices),
            variant.constraint.start_date
            if isinstance(variant.constraint, StartDateConstraint)
            else None,
        )
        for variant in model.price_variants or ()
    )


def price_row(provider: Provider, model: ModelInfo, at: dt.datetime) -> PriceRow:
    price = model.get_prices(at)
    built = listed_and_tiers(price)
    return PriceRow(
        provider.id,
        aitower_provider(provider.id),
        provider.name,
        model.id,
        model.name or model.id,
        tuple(provider.pricing_urls or ()),
        is_priceable(price),
        None if built is None else built[0],
        () if built is None else built[1],
        _dated(model, at),
        _variants(model),
        model.context_window,
        bool(model.deprecated),
        model.price_comments or "",
    )


def search_prices(
    data: PriceData, provider: str | None = None, text: str | None = None
) -> list[tuple[Provider, ModelInfo]]:
    """Models of a provider (any spelling; None: all) whose id or name contains ``text``."""
    wanted = genai_provider_id(provider) if provider else None
    needle = (text or "").strip().lower()
    found = []
    for p in data.providers:
        if wanted is not None and p.id != wanted:
            continue
        for model in p.models:
            if not needle or needle in model.id.lower() or needle in (model.name or "").lower():
                found.append((p, model))
    return found
