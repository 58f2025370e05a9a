"""Governance's part of the Overview: systems blocked by a policy, approvals awaiting the
reader, and compliance by worst outcome; within the reader's business units."""

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
from aitower.governance import approvals
from aitower.governance.compliance import portfolio_compliance
from aitower.governance.permissions import GovernancePermission
from aitower.inventory.permissions import InventoryPermission

_OUTCOMES = (("pass", "compliant"), ("warn", "warnings"), ("block", "blocked"))


def governance_panel(session: Session, principal: Principal, today: date) -> OverviewPanel | None:
    """None for a principal who may not read the inventory (the portfolio it describes)."""
    if not principal.can(InventoryPermission.systems_read):
        return None
    awaiting = approvals.inbox(session, principal).count
    tiles = [
        OverviewTile(
            60,
            str(awaiting),
            "approvals awaiting you",
            "/approvals",
            tone_if(awaiting),
            testid="tile-awaiting",
        )
    ]
    chart = []
    if principal.can(GovernancePermission.policies_read):
        totals = portfolio_compliance(session, principal, today).totals
        blocked = totals.get("block", 0)
        tiles.append(
            OverviewTile(
                50,
                str(blocked),
                "systems blocked by a policy",
                "/governance",
                tone_if(blocked, "bad"),
                testid="tile-blocked",
            )
        )
        compliance_chart = charts.bar_chart_svg(
            [(label, float(totals.get(key, 0))) for key, label in _OUTCOMES],
            title="Systems by policy compliance (worst outcome)",
            horizontal=True,
        )
        chart.append(OverviewChart(30, compliance_chart))
    return OverviewPanel(tiles=tuple(tiles), charts=tuple(chart))
