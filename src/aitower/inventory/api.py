"""REST routes of the inventory: systems and vendors (thin: parse, call the service, shape)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.inventory import importing, queries, service, vendors
from aitower.inventory.lifecycle import Stage
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.schemas import (
    ImportReportOut,
    SystemIn,
    SystemListOut,
    SystemOut,
    SystemPatch,
    TierFilter,
    VendorIn,
    VendorOut,
    VendorPatch,
    VendorSummaryOut,
)
from aitower.inventory.transfer import Format, render_systems, render_vendors
from aitower.inventory.vendor_domain import vendor_document
from aitower.inventory.vocabulary import Classification, SystemKind

SystemsReader = Annotated[Principal, guard(InventoryPermission.systems_read)]
SystemsWriter = Annotated[Principal, guard(InventoryPermission.systems_write)]
SystemsExporter = Annotated[Principal, guard(InventoryPermission.systems_export)]
VendorsReader = Annotated[Principal, guard(InventoryPermission.vendors_read)]
VendorsWriter = Annotated[Principal, guard(InventoryPermission.vendors_write)]

MEDIA_TYPES = {Format.csv: "text/csv", Format.yaml: "application/yaml"}
# What an export answers: the file, in the format asked for (never JSON).
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/yaml": {"schema": {"type": "object"}},  # {systems: [...]} or vendors
        }
    }
}
IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/yaml": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


def today() -> date:
    return utcnow().date()


def system_filter(
    q: Annotated[str | None, Query(max_length=100, description="Name or purpose contains")] = None,
    kind: SystemKind | None = None,
    stage: Stage | None = None,
    tier: TierFilter | None = None,
    unit: uuid.UUID | None = None,
    owner: Annotated[
        str | None, Query(max_length=64, description="Either owner's username")
    ] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    vendor: Annotated[str | None, Query(max_length=200, description="Vendor name")] = None,
    classification: Classification | None = None,
    personal_data: bool | None = None,
) -> queries.SystemFilter:
    return queries.SystemFilter(
        q=q or None,
        kind=kind,
        stage=stage,
        tier=None if tier is None else tier.value,
        unit_id=unit,
        owner=owner or None,
        tag=tag or None,
        vendor=vendor or None,
        classification=classification,
        personal_data=personal_data,
    )


FilterDep = Annotated[queries.SystemFilter, Depends(system_filter)]
ModeQuery = Annotated[importing.ImportMode, Query(description="all_or_nothing or skip_bad_rows")]


async def upload(request: Request, fmt: Format | None) -> tuple[str, Format]:
    """The file's text and format: a CSV/YAML body, or the ``file`` of a multipart form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    name = ""
    if kind == "multipart/form-data":
        form = await request.form()
        part = form.get("file")
        if part is None or isinstance(part, str):
            raise InvalidInput.on("file", "attach the CSV or YAML file as 'file'")
        name, raw = (part.filename or "").lower(), await part.read()
    else:
        raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.on("file", "is not UTF-8 text") from None
    if fmt is None:
        yaml_like = kind in ("application/yaml", "application/x-yaml", "text/yaml")
        fmt = Format.yaml if yaml_like or name.endswith((".yaml", ".yml")) else None
        if fmt is None and (kind == "text/csv" or name.endswith(".csv")):
            fmt = Format.csv
    if fmt is None:
        raise InvalidInput.on("format", "send text/csv or application/yaml, or give ?format=")
    return text, fmt


def _answer(report: importing.ImportReport) -> ImportReportOut:
    if report.refused and not report.dry_run:
        raise report.as_problem()
    return ImportReportOut.of(report)


def _download(text: str, fmt: Format, stem: str) -> Response:
    return Response(
        text,
        media_type=MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{stem}.{fmt.value}"'},
    )


