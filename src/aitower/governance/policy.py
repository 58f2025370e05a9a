"""Policies as code: the YAML document a governance team writes, parsed into frozen rules.

A policy says which systems it applies to (``applies_to``), at which gates it is checked
(``gates``) and what it requires there (``requirements``). Parsing refuses a bad document with
the path of the offending value (``requirements[2].document``) or, for YAML syntax, the line, so
the editor and the CLI can point at it. ``policy_schema.json`` describes the same document for
other tools; a test keeps the two in agreement. This module is pure: no storage, no web.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from aitower.core.errors import InvalidInput
from aitower.governance.policy_terms import VENDOR_RATINGS
from aitower.governance.policy_validate import canonical_document
from aitower.inventory.system_facts import SystemFacts, VendorFacts
from aitower.inventory.vocabulary import Classification

# Versions are numbered from 1 in an INTEGER column; no policy gets near this.
MAX_VERSION = 2**31 - 1


@dataclass(frozen=True, slots=True)
class VendorSelector:
    """Selects a system when at least one of its vendors matches every given criterion."""

    types: frozenset[str] | None = None
    trains_on_customer_data: bool | None = None
    risk_rating_at_least: str | None = None

    def matches(self, vendor: VendorFacts) -> bool:
        if self.types is not None and vendor.vendor_type not in self.types:
            return False
        if self.trains_on_customer_data is not None:
            # A vendor that has not said is treated as one that does: silence is a risk.
            trains = vendor.trains_on_customer_data is not False
            if trains != self.trains_on_customer_data:
                return False
        if self.risk_rating_at_least is not None:
            return _rating_level(vendor.risk_rating) >= _rating_level(self.risk_rating_at_least)
        return True


@dataclass(frozen=True, slots=True)
class Selector:
    """``applies_to``: every given criterion must hold; an omitted one selects everything."""

    tiers: frozenset[str] | None = None
    kinds: frozenset[str] | None = None
    units: frozenset[str] | None = None
    tags: frozenset[str] | None = None
    stages: frozenset[str] | None = None
    data_classification_at_least: str | None = None
    personal_data: bool | None = None
    special_category_data: bool | None = None
    vendors: VendorSelector | None = None

    def matches(self, system: SystemFacts) -> bool:
        return all(check(system) for check in self._checks())

    def _checks(self) -> list[Any]:
        checks: list[Any] = []
        if self.tiers is not None:
            tiers = self.tiers
            checks.append(lambda s: (s.tier or "unassessed") in tiers)
        for attr, wanted in (("kind", self.kinds), ("unit", self.units), ("stage", self.stages)):
            if wanted is not None:
                checks.append(lambda s, a=attr, w=wanted: getattr(s, a) in w)
        if self.tags is not None:
            tags = self.tags
            checks.append(lambda s: bool(s.tags & tags))
        if self.data_classification_at_least is not None:
            least = Classification(self.data_classification_at_least).level
            checks.append(lambda s: Classification(s.data_classification).level >= least)
        for attr, flag in (
            ("personal_data", self.personal_data),
            ("special_category_data", self.special_category_data),
        ):
            if flag is not None:
                checks.append(lambda s, a=attr, f=flag: getattr(s, a) == f)
        if self.vendors is not None:
            vendors = self.vendors
            checks.append(lambda s: any(vendors.matches(v) for v in s.vendors))
        return checks


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing a gate demands. ``type`` names which; the other fields are its parameters."""

    type: str
    severity: str = "block"
    message: str | None = None
    field_name: str | None = None  # field
    document: str | None = None  # document
    max_age_days: int | None = None  # document of a judged kind: newest result at most this old
    at_least: float | None = None  # document of a judged kind: the policy's own bar on its figure
    role: str | None = None  # approval
    count: int = 1  # approval
    vendor_check: str | None = None  # vendor: one of VENDOR_CHECKS
    risk_rating_at_most: str | None = None  # vendor: {risk_rating_at_most: ...}
    max_open_score: int | None = None  # risk
    tiers: frozenset[str] = frozenset()  # tier_not

    @property
    def label(self) -> str:
        """A short stable name, e.g. ``document: human_oversight_plan`` (shown and stored)."""
        value: str = {
            "field": str(self.field_name),
            "document": str(self.document),
            "questionnaire": "done",
            "approval": f"{self.role} x{self.count}",
            "vendor": self.vendor_check or f"risk_rating_at_most {self.risk_rating_at_most}",
            "risk": f"max_open_score {self.max_open_score}",
            "tier_not": ", ".join(sorted(self.tiers)),
        }[self.type]
        return f"{self.type}: {value}"

    @property
    def is_approval(self) -> bool:
        return self.type == "approval"


