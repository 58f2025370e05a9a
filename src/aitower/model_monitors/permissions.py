"""What model monitoring lets each role do: read and run references and monitors.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class MonitorPermission(Permission):
    monitors_read = (
        "monitors.read",
        "See model references, monitors and their drift, quality and fairness results",
        ALL_ROLES,
    )
    # Who watches models in production: the analyst's work, with engineers who ship models.
    monitors_write = (
        "monitors.write",
        "Create references, create and change model monitors, run them now",
        {Role.admin, Role.ops_manager, Role.engineer, Role.analyst},
    )
