"""REST routes of the monitoring views: overviews, time series, traces, sources, unpriced models.

Thin: parse, scope to the caller's systems, call the queries, answer. Bad ranges and filters are
refused with 422 naming the field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import TypeAdapter

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.moments import utc_moment
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.telemetry import queries, reattribution, sources, trace_detail, traces
from aitower.telemetry.metrics import ModelUsage, SeriesPoint
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.ranges import PRESETS, TimeRange, resolve_range
from aitower.telemetry.scope import portfolio_scope, system_scope

TelemetryReader = Annotated[Principal, guard(TelemetryPermission.telemetry_read)]
TRACE_ID = Annotated[str, Path(pattern="^[0-9a-f]{32}$", description="32 lower-case hex digits")]
Text = Annotated[str | None, Query(max_length=200)]
Amount = Annotated[float | None, Query(ge=0, allow_inf_nan=False)]


def time_range(
    range: Annotated[
        str | None, Query(description=f"One of {', '.join(PRESETS)} (default 24h)")
    ] = None,
    start: Annotated[
        datetime | None, Query(description="Range start (UTC); wins over range")
    ] = None,
    end: Annotated[datetime | None, Query(description="Range end (UTC), default now")] = None,
) -> TimeRange:
    return resolve_range(range, start, end, utcnow())


RangeDep = Annotated[TimeRange, Depends(time_range)]


def trace_filter(
    system: uuid.UUID | None = None,
    model: Text = None,
    status: traces.TraceStatus | None = None,
    user: Text = None,
    session: Text = None,
    min_latency_ms: Amount = None,
    max_latency_ms: Amount = None,
    min_cost: Amount = None,
    start: datetime | None = None,
    end: datetime | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Text in the root span name")
    ] = None,
) -> traces.TraceFilter:
    first = None if start is None else utc_moment(start, "start")
    last = None if end is None else utc_moment(end, "end")
    if first is not None and last is not None and last <= first:
        raise InvalidInput.on("end", "must be after start")
    if None not in (min_latency_ms, max_latency_ms) and max_latency_ms < min_latency_ms:  # type: ignore[operator]
        raise InvalidInput.on("max_latency_ms", "must not be below min_latency_ms")
    return traces.TraceFilter(
        system_id=system,
        model=model or None,
        status=status,
        user_id=user or None,
        session_id=session or None,
        min_latency_ms=min_latency_ms,
        max_latency_ms=max_latency_ms,
        min_cost=min_cost,
        start=first,
        end=last,
        q=q or None,
    )


_OVERVIEW = TypeAdapter(queries.Overview)


def _overview_json(overview: queries.Overview) -> Response:
    """The overview serialised once, by pydantic's JSON encoder, as the declared response model
    would be: FastAPI's default path validates the answer again, converts it to Python objects
    and then encodes those (4 ms of a 30-day dashboard's answer; this is 0.3 ms)."""
    return Response(_OVERVIEW.dump_json(overview), media_type="application/json")


@dataclass(frozen=True, slots=True)
class Timeseries:
    range: queries.RangeInfo
    points: list[SeriesPoint]


def _overview_routes(router: APIRouter) -> None:
    @router.get(
        "/telemetry/overview",
        tags=["telemetry"],
        summary="Portfolio monitoring overview",
        response_model=queries.Overview,
    )
    def portfolio_overview(db: DbDep, principal: TelemetryReader, trange: RangeDep) -> Response:
        with db.reading() as session:
            scope = portfolio_scope(session, principal)
            return _overview_json(queries.overview(session, scope, trange, utcnow()))

    @router.get(
        "/telemetry/systems/{system_id}/overview",
        tags=["telemetry"],
        summary="One AI system's monitoring overview",
        response_model=queries.Overview,
    )
    def system_overview(
        system_id: uuid.UUID, db: DbDep, principal: TelemetryReader, trange: RangeDep
    ) -> Response:
        with db.reading() as session:
            scope = system_scope(session, principal, system_id)
            return _overview_json(queries.overview(session, scope, trange, utcnow()))

    @router.get(
        "/telemetry/timeseries",
        tags=["telemetry"],
        summary="Requests, errors, latency, tokens and cost per time bucket (gaps filled)",
    )
    def timeseries(
        db: DbDep, principal: TelemetryReader, trange: RangeDep, system: uuid.UUID | None = None
    ) -> Timeseries:
        with db.reading() as session:
            scope = (
                portfolio_scope(session, principal)
                if system is None
                else system_scope(session, principal, system)
            )
            summary = queries.summary_of(session, scope, trange)
        return Timeseries(queries.RangeInfo.of(trange), summary.series())

    @router.get(
        "/telemetry/unpriced-models",
        tags=["telemetry"],
        summary="Models whose calls had no price, with the tokens they carried",
    )
    def unpriced_models(
        db: DbDep, principal: TelemetryReader, trange: RangeDep
    ) -> list[ModelUsage]:
        with db.reading() as session:
            scope = portfolio_scope(session, principal)
            return queries.summary_of(session, scope, trange).unpriced()

    @router.get(
        "/telemetry/sources",
        tags=["telemetry"],
        summary="Unregistered sources: services sending telemetry that no system claims",
    )
    def list_sources(db: DbDep, page: PageDep, _: TelemetryReader) -> Page[sources.SourceView]:
        with db.reading() as session:
            found = sources.unregistered_sources(session)
        return Page.of(found[page.offset : page.offset + page.limit], len(found), page)


def _reattribution_routes(router: APIRouter) -> None:
    @router.get(
        "/telemetry/reattributions",
        tags=["telemetry"],
        summary="History moving to its system: running and recently finished re-attributions",
    )
    def list_reattributions(db: DbDep, principal: TelemetryReader) -> list[reattribution.Progress]:
        with db.reading() as session:
            return reattribution.visible_progress(session, principal)


def _trace_routes(router: APIRouter) -> None:
    @router.get("/traces", tags=["telemetry"], summary="Search traces")
    def search(
        db: DbDep,
        page: PageDep,
        principal: TelemetryReader,
        flt: Annotated[traces.TraceFilter, Depends(trace_filter)],
        sort: traces.TraceSort = traces.TraceSort.time,
        descending: bool = True,
    ) -> Page[traces.TraceSummary]:
        with db.reading() as session:
            scope = portfolio_scope(session, principal)
            items, total = traces.search_traces(
                session,
                scope,
                flt,
                sort=sort,
                descending=descending,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of(items, total, page)

    @router.get(
        "/traces/{trace_id}",
        tags=["telemetry"],
        summary="One trace: its span tree, timings, LLM fields, stored messages and scores",
    )
    def get_trace(
        trace_id: TRACE_ID, db: DbDep, principal: TelemetryReader
    ) -> trace_detail.TraceDetail:
        with db.reading() as session:
            scope = portfolio_scope(session, principal)
            return trace_detail.trace_detail(session, scope, trace_id)


def build_router() -> APIRouter:
    router = APIRouter()
    _overview_routes(router)
    _trace_routes(router)
    _reattribution_routes(router)
    return router
