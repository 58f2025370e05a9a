"""An organisation price as typed (by the API, the form or the CLI), checked field by field.

The checks are the domain's, so every interface refuses the same input with the same reason,
naming the field: ``InvalidInput.on("effective_to", "must be after effective_from")``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, replace

from aitower.core.errors import InvalidInput
from aitower.cost.names import normalise_provider
from aitower.cost.patterns import ModelPattern
from aitower.cost.pricing import PriceOverride

PRICE_FIELDS = (
    "input_price",
    "output_price",
    "cache_read_price",
    "cache_write_price",
    "reasoning_price",
)
MAX_PRICE = 100_000.0  # USD per million tokens; above any real price, below a typo's
MAX_NOTE = 2000
MIN_DISCOUNT = -100.0  # a premium of at most +100 % (the list price doubled)
_PROVIDER = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class OverrideSpec:
    """The editable fields of an organisation price (prices in USD per million tokens)."""

    provider: str
    model_pattern: str
    effective_from: dt.date
    input_price: float | None = None
    output_price: float | None = None
    cache_read_price: float | None = None
    cache_write_price: float | None = None
    reasoning_price: float | None = None
    discount_percent: float | None = None
    effective_to: dt.date | None = None
    note: str = ""

    def as_override(self, override_id: str) -> PriceOverride:
        return PriceOverride(
            id=override_id,
            provider=self.provider,
            model_pattern=self.model_pattern,
            input=self.input_price,
            output=self.output_price,
            cache_read=self.cache_read_price,
            cache_write=self.cache_write_price,
            reasoning=self.reasoning_price,
            discount_percent=self.discount_percent,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
        )


def _number(field: str, value: float | None, upper: float, lower: float = 0.0) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput.on(field, "must be a number")
    if value < lower:
        raise InvalidInput.on(
            field, "must not be negative" if lower == 0 else f"must be at least {lower:g}"
        )
    if value > upper:
        raise InvalidInput.on(field, f"must be at most {upper:g}")
    return float(value)


def check_override(spec: OverrideSpec) -> OverrideSpec:
    """The spec normalised (provider name, pattern case), or InvalidInput naming the field."""
    provider = normalise_provider(spec.provider or "")
    if provider is None:
        raise InvalidInput.on("provider", "must not be empty")
    if len(provider) > 100 or not _PROVIDER.match(provider):
        raise InvalidInput.on(
            "provider", "must be a provider name such as openai, anthropic or aws.bedrock"
        )
    try:
        pattern = ModelPattern.of(spec.model_pattern or "")
    except ValueError as exc:
        raise InvalidInput.on("model_pattern", str(exc)) from None
    prices = {f: _number(f, getattr(spec, f), MAX_PRICE) for f in PRICE_FIELDS}
    # A negative discount is a premium (Azure data-zone / regional deployments: -10 = +10 %).
    discount = _number("discount_percent", spec.discount_percent, 100.0, MIN_DISCOUNT)
    if discount is None and all(v is None for v in prices.values()):
        raise InvalidInput.on("discount_percent", "give a discount or at least one price")
    if not isinstance(spec.effective_from, dt.date):
        raise InvalidInput.on("effective_from", "is required (YYYY-MM-DD)")
    if spec.effective_to is not None and spec.effective_to <= spec.effective_from:
        raise InvalidInput.on("effective_to", "must be after effective_from")
    note = (spec.note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput.on("note", f"must be at most {MAX_NOTE} characters")
    return replace(
        spec,
        provider=provider,
        model_pattern=pattern.text,
        input_price=prices["input_price"],
        output_price=prices["output_price"],
        cache_read_price=prices["cache_read_price"],
        cache_write_price=prices["cache_write_price"],
        reasoning_price=prices["reasoning_price"],
        discount_percent=discount,
        note=note,
    )
