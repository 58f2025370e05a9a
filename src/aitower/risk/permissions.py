"""What the risk slice lets each role do: read tiers and the register, change risks, classify.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class RiskPermission(Permission):
    risk_read = (
        "risk.read",
        "See EU AI Act assessments, risk tiers and the risk register",
        ALL_ROLES,
    )
    risk_write = (
        "risk.write",
        "Add and update risks in the register",
        ALL_ROLES - {Role.stakeholder, Role.auditor},
    )
    risk_classify = (
        "risk.classify",
        "Answer the EU AI Act questionnaire of a system",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer},
    )
