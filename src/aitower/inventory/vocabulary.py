"""The words an AI inventory is made of, defined once for domain code, storage, API and UI.

Each vocabulary is a ``StrEnum`` so that stored values, API values and YAML policy values are
the same strings, and an unknown word is refused at the edge with the field that carried it.
"""

from __future__ import annotations

from enum import StrEnum


class SystemKind(StrEnum):
    llm_app = "llm_app"
    ml_model = "ml_model"
    agent = "agent"
    third_party_tool = "third_party_tool"
    copilot = "copilot"


class Autonomy(StrEnum):
    human_in_the_loop = "human_in_the_loop"
    human_on_the_loop = "human_on_the_loop"
    autonomous = "autonomous"


class Affected(StrEnum):
    employees = "employees"
    customers = "customers"
    public = "public"


class Classification(StrEnum):
    """Data classification, from least to most sensitive (the order is meaningful)."""

    public = "public"
    internal = "internal"
    confidential = "confidential"
    restricted = "restricted"

    @property
    def level(self) -> int:
        return _CLASSIFICATION_LEVEL[self]


_CLASSIFICATION_LEVEL: dict[Classification, int] = {c: i for i, c in enumerate(Classification)}


class RiskTier(StrEnum):
    """EU AI Act risk tiers; a system not yet assessed has no tier (``None``)."""

    prohibited = "prohibited"
    high = "high"
    limited = "limited"
    minimal = "minimal"


class Hosting(StrEnum):
    internal = "internal"
    third_party = "third_party"


class VendorType(StrEnum):
    model_provider = "model_provider"
    ai_platform = "ai_platform"
    saas_tool = "saas_tool"
    consultancy = "consultancy"


KIND_TITLES: dict[SystemKind, str] = {
    SystemKind.llm_app: "LLM application",
    SystemKind.ml_model: "ML model",
    SystemKind.agent: "Agent",
    SystemKind.third_party_tool: "Third-party tool",
    SystemKind.copilot: "Copilot",
}


def highest_classification(values: list[Classification]) -> Classification:
    """The most sensitive of a system's data sources decides how it is handled (public if none)."""
    return max(values, key=lambda c: c.level, default=Classification.public)
