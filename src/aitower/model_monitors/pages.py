"""Pages of model monitoring: the Models portfolio, a model's tabs (overview, drift,
performance, fairness), one result in full, and a system's Models tab.

Server-rendered and script-free; thin: the data comes from ``page_data`` (the services) and
the charts from ``charts`` (``core.web.charts``).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.templating import render
from aitower.inventory.service import get_system_ref
from aitower.model_monitors import charts, page_data, results
from aitower.model_monitors.monitors import get_monitor
from aitower.model_monitors.permissions import MonitorPermission
from aitower.predictions import service as predictions

Reader = Annotated[Principal, guard(MonitorPermission.monitors_read)]
MonitorChoice = Annotated[uuid.UUID | None, Query()]
TABS = (
    ("overview", "Overview", ""),
    ("drift", "Drift", "/drift"),
    ("performance", "Performance", "/performance"),
    ("fairness", "Fairness", "/fairness"),
)


def models_page(request: Request, db: DbDep, principal: Reader) -> Response:
    with db.reading() as session:
        rows = page_data.models_overview(session, principal)
    return render(request, "model_monitors/models.html", principal, section="models", rows=rows)


def system_models_page(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: Reader
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        rows = page_data.models_overview(session, principal, system_id)
    return render(
        request,
        "model_monitors/system_models.html",
        principal,
        section="inventory",
        system=system,
        rows=rows,
    )


def _model_context(
    db: DbDep, principal: Principal, model_id: uuid.UUID, monitor: uuid.UUID | None, tab: str
) -> tuple[page_data.ModelPage, dict[str, Any]]:
    """The model's page and what the tab needs besides (one read transaction)."""
    with db.reading() as session:
        page = page_data.model_page(session, principal, model_id, monitor)
        extra: dict[str, Any] = {}
        if tab == "drift" and page.monitor is not None:
            extra["table"] = results.drift_table(session, principal, page.monitor.id)
        if tab == "performance":
            extra["coverage"] = page_data.label_coverage(session, page.summary, utcnow())
        if tab == "fairness":
            extra["fair"] = page_data.fairness_result(session, principal, page)
    return page, extra


def _render_model(
    request: Request, principal: Principal, page: page_data.ModelPage, tab: str, **context: Any
) -> Response:
    return render(
        request,
        f"model_monitors/model_{tab}.html",
        principal,
        section="models",
        page=page,
        model=page.summary.model,
        tab=tab,
        tabs=TABS,
        metric_title=page_data.metric_title,
        performance_note=charts.PERFORMANCE_NOTE,
        **context,
    )


def model_overview(
    model_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    monitor: MonitorChoice = None,
) -> Response:
    page, _ = _model_context(db, principal, model_id, monitor, "overview")
    figures = [charts.drift_history_chart(page)]
    figures.append(charts.performance_chart(page, charts.PERFORMANCE[page.task][0]))
    if page.monitor is not None and page.monitor.spec.sensitive:
        figures.append(charts.fairness_history_chart(page))
    figures.append(charts.window_labels_chart(page))
    return _render_model(request, principal, page, "overview", figures=figures)


def model_drift(
    model_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    monitor: MonitorChoice = None,
) -> Response:
    page, extra = _model_context(db, principal, model_id, monitor, "drift")
    features = (
        [] if page.latest is None else (page.latest.detail.get("drift") or {}).get("features") or []
    )
    sparklines = {
        trend.name: charts.feature_sparkline(trend, trend.latest.get("threshold"))
        for trend in extra.get("table", [])
    }
    return _render_model(
        request,
        principal,
        page,
        "drift",
        table=extra.get("table", []),
        sparklines=sparklines,
        distributions=[(f, charts.distribution_chart(f)) for f in features],
        history=charts.drift_history_chart(page),
        drift=(page.latest.detail.get("drift") or {}) if page.latest else {},
    )


def model_performance(
    model_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    monitor: MonitorChoice = None,
) -> Response:
    page, extra = _model_context(db, principal, model_id, monitor, "performance")
    performance = (page.latest.detail.get("performance") or {}) if page.latest else {}
    return _render_model(
        request,
        principal,
        page,
        "performance",
        figures=charts.performance_charts(page),
        coverage=charts.coverage_charts(extra["coverage"]),
        labels=charts.window_labels_chart(page),
        performance=performance,
        metrics=charts.PERFORMANCE[page.task],
    )


def model_fairness(
    model_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    monitor: MonitorChoice = None,
) -> Response:
    page, extra = _model_context(db, principal, model_id, monitor, "fairness")
    fair = extra["fair"]
    floor = 0.8 if page.monitor is None else page.monitor.spec.fairness_floor
    groups = (
        []
        if fair is None
        else charts.fairness_charts((fair.detail.get("fairness") or {}).get("results") or [], floor)
    )
    reason = ""
    if page.latest is not None:
        reason = (page.latest.detail.get("fairness") or {}).get("reason") or ""
    return _render_model(
        request,
        principal,
        page,
        "fairness",
        fair=fair,
        groups=groups,
        floor=floor,
        reason=reason,
        history=charts.fairness_history_chart(page),
    )


def result_page(result_id: uuid.UUID, request: Request, db: DbDep, principal: Reader) -> Response:
    with db.reading() as session:
        view = results.get_result(session, principal, result_id)
        monitor = get_monitor(session, principal, view.point.monitor_id)
        summary = predictions.get_model(session, principal, view.point.model_id)
    detail = view.detail
    fairness = (detail.get("fairness") or {}).get("results") or []
    drift = detail.get("drift") or {}
    return render(
        request,
        "model_monitors/result.html",
        principal,
        section="models",
        view=view,
        point=view.point,
        monitor=monitor,
        summary=summary,
        model=summary.model,
        drift=drift,
        distributions=[(f, charts.distribution_chart(f)) for f in drift.get("features") or []],
        performance=detail.get("performance") or {},
        groups=charts.fairness_charts(fairness, monitor.spec.fairness_floor),
        fairness_reason=(detail.get("fairness") or {}).get("reason") or "",
        error=detail.get("error"),
        headline=page_data.headline(
            summary.model.task, view.point, results.worst_signal(view.point.signals)
        ),
        metric_title=page_data.metric_title,
        describe_signal=page_data.describe_signal,
    )


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/monitoring/models")(models_page)
    router.get("/monitoring/models/{model_id}")(model_overview)
    router.get("/monitoring/models/{model_id}/drift")(model_drift)
    router.get("/monitoring/models/{model_id}/performance")(model_performance)
    router.get("/monitoring/models/{model_id}/fairness")(model_fairness)
    router.get("/monitoring/results/{result_id}")(result_page)
    router.get("/systems/{system_id}/models")(system_models_page)
    return router
