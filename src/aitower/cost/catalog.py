"""The built-in price catalog (``price_catalog.yaml``, package data) and model-name patterns.

The file is read once per process; its header documents every field. Patterns are globs over
the model's base name (see ``names``): ``*`` any run of characters, ``?`` one; everything else
literal. Among patterns that match, the one with the most literal characters is the most
specific and wins, so ``gpt-4o-mini`` never takes ``gpt-4o``'s price or the reverse.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from aitower.cost.names import name_candidates

CATALOG_FILE = "price_catalog.yaml"
PRICE_KINDS = ("input", "output", "cache_read", "cache_write", "reasoning")
# Characters a model-name pattern may hold (base names are lower case, without "/").
_PATTERN_CHARS = re.compile(r"^[a-z0-9._:@*?+-]+$")
MAX_PATTERN = 200


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class ModelPattern:
    """A glob over base model names, compiled once."""

    text: str
    regex: re.Pattern[str]
    literal: bool  # no wildcard: matched by equality
    specificity: int  # literal characters: more is more specific

    @classmethod
    def of(cls, text: str) -> ModelPattern:
        """Compile ``text``; raises ValueError saying what is wrong with it."""
        cleaned = text.strip().lower()
        if not cleaned:
            raise ValueError("must not be empty")
        if len(cleaned) > MAX_PATTERN:
            raise ValueError(f"must be at most {MAX_PATTERN} characters")
        if "/" in cleaned:
            raise ValueError("name the model without a provider prefix (no '/')")
        if not _PATTERN_CHARS.match(cleaned):
            raise ValueError("may hold letters, digits, '.', '-', '_', ':', '@', '+', '*' and '?'")
        body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in cleaned)
        literal = "*" not in cleaned and "?" not in cleaned
        specificity = sum(ch not in "*?" for ch in cleaned)
        return cls(cleaned, re.compile(body), literal, specificity)

    def matches(self, name: str) -> bool:
        return name == self.text if self.literal else self.regex.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per million tokens by kind; None: falls back (cache → input, reasoning → output)."""

    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None
    reasoning: float | None = None


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    id: str  # "<provider>/<entry id>"
    provider: str
    patterns: tuple[ModelPattern, ...]
    prices: Prices
    source: str
    as_of: dt.date
    note: str = ""

    def match_rank(self, candidates: Sequence[str]) -> tuple[int, int] | None:
        """(candidate index, -specificity) of the best match, lower is better; None: no match."""
        for index, name in enumerate(candidates):
            best = max((p.specificity for p in self.patterns if p.matches(name)), default=None)
            if best is not None:
                return index, -best
        return None

    def pattern_for(self, candidates: Sequence[str]) -> str:
        for name in candidates:
            for pattern in sorted(self.patterns, key=lambda p: -p.specificity):
                if pattern.matches(name):
                    return pattern.text
        return self.patterns[0].text


@dataclass(frozen=True, slots=True)
class Catalog:
    entries: tuple[CatalogEntry, ...]
    _index: dict[str, tuple[CatalogEntry, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        grouped: dict[str, list[CatalogEntry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.provider, []).append(entry)
        object.__setattr__(self, "_index", {k: tuple(v) for k, v in grouped.items()})

    def providers(self) -> list[str]:
        return sorted({e.provider for e in self.entries})

    def of_provider(self, provider: str) -> tuple[CatalogEntry, ...]:
        return self._index.get(provider, ())

    def find(self, provider: str, model: str) -> CatalogEntry | None:
        """The provider's entry for ``model`` (any spelling), or None."""
        return best_match(self.of_provider(provider), name_candidates(model))

    def search(self, provider: str | None = None, text: str | None = None) -> list[CatalogEntry]:
        """Entries of a provider (None: all) whose id, pattern or note contains ``text``."""
        needle = (text or "").strip().lower()
        found = self.entries if provider is None else self.of_provider(provider)
        if not needle:
            return list(found)
        return [
            e
            for e in found
            if needle in e.id.lower()
            or any(needle in p.text for p in e.patterns)
            or needle in e.note.lower()
        ]


def best_match(entries: Iterable[CatalogEntry], candidates: Sequence[str]) -> CatalogEntry | None:
    """The entry matching the most exact candidate name with the most specific pattern."""
    best: tuple[tuple[int, int], CatalogEntry] | None = None
    for entry in entries:
        rank = entry.match_rank(candidates)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, entry)
    return None if best is None else best[1]


def _price(entry_id: str, raw: Mapping[str, Any], kind: str, required: bool) -> float | None:
    value = raw.get(kind)
    if value is None:
        if required:
            raise CatalogError(f"{entry_id}: {kind} price is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CatalogError(f"{entry_id}: {kind} must be a number")
    if not math.isfinite(value) or value < 0:
        raise CatalogError(f"{entry_id}: {kind} must be a finite number >= 0")
    return float(value)


def _as_date(entry_id: str, value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogError(f"{entry_id}: as_of must be a date (YYYY-MM-DD)") from None


def _entry(provider: str, defaults: Mapping[str, Any], raw: Mapping[str, Any]) -> CatalogEntry:
    entry_id = f"{provider}/{raw.get('id')}"
    unknown = set(raw) - {"id", "match", "note", "source", "as_of", *PRICE_KINDS}
    if unknown:
        raise CatalogError(f"{entry_id}: unknown field {sorted(unknown)[0]}")
    match = raw.get("match")
    if not raw.get("id") or not isinstance(match, list) or not match:
        raise CatalogError(f"{entry_id}: needs an id and a non-empty match list")
    try:
        patterns = tuple(ModelPattern.of(str(p)) for p in match)
    except ValueError as exc:
        raise CatalogError(f"{entry_id}: match: {exc}") from None
    source = str(raw.get("source") or defaults.get("source") or "")
    if not source.startswith("https://"):
        raise CatalogError(f"{entry_id}: source must be the https URL of the pricing page")
    price = {k: _price(entry_id, raw, k, k in ("input", "output")) for k in PRICE_KINDS}
    return CatalogEntry(
        id=entry_id,
        provider=provider,
        patterns=patterns,
        prices=Prices(
            input=price["input"] or 0.0,
            output=price["output"] or 0.0,
            cache_read=price["cache_read"],
            cache_write=price["cache_write"],
            reasoning=price["reasoning"],
        ),
        source=source,
        as_of=_as_date(entry_id, raw.get("as_of") or defaults.get("as_of")),
        note=str(raw.get("note") or ""),
    )


def parse_catalog(document: Mapping[str, Any]) -> Catalog:
    """A catalog from the YAML document's data; raises CatalogError naming the bad entry."""
    providers = document.get("providers")
    if not isinstance(providers, dict) or not providers:
        raise CatalogError("the catalog needs a 'providers' mapping")
    entries: list[CatalogEntry] = []
    for provider, block in providers.items():
        if not isinstance(block, dict) or not isinstance(block.get("models"), list):
            raise CatalogError(f"{provider}: needs a 'models' list")
        entries.extend(_entry(str(provider), block, raw) for raw in block["models"])
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"{duplicates[0]}: id used twice")
    return Catalog(tuple(entries))


@cache
def builtin_catalog() -> Catalog:
    """The catalog shipped in the package, parsed once per process."""
    text = resources.files("aitower.cost").joinpath(CATALOG_FILE).read_text("utf-8")
    return parse_catalog(yaml.safe_load(text))
