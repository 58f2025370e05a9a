"""What a call would cost and why: the tariff, each token kind's share and a sentence.

Used by the quote API, the CLI and the prices page, so a person can check any cost aitower
shows against the price list and the token counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aitower.cost.names import normalise_provider
from aitower.cost.pricing import PER_MILLION, PriceBook, PricedCall, Tariff
from aitower.cost.usage import TokenUsage


@dataclass(frozen=True, slots=True)
class QuoteLine:
    kind: str  # input, cache_read, cache_write, output, reasoning
    tokens: int
    price_per_million: float
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


def _lines(tariff: Tariff, usage: TokenUsage) -> tuple[QuoteLine, ...]:
    cached = usage.cache_read + usage.cache_write
    uncached = usage.input - cached if usage.input >= cached else usage.input
    plain_out = usage.output - usage.reasoning if usage.output >= usage.reasoning else usage.output
    counts = (
        ("input", uncached, tariff.input),
        ("cache_read", usage.cache_read, tariff.cache_read),
        ("cache_write", usage.cache_write, tariff.cache_write),
        ("output", plain_out, tariff.output),
        ("reasoning", usage.reasoning, tariff.reasoning),
    )
    return tuple(
        QuoteLine(kind, max(tokens, 0), price, max(tokens, 0) * price / PER_MILLION)
        for kind, tokens, price in counts
    )


def _explain(provider: str | None, model: str | None, tariff: Tariff | None) -> str:
    if tariff is None:
        named = f"{model!r} at {provider or 'an unnamed provider'}"
        return (
            f"No price for {named}: the call is unpriced (its tokens are kept, its cost is "
            "unknown, never zero). Add an organisation price to price it."
        )
    if tariff.source == "override":
        base = f" over catalog entry {tariff.catalog_entry}" if tariff.catalog_entry else ""
        off = f", {tariff.discount_percent:g}% off the catalog" if tariff.discount_percent else ""
        return f"Organisation price {tariff.entry_id} (pattern {tariff.pattern!r}){base}{off}."
    reseller = (
        f" ({tariff.provider}'s list price: {provider} has no own entry)"
        if provider is not None and tariff.provider != provider
        else ""
    )
    return f"Catalog entry {tariff.entry_id} (pattern {tariff.pattern!r}){reseller}."


def quote(
    book: PriceBook,
    provider: str | None,
    model: str | None,
    usage: TokenUsage,
    at: dt.datetime,
) -> Quote:
    """The cost of ``usage`` for ``model`` at ``provider`` on ``at``, itemised and explained."""
    tariff = book.lookup(provider, model, at)
    priced = book.price(provider, model, usage, at)
    normalised = normalise_provider(provider)
    return Quote(
        provider=normalised,
        model=model,
        at=at,
        priced=priced,
        tariff=tariff,
        lines=() if tariff is None else _lines(tariff, usage),
        explanation=_explain(normalised, model, tariff),
    )
