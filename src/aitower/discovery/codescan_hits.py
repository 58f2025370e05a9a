"""The shapes a code scan reports (one hit per finding) and the look-up of SDK names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from aitower.discovery.codescan_catalog import SDKS, Ecosystem, Sdk


class HitKind(StrEnum):
    dependency = "dependency"  # a manifest declares an AI SDK
    import_ = "import"  # source code imports one (or creates a boto3 Bedrock client)
    model = "model"  # a model name in code or configuration
    endpoint = "endpoint"  # an AI API host in code or configuration
    key = "key"  # an AI provider's API key (only its fingerprint is kept)


@dataclass(frozen=True, slots=True, order=True)
class CodeHit:
    """One finding: ``path`` is relative to the scanned root (``/`` separated), ``line`` from 1.

    ``detail`` is the package, module, model or host; for a key, its fingerprint
    (``openai key sk-p…`` and 12 hex digits of its SHA-256), never the key."""

    path: str
    line: int
    kind: HitKind
    provider: str
    detail: str


def normalise_pypi(name: str) -> str:
    """A Python distribution name as PEP 503 compares them (``LangChain_OpenAI`` →
    ``langchain-openai``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sdk_for_package(ecosystem: Ecosystem, name: str) -> Sdk | None:
    """The SDK a declared dependency is, if any (the first matching entry of ``SDKS``)."""
    if ecosystem is Ecosystem.pypi:
        name = normalise_pypi(name)
    return _package_lookup(ecosystem, name)


@cache
def _package_lookup(ecosystem: Ecosystem, name: str) -> Sdk | None:
    for sdk in SDKS:
        if sdk.ecosystem is not ecosystem:
            continue
        if sdk.name.endswith("*"):
            if name.startswith(sdk.name[:-1]):
                return sdk
        elif name == sdk.name or (ecosystem is Ecosystem.go and name.startswith(sdk.name + "/")):
            return sdk
    return None


_SEPARATOR = {Ecosystem.pypi: ".", Ecosystem.npm: "/", Ecosystem.maven: ".", Ecosystem.go: "/"}


@cache
def sdk_for_import(ecosystem: Ecosystem, module: str) -> Sdk | None:
    """The SDK an imported module belongs to: a module equal to one of its import prefixes
    or inside it (``google.generativeai.types``, ``@langchain/openai/chat``)."""
    sep = _SEPARATOR[ecosystem]
    for sdk in SDKS:
        if sdk.ecosystem is ecosystem:
            for prefix in sdk.imports:
                if module == prefix or module.startswith(prefix + sep):
                    return sdk
    return None
