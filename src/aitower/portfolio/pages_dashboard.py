"""The executive dashboard ``/value``: the portfolio's cost, value, ROI, adoption, risk and
incidents on one page, in the reader's units, with the same charts as the printed report.

Links are shown only where the reader may follow them (a stakeholder reads cost and value but
not the risk register or incidents: she sees their counts, not links to pages she cannot open).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from starlette.responses import Response

from aitower.alerts.permissions import AlertPermission
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.templating import render
from aitower.inventory.permissions import InventoryPermission
from aitower.portfolio.dashboard import dashboard_report
from aitower.portfolio.permissions import PortfolioPermission
from aitower.portfolio.report_charts import report_charts
from aitower.risk.permissions import RiskPermission

Reader = Annotated[Principal, guard(PortfolioPermission.read)]


def dashboard_page(request: Request, db: DbDep, principal: Reader) -> Response:
    now = utcnow()
    with db.reading() as session:
        report = dashboard_report(session, principal, now.date(), now)
    return render(
        request,
        "portfolio/dashboard.html",
        principal,
        section="cost",
        report=report,
        charts=report_charts(report),
        links={
            "systems": principal.can(InventoryPermission.systems_read),
            "incidents": principal.can(AlertPermission.incidents_read),
            "risks": principal.can(RiskPermission.risk_read),
            "reports": principal.can(PortfolioPermission.read),
        },
    )


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/value")(dashboard_page)
    return router
