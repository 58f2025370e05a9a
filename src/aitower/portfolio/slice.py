"""The portfolio as the app sees it: value, ROI, advice, decisions, the executive dashboard and
reports (filled in by its modules)."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.portfolio import tables
from aitower.portfolio.permissions import PortfolioPermission

SLICE = Slice(
    name="portfolio",
    tables=(tables,),
    permissions=(PortfolioPermission,),
    navigation=(NavItem("cost", "Cost & Value", "/value", PortfolioPermission.read, rank=60),),
)
