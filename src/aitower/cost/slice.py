"""Cost as the app sees it today: the LLM price catalog and negotiated prices."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.cost import api, cli, pages, tables
from aitower.cost.permissions import CostPermission

SLICE = Slice(
    name="cost",
    tables=(tables,),
    permissions=(CostPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    navigation=(
        NavItem("cost", "Cost & Value", "/cost/prices", CostPermission.prices_read, rank=60),
    ),
    cli=(cli.register,),
)
