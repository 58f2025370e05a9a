"""A model's price as floats, ready to multiply, and the cost of one call at it.

Built from a genai-prices ``ModelPrice`` (Decimal, per million tokens, optional context tiers)
once per (model, day, price context), so the ingest hot path computes in float.

Cost in USD, prices per million tokens. ``TokenUsage.input`` includes cache reads and writes
(and the 1-hour cache writes within them), ``output`` includes reasoning tokens, so::

    cost = ( (input - cache_read - cache_write) * p_input
           + cache_read * p_cache_read
           + (cache_write - cache_write_1h) * p_cache_write + cache_write_1h * p_cache_write_1h
           + (output - reasoning) * p_output + reasoning * p_reasoning ) / 1e6
           + p_per_call

which is genai-prices' decomposition of usage into leaf units. A price the data does not give
falls back as the package's decomposition implies: cache read and cache write → input, 1-hour
cache write → cache write, reasoning → output (the tokens are then counted in their parent
unit); no input or output price means those tokens are not charged (an embedding's output).
If an instrumentation reports cache tokens *beside* input (input < cache_read + cache_write,
Anthropic's own usage shape) the input count is taken as the uncached part; likewise
reasoning beside output.

**Context tiers** follow the package's cliff rule: when the call's total input tokens (cached
ones included) exceed a tier's start, that tier's price applies to *all* tokens of that kind.
Kinds may have tiers of their own; each kind takes its highest tier whose start is below the
total input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from genai_prices.types import ModelPrice, TieredPrices

from aitower.cost.usage import TokenUsage

PER_MILLION = 1_000_000.0
# aitower's token kinds and the genai-prices price keys they read.
PRICE_KEYS: dict[str, str] = {
    "input": "input_mtok",
    "output": "output_mtok",
    "cache_read": "cache_read_mtok",
    "cache_write": "cache_write_mtok",
    "cache_write_1h": "cache_write_1h_mtok",
    "reasoning": "output_reasoning_mtok",
}
PER_CALL_KEY = "requests_kcount"  # USD per thousand requests


@dataclass(frozen=True, slots=True)
class ListPrices:
    """Prices per million tokens as listed; None: not listed (see the fallbacks above)."""

    input: float | None = None
    output: float | None = None
    cache_read: float | None = None
    cache_write: float | None = None
    cache_write_1h: float | None = None
    reasoning: float | None = None
    per_call: float = 0.0  # USD per call

    def rates(self) -> Rates:
        tokens_in = self.input if self.input is not None else 0.0
        tokens_out = self.output if self.output is not None else 0.0
        write = tokens_in if self.cache_write is None else self.cache_write
        return Rates(
            tokens_in,
            tokens_out,
            tokens_in if self.cache_read is None else self.cache_read,
            write,
            write if self.cache_write_1h is None else self.cache_write_1h,
            tokens_out if self.reasoning is None else self.reasoning,
            self.per_call,
        )


@dataclass(frozen=True, slots=True)
class Rates:
    """The price of each kind, fallbacks resolved: USD per million tokens, and per call."""

    input: float
    output: float
    cache_read: float
    cache_write: float
    cache_write_1h: float
    reasoning: float
    per_call: float = 0.0

    def scaled(self, factor: float) -> Rates:
        return Rates(
            self.input * factor,
            self.output * factor,
            self.cache_read * factor,
            self.cache_write * factor,
            self.cache_write_1h * factor,
            self.reasoning * factor,
            self.per_call * factor,
        )


@dataclass(frozen=True, slots=True)
class TierRates:
    """Rates in force when the call's total input tokens exceed ``above``."""

    above: int
    rates: Rates


