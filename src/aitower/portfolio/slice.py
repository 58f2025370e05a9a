"""The portfolio as the app sees it: value, ROI, advice, decisions, the executive dashboard and
reports (filled in by its modules)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.portfolio import api_advice, cli_advice, pages_advice, tables
from aitower.portfolio.demo_advice import add_demo_advice
from aitower.portfolio.permissions import PortfolioPermission

SLICE = Slice(
    name="portfolio",
    tables=(tables,),
    permissions=(PortfolioPermission,),
    api_routers=(lambda _: api_advice.build_router(),),
    routers=(lambda _: pages_advice.build_router(),),
    cli=(cli_advice.register,),
    demo=(add_demo_advice,),
)
