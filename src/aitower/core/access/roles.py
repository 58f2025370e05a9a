"""Roles of an AI Operations team and the one permission matrix that decides every action.

Every API route, page and CLI command names one ``Permission``, and each permission carries the
roles that hold it. The core declares its own (``CorePermission``); each capability declares
its own in its ``permissions.py`` as a subclass of ``Permission``, so it brings its rows of the
matrix with it. ``MATRIX`` is every declared permission with its roles; ``docs/permissions.md``
is generated from it (``aitower permissions doc``) and a test fails when the two differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Self


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


ALL_ROLES = frozenset(Role)
# Who registers and shapes systems: engineers, and governance and ops who own the portfolio.
BUILDERS = frozenset({Role.admin, Role.ops_manager, Role.governance, Role.engineer})


class Permission(StrEnum):
    """The base of every permission: ``name = ("value", "what it allows", roles)``.

    Subclassed once per capability (an enum with no members may be subclassed); a member's
    ``description`` is the permission doc's text and ``roles`` are the roles holding it.
    """

    description: str
    roles: frozenset[Role]

    def __new__(cls, value: str, description: str = "", roles: Iterable[Role] = ()) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.description = description
        member.roles = frozenset(roles)
        return member


class CorePermission(Permission):
    overview_view = (
        "overview.view",
        "See the overview dashboard",
        ALL_ROLES,
    )
    units_read = (
        "units.read",
        "List business units",
        ALL_ROLES,
    )
    units_write = (
        "units.write",
        "Create and rename business units",
        {Role.admin},
    )
    users_read = (
        "users.read",
        "List users and their roles",
        {Role.admin, Role.ops_manager, Role.governance, Role.auditor},
    )
    users_write = (
        "users.write",
        "Create users, change roles and scopes, disable users",
        {Role.admin},
    )
    apikeys_read = (
        "apikeys.read",
        "List API keys (own units; admin: all)",
        {Role.admin, Role.engineer, Role.security, Role.auditor},
    )
    apikeys_write = (
        "apikeys.write",
        "Create and revoke API keys (never above one's own role)",
        {Role.admin, Role.engineer},
    )
    audit_read = (
        "audit.read",
        "Read and verify the audit trail",
        {Role.admin, Role.ops_manager, Role.governance, Role.security, Role.auditor},
    )
    audit_export = (
        "audit.export",
        "Export the audit trail as JSON Lines, and the signed audit bundle",
        {Role.admin, Role.auditor},
    )


def permission_classes() -> list[type[Permission]]:
    """Every declared permission enum: the core's, then the capabilities' in the order they
    were imported (the composition root, ``aitower.app``, imports every capability)."""
    found: list[type[Permission]] = []
    pending = list(Permission.__subclasses__())
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def all_permissions() -> list[Permission]:
    """Every declared permission, sorted by value so that listings do not depend on import
    order."""
    return sorted((p for cls in permission_classes() for p in cls), key=lambda p: p.value)


def permission_named(value: str) -> Permission:
    """The permission whose value is ``value`` (``"channels.read"``); KeyError for a name no
    capability declares, so a template asking about a mistyped permission fails loudly."""
    for permission in all_permissions():
        if permission.value == value:
            return permission
    raise KeyError(f"no permission {value!r}")


class _Matrix(Mapping[Permission, frozenset[Role]]):
    """Every declared permission and the roles holding it, read live from the enums."""

    def __getitem__(self, permission: Permission) -> frozenset[Role]:
        return permission.roles

    def __iter__(self) -> Iterator[Permission]:
        return iter(all_permissions())

    def __len__(self) -> int:
        return len(all_permissions())


MATRIX: Mapping[Permission, frozenset[Role]] = _Matrix()

# The auditor reads everything and changes nothing: any permission not named ``*.read``,
# ``*.view`` or ``*.export`` is a change, and the matrix must not give it to the auditor.
READ_ONLY_SUFFIXES = (".read", ".view", ".export")


def allows(role: Role, permission: Permission) -> bool:
    return role in permission.roles


def permissions_of(role: Role) -> frozenset[Permission]:
    return frozenset(p for p in all_permissions() if role in p.roles)
