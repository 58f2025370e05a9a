"""The portfolio as the app sees it: value, ROI, advice, decisions, the executive dashboard and
its scheduled reports; the Cost & Value section's navigation item leads to that dashboard."""

from __future__ import annotations

from aitower.core.background import BackgroundJob
from aitower.core.slice import Slice
from aitower.core.web.navigation import NavItem
from aitower.portfolio import (
    api_advice,
    api_reports,
    api_value,
    cli_advice,
    cli_reports,
    cli_value,
    pages_advice,
    pages_dashboard,
    pages_reports,
    pages_value,
    tables,
)
from aitower.portfolio.dashboard_overview import portfolio_panel
from aitower.portfolio.demo_advice import add_demo_advice
from aitower.portfolio.demo_reports import add_demo_reports
from aitower.portfolio.demo_value import add_demo_value
from aitower.portfolio.permissions import PortfolioPermission
from aitower.portfolio.report_sending import send_due_reports

SLICE = Slice(
    name="portfolio",
    tables=(tables,),
    permissions=(PortfolioPermission,),
    navigation=(NavItem("cost", "Cost & Value", "/value", PortfolioPermission.read, rank=60),),
    api_routers=(
        lambda _: api_value.build_router(),
        lambda _: api_advice.build_router(),
        lambda _: api_reports.build_router(),
    ),
    routers=(
        lambda _: pages_dashboard.build_router(),
        lambda _: pages_value.build_router(),
        lambda _: pages_advice.build_router(),
        lambda _: pages_reports.build_router(),
    ),
    # The value group first: advice and the reports' commands join it.
    cli=(cli_value.register, cli_advice.register, cli_reports.register),
    # Value models before the report subscriptions that summarise them.
    demo=(add_demo_value, add_demo_advice, add_demo_reports),
    overview=(portfolio_panel,),
    # Claims (``retry_at``) keep replicas apart; a minute is finer than any report's period.
    jobs=(BackgroundJob("executive reports", send_due_reports, every_seconds=60),),
)
