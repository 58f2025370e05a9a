"""``/value/advice``: optimisation advice with its evidence, ranked by estimated saving, with a
filter by system, unit and kind. Each item's chart is drawn here as server-side SVG."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from markupsafe import Markup
from starlette.responses import Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.access.service import list_units
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.charts.bars import bar_chart_svg
from aitower.core.web.charts.time_series import Series, time_series_svg
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.templating import render
from aitower.inventory import service as inventory
from aitower.portfolio import advice_service
from aitower.portfolio.advice import KIND_TITLES, Advice, Chart
from aitower.portfolio.permissions import PortfolioPermission

Reader = Annotated[Principal, guard(PortfolioPermission.read)]
Text = Annotated[str, Query(max_length=40)]
CHART_WIDTH = 420


def chart_svg(chart: Chart) -> Markup:
    """The evidence's chart: bars of its points, or weekly lines (a ``(fit)`` series dashed)."""
    if chart.kind == "lines":
        series = [
            Series(
                name,
                [(_monday(day), value) for day, value in points],
                dashed=name.endswith("(fit)"),
            )
            for name, points in chart.series
        ]
        return time_series_svg(
            series, title=chart.title, width=CHART_WIDTH, height=200, include_zero=False
        )
    bars = [(label, value) for _, points in chart.series for label, value in points]
    return bar_chart_svg(bars, title=chart.title, width=CHART_WIDTH, height=180)


def _monday(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)


def _charts(items: list[Advice]) -> list[Markup | None]:
    return [None if a.chart is None else chart_svg(a.chart) for a in items]


def advice_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    system: Text = "",
    unit: Text = "",
    kind: Text = "",
) -> Response:
    problem = None
    with db.reading() as session:
        systems = inventory.visible_systems(session, principal)
        units = [u for u in list_units(session) if principal.sees_unit(u.id)]
        try:
            flt = advice_service.parse_filter(system, unit, kind)
            report = advice_service.advise(session, principal, flt, utcnow())
        except InvalidInput as exc:
            problem = FormProblem.of(exc)
            report = advice_service.advise(
                session, principal, advice_service.AdviceFilter(), utcnow()
            )
    return render(
        request,
        "portfolio/advice.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="cost",
        report=report,
        charts=_charts(report.items),
        kinds=list(KIND_TITLES.items()),
        kind_titles=KIND_TITLES,
        systems=systems,
        units=units,
        params={"system": system, "unit": unit, "kind": kind},
        problem=problem,
    )


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/value/advice")(advice_page)
    return router
