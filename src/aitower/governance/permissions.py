"""What governance lets each role do: policies, evidence, approvals and lifecycle moves.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class GovernancePermission(Permission):
    lifecycle_move = (
        "lifecycle.move",
        "Request a lifecycle move (it completes when its gate passes)",
        {Role.admin, Role.ops_manager, Role.engineer},
    )
    policies_read = (
        "policies.read",
        "Read policies, their versions and compliance findings",
        ALL_ROLES,
    )
    policies_write = (
        "policies.write",
        "Create, edit, enable and apply policies",
        {Role.admin, Role.governance},
    )
    evidence_write = (
        "evidence.write",
        "Attach and remove documents and evidence on a system",
        ALL_ROLES - {Role.stakeholder, Role.auditor},
    )
    approvals_read = (
        "approvals.read",
        "See approval requests and decisions",
        ALL_ROLES,
    )
    # Who may decide a given request is narrower: the policy names the roles it needs.
    approvals_decide = (
        "approvals.decide",
        "Approve or reject requests that ask for one's role",
        ALL_ROLES - {Role.auditor},
    )
