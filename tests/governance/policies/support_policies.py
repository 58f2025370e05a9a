"""Hand-built facts and policies for the pure governance tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import yaml

from aitower.core.evidence_facts import Judgement
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


def fair_monitor(
    *, passed: bool, ratio: float = 0.91, days_old: int = 1, kind: str = "bias_evaluation"
) -> Judgement:
    """A fairness monitor's verdict as the model monitors would give it."""
    observed = datetime.combine(TODAY - timedelta(days=days_old), time(6), tzinfo=UTC)
    sign = ">=" if passed else "<"
    return Judgement(
        kind,
        "monitor 'credit daily'",
        passed,
        observed,
        f"demographic parity ratio {ratio:.2f} {sign} 0.80 (the four-fifths rule)",
        "demographic parity ratio",
        ratio,
    )
