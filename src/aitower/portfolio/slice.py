"""The portfolio as the app sees it: value, ROI, advice, decisions, the executive dashboard and
reports (filled in by its modules)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.portfolio import api_value, cli_value, pages_value, tables
from aitower.portfolio.demo_value import add_demo_value
from aitower.portfolio.permissions import PortfolioPermission

SLICE = Slice(
    name="portfolio",
    tables=(tables,),
    permissions=(PortfolioPermission,),
    api_routers=(lambda _: api_value.build_router(),),
    routers=(lambda _: pages_value.build_router(),),
    cli=(cli_value.register,),
    demo=(add_demo_value,),
)