@dataclass(frozen=True, slots=True)
class Policy:
    key: str
    name: str
    description: str
    applies_to: Selector
    gates: frozenset[str]
    requirements: tuple[Requirement, ...]
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def selects(self, system: SystemFacts) -> bool:
        return self.applies_to.matches(system)

    def to_document(self) -> dict[str, Any]:
        """The canonical JSON form, as stored in ``policies.document``."""
        return dict(self.document)


def _rating_level(rating: str) -> int:
    return VENDOR_RATINGS.index(rating) if rating in VENDOR_RATINGS else len(VENDOR_RATINGS)


# --- parsing ---------------------------------------------------------------------------------


def parse_policy(source: str) -> tuple[Policy, dict[str, Any]]:
    """YAML text to a policy and its canonical JSON document, or ``InvalidInput`` naming where."""
    try:
        loaded = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise InvalidInput.on("source", f"{where}YAML syntax error: {problem}") from None
    document = canonical_document(loaded)
    return policy_from_document(document), document


def _set(values: Any) -> frozenset[str] | None:
    return None if values is None else frozenset(str(v) for v in values)


def _selector(doc: Mapping[str, Any]) -> Selector:
    vendors = doc.get("vendors")
    return Selector(
        tiers=_set(doc.get("tiers")),
        kinds=_set(doc.get("kinds")),
        units=_set(doc.get("units")),
        tags=_set(doc.get("tags")),
        stages=_set(doc.get("stages")),
        data_classification_at_least=doc.get("data_classification_at_least"),
        personal_data=doc.get("personal_data"),
        special_category_data=doc.get("special_category_data"),
        vendors=None
        if vendors is None
        else VendorSelector(
            types=_set(vendors.get("types")),
            trains_on_customer_data=vendors.get("trains_on_customer_data"),
            risk_rating_at_least=vendors.get("risk_rating_at_least"),
        ),
    )


def _requirement(doc: Mapping[str, Any]) -> Requirement:
    severity = str(doc.get("severity", "block"))
    message = doc.get("message")
    common: dict[str, Any] = {"severity": severity, "message": message}
    if "field" in doc:
        return Requirement("field", field_name=doc["field"], **common)
    if "document" in doc:
        return Requirement(
            "document",
            document=doc["document"],
            max_age_days=doc.get("max_age_days"),
            at_least=doc.get("at_least"),
            **common,
        )
    if "questionnaire" in doc:
        return Requirement("questionnaire", **common)
    if "approval" in doc:
        approval = doc["approval"]
        count = int(approval.get("count", 1))
        return Requirement("approval", role=approval["role"], count=count, **common)
    if "vendor" in doc:
        vendor = doc["vendor"]
        if isinstance(vendor, str):
            return Requirement("vendor", vendor_check=vendor, **common)
        return Requirement("vendor", risk_rating_at_most=vendor["risk_rating_at_most"], **common)
    if "risk" in doc:
        return Requirement("risk", max_open_score=int(doc["risk"]["max_open_score"]), **common)
    return Requirement("tier_not", tiers=frozenset(doc["tier_not"]), **common)


def policy_from_document(document: Mapping[str, Any]) -> Policy:
    """A policy from its stored canonical document (trusted: it was validated when saved)."""
    return Policy(
        key=str(document["key"]),
        name=str(document["name"]),
        description=str(document.get("description", "")),
        applies_to=_selector(document.get("applies_to") or {}),
        gates=frozenset(document["gates"]),
        requirements=tuple(_requirement(r) for r in document["requirements"]),
        document=document,
    )


# --- shipped files ---------------------------------------------------------------------------


def policy_schema() -> dict[str, Any]:
    """The JSON Schema of a policy document (``policy_schema.json``, shipped in the package)."""
    text = resources.files("aitower.governance").joinpath("policy_schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def default_pack() -> dict[str, str]:
    """The default policy pack: file name -> YAML source, one policy per file, by file name."""
    folder = resources.files("aitower.governance").joinpath("policy_pack")
    files = [f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))]
    return {f.name: f.read_text("utf-8") for f in sorted(files, key=lambda f: f.name)}