@dataclass(frozen=True, slots=True)
class Tariff:
    """The rates a call pays and where they come from."""

    base: Rates  # below every tier
    source: Literal["override", "catalog"]
    entry_id: str  # "<genai provider>/<model id>" of the price data, or the override's id
    pattern: str  # the model name that matched, or the override's pattern
    provider: str  # whose list price it is (aitower's name when it has one)
    tiers: tuple[TierRates, ...] = ()  # ascending ``above``
    listed: ListPrices | None = None  # the base prices as listed (what overrides build on)
    catalog_entry: str | None = None  # the data's entry an override built on, if any
    discount_percent: float | None = None  # negative: a premium
    variant: str | None = None  # the price context applied, e.g. "service_tier=priority"
    price_from: dt.date | None = None  # first day of the dated price used, if dated
    data_label: str = ""

    # The base rates by kind, as the quote and the pages read them.
    @property
    def input(self) -> float:
        return self.base.input

    @property
    def output(self) -> float:
        return self.base.output

    @property
    def cache_read(self) -> float:
        return self.base.cache_read

    @property
    def cache_write(self) -> float:
        return self.base.cache_write

    @property
    def reasoning(self) -> float:
        return self.base.reasoning

    def rates_for(self, total_input: int) -> Rates:
        """The rates of a call with ``total_input`` input tokens (the cliff rule)."""
        found = self.base
        for tier in self.tiers:
            if total_input > tier.above:
                found = tier.rates
            else:
                break
        return found

    def scaled(self, factor: float) -> Tariff:
        return replace(
            self,
            base=self.base.scaled(factor),
            tiers=tuple(TierRates(t.above, t.rates.scaled(factor)) for t in self.tiers),
        )

    def cost(self, usage: TokenUsage) -> float:
        return cost_of(self, usage)


def cost_of(tariff: Tariff, usage: TokenUsage) -> float:
    """USD cost of ``usage`` at ``tariff`` (formula in the module docstring)."""
    # Negative counts are read as 0; inlined: this runs for every LLM span at ingest.
    cache_read = usage.cache_read if usage.cache_read > 0 else 0
    cache_write = usage.cache_write if usage.cache_write > 0 else 0
    tokens_in = usage.input if usage.input > 0 else 0
    tokens_out = usage.output if usage.output > 0 else 0
    reasoning = usage.reasoning if usage.reasoning > 0 else 0
    write_1h = usage.cache_write_1h if usage.cache_write_1h > 0 else 0
    cached = cache_read + cache_write
    if tokens_in >= cached:
        uncached, total_in = tokens_in - cached, tokens_in
    else:
        uncached, total_in = tokens_in, tokens_in + cached
    rates = tariff.rates_for(total_in) if tariff.tiers else tariff.base
    plain_write = cache_write - write_1h if cache_write >= write_1h else cache_write
    plain_out = tokens_out - reasoning if tokens_out >= reasoning else tokens_out
    return (
        uncached * rates.input
        + cache_read * rates.cache_read
        + plain_write * rates.cache_write
        + write_1h * rates.cache_write_1h
        + plain_out * rates.output
        + reasoning * rates.reasoning
    ) / PER_MILLION + rates.per_call


def _value(price: Decimal | TieredPrices | None, above: int) -> float | None:
    """A key's price for a call whose total input exceeds ``above`` (-1: the base price)."""
    if price is None:
        return None
    if isinstance(price, TieredPrices):
        chosen = price.base
        for tier in price.tiers:
            if above >= tier.start:
                chosen = tier.price
        return float(chosen)
    return float(price)


def listed_of(price: ModelPrice, above: int = -1) -> ListPrices:
    """The list prices of ``price`` for a call whose total input exceeds ``above``."""
    values = {kind: _value(getattr(price, key), above) for kind, key in PRICE_KEYS.items()}
    per_thousand = getattr(price, PER_CALL_KEY)
    per_call = 0.0 if per_thousand is None else float(per_thousand) / 1000.0
    return ListPrices(per_call=per_call, **values)


def is_priceable(price: ModelPrice) -> bool:
    """Whether a call's token counts can be priced: an input, output or per-call price."""
    return any(
        getattr(price, key) is not None for key in ("input_mtok", "output_mtok", PER_CALL_KEY)
    )


def listed_and_tiers(price: ModelPrice) -> tuple[ListPrices, tuple[TierRates, ...]] | None:
    """The base list prices and the tiers (union of every kind's tier starts) of a price;
    None when it cannot price tokens (a model billed only by audio hours or pages)."""
    if not is_priceable(price):
        return None
    starts: set[int] = set()
    for key in PRICE_KEYS.values():
        value = getattr(price, key)
        if isinstance(value, TieredPrices):
            starts.update(t.start for t in value.tiers)
    tiers = tuple(TierRates(start, listed_of(price, start).rates()) for start in sorted(starts))
    return listed_of(price), tiers
