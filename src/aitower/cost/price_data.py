"""The LLM price data in force: genai-prices' bundled data, or a newer file of its format.

`genai-prices <https://github.com/pydantic/genai-prices>`_ (Pydantic) maintains the list
prices of the major providers with their context tiers, cache prices, batch and service-tier
variants, dated price changes and the matching of model names (Bedrock's regional inference
profiles, dated snapshots, resellers falling back to the maker's price). aitower uses its
**bundled** data, nothing is fetched at run time; ``aitower prices update FILE`` loads a newer
data file of the published format (``prices/data.json``: a JSON list of providers) offline.

Lookups use the package's own matching (``DataSnapshot.find_provider_model``), so a name
resolves in aitower exactly as in ``genai_prices.calc_price``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

import pydantic
from genai_prices import __version__ as PACKAGE_VERSION
from genai_prices.data_snapshot import DataSnapshot, find_provider_by_id
from genai_prices.types import (
    ConditionalPrice,
    ModelInfo,
    ModelPrice,
    Provider,
    TimeOfDateConstraint,
    _providers_from_raw,
    _validate_model_price_value,
)
from genai_prices.units import _get_registry
from genai_prices.validation import validate_model_price

from aitower.cost.names import model_refs

__all__ = ["PACKAGE_VERSION", "Found", "PriceData", "PriceDataError", "bundled_price_data"]
MAX_BYTES = 50_000_000  # a published file is ~0.4 MB


class PriceDataError(ValueError):
    """A price data file that cannot be used; the message says where and what is wrong."""


@dataclass(frozen=True, slots=True)
class Found:
    """The model a name resolved to, and whose price list it is on."""

    provider: Provider  # the provider asked for (or found by the model's name)
    model: ModelInfo
    ref: str  # the name that matched
    via_fallback: bool  # the model is on another provider's list (provider's fallback)
    list_provider: str = ""  # whose list the model is on (the provider's own id if empty)

    @property
    def entry_id(self) -> str:
        return f"{self.list_provider or self.provider.id}/{self.model.id}"


@dataclass(frozen=True)
class PriceData:
    """Providers and their models, with where the data came from."""

    providers: tuple[Provider, ...]
    label: str  # "genai-prices 0.2.5 (bundled)" or the loaded file's label
    bundled: bool
    sha256: str | None = None  # of the loaded file; None for the bundled data
    loaded_at: datetime | None = None
    loaded_by: str | None = None
    _snapshot: DataSnapshot = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_snapshot", DataSnapshot(list(self.providers), from_auto_update=False)
        )

    @property
    def version(self) -> str:
        """What identifies this data: the file's hash, or the package's version."""
        return self.sha256 or f"bundled:{PACKAGE_VERSION}"

    @property
    def model_count(self) -> int:
        return sum(len(p.models) for p in self.providers)

    def provider(self, provider_id: str) -> Provider | None:
        """The provider an id names (its id, else the data's own provider matching)."""
        return find_provider_by_id(list(self.providers), provider_id)

    def find(self, provider_id: str | None, model: str) -> Found | None:
        """The model ``model`` names at ``provider_id`` (None: the provider is found by the
        model's name), by the package's rules; None when the data has no price for it."""
        for ref in model_refs(model):
            try:
                provider, info = self._snapshot.find_provider_model(ref, None, provider_id, None)
            except LookupError:
                continue
            own = any(info is m for m in provider.models)
            owner = provider.id if own else self._list_of(info)
            return Found(provider, info, ref, not own, owner)
        return None

    def _list_of(self, model: ModelInfo) -> str:
        return next((p.id for p in self.providers if any(model is m for m in p.models)), "")


def conditional_prices(model: ModelInfo) -> Sequence[ConditionalPrice]:
    """The model's dated (or timed) prices; one undated entry for a single price."""
    if isinstance(model.prices, ModelPrice):
        return (ConditionalPrice(prices=model.prices),)
    return model.prices


def changes_within_a_day(model: ModelInfo) -> bool:
    """Whether the model's price depends on the time of day (off-peak hours)."""
    return any(isinstance(c.constraint, TimeOfDateConstraint) for c in conditional_prices(model))


@cache
def bundled_price_data() -> PriceData:
    """The data shipped in the installed genai-prices package, read once per process."""
    from genai_prices.data import providers

    return PriceData(tuple(providers), f"genai-prices {PACKAGE_VERSION} (bundled)", bundled=True)


def _reason(exc: Exception) -> str:
    if isinstance(exc, pydantic.ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(step) for step in first["loc"])
        return f"{where}: {first['msg']}" if where else str(first["msg"])
    return str(exc)


def _one_provider(raw: list[Any]) -> Provider:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an unsupported key is an error here, not a warning
        return _providers_from_raw(raw)[0]


_PARSE_ERRORS = (pydantic.ValidationError, ValueError, TypeError, UserWarning)


def _parse_provider(index: int, raw: dict[str, Any]) -> Provider:
    """One provider of the file; an error names the provider and, inside, the model."""
    try:
        return _one_provider([raw])
    except _PARSE_ERRORS as exc:
        where = f"providers[{index}]" + (
            f" ({raw['id']})" if isinstance(raw.get("id"), str) else ""
        )
        models = raw.get("models")
        for j, model in enumerate(models if isinstance(models, list) else ()):
            try:
                _one_provider([{**raw, "models": [model]}])
            except _PARSE_ERRORS as inner:
                named = model.get("id") if isinstance(model, dict) else None
                label = f"{where}.models[{j}]" + (f" ({named})" if isinstance(named, str) else "")
                raise PriceDataError(f"{label}: {_reason(inner)}") from None
        raise PriceDataError(f"{where}: {_reason(exc)}") from None


def _check_prices(provider: Provider) -> None:
    registry = _get_registry()
    for model in provider.models:
        prices = [c.prices for c in conditional_prices(model)]
        prices += [v.prices for v in model.price_variants or ()]
        for price in prices:
            given = {k: v for k, v in price.__dict__.items() if v is not None and k[0] != "_"}
            try:
                validate_model_price(set(given), registry)
                for key, value in given.items():
                    _validate_model_price_value(key, value)  # finite, >= 0, tiers ascending
            except ValueError as exc:
                raise PriceDataError(f"{provider.id}/{model.id}: prices: {exc}") from None


def parse_price_data(content: bytes) -> tuple[Provider, ...]:
    """The providers of a data file of genai-prices' published format, checked whole.

    Raises PriceDataError naming what is wrong: not JSON, not a list of providers, a field
    that does not validate (with the provider's and model's ids), a price key this version of
    the package does not know, a provider id used twice, or no model at all.
    """
    if len(content) > MAX_BYTES:
        raise PriceDataError(f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    try:
        raw = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise PriceDataError(f"not JSON: {exc}") from None
    if not isinstance(raw, list) or not raw or not all(isinstance(p, dict) for p in raw):
        raise PriceDataError("expected a JSON list of providers (genai-prices' data.json)")
    providers = [_parse_provider(i, p) for i, p in enumerate(raw)]
    seen: set[str] = set()
    for provider in providers:
        if provider.id in seen:
            raise PriceDataError(f"provider {provider.id!r} appears twice")
        seen.add(provider.id)
        _check_prices(provider)
    if not any(p.models for p in providers):
        raise PriceDataError("the file lists no model")
    return tuple(providers)


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
