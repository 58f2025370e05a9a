"""Spend as the app sees it: imports, cost over time, budgets (filled in by its modules)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.spend import api_costs, budget_pages, cli_costs, pages_costs, tables
from aitower.spend.demo_budgets import add_demo_budgets
from aitower.spend.permissions import SpendPermission

SLICE = Slice(
    name="spend",
    tables=(tables,),
    permissions=(SpendPermission,),
    api_routers=(lambda _: api_costs.build_router(),),
    routers=(lambda _: pages_costs.build_router(), lambda _: budget_pages.build_router()),
    cli=(cli_costs.register,),
    demo=(add_demo_budgets,),
)
