"""What a call would cost and why: the tariff, each token kind's share and a sentence.

Used by the quote API, the CLI and the prices page, so a person can check any cost aitower
shows against the price list and the token counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aitower.cost.names import normalise_provider
from aitower.cost.pricing import PriceBook, PricedCall
from aitower.cost.tariffs import PER_MILLION, Tariff
from aitower.cost.usage import TokenUsage


@dataclass(frozen=True, slots=True)
class QuoteLine:
    kind: str  # input, cache_read, cache_write, cache_write_1h, output, reasoning, per_call
    tokens: int
    price_per_million: float  # per call for the kind per_call
    cost: float


@dataclass(frozen=True, slots=True)
class Quote:
    provider: str | None  # normalised
    model: str | None
    at: dt.datetime
    priced: PricedCall
    tariff: Tariff | None
    lines: tuple[QuoteLine, ...]
    explanation: str
    service_tier: str | None = None


def _lines(tariff: Tariff, usage: TokenUsage) -> tuple[QuoteLine, ...]:
    cached = usage.cache_read + usage.cache_write
    uncached = usage.input - cached if usage.input >= cached else usage.input
    total_in = usage.input if usage.input >= cached else usage.input + cached
    rates = tariff.rates_for(max(total_in, 0))
    write_1h = min(max(usage.cache_write_1h, 0), max(usage.cache_write, 0))
    plain_out = usage.output - usage.reasoning if usage.output >= usage.reasoning else usage.output
    counts = (
        ("input", uncached, rates.input),
        ("cache_read", usage.cache_read, rates.cache_read),
        ("cache_write", usage.cache_write - write_1h, rates.cache_write),
        ("cache_write_1h", write_1h, rates.cache_write_1h),
        ("output", plain_out, rates.output),
        ("reasoning", usage.reasoning, rates.reasoning),
    )
    lines = [
        QuoteLine(kind, max(tokens, 0), price, max(tokens, 0) * price / PER_MILLION)
        for kind, tokens, price in counts
        if kind != "cache_write_1h" or tokens
    ]
    if rates.per_call:
        lines.append(QuoteLine("per_call", 1, rates.per_call, rates.per_call))
    return tuple(lines)


def _catalog_sentence(provider: str | None, tariff: Tariff) -> str:
    parts = [f"Price data entry {tariff.entry_id} (matched as {tariff.pattern!r})"]
    if provider is not None and tariff.provider != provider:
        parts.append(f"{tariff.provider}'s list price: {provider} lists no own price")
    if tariff.variant:
        parts.append(f"variant {tariff.variant}")
    if tariff.tiers:
        starts = ", ".join(f"{t.above:,}" for t in tariff.tiers)
        parts.append(f"context tiers above {starts} input tokens")
    if tariff.price_from:
        parts.append(f"price in effect from {tariff.price_from.isoformat()}")
    if tariff.data_label:
        parts.append(f"from {tariff.data_label}")
    return parts[0] + ("; " + "; ".join(parts[1:]) if parts[1:] else "") + "."


def _explain(provider: str | None, model: str | None, tariff: Tariff | None) -> str:
    if tariff is None:
        named = f"{model!r} at {provider or 'an unnamed provider'}"
        return (
            f"No price for {named}: the call is unpriced (its tokens are kept, its cost is "
            "unknown, never zero). Add an organisation price to price it."
        )
    if tariff.source == "override":
        base = f" over price data entry {tariff.catalog_entry}" if tariff.catalog_entry else ""
        off = ""
        if tariff.discount_percent and tariff.discount_percent > 0:
            off = f", {tariff.discount_percent:g}% off the list price"
        elif tariff.discount_percent:
            off = f", {-tariff.discount_percent:g}% premium over the list price"
        return f"Organisation price {tariff.entry_id} (pattern {tariff.pattern!r}){base}{off}."
    return _catalog_sentence(provider, tariff)


def quote(
    book: PriceBook,
    provider: str | None,
    model: str | None,
    usage: TokenUsage,
    at: dt.datetime,
    service_tier: str | None = None,
) -> Quote:
    """The cost of ``usage`` for ``model`` at ``provider`` on ``at``, itemised and explained."""
    tariff = book.lookup(provider, model, at, service_tier)
    priced = book.price(provider, model, usage, at, service_tier=service_tier)
    normalised = normalise_provider(provider)
    return Quote(
        provider=normalised,
        model=model,
        at=at,
        priced=priced,
        tariff=tariff,
        lines=() if tariff is None else _lines(tariff, usage),
        explanation=_explain(normalised, model, tariff),
        service_tier=service_tier,
    )