def _system_routes(router: APIRouter) -> None:
    @router.get("/systems", tags=["inventory"], summary="List AI systems")
    def list_systems(
        db: DbDep,
        page: PageDep,
        principal: SystemsReader,
        flt: FilterDep,
        sort: queries.SystemSort = queries.SystemSort.name,
        descending: bool = False,
    ) -> Page[SystemListOut]:
        with db.reading() as session:
            items, total = queries.list_systems(
                session,
                principal,
                flt,
                sort=sort,
                descending=descending,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of([SystemListOut.of(i) for i in items], total, page)

    @router.post(
        "/systems",
        tags=["inventory"],
        status_code=status.HTTP_201_CREATED,
        summary="Register an AI system",
    )
    def create_system(
        body: SystemIn, request: Request, db: DbDep, principal: SystemsWriter
    ) -> SystemOut:
        with db.writing() as session:
            made = service.create_system(
                session, change_context(request, principal), body.model_dump(mode="json")
            )
        return SystemOut.of(made)

    @router.get("/systems/{system_id}", tags=["inventory"], summary="One AI system")
    def get_system(system_id: uuid.UUID, db: DbDep, principal: SystemsReader) -> SystemOut:
        with db.reading() as session:
            return SystemOut.of(service.get_system(session, principal, system_id))

    @router.patch("/systems/{system_id}", tags=["inventory"], summary="Change an AI system")
    def update_system(
        system_id: uuid.UUID,
        body: SystemPatch,
        request: Request,
        db: DbDep,
        principal: SystemsWriter,
    ) -> SystemOut:
        with db.writing() as session:
            changed = service.update_system(
                session, change_context(request, principal), system_id, body.changes()
            )
        return SystemOut.of(changed)


def _vendor_routes(router: APIRouter) -> None:
    @router.get("/vendors", tags=["inventory"], summary="List vendors with their risk rating")
    def list_vendors(
        db: DbDep,
        page: PageDep,
        _: VendorsReader,
        q: Annotated[str | None, Query(max_length=100)] = None,
        renewal_within_days: Annotated[
            int | None, Query(ge=0, le=3650, description="Renewal due within this many days")
        ] = None,
    ) -> Page[VendorSummaryOut]:
        with db.reading() as session:
            items, total = vendors.list_vendors(
                session,
                today=today(),
                q=q,
                renewal_within_days=renewal_within_days,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of([VendorSummaryOut.of(v) for v in items], total, page)

    @router.post(
        "/vendors",
        tags=["inventory"],
        status_code=status.HTTP_201_CREATED,
        summary="Register a vendor",
    )
    def create_vendor(
        body: VendorIn, request: Request, db: DbDep, principal: VendorsWriter
    ) -> VendorOut:
        with db.writing() as session:
            made = vendors.create_vendor(
                session, change_context(request, principal), body.model_dump(mode="json"), today()
            )
        return VendorOut.of(made)

    @router.get("/vendors/{vendor_id}", tags=["inventory"], summary="One vendor")
    def get_vendor(vendor_id: uuid.UUID, db: DbDep, principal: VendorsReader) -> VendorOut:
        with db.reading() as session:
            return VendorOut.of(vendors.get_vendor(session, principal, vendor_id, today()))

    @router.patch("/vendors/{vendor_id}", tags=["inventory"], summary="Change a vendor")
    def update_vendor(
        vendor_id: uuid.UUID,
        body: VendorPatch,
        request: Request,
        db: DbDep,
        principal: VendorsWriter,
    ) -> VendorOut:
        with db.writing() as session:
            changed = vendors.update_vendor(
                session, change_context(request, principal), vendor_id, body.changes(), today()
            )
        return VendorOut.of(changed)


def _system_transfer_routes(router: APIRouter) -> None:
    @router.get(
        "/systems/export",
        tags=["inventory"],
        summary="Export systems as CSV or YAML",
        response_class=Response,
        responses=EXPORT_RESPONSES,
    )
    def export_systems(
        db: DbDep, principal: SystemsExporter, flt: FilterDep, format: Format = Format.csv
    ) -> Response:
        with db.reading() as session:
            docs = queries.export_systems(session, principal, flt)
        return _download(render_systems(docs, format), format, "systems")

    @router.post(
        "/systems/import",
        tags=["inventory"],
        openapi_extra=IMPORT_BODY,
        summary="Import systems from CSV or YAML (upsert by name)",
    )
    async def import_systems(
        request: Request,
        db: DbDep,
        principal: SystemsWriter,
        mode: ModeQuery = importing.ImportMode.all_or_nothing,
        dry_run: bool = False,
        format: Format | None = None,
    ) -> ImportReportOut:
        text, fmt = await upload(request, format)
        ctx = change_context(request, principal)

        def run() -> importing.ImportReport:
            with db.writing() as session:
                return importing.import_systems(session, ctx, text, fmt, mode=mode, dry_run=dry_run)

        return _answer(await run_in_threadpool(run))


def _vendor_transfer_routes(router: APIRouter) -> None:
    @router.get(
        "/vendors/export",
        tags=["inventory"],
        summary="Export vendors as CSV or YAML",
        response_class=Response,
        responses=EXPORT_RESPONSES,
    )
    def export_vendors(db: DbDep, _: VendorsReader, format: Format = Format.csv) -> Response:
        with db.reading() as session:
            docs = [vendor_document(s) for s in vendors.all_vendor_specs(session)]
        return _download(render_vendors(docs, format), format, "vendors")

    @router.post(
        "/vendors/import",
        tags=["inventory"],
        openapi_extra=IMPORT_BODY,
        summary="Import vendors from CSV or YAML (upsert by name)",
    )
    async def import_vendors(
        request: Request,
        db: DbDep,
        principal: VendorsWriter,
        mode: ModeQuery = importing.ImportMode.all_or_nothing,
        dry_run: bool = False,
        format: Format | None = None,
    ) -> ImportReportOut:
        text, fmt = await upload(request, format)
        ctx = change_context(request, principal)

        def run() -> importing.ImportReport:
            with db.writing() as session:
                return importing.import_vendors(session, ctx, text, fmt, mode=mode, dry_run=dry_run)

        return _answer(await run_in_threadpool(run))


def build_router() -> APIRouter:
    """Export and import first: their paths must win over ``/systems/{id}``."""
    router = APIRouter()
    _system_transfer_routes(router)
    _system_routes(router)
    _vendor_transfer_routes(router)
    _vendor_routes(router)
    return router
