"""REST routes of discovery under ``/api/v1/discovery`` (thin: parse, call, shape).

The catalog (list, add, decide a sanction), findings (list with filters, one, and the triage
steps: register, sanction, block, dismiss, assign), scans (list, and store a scan's aggregates
as the scanners do) and the weekly trend of new unsanctioned use.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.discovery import api_scans, catalog_service, scans, triage
from aitower.discovery.findings import (
    FindingFilter,
    FindingKind,
    FindingStatus,
    all_findings,
    get_finding,
)
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.schemas import (
    AssignIn,
    DismissIn,
    FindingOut,
    ReasonIn,
    RegisterIn,
    SanctionIn,
    SanctionOut,
    ScanIn,
    ScanOut,
    ServiceIn,
    ServiceOut,
    TrendOut,
)
from aitower.discovery.trend import weekly_trend

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
Triager = Annotated[Principal, guard(DiscoveryPermission.triage)]
Keeper = Annotated[Principal, guard(DiscoveryPermission.catalog_write)]


def _catalog_routes(router: APIRouter) -> None:
    @router.get(
        "/discovery/catalog", summary="The AI services discovery recognises, with sanctions"
    )
    def list_catalog(db: DbDep, _: Reader, page: PageDep) -> Page[ServiceOut]:
        with db.reading() as session:
            found = catalog_service.list_services(session)
        shown = found[page.offset : page.offset + page.limit]
        return Page.of([ServiceOut.of(v) for v in shown], len(found), page)

    @router.post("/discovery/catalog", status_code=status.HTTP_201_CREATED,
                 summary="Add the organisation's own service to the catalog (audited)")  # fmt: skip
    def add_service(body: ServiceIn, request: Request, db: DbDep, principal: Keeper) -> ServiceOut:
        with db.writing() as session:
            catalog_service.add_service(
                session, change_context(request, principal), body.model_dump()
            )
            made = next(v for v in catalog_service.list_services(session) if v.entry.id == body.id)
        return ServiceOut.of(made)

    @router.put("/discovery/catalog/{service_id}/sanction",
                summary="Decide a sanction, organisation-wide or per unit (audited)")  # fmt: skip
    def put_sanction(service_id: str, body: SanctionIn, request: Request, db: DbDep,
                     principal: Keeper) -> SanctionOut:  # fmt: skip
        with db.writing() as session:
            ctx = change_context(request, principal)
            made = catalog_service.set_sanction(session, ctx, service_id, body.status, body.unit_id,
                                                body.reason)  # fmt: skip
        return SanctionOut(service_id=service_id, unit_id=body.unit_id, status=made)


def _finding_routes(router: APIRouter) -> None:
    @router.get("/discovery/findings", summary="Discovered AI use, highest risk first")
    def list_findings(
        db: DbDep, principal: Reader, page: PageDep,
        status: FindingStatus | None = None, kind: FindingKind | None = None,
        unit_id: uuid.UUID | None = None,
        service: Annotated[str | None, Query(max_length=240)] = None,
        sanctioned: bool | None = None,
    ) -> Page[FindingOut]:  # fmt: skip
        wanted = FindingFilter(status, kind, unit_id, service, sanctioned)
        with db.reading() as session:
            found = all_findings(session, principal, wanted)
        shown = found[page.offset : page.offset + page.limit]
        return Page.of([FindingOut.of(v) for v in shown], len(found), page)

    @router.get("/discovery/findings/{finding_id}", summary="One finding")
    def one_finding(finding_id: uuid.UUID, db: DbDep, principal: Reader) -> FindingOut:
        with db.reading() as session:
            return FindingOut.of(get_finding(session, principal, finding_id))

    @router.post("/discovery/findings/{finding_id}/register",
                 summary="Register as an AI system, prefilled (audited)")  # fmt: skip
    def register(finding_id: uuid.UUID, body: RegisterIn, request: Request, db: DbDep,
                 principal: Triager) -> FindingOut:  # fmt: skip
        with db.writing() as session:
            ctx = change_context(request, principal)
            return FindingOut.of(triage.register(session, ctx, finding_id, body.model_dump()))

    @router.post("/discovery/findings/{finding_id}/sanction",
                 summary="Sanction the service for the finding's unit (audited)")  # fmt: skip
    def sanction(finding_id: uuid.UUID, body: ReasonIn, request: Request, db: DbDep,
                 principal: Triager) -> FindingOut:  # fmt: skip
        with db.writing() as session:
            ctx = change_context(request, principal)
            return FindingOut.of(triage.sanction(session, ctx, finding_id, body.reason))

    @router.post("/discovery/findings/{finding_id}/block",
                 summary="Block the service for the unit: a policy decision (audited)")  # fmt: skip
    def block(finding_id: uuid.UUID, body: ReasonIn, request: Request, db: DbDep,
              principal: Triager) -> FindingOut:  # fmt: skip
        with db.writing() as session:
            ctx = change_context(request, principal)
            return FindingOut.of(triage.block(session, ctx, finding_id, body.reason))

    @router.post("/discovery/findings/{finding_id}/dismiss",
                 summary="Dismiss with a reason (audited)")  # fmt: skip
    def dismiss(finding_id: uuid.UUID, body: DismissIn, request: Request, db: DbDep,
                principal: Triager) -> FindingOut:  # fmt: skip
        with db.writing() as session:
            ctx = change_context(request, principal)
            return FindingOut.of(triage.dismiss(session, ctx, finding_id, body.reason))

    @router.post("/discovery/findings/{finding_id}/assign",
                 summary="Give the finding an owner and a due date (audited)")  # fmt: skip
    def assign(finding_id: uuid.UUID, body: AssignIn, request: Request, db: DbDep,
               principal: Triager) -> FindingOut:  # fmt: skip
        with db.writing() as session:
            ctx = change_context(request, principal)
            return FindingOut.of(triage.assign(session, ctx, finding_id, body.owner, body.due_date))


def build_router() -> APIRouter:
    router = APIRouter(tags=["discovery"])
    _catalog_routes(router)
    _finding_routes(router)
    api_scans.add_routes(router)

    @router.get("/discovery/scans", summary="Scans whose findings were stored, newest first")
    def list_scans(db: DbDep, _: Reader, page: PageDep) -> Page[ScanOut]:
        with db.reading() as session:
            found, total = scans.list_scans(session, page.offset, page.limit)
        return Page.of([ScanOut.of(s) for s in found], total, page)

    @router.post("/discovery/scans", status_code=status.HTTP_201_CREATED,
                 summary="Store a scan's aggregates, all or nothing (audited)")  # fmt: skip
    def record_scan(body: ScanIn, request: Request, db: DbDep, principal: Triager) -> ScanOut:
        with db.writing() as session:
            ctx = change_context(request, principal)
            return ScanOut.of(scans.record_scan(session, ctx, body.to_input()))

    @router.get("/discovery/trend", summary="New unsanctioned findings per unit per week")
    def trend(db: DbDep, principal: Reader,
              weeks: Annotated[int, Query(ge=1, le=104)] = 12) -> TrendOut:  # fmt: skip
        with db.reading() as session:
            return TrendOut.of(weekly_trend(session, principal, utcnow().date(), weeks))

    return router
