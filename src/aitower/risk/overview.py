"""The risk slice's part of the Overview: systems by EU AI Act tier, those not yet assessed,
overdue risk reviews and the heat map of open risks; within the reader's business units."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.web import charts
from aitower.core.web.overview_panels import (
    OverviewChart,
    OverviewPanel,
    OverviewTile,
    tone_if,
)
from aitower.inventory.permissions import InventoryPermission
from aitower.risk import service as risk
from aitower.risk.pages_portfolio import heat_map_chart


def risk_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    """None for a principal who may not read the inventory (the portfolio it describes)."""
    if not principal.can(InventoryPermission.systems_read):
        return None
    by_tier = risk.tier_counts(session, principal)
    overdue = len(risk.overdue_reviews(session, principal, today))
    tier_chart = charts.bar_chart_svg(
        [(tier, float(n)) for tier, n in by_tier.items()],
        title="AI systems by EU AI Act risk tier",
    )
    heat = heat_map_chart(
        risk.heat_map(session, principal), "Open risks by residual likelihood and impact"
    )
    return OverviewPanel(
        tiles=(
            OverviewTile(
                30, str(by_tier.get("high", 0)), "high-risk systems", "/systems?tier=high"
            ),
            OverviewTile(
                40,
                str(by_tier.get("not assessed", 0)),
                "not yet assessed (EU AI Act)",
                "/systems?tier=unassessed",
            ),
            OverviewTile(70, str(overdue), "risk reviews overdue", "/risk", tone_if(overdue)),
        ),
        charts=(OverviewChart(20, tier_chart), OverviewChart(40, heat)),
    )
