"""REST routes of model references, monitors and their results (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.moments import AwareMoment
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import MAX_OFFSET, Page, PageDep, PageParams
from aitower.model_monitors import monitors, references, results
from aitower.model_monitors.permissions import MonitorPermission
from aitower.model_monitors.running import run_now
from aitower.model_monitors.schemas import (
    MonitorIn,
    MonitorOut,
    MonitorPatch,
    PortfolioOut,
    ReferenceIn,
    ReferenceOut,
    ResultOut,
    ResultPointOut,
)
from aitower.model_monitors.store import default_store

Reader = Annotated[Principal, guard(MonitorPermission.monitors_read)]
Writer = Annotated[Principal, guard(MonitorPermission.monitors_write)]
TAG = "model monitors"
SERIES_LIMIT = 2000


def _reference_routes(router: APIRouter) -> None:
    @router.post(
        "/model-references",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Create a reference from a window of logged predictions or uploaded records",
    )
    def create_reference(
        body: ReferenceIn, request: Request, db: DbDep, principal: Writer
    ) -> ReferenceOut:
        ctx, store = change_context(request, principal), default_store()
        if body.records is not None:
            if body.start is not None or body.end is not None:
                raise InvalidInput.on("records", "give start and end, or records, not both")
            records: list[dict[str, Any]] = [r.model_dump() for r in body.records]
            with db.writing() as session:
                view = references.create_from_records(
                    session, ctx, store, body.model_id, body.name, records
                )
            return ReferenceOut.of(view)
        if body.start is None or body.end is None:
            raise InvalidInput.on("start" if body.start is None else "end", "is required")
        with db.writing() as session:
            view = references.create_from_window(
                session, ctx, store, body.model_id, body.name, body.start, body.end
            )
        return ReferenceOut.of(view)

    @router.get("/model-references", tags=[TAG], summary="References, newest first")
    def list_references(
        db: DbDep,
        page: PageDep,
        principal: Reader,
        model: Annotated[uuid.UUID | None, Query(description="Only this model")] = None,
    ) -> Page[ReferenceOut]:
        with db.reading() as session:
            found, total = references.list_references(
                session, principal, model_id=model, limit=page.limit, offset=page.offset
            )
        return Page.of([ReferenceOut.of(r) for r in found], total, page)

    @router.get("/model-references/{reference_id}", tags=[TAG], summary="One reference")
    def get_reference(reference_id: uuid.UUID, db: DbDep, principal: Reader) -> ReferenceOut:
        with db.reading() as session:
            return ReferenceOut.of(references.get_reference(session, principal, reference_id))


def _monitor_routes(router: APIRouter) -> None:
    @router.post(
        "/model-monitors", tags=[TAG], status_code=status.HTTP_201_CREATED, summary="Create"
    )
    def create_monitor(
        body: MonitorIn, request: Request, db: DbDep, principal: Writer
    ) -> MonitorOut:
        with db.writing() as session:
            view = monitors.create_monitor(
                session,
                change_context(request, principal),
                default_store(),
                body.model_id,
                body.reference_id,
                body.spec(),
                enabled=body.enabled,
            )
        return MonitorOut.of(view)

    @router.get("/model-monitors", tags=[TAG], summary="Monitors, by system and name")
    def list_monitors(
        db: DbDep,
        page: PageDep,
        principal: Reader,
        model: Annotated[uuid.UUID | None, Query(description="Only this model")] = None,
        system: Annotated[uuid.UUID | None, Query(description="Only this system")] = None,
    ) -> Page[MonitorOut]:
        with db.reading() as session:
            found, total = monitors.list_monitors(
                session,
                principal,
                model_id=model,
                system_id=system,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of([MonitorOut.of(m) for m in found], total, page)

    @router.get("/model-monitors/{monitor_id}", tags=[TAG], summary="One monitor")
    def get_monitor(monitor_id: uuid.UUID, db: DbDep, principal: Reader) -> MonitorOut:
        with db.reading() as session:
            return MonitorOut.of(monitors.get_monitor(session, principal, monitor_id))

    @router.patch("/model-monitors/{monitor_id}", tags=[TAG], summary="Change a monitor")
    def update_monitor(
        monitor_id: uuid.UUID, body: MonitorPatch, request: Request, db: DbDep, principal: Writer
    ) -> MonitorOut:
        with db.writing() as session:
            view = monitors.update_monitor(
                session, change_context(request, principal), default_store(), monitor_id,
                body.changes(),
            )  # fmt: skip
        return MonitorOut.of(view)

    @router.post(
        "/model-monitors/{monitor_id}/run",
        tags=[TAG],
        summary="Run now over the last window; the schedule is unchanged",
    )
    def run_monitor(monitor_id: uuid.UUID, db: DbDep, principal: Writer) -> ResultOut:
        with db.reading() as session:
            monitors.get_monitor(session, principal, monitor_id)
        summary = run_now(db, monitor_id, utcnow(), default_store())
        assert summary.result_id is not None  # a manual run holds no lease to lose
        with db.reading() as session:
            return ResultOut.full(results.get_result(session, principal, summary.result_id))


def _result_routes(router: APIRouter) -> None:
    @router.get(
        "/model-monitors/{monitor_id}/results",
        tags=[TAG],
        summary="A monitor's results as a time series (oldest first), for charts",
    )
    def list_results(
        monitor_id: uuid.UUID,
        db: DbDep,
        principal: Reader,
        since: Annotated[AwareMoment | None, Query(description="run_at at or after")] = None,
        until: Annotated[AwareMoment | None, Query(description="run_at before")] = None,
        limit: Annotated[int, Query(ge=1, le=SERIES_LIMIT)] = 500,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Page[ResultPointOut]:
        with db.reading() as session:
            found, total = results.result_series(
                session, principal, monitor_id, since=since, until=until, limit=limit,
                offset=offset,
            )  # fmt: skip
        # A chart wants up to SERIES_LIMIT points at once, beyond the API's usual page of 200.
        items = [ResultPointOut.of(p) for p in found]
        return Page.of(items, total, PageParams(limit=limit, offset=offset))

    @router.get(
        "/model-monitor-results/{result_id}", tags=[TAG], summary="One result with its detail"
    )
    def get_result(result_id: uuid.UUID, db: DbDep, principal: Reader) -> ResultOut:
        with db.reading() as session:
            return ResultOut.full(results.get_result(session, principal, result_id))

    @router.get(
        "/model-monitoring/portfolio",
        tags=[TAG],
        summary="Every monitored model with its newest result and worst signal",
    )
    def portfolio(db: DbDep, principal: Reader) -> list[PortfolioOut]:
        with db.reading() as session:
            return [PortfolioOut.of(e) for e in results.portfolio(session, principal)]


def build_router() -> APIRouter:
    router = APIRouter()
    _reference_routes(router)
    _monitor_routes(router)
    _result_routes(router)
    return router
