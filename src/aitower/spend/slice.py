"""Spend as the app sees it: imports, cost over time, budgets (filled in by its modules)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.spend import api_imports, cli_imports, pages_imports, tables
from aitower.spend.demo_spend import add_demo_spend
from aitower.spend.permissions import SpendPermission

SLICE = Slice(
    name="spend",
    tables=(tables,),
    permissions=(SpendPermission,),
    api_routers=(lambda _: api_imports.build_router(),),
    routers=(lambda _: pages_imports.build_router(),),
    cli=(cli_imports.register,),
    demo=(add_demo_spend,),
    body_limits=(
        ("/api/v1/spend/imports", lambda _: api_imports.MAX_UPLOAD_BYTES),
        ("/cost/imports", lambda _: api_imports.MAX_UPLOAD_BYTES),
    ),
)
