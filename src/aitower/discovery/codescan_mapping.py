"""Which registered AI system an integration found in code is, or that it is unregistered.

The rule, in order:

1. **Path.** A system whose recorded code location (a repository URL or a path) ends with the
   integration's folder: the trailing components of both are compared, case-insensitively,
   without a ``.git`` suffix, and the longest common tail wins (``github.com/acme/support-bot``
   matches the folder ``support-bot``, and ``services/support-bot`` better than
   ``other/support-bot``). The root folder ``.`` is compared by the root's own name.
2. **Name and provider.** Otherwise, a system whose name is similar to the folder's name
   (the same words, ignoring case and separators: a ratio of at least 0.75 by ``difflib``)
   *and* that shares a provider with it: the system's vendor, or the provider of one of its
   recorded models.
3. Otherwise **unregistered**: AI use that no system accounts for, which is what shadow AI is.

A system may account for several integrations (a monorepo's service and its worker).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from aitower.discovery.codescan import Integration
from aitower.discovery.codescan_catalog import MODEL_PATTERNS

NAME_SIMILARITY = 0.75

# Vendor names as an inventory records them → the provider ids of the catalog.
_VENDOR_ALIASES = {
    "openai": "openai",
    "azure": "azure",
    "azure openai": "azure",
    "microsoft": "azure",
    "aws": "aws",
    "amazon": "aws",
    "amazon bedrock": "aws",
    "bedrock": "aws",
    "amazon web services": "aws",
    "google": "google",
    "google cloud": "google",
    "vertex ai": "google",
    "gemini": "google",
    "anthropic": "anthropic",
    "mistral": "mistral",
    "mistral ai": "mistral",
    "cohere": "cohere",
    "groq": "groq",
    "hugging face": "huggingface",
    "huggingface": "huggingface",
    "meta": "meta",
    "deepseek": "deepseek",
    "xai": "xai",
    "x.ai": "xai",
}
_MODEL_PROVIDERS = [(provider, re.compile(p, re.IGNORECASE)) for provider, p in MODEL_PATTERNS]


@dataclass(frozen=True, slots=True)
class KnownSystem:
    """What the mapping needs of a registered AI system (the inventory's, as plain data)."""

    id: str
    name: str
    code_location: str | None = None  # repository URL or path hint
    vendor: str | None = None
    models: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mapping:
    integration: Integration
    system_id: str | None  # None: unregistered
    rule: str  # "path", "name_and_provider" or "unregistered"
    reason: str  # in words a reviewer reads


def map_to_systems(
    integrations: Iterable[Integration], systems: Sequence[KnownSystem]
) -> list[Mapping]:
    """Each integration with the system it belongs to by the module's rule, or unregistered."""
    return [_map_one(integration, systems) for integration in integrations]


def _map_one(integration: Integration, systems: Sequence[KnownSystem]) -> Mapping:
    folder = _components(integration.name if integration.folder == "." else integration.folder)
    by_path = [(_common_tail(folder, _components(s.code_location or "")), s) for s in systems]
    depth, best = max(by_path, key=lambda pair: pair[0], default=(0, None))
    if best is not None and depth > 0:
        where = "/".join(folder[-depth:])
        return Mapping(
            integration, best.id, "path", f"{best.name}'s code location ends with {where}"
        )
    used = set(integration.providers) | set(integration.frameworks)
    scored = [
        (_similarity(integration.name, s.name), s) for s in systems if used & system_providers(s)
    ]
    score, match = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    if match is not None and score >= NAME_SIMILARITY:
        shared = ", ".join(sorted(used & system_providers(match)))
        reason = f"name like {match.name}'s ({score:.2f}) and the same provider ({shared})"
        return Mapping(integration, match.id, "name_and_provider", reason)
    return Mapping(
        integration, None, "unregistered", "no system's code location, name and provider match"
    )


def system_providers(system: KnownSystem) -> set[str]:
    """A system's providers: its vendor's, and those of the models it records."""
    found = set()
    if system.vendor:
        vendor = system.vendor.strip().lower()
        found.add(_VENDOR_ALIASES.get(vendor, vendor))
    for model in system.models:
        found.update(provider for provider, pattern in _MODEL_PROVIDERS if pattern.search(model))
    return found


def _components(location: str) -> list[str]:
    location = re.sub(r"^[a-z][\w+.-]*://[^/]*/", "", location.strip().lower())  # scheme://host/
    location = re.sub(r"^git@[^:]+:", "", location)  # git@github.com:acme/bot.git
    parts = [p for p in re.split(r"[/\\]+", location) if p not in ("", ".")]
    if parts and parts[-1].endswith(".git"):
        parts[-1] = parts[-1][:-4]
    return parts


def _common_tail(a: list[str], b: list[str]) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, _words(a), _words(b)).ratio()


def _words(name: str) -> str:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)  # camelCase → camel Case
    return " ".join(re.findall(r"[a-z0-9]+", spaced.lower()))
