"""What the cost slice lets each role do: read the price list, keep negotiated prices and data.

Each member names its permission, what it allows (the permission doc's text) and the roles
that hold it: the rows of the permission matrix this capability brings (``docs/permissions.md``).
"""

from __future__ import annotations

from aitower.core.access.roles import ALL_ROLES, Permission, Role


class CostPermission(Permission):
    # Prices explain every cost figure, so whoever sees cost sees them; negotiated prices are
    # commercial terms, kept by who owns the portfolio's spend.
    prices_read = (
        "prices.read",
        "See the LLM price list (the price data in force), the organisation's prices and quotes",
        ALL_ROLES,
    )
    prices_write = (
        "prices.write",
        "Add, change and remove the organisation's negotiated LLM prices; load newer price data",
        {Role.admin, Role.ops_manager},
    )
