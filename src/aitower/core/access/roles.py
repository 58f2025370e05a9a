"""Roles of an AI Operations team and the one permission matrix that decides every action.

Every API route, page and CLI command names one ``Permission``; ``MATRIX`` says which roles hold
it. ``docs/permissions.md`` is generated from this module (``aitower permissions doc``) and a
test fails when the two differ. Later slices add their permissions here, in one place.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    ops_manager = "ops_manager"
    governance = "governance"
    engineer = "engineer"
    analyst = "analyst"
    security = "security"
    prompt_engineer = "prompt_engineer"
    stakeholder = "stakeholder"
    auditor = "auditor"


ROLE_TITLES: dict[Role, str] = {
    Role.admin: "Administrator: users, business units, API keys, settings",
    Role.ops_manager: "AI Operations Manager: owns the portfolio, approves, decides scale/retire",
    Role.governance: "AI Governance Specialist: policies, frameworks, assessments, approvals",
    Role.engineer: "AI Systems Engineer: registers systems, connects telemetry, deployments",
    Role.analyst: "Model Performance Analyst: monitors, alert rules, drift, fairness, incidents",
    Role.security: "AI Security Specialist: guardrails, data leakage, shadow AI, vendor security",
    Role.prompt_engineer: "Prompt Engineer: LLM quality, review queue, prompt versions",
    Role.stakeholder: "Business Stakeholder: declares value, reads reports for their unit",
    Role.auditor: "Auditor: read-only everything, including the audit trail and exports",
}

# Roles whose work spans the organisation: they are never limited to business units.
ORG_WIDE_ROLES = frozenset({Role.admin, Role.ops_manager, Role.auditor})


class Permission(StrEnum):
    overview_view = "overview.view"
    units_read = "units.read"
    units_write = "units.write"
    users_read = "users.read"
    users_write = "users.write"
    apikeys_read = "apikeys.read"
    apikeys_write = "apikeys.write"
    audit_read = "audit.read"
    audit_export = "audit.export"
    systems_read = "systems.read"
    systems_write = "systems.write"
    systems_export = "systems.export"
    vendors_read = "vendors.read"
    vendors_write = "vendors.write"
    lifecycle_move = "lifecycle.move"
    risk_read = "risk.read"
    risk_write = "risk.write"
    risk_classify = "risk.classify"
    policies_read = "policies.read"
    policies_write = "policies.write"
    evidence_write = "evidence.write"
    approvals_read = "approvals.read"
    approvals_decide = "approvals.decide"
    telemetry_read = "telemetry.read"
    telemetry_ingest = "telemetry.ingest"
    metrics_read = "metrics.read"
    prices_read = "prices.read"
    prices_write = "prices.write"
    alerts_read = "alerts.read"
    alerts_write = "alerts.write"
    incidents_read = "incidents.read"
    incidents_write = "incidents.write"
    channels_read = "channels.read"
    channels_write = "channels.write"
    predictions_read = "predictions.read"
    predictions_write = "predictions.write"
    monitors_read = "monitors.read"
    monitors_write = "monitors.write"


PERMISSION_TITLES: dict[Permission, str] = {
    Permission.overview_view: "See the overview dashboard",
    Permission.units_read: "List business units",
    Permission.units_write: "Create and rename business units",
    Permission.users_read: "List users and their roles",
    Permission.users_write: "Create users, change roles and scopes, disable users",
    Permission.apikeys_read: "List API keys (own units; admin: all)",
    Permission.apikeys_write: "Create and revoke API keys (never above one's own role)",
    Permission.audit_read: "Read and verify the audit trail",
    Permission.audit_export: "Export the audit trail as JSON Lines",
    Permission.systems_read: "See AI systems in the inventory (own units; org-wide roles: all)",
    Permission.systems_write: "Register, edit and bulk-import AI systems",
    Permission.systems_export: "Export the inventory as CSV or YAML",
    Permission.vendors_read: "See vendors, their contracts, attestations and risk rating",
    Permission.vendors_write: "Register and edit vendors",
    Permission.lifecycle_move: "Request a lifecycle move (it completes when its gate passes)",
    Permission.risk_read: "See EU AI Act assessments, risk tiers and the risk register",
    Permission.risk_write: "Add and update risks in the register",
    Permission.risk_classify: "Answer the EU AI Act questionnaire of a system",
    Permission.policies_read: "Read policies, their versions and compliance findings",
    Permission.policies_write: "Create, edit, enable and apply policies",
    Permission.evidence_write: "Attach and remove documents and evidence on a system",
    Permission.approvals_read: "See approval requests and decisions",
    Permission.approvals_decide: "Approve or reject requests that ask for one's role",
    Permission.telemetry_read: (
        "See monitoring dashboards, traces with their stored messages, and unregistered sources"
    ),
    Permission.telemetry_ingest: "Send OpenTelemetry traces to the OTLP endpoint",
    Permission.metrics_read: "Scrape Prometheus metrics at /metrics",
    Permission.prices_read: "See the LLM price catalog, the organisation's prices and quotes",
    Permission.prices_write: "Add, change and remove the organisation's negotiated LLM prices",
    Permission.alerts_read: "See alert rules and their current state",
    Permission.alerts_write: "Create, change and delete alert rules",
    Permission.incidents_read: "See incidents and their timelines (own units; org-wide: all)",
    Permission.incidents_write: "Acknowledge, comment on, assign and resolve incidents",
    Permission.channels_read: "See notification channels (never their secrets)",
    Permission.channels_write: "Create, change, delete and test notification channels",
    Permission.predictions_read: (
        "See monitored models, their logged volume and label coverage (own units; org-wide: all)"
    ),
    Permission.predictions_write: "Log predictions and labels, register monitored models",
    Permission.monitors_read: "See model references, monitors and their drift, quality and "
    "fairness results",
    Permission.monitors_write: "Create references, create and change model monitors, run them now",
}

_ALL = frozenset(Role)
# Who registers and shapes systems: engineers, and governance and ops who own the portfolio.
_BUILDERS = frozenset({Role.admin, Role.ops_manager, Role.governance, Role.engineer})
_READERS_OF_PEOPLE = frozenset({Role.admin, Role.ops_manager, Role.governance, Role.auditor})

MATRIX: dict[Permission, frozenset[Role]] = {
    Permission.overview_view: _ALL,
    Permission.units_read: _ALL,
    Permission.units_write: frozenset({Role.admin}),
    Permission.users_read: _READERS_OF_PEOPLE,
    Permission.users_write: frozenset({Role.admin}),
    Permission.apikeys_read: frozenset({Role.admin, Role.engineer, Role.security, Role.auditor}),
    Permission.apikeys_write: frozenset({Role.admin, Role.engineer}),
    Permission.audit_read: frozenset(
        {Role.admin, Role.ops_manager, Role.governance, Role.security, Role.auditor}
    ),
    Permission.audit_export: frozenset({Role.admin, Role.auditor}),
    Permission.systems_read: _ALL,
    Permission.systems_write: _BUILDERS,
    Permission.systems_export: frozenset({*_BUILDERS, Role.auditor}),
    Permission.vendors_read: _ALL,
    Permission.vendors_write: frozenset({*_BUILDERS, Role.security}),
    Permission.lifecycle_move: frozenset({Role.admin, Role.ops_manager, Role.engineer}),
    Permission.risk_read: _ALL,
    Permission.risk_write: _ALL - {Role.auditor, Role.stakeholder},
    Permission.risk_classify: _BUILDERS,
    Permission.policies_read: _ALL,
    Permission.policies_write: frozenset({Role.admin, Role.governance}),
    Permission.evidence_write: _ALL - {Role.auditor, Role.stakeholder},
    Permission.approvals_read: _ALL,
    # Who may decide a given request is narrower: the policy names the roles it needs.
    Permission.approvals_decide: _ALL - {Role.auditor},
    # Traces hold prompts and answers: stakeholders get cost reports, not raw conversations.
    Permission.telemetry_read: _ALL - {Role.stakeholder},
    # Telemetry is sent by applications with an engineer's (or admin's) API key.
    Permission.telemetry_ingest: frozenset({Role.admin, Role.engineer}),
    Permission.metrics_read: _ALL - {Role.stakeholder},
    # Prices explain every cost figure, so whoever sees cost sees them; negotiated prices are
    # commercial terms, kept by who owns the portfolio's spend.
    Permission.prices_read: _ALL,
    Permission.prices_write: frozenset({Role.admin, Role.ops_manager}),
    Permission.alerts_read: _ALL,
    Permission.alerts_write: frozenset({Role.admin, Role.ops_manager, Role.analyst}),
    Permission.incidents_read: _ALL,
    # Who works incidents: those who watch systems in production.
    Permission.incidents_write: frozenset(
        {
            Role.admin,
            Role.ops_manager,
            Role.engineer,
            Role.analyst,
            Role.security,
            Role.prompt_engineer,
        }
    ),
    Permission.channels_read: frozenset(
        {Role.admin, Role.ops_manager, Role.engineer, Role.analyst, Role.auditor}
    ),
    Permission.channels_write: frozenset({Role.admin, Role.ops_manager}),
    # Who watches classic models: analysts and who owns or audits the portfolio, and the
    # engineers whose applications log.
    Permission.predictions_read: frozenset(
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer, Role.analyst, Role.auditor}
    ),
    # Predictions and labels are sent by applications and pipelines with an engineer's or an
    # analyst's API key; registering a model version comes with them.
    Permission.predictions_write: frozenset({Role.admin, Role.engineer, Role.analyst}),
    Permission.monitors_read: _ALL,
    # Who watches models in production: the analyst's work, with engineers who ship models.
    Permission.monitors_write: frozenset(
        {Role.admin, Role.ops_manager, Role.engineer, Role.analyst}
    ),
}

# The auditor reads everything and changes nothing: any permission not named ``*.read``,
# ``*.view`` or ``*.export`` is a change, and the matrix must not give it to the auditor.
READ_ONLY_SUFFIXES = (".read", ".view", ".export")


def allows(role: Role, permission: Permission) -> bool:
    return role in MATRIX[permission]


def permissions_of(role: Role) -> frozenset[Permission]:
    return frozenset(p for p, roles in MATRIX.items() if role in roles)
