"""Pages of the monitoring views: portfolio overview, a system's dashboard, the trace explorer
and a trace's waterfall. Server-rendered, script-free; filters are GET forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.moments import utc_moment
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.overview_panels import attention_items
from aitower.core.web.pagination import PageDep
from aitower.core.web.templating import render
from aitower.inventory.permissions import InventoryPermission
from aitower.telemetry import charts, queries, reattribution, sources, trace_detail, traces
from aitower.telemetry.content_search import (
    ContentQuery,
    SearchPage,
    checked_query,
    search_content,
)
from aitower.telemetry.pages_connect import add_connect_route
from aitower.telemetry.pages_content import add_content_settings_routes
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.ranges import TimeRange, resolve_range
from aitower.telemetry.scope import portfolio_scope, system_scope
from aitower.telemetry.transcript import readable, transcript
from aitower.telemetry.trends import trend

TelemetryReader = Annotated[Principal, guard(TelemetryPermission.telemetry_read)]
Field = Annotated[str, Query(max_length=200)]
RANGES = ("24h", "7d", "30d")
RECENT_ERRORS = 10


def _problem(exc: DomainError) -> FormProblem:
    return FormProblem.of(exc)


def _range(preset: str) -> TimeRange:
    if preset not in RANGES:
        raise InvalidInput.on("range", f"must be one of: {', '.join(RANGES)}")
    return resolve_range(preset, None, None, utcnow())


def _dashboard_charts(view: queries.Overview) -> list[Any]:
    return [
        charts.requests_chart(view),
        charts.latency_chart(view),
        charts.cost_chart(view),
        charts.tokens_chart(view),
    ]


SystemsWriter = Annotated[Principal, guard(InventoryPermission.systems_write)]


def register_source(
    db: DbDep,
    principal: SystemsWriter,  # noqa: ARG001 (the guard is the point)
    service: Annotated[str, Query(min_length=1, max_length=200)],
) -> Response:
    """The register form of an unregistered source, prefilled with the models it was seen
    using (telemetry knows them; the inventory's form takes them as ``model`` parameters) and
    the unit of the key that sent its spans, when that key was limited to one unit."""
    with db.reading() as session:
        models = sources.models_seen(session, service)
        unit = sources.sender_unit(session, service)
    fields = [("service", service), *(("model", m) for m in models)]
    if unit is not None:
        fields.append(("unit", str(unit)))
    query = urlencode(fields)
    return RedirectResponse(f"/systems/new?{query}", status_code=303)


def monitoring_page(
    request: Request, db: DbDep, principal: TelemetryReader, range: Field = "24h"
) -> Response:
    try:
        trange = _range(range)
    except InvalidInput as exc:
        return render(
            request, "telemetry/monitoring.html", principal, section="monitoring",
            status_code=422, problem=_problem(exc), view=None, ranges=RANGES, preset=range,
            attention=(),
        )  # fmt: skip
    with db.reading() as session:
        scope = portfolio_scope(session, principal)
        view = queries.overview(session, scope, trange, utcnow())
        unregistered = sources.unregistered_sources(session)
        moves = reattribution.visible_progress(session, principal)
        # Open incidents come from the alerts slice, above this one (``Slice.attention``).
        attention = attention_items(session, principal, request.app.state.attention_sources)
    return render(
        request,
        "telemetry/monitoring.html",
        principal,
        section="monitoring",
        problem=None,
        attention=attention,
        trends={s.system_id: trend(s.figures.requests, s.previous_requests) for s in view.systems},
        view=view,
        charts=_dashboard_charts(view),
        sources=unregistered,
        moves=moves,
        can_register=principal.can(InventoryPermission.systems_write),
        ranges=RANGES,
        preset=range,
    )


def system_dashboard(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: TelemetryReader,
    range: Field = "24h",
) -> Response:
    problem = None
    with db.reading() as session:
        scope = system_scope(session, principal, system_id)
        try:
            trange = _range(range)
        except InvalidInput as exc:
            problem, trange = _problem(exc), _range("24h")
        view = queries.overview(session, scope, trange, utcnow())
        errors, _ = traces.search_traces(
            session,
            scope,
            traces.TraceFilter(system_id=system_id, status=traces.TraceStatus.error),
            limit=RECENT_ERRORS,
        )
    return render(
        request,
        "telemetry/system_dashboard.html",
        principal,
        section="monitoring",
        status_code=422 if problem else 200,
        problem=problem,
        system=scope.system,
        view=view,
        charts=[*_dashboard_charts(view)[:2], charts.tokens_chart(view), charts.models_chart(view)],
        errors=errors,
        ranges=RANGES,
        preset=range if problem is None else "24h",
    )


@dataclass(frozen=True, slots=True)
class ExplorerView:
    """The explorer's GET form as typed, kept in sort and pager links."""

    system: str = ""
    model: str = ""
    status: str = ""
    user: str = ""
    session: str = ""
    min_latency_ms: str = ""
    max_latency_ms: str = ""
    min_cost: str = ""
    start: str = ""
    end: str = ""
    q: str = ""
    content: str = ""  # "Content contains": lists matching spans instead of traces
    sort: str = "time"
    order: str = "desc"

    def params(self, **override: str) -> dict[str, str]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(override)
        return {k: v for k, v in values.items() if v}

    def to_filter(self) -> tuple[traces.TraceFilter, traces.TraceSort]:
        """The typed filter; InvalidInput names the first field that does not parse."""
        return (
            traces.TraceFilter(
                system_id=_parse(self.system, "system", uuid.UUID),
                model=self.model or None,
                status=_parse(self.status, "status", traces.TraceStatus),
                user_id=self.user or None,
                session_id=self.session or None,
                min_latency_ms=_amount(self.min_latency_ms, "min_latency_ms"),
                max_latency_ms=_amount(self.max_latency_ms, "max_latency_ms"),
                min_cost=_amount(self.min_cost, "min_cost"),
                start=_moment(self.start, "start"),
                end=_moment(self.end, "end"),
                q=self.q or None,
            ),
            _parse(self.sort, "sort", traces.TraceSort) or traces.TraceSort.time,
        )


def _parse(text: str, field: str, kind: Any) -> Any:
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise InvalidInput.on(field, f"{text!r} is not valid here") from None


def _amount(text: str, field: str) -> float | None:
    value = _parse(text, field, float)
    if value is not None and not 0 <= value < float("inf"):
        raise InvalidInput.on(field, "must be a number of at least 0")
    return value  # type: ignore[no-any-return]


def _moment(text: str, field: str) -> datetime | None:
    value = _parse(text, field, datetime.fromisoformat)
    return None if value is None else utc_moment(value, field)


def explorer_view(
    system: Field = "",
    model: Field = "",
    status: Field = "",
    user: Field = "",
    session: Field = "",
    min_latency_ms: Field = "",
    max_latency_ms: Field = "",
    min_cost: Field = "",
    start: Field = "",
    end: Field = "",
    q: Field = "",
    content: Field = "",
    sort: Field = "time",
    order: Field = "desc",
) -> ExplorerView:
    return ExplorerView(
        system, model.strip(), status, user.strip(), session.strip(), min_latency_ms.strip(),
        max_latency_ms.strip(), min_cost.strip(), start.strip(), end.strip(), q.strip(),
        content.strip(), sort or "time", "asc" if order == "asc" else "desc",
    )  # fmt: skip


def _content_query(text: str, flt: traces.TraceFilter) -> ContentQuery:
    """ "Content contains" with the explorer's filters that apply to a span."""
    try:
        q = checked_query(text)
    except InvalidInput as exc:
        raise InvalidInput.on("content", exc.issues[0].reason) from None
    return ContentQuery(
        q=q, system_id=flt.system_id, since=flt.start, until=flt.end, user_id=flt.user_id,
        session_id=flt.session_id, model=flt.model,
    )  # fmt: skip


def explorer_page(
    request: Request,
    db: DbDep,
    principal: TelemetryReader,
    page: PageDep,
    view: Annotated[ExplorerView, Depends(explorer_view)],
) -> Response:
    problem = None
    items: list[traces.TraceSummary] = []
    total = 0
    found: SearchPage | None = None
    with db.reading() as session:
        scope = portfolio_scope(session, principal)
        try:
            flt, sort = view.to_filter()
            if view.content:
                found = search_content(
                    session, principal, _content_query(view.content, flt),
                    limit=page.limit, offset=page.offset,
                )  # fmt: skip
                total = found.total
            else:
                items, total = traces.search_traces(
                    session, scope, flt, sort=sort, descending=view.order == "desc",
                    limit=page.limit, offset=page.offset,
                )  # fmt: skip
        except InvalidInput as exc:
            problem = _problem(exc)
    return render(
        request,
        "telemetry/traces.html",
        principal,
        section="monitoring",
        status_code=422 if problem else 200,
        problem=problem,
        view=view,
        items=items,
        found=found,
        total=total,
        page=page,
        systems=sorted(scope.systems.values(), key=lambda r: r.name),
        statuses=[s.value for s in traces.TraceStatus],
    )


def trace_page(
    trace_id: str,
    request: Request,
    db: DbDep,
    principal: TelemetryReader,
    q: Annotated[str, Query(max_length=200, description="Text to highlight")] = "",
) -> Response:
    if len(trace_id) != 32 or any(c not in "0123456789abcdef" for c in trace_id):
        raise InvalidInput.on("trace_id", "must be 32 lower-case hex digits")
    with db.reading() as session:
        scope = portfolio_scope(session, principal)
        detail = trace_detail.trace_detail(session, scope, trace_id)
    return render(
        request,
        "telemetry/trace.html",
        principal,
        section="monitoring",
        detail=detail,
        waterfall=charts.waterfall_svg(detail),
        q=q.strip(),
        transcripts={s.span_id: transcript(s.content) for s in detail.spans},
        raw={s.span_id: (readable(s.content or {}), readable(s.attributes)) for s in detail.spans},
    )


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/monitoring")(monitoring_page)
    router.get("/monitoring/sources/register")(register_source)
    router.get("/monitoring/systems/{system_id}")(system_dashboard)
    router.get("/monitoring/traces")(explorer_page)
    router.get("/monitoring/traces/{trace_id}")(trace_page)
    add_connect_route(router)
    add_content_settings_routes(router)
    return router
