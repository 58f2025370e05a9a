"""Who is acting: a user in a browser, a machine with an API key, the CLI, or aitower itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from aitower.core.access.roles import ORG_WIDE_ROLES, Permission, Role, allows


class PrincipalKind(StrEnum):
    user = "user"
    apikey = "apikey"
    cli = "cli"
    system = "system"
    anonymous = "anonymous"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated actor with its role and the business units it may see and change.

    ``unit_ids`` is ``None`` for organisation-wide actors (admin, ops manager, auditor, the CLI).
    An API key acts for its owner: ``owner_id`` names that user, and ``ceiling`` is the owner's
    current role, so a permission needs both the key's role and the owner's (a key never does
    more than the person it belongs to can do today).
    """

    kind: PrincipalKind
    id: uuid.UUID | None
    name: str
    role: Role
    unit_ids: frozenset[uuid.UUID] | None
    user_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    ceiling: Role | None = None

    @property
    def actor(self) -> str:
        """How the audit trail names this actor, e.g. ``user:alice`` or ``apikey:atk_3f9a``."""
        return f"{self.kind.value}:{self.name}"

    @property
    def person_id(self) -> uuid.UUID | None:
        """The person behind this actor: the user, or the owner of the API key; None for the
        CLI and aitower itself. Separation of duties compares people, not credentials."""
        return self.user_id if self.user_id is not None else self.owner_id

    def can(self, permission: Permission) -> bool:
        return allows(self.role, permission) and (
            self.ceiling is None or allows(self.ceiling, permission)
        )

    def sees_unit(self, unit_id: uuid.UUID | None) -> bool:
        return self.unit_ids is None or (unit_id is not None and unit_id in self.unit_ids)


def cli_principal(os_user: str) -> Principal:
    """Whoever can run the CLI on the server owns the database: an admin, named by OS user."""
    return Principal(PrincipalKind.cli, None, os_user, Role.admin, None)


def anonymous_principal() -> Principal:
    """Names a not-yet-authenticated caller in the audit trail (failed logins); holds no scope."""
    return Principal(PrincipalKind.anonymous, None, "anonymous", Role.stakeholder, frozenset())


def system_principal(job: str) -> Principal:
    """aitower acting on its own (demo loading, scheduled jobs)."""
    return Principal(PrincipalKind.system, None, job, Role.admin, None)


def unit_scope(
    role: Role, all_units: bool, unit_ids: frozenset[uuid.UUID]
) -> frozenset[uuid.UUID] | None:
    """The scope a role and its memberships give: org-wide roles see every unit."""
    if role in ORG_WIDE_ROLES or all_units:
        return None
    return unit_ids
