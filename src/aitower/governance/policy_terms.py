"""The vocabulary of the policy language: the fields, documents, tiers, kinds, stages, gates,
requirement types and approver roles a policy may name (pure; read by the parser, the
validator and the messages)."""

from __future__ import annotations

import re

from aitower.inventory.lifecycle import Stage
from aitower.inventory.vocabulary import Classification, RiskTier, SystemKind, VendorType

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")

FIELD_NAMES: tuple[str, ...] = (
    "purpose",
    "accountable_owner",
    "technical_owner",
    "models",
    "vendors",
    "data_sources",
    "affected",
    "environments",
    "telemetry_services",
    "links.docs",
    "links.repository",
    "notes",
    "tags",
)
FIELD_TITLES: dict[str, str] = {
    "purpose": "purpose",
    "accountable_owner": "accountable owner",
    "technical_owner": "technical owner",
    "models": "list of models",
    "vendors": "list of vendors",
    "data_sources": "list of data sources",
    "affected": "list of affected people",
    "environments": "list of environments",
    "telemetry_services": "telemetry service name",
    "links.docs": "documentation link",
    "links.repository": "repository link",
    "notes": "notes",
    "tags": "tags",
}

DOCUMENT_TITLES: dict[str, str] = {
    "impact_assessment": "impact assessment",
    "human_oversight_plan": "human-oversight plan",
    "bias_evaluation": "bias evaluation",
    "performance_evaluation": "performance evaluation",
    "monitoring": "live monitoring",
    "security_review": "security review",
    "decommission_plan": "decommission plan",
    "technical_documentation": "technical documentation",
    "data_protection_impact_assessment": "data-protection impact assessment",
    "fundamental_rights_impact_assessment": "fundamental-rights impact assessment",
    "model_card": "model card",
    "test_report": "test report",
    "monitoring_plan": "monitoring plan",
    "transparency_notice": "transparency notice",
    "other": "other document",
}
DOCUMENT_KINDS: tuple[str, ...] = tuple(DOCUMENT_TITLES)
# Kinds a document cannot prove: only a live object (core.evidence) that passes its own
# criteria, with a result recent enough, meets them. A link to a failing monitor's page once
# passed as a bias evaluation (#15).
JUDGED_KINDS: tuple[str, ...] = ("bias_evaluation", "performance_evaluation", "monitoring")
DEFAULT_MAX_AGE_DAYS = 30
MAX_AGE_LIMIT_DAYS = 3650

TIERS: tuple[str, ...] = (*(t.value for t in RiskTier), "unassessed")
KINDS: tuple[str, ...] = tuple(k.value for k in SystemKind)
STAGES: tuple[str, ...] = tuple(s.value for s in Stage)
CLASSIFICATIONS: tuple[str, ...] = tuple(c.value for c in Classification)
VENDOR_TYPES: tuple[str, ...] = tuple(v.value for v in VendorType)
VENDOR_RATINGS: tuple[str, ...] = ("low", "medium", "high", "critical")
GATES: tuple[str, ...] = ("intake", *STAGES, "continuous")
SEVERITIES: tuple[str, ...] = ("block", "warn")
VENDOR_CHECKS: tuple[str, ...] = ("dpa_signed", "attestation_valid", "no_training_on_customer_data")
REQUIREMENT_TYPES: tuple[str, ...] = (
    "field",
    "document",
    "questionnaire",
    "approval",
    "vendor",
    "risk",
    "tier_not",
)
APPROVER_ROLES: tuple[str, ...] = (
    "admin",
    "ops_manager",
    "governance",
    "engineer",
    "analyst",
    "security",
    "prompt_engineer",
    "stakeholder",
)
