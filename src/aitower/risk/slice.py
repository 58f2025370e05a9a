"""Risk as the app sees it: EU AI Act tiering and the risk register."""

from __future__ import annotations

from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.risk import api, cli, pages, tables
from aitower.risk.demo import add_demo_risk
from aitower.risk.overview import risk_panel
from aitower.risk.permissions import RiskPermission

SLICE = Slice(
    name="risk",
    tables=(tables,),
    permissions=(RiskPermission,),
    api_routers=(lambda _: api.build_router(),),
    routers=(lambda _: pages.build_router(),),
    navigation=(NavItem("risk", "Risk", "/risk", RiskPermission.risk_read, rank=30),),
    cli=(cli.register,),
    demo=(add_demo_risk,),
    overview=(risk_panel,),
)
