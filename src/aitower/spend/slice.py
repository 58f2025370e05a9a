"""Spend as the app sees it: imports of bills into the ledger and the rules mapping them to
systems, cost over time with its drivers, budgets with their forecasts and burn-down."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.spend import (
    api_costs,
    api_imports,
    budget_pages,
    cli_costs,
    cli_imports,
    pages_costs,
    pages_imports,
    tables,
)
from aitower.spend.demo_budgets import add_demo_budgets
from aitower.spend.demo_spend import add_demo_spend
from aitower.spend.permissions import SpendPermission

SLICE = Slice(
    name="spend",
    tables=(tables,),
    permissions=(SpendPermission,),
    api_routers=(lambda _: api_imports.build_router(), lambda _: api_costs.build_router()),
    routers=(
        lambda _: pages_costs.build_router(),
        lambda _: budget_pages.build_router(),
        lambda _: pages_imports.build_router(),
    ),
    # The imports make the `spend` group; the cost report and budgets join it.
    cli=(cli_imports.register, cli_costs.register),
    # A year of bills first; the budgets are sized on LLM cost alone (so the breach does not
    # depend on the bills).
    demo=(add_demo_spend, add_demo_budgets),
    body_limits=(
        ("/api/v1/spend/imports", lambda _: api_imports.MAX_UPLOAD_BYTES),
        ("/cost/imports", lambda _: api_imports.MAX_UPLOAD_BYTES),
    ),
)
