"""Hand-built facts and policies for the pure governance tests."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import yaml

from aitower.governance.facts import Approver
from aitower.governance.policy import Policy, parse_policy
from aitower.inventory.system_facts import SystemFacts, VendorFacts

TODAY = date(2026, 11, 25)
UNIT = uuid.UUID(int=1)


def facts(**changes: Any) -> SystemFacts:
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "name": "Credit scorer",
        "kind": "ml_model",
        "unit_id": UNIT,
        "unit": "Finance",
        "stage": "development",
        "tier": "high",
    }
    base.update(changes)
    return SystemFacts(**base)


def vendor(name: str = "Acme AI", **changes: Any) -> VendorFacts:
    base: dict[str, Any] = {
        "name": name,
        "vendor_type": "model_provider",
        "dpa_signed": True,
        "soc2_until": date(2027, 1, 1),
        "iso27001_until": None,
        "trains_on_customer_data": False,
        "data_residency": "EU",
        "risk_rating": "medium",
    }
    base.update(changes)
    return VendorFacts(**base)


def approver(name: str, *roles: str) -> Approver:
    return Approver(uuid.uuid5(uuid.NAMESPACE_DNS, name), name, frozenset(roles))


def policy(doc: dict[str, Any]) -> Policy:
    full = {"key": "pol", "name": "Policy", "gates": ["deployment"], **doc}
    return parse_policy(yaml.safe_dump(full))[0]
