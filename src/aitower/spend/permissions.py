"""What spend lets each role do: read cost, import bills, map them to systems, keep budgets.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it. Readers who are limited to business units see the cost of their units' systems
only (``Principal.unit_ids``); costs no system claims are organisation-wide.
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class SpendPermission(Permission):
    # Cost is what the business stakeholder comes for; every role may see what its units spend.
    read = (
        "spend.read",
        "See spend over time, its drivers, budgets and forecasts, and the imported bills",
        ALL_ROLES,
    )
    # Bills and invoices are the finance side of operations: kept by who runs the portfolio
    # and the engineers who run the infrastructure the bills are for.
    import_ = (
        "spend.import",
        "Import cloud bills, invoices, licence seats, training runs and people time; "
        "map bills' tags and accounts to systems; undo an import",
        {Role.admin, Role.ops_manager, Role.engineer},
    )
    budgets_write = (
        "budgets.write",
        "Add, change and remove budgets (a stakeholder: for their units' systems)",
        {Role.admin, Role.ops_manager, Role.stakeholder},
    )
