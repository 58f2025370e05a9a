"""API shapes of prices. Inputs forbid unknown fields; the domain checks the values."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.cost.data_store import PriceDataView
from aitower.cost.overrides import OverrideSpec
from aitower.cost.price_list import PriceRow
from aitower.cost.quotes import Quote
from aitower.cost.service import OverrideView
from aitower.cost.tariffs import ListPrices

Price = Field(default=None, description="USD per million tokens; empty: the list price")

OVERRIDE_EXAMPLE: dict[str, Any] = {
    "provider": "openai",
    "model_pattern": "gpt-4o*",
    "discount_percent": 15,
    "effective_from": "2026-01-01",
    "note": "Enterprise agreement 2026",
}


class ListPricesOut(BaseModel):
    input: float | None
    output: float | None
    cache_read: float | None
    cache_write: float | None
    cache_write_1h: float | None
    reasoning: float | None
    per_call: float = Field(description="USD per call (0: none)")

    @classmethod
    def of(cls, listed: ListPrices) -> ListPricesOut:
        return cls(**asdict(listed))


class TierOut(BaseModel):
    above_input_tokens: int = Field(description="Applies to all tokens of a call above this")
    input: float
    output: float
    cache_read: float
    cache_write: float


class DatedPriceOut(BaseModel):
    starts: dt.date | None
    window: str | None
    in_effect: bool
    prices: ListPricesOut


class VariantOut(BaseModel):
    when: str = Field(description="e.g. processing=batch, service_tier=priority")
    starts: dt.date | None
    prices: ListPricesOut


class PriceRowOut(BaseModel):
    """A model of the price data in force, USD per million tokens."""

    id: str
    provider: str
    provider_id: str
    model_id: str
    name: str
    priceable: bool = Field(description="false: aitower leaves its calls unpriced")
    prices: ListPricesOut | None
    tiers: list[TierOut]
    dated_prices: list[DatedPriceOut]
    variants: list[VariantOut]
    context_window: int | None
    deprecated: bool
    sources: list[str]
    data: str = Field(description="The price data the row comes from, with its version")

    @classmethod
    def of(cls, row: PriceRow, data_label: str) -> PriceRowOut:
        return cls(
            id=f"{row.provider_id}/{row.model_id}",
            provider=row.provider,
            provider_id=row.provider_id,
            model_id=row.model_id,
            name=row.model_name,
            priceable=row.priceable,
            prices=None if row.listed is None else ListPricesOut.of(row.listed),
            tiers=[
                TierOut(
                    above_input_tokens=t.above,
                    input=t.rates.input,
                    output=t.rates.output,
                    cache_read=t.rates.cache_read,
                    cache_write=t.rates.cache_write,
                )
                for t in row.tiers
            ],
            dated_prices=[
                DatedPriceOut(
                    starts=d.starts,
                    window=d.window,
                    in_effect=d.in_effect,
                    prices=ListPricesOut.of(d.listed),
                )
                for d in row.prices
            ],
            variants=[
                VariantOut(when=v.when, starts=v.starts, prices=ListPricesOut.of(v.listed))
                for v in row.variants
            ],
            context_window=row.context_window,
            deprecated=row.deprecated,
            sources=list(row.sources),
            data=data_label,
        )


class PriceDataIn(BaseModel):
    """A newer data file of genai-prices' published format, or a return to the bundled data."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"label": "genai-prices data 2026-12-01", "data": []}]},
    )

    label: str = Field(default="", max_length=200, description="e.g. where and when it was got")
    data: list[Any] | None = Field(
        default=None, description="The file's content: a JSON list of providers"
    )
    bundled: bool = Field(default=False, description="true: go back to the bundled data")


