"""The inventory's part of the Overview: how many systems, how many in production, by stage,
and vendor renewals coming up; each figure within the reader's business units."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.web import charts
from aitower.core.web.overview_panels import OverviewChart, OverviewPanel, OverviewTile
from aitower.inventory import queries
from aitower.inventory.lifecycle import PRODUCTION_STAGES
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.vendors import list_vendors

RENEWAL_HORIZON_DAYS = 90


def inventory_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    """None for a principal who may not read the inventory."""
    if not principal.can(InventoryPermission.systems_read):
        return None
    by_stage = queries.stage_counts(session, principal)
    in_production = sum(n for stage, n in by_stage.items() if stage in PRODUCTION_STAGES)
    _, renewals = list_vendors(
        session, today=today, renewal_within_days=RENEWAL_HORIZON_DAYS, limit=1
    )
    stage_chart = charts.bar_chart_svg(
        [(stage, float(n)) for stage, n in by_stage.items()],
        title="AI systems by lifecycle stage",
    )
    return OverviewPanel(
        tiles=(
            OverviewTile(10, str(sum(by_stage.values())), "AI systems", "/systems"),
            OverviewTile(
                20,
                str(in_production),
                "in production (deployment, monitoring, optimization)",
                "/systems?stage=in_production",
            ),
            OverviewTile(
                80,
                str(renewals),
                f"vendor renewals in {RENEWAL_HORIZON_DAYS} days",
                "/vendors?renewals=due",
            ),
        ),
        charts=(OverviewChart(10, stage_chart),),
    )
