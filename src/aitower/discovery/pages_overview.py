"""The Discovery overview (``/discovery``): four tiles, each a link to the findings list
showing the same count; the weekly trend of new unsanctioned use per unit; the top
unsanctioned services; and the data sent to each, as a bar chart. Server-rendered, no script.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web import charts
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.templating import render
from aitower.discovery.findings import FindingFilter, all_findings
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.summary import NEW_DAYS, PERIOD_DAYS, Summary, format_bytes, summarise
from aitower.discovery.trend import Trend, weekly_trend

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
TREND_WEEKS = 12
TREND_UNITS = 8  # more lines than this is a tangle; the API's trend has every unit
LIST = "/discovery/findings"


def trend_chart(trend: Trend) -> Markup:
    mondays = [datetime.combine(w, time(), tzinfo=UTC) for w in trend.weeks]
    series = [
        charts.Series(u.unit or "no unit", list(zip(mondays, [float(c) for c in u.counts],
                                                    strict=True)))
        for u in trend.units[:TREND_UNITS]
    ]  # fmt: skip
    title = f"New unsanctioned findings per unit, weekly (last {len(trend.weeks)} weeks)"
    return charts.time_series_svg(series, title=title)


def leaving_chart(summary: Summary) -> Markup:
    bars = sorted(
        ((s.service_name, s.bytes_sent / 1_000_000) for s in summary.services if s.bytes_sent),
        key=lambda b: -b[1],
    )
    return charts.bar_chart_svg(
        bars, title=f"Data sent to unsanctioned services, MB (last {PERIOD_DAYS} days)",
        horizontal=True,
    )  # fmt: skip


def tiles(summary: Summary) -> list[dict[str, str]]:
    """Each figure with the list that shows it (same filters, same count)."""
    open_list = f"{LIST}?status=new&sanctioned=no"
    return [
        {"value": f"{summary.new_recent:,}", "label": f"new findings, last {NEW_DAYS} days",
         "href": f"{LIST}?new_within={NEW_DAYS}", "testid": "tile-new"},
        {"value": f"{summary.open_unsanctioned:,}", "label": "open unsanctioned findings",
         "href": open_list, "testid": "tile-open"},
        {"value": f"{summary.unsanctioned_services:,}",
         "label": "unsanctioned services in open findings", "href": open_list,
         "testid": "tile-services"},
        {"value": format_bytes(summary.bytes_leaving),
         "label": f"sent to unsanctioned services, findings seen in the last {PERIOD_DAYS} days",
         "href": f"{LIST}?sanctioned=no&active_within={PERIOD_DAYS}", "testid": "tile-leaving"},
    ]  # fmt: skip


def overview_page(request: Request, db: DbDep, principal: Reader) -> Response:
    now = utcnow()
    with db.reading() as session:
        found = all_findings(session, principal, FindingFilter())
        trend = weekly_trend(session, principal, now.date(), TREND_WEEKS)
    summary = summarise(found, now)
    return render(
        request, "discovery/overview.html", principal, section="discovery",
        summary=summary, tiles=tiles(summary), trend_chart=trend_chart(trend),
        leaving_chart=leaving_chart(summary), format_bytes=format_bytes, period=PERIOD_DAYS,
    )  # fmt: skip


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/discovery")(overview_page)
    return router
