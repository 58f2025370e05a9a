"""The portfolio's tile on the Overview: this month's AI cost in the reader's units, linking to
the executive dashboard (``/value``). One cost read of the month so far, not the whole report."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.web.money import format_usd
from aitower.core.web.overview_panels import OverviewPanel, OverviewTile
from aitower.inventory.service import visible_systems
from aitower.portfolio.permissions import PortfolioPermission
from aitower.spend.costs import daily_costs

RANK = 40


def month_cost(session: Session, principal: Principal, today: date) -> float:
    """Every cost of the month so far in the reader's units (and, org-wide, the unclaimed)."""
    ids = (
        None if principal.unit_ids is None else [s.id for s in visible_systems(session, principal)]
    )
    lines = daily_costs(session, today.replace(day=1), today + timedelta(days=1), ids)
    return sum(line.amount for line in lines)


def portfolio_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    if not principal.can(PortfolioPermission.read):
        return None
    cost = month_cost(session, principal, today)
    tile = OverviewTile(
        RANK, format_usd(cost), "AI cost this month", "/value", testid="tile-ai-cost"
    )
    return OverviewPanel(tiles=(tile,))
