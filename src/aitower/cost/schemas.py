"""API shapes of prices. Inputs forbid unknown fields; the domain checks the values."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.cost.catalog import CatalogEntry
from aitower.cost.overrides import OverrideSpec
from aitower.cost.quotes import Quote
from aitower.cost.service import OverrideView

Price = Field(default=None, description="USD per million tokens; empty: the catalog's price")

OVERRIDE_EXAMPLE: dict[str, Any] = {
    "provider": "openai",
    "model_pattern": "gpt-4o*",
    "discount_percent": 15,
    "effective_from": "2026-01-01",
    "note": "Enterprise agreement 2026",
}


class CatalogEntryOut(BaseModel):
    id: str
    provider: str
    patterns: list[str]
    input: float
    output: float
    cache_read: float | None
    cache_write: float | None
    reasoning: float | None
    source: str
    as_of: dt.date
    note: str

    @classmethod
    def of(cls, entry: CatalogEntry) -> CatalogEntryOut:
        p = entry.prices
        return cls(
            id=entry.id,
            provider=entry.provider,
            patterns=[pattern.text for pattern in entry.patterns],
            input=p.input,
            output=p.output,
            cache_read=p.cache_read,
            cache_write=p.cache_write,
            reasoning=p.reasoning,
            source=entry.source,
            as_of=entry.as_of,
            note=entry.note,
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
        default=None, description="Percent off the catalog for the kinds not priced here"
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
    source: str = Field(description="override, catalog or unpriced")
    entry_id: str | None
    pattern: str | None
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
