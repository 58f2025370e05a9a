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
}

_ALL = frozenset(Role)
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
}

# The auditor reads everything and changes nothing: any permission not named ``*.read``,
# ``*.view`` or ``*.export`` is a change, and the matrix must not give it to the auditor.
READ_ONLY_SUFFIXES = (".read", ".view", ".export")


def allows(role: Role, permission: Permission) -> bool:
    return role in MATRIX[permission]


def permissions_of(role: Role) -> frozenset[Permission]:
    return frozenset(p for p, roles in MATRIX.items() if role in roles)