class PriceDataOut(BaseModel):
    id: uuid.UUID | None = Field(description="null: the bundled data, never changed")
    label: str
    bundled: bool
    sha256: str | None
    providers: int
    models: int
    package_version: str = Field(description="The genai-prices version that reads the data")
    loaded_by: str | None
    loaded_at: dt.datetime | None

    @classmethod
    def of(cls, view: PriceDataView) -> PriceDataOut:
        return cls(
            id=view.id,
            label=view.label,
            bundled=view.bundled,
            sha256=view.sha256,
            providers=view.provider_count,
            models=view.model_count,
            package_version=view.package_version,
            loaded_by=view.loaded_by,
            loaded_at=view.loaded_at,
        )


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [OVERRIDE_EXAMPLE]})

    provider: str = Field(max_length=100, description="e.g. openai, anthropic, aws.bedrock")
    model_pattern: str = Field(
        max_length=200, description="Model name or glob (* any, ? one), without provider prefix"
    )
    input_price: float | None = Price
    output_price: float | None = Price
    cache_read_price: float | None = Price
    cache_write_price: float | None = Price
    reasoning_price: float | None = Price
    discount_percent: float | None = Field(
        default=None,
        description="Percent off the list price for the kinds not priced here; negative: a "
        "premium (-10 = +10 %, e.g. Azure data-zone deployments)",
    )
    effective_from: dt.date = Field(description="First day in force (UTC), inclusive")
    effective_to: dt.date | None = Field(
        default=None, description="First day no longer in force (exclusive); empty: open-ended"
    )
    note: str = Field(default="", max_length=2000)

    def spec(self) -> OverrideSpec:
        return OverrideSpec(**self.model_dump())


class OverridePatch(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"effective_to": "2026-07-01"}]}
    )

    provider: str | None = Field(default=None, max_length=100)
    model_pattern: str | None = Field(default=None, max_length=200)
    input_price: float | None = None
    output_price: float | None = None
    cache_read_price: float | None = None
    cache_write_price: float | None = None
    reasoning_price: float | None = None
    discount_percent: float | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)

    def changes(self) -> dict[str, Any]:
        """The fields sent (a price sent as null clears it; provider/pattern/dates must be
        given a value, or the domain says which field is missing)."""
        return self.model_dump(exclude_unset=True)


class OverrideOut(BaseModel):
    id: uuid.UUID
    provider: str
    model_pattern: str
    input_price: float | None
    output_price: float | None
    cache_read_price: float | None
    cache_write_price: float | None
    reasoning_price: float | None
    discount_percent: float | None
    effective_from: dt.date
    effective_to: dt.date | None
    note: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, view: OverrideView) -> OverrideOut:
        return cls(
            id=view.id,
            created_by=view.created_by,
            created_at=view.created_at,
            updated_at=view.updated_at,
            **{k: getattr(view.spec, k) for k in OverrideSpec.__dataclass_fields__},
        )


class QuoteLineOut(BaseModel):
    kind: str
    tokens: int
    price_per_million: float
    cost: float


class QuoteOut(BaseModel):
    provider: str | None
    model: str | None
    at: dt.datetime
    cost: float | None = Field(description="USD; null when unpriced (never silently zero)")
    source: str = Field(description="override, catalog (the price data) or unpriced")
    entry_id: str | None
    pattern: str | None
    service_tier: str | None
    variant: str | None = Field(description="The price variant applied, e.g. processing=batch")
    tiers_above: list[int] = Field(description="Context tiers of the price (input tokens)")
    price_from: dt.date | None = Field(description="First day of the dated price applied")
    lines: list[QuoteLineOut]
    explanation: str

    @classmethod
    def of(cls, found: Quote) -> QuoteOut:
        return cls(
            provider=found.provider,
            model=found.model,
            at=found.at,
            cost=found.priced.cost,
            source=found.priced.source,
            entry_id=found.priced.entry_id,
            pattern=found.priced.pattern,
            service_tier=found.service_tier,
            variant=None if found.tariff is None else found.tariff.variant,
            tiers_above=[] if found.tariff is None else [t.above for t in found.tariff.tiers],
            price_from=None if found.tariff is None else found.tariff.price_from,
            lines=[
                QuoteLineOut(
                    kind=line.kind,
                    tokens=line.tokens,
                    price_per_million=line.price_per_million,
                    cost=line.cost,
                )
                for line in found.lines
            ],
            explanation=found.explanation,
        )
