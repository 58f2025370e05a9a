"""What the inventory lets each role do: see, register and export AI systems and vendors.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class InventoryPermission(Permission):
    systems_read = (
        "systems.read",
        "See AI systems in the inventory (own units; org-wide roles: all)",
        ALL_ROLES,
    )
    systems_write = (
        "systems.write",
        "Register, edit and bulk-import AI systems",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer},
    )
    systems_export = (
        "systems.export",
        "Export the inventory as CSV or YAML",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer, Role.auditor},
    )
    vendors_read = (
        "vendors.read",
        "See vendors, their contracts, attestations and risk rating",
        ALL_ROLES,
    )
    vendors_write = (
        "vendors.write",
        "Register and edit vendors",
        {Role.admin, Role.ops_manager, Role.governance, Role.engineer, Role.security},
    )
