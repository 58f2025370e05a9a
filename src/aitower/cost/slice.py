"""The LLM price catalog and negotiated prices. Its pages sit in the Cost & Value section,
whose navigation item the portfolio brings (its overview is the section's first page)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.cost import api, cli, pages, tables
from aitower.cost.permissions import CostPermission

SLICE = Slice(
    name="cost",
    tables=(tables,),
    permissions=(CostPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    cli=(cli.register,),
)
