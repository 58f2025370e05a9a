"""REST routes of spend imports and mappings (thin): upload, list, report, undo; the rules.

``POST /api/v1/spend/imports`` takes a multipart form: ``kind`` (``sources.ImportKind``),
``file`` (CSV or Parquet) and optionally ``rates`` (``EUR=1.08,GBP=1.27``). The file is read
and summed outside any transaction, then stored in one: 201 with the import, 409 for a file
imported before, 422 listing every error (``errors[].field`` is ``rows[N].column``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import IO, Annotated, Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.spend import import_service, import_views, mappings_service
from aitower.spend.permissions import SpendPermission
from aitower.spend.sources import ImportKind, parse_rates

TAG = "spend imports"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024 * 1024  # a year of a large cloud bill, uncompressed
Reader = Annotated[Principal, guard(SpendPermission.read)]
Importer = Annotated[Principal, guard(SpendPermission.import_)]


class ImportOut(BaseModel):
    id: uuid.UUID
    kind: str
    file_name: str
    file_format: str
    created_at: datetime
    imported_by: str
    rows_read: int
    records_stored: int
    total_amount: float = Field(description="USD; a unit-limited reader: her units' part")
    unmapped_amount: float | None = Field(description="USD no system claims (org-wide readers)")
    period_start: date | None
    period_end: date | None = Field(description="exclusive")
    rates: str
    sha256: str

    @classmethod
    def of(cls, view: import_views.ImportView) -> ImportOut:
        return cls.model_validate(view.as_dict())


class AmountOut(BaseModel):
    name: str
    amount: float


class SystemAmountOut(BaseModel):
    system_id: uuid.UUID | None
    system: str
    amount: float


class ImportDetailOut(BaseModel):
    summary: ImportOut
    systems: list[SystemAmountOut]
    unmatched_accounts: list[AmountOut]
    unmatched_tags: list[AmountOut]

    @classmethod
    def of(cls, detail: import_views.ImportDetail) -> ImportDetailOut:
        return cls(
            summary=ImportOut.of(detail.view),
            systems=[
                SystemAmountOut(system_id=i, system=n, amount=a) for i, n, a in detail.systems
            ],
            unmatched_accounts=[AmountOut(name=n, amount=a) for n, a in detail.unmatched_accounts],
            unmatched_tags=[AmountOut(name=n, amount=a) for n, a in detail.unmatched_tags],
        )


class MappingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match_kind: str = Field(description="tag, account or resource_group", max_length=20)
    match_key: str = Field("", description="the tag's key (tag rules only)", max_length=200)
    match_value: str = Field(max_length=300)
    system: str = Field(description="the AI system: id or exact name", max_length=200)
    note: str = Field("", max_length=2000)


class MappingOut(BaseModel):
    id: uuid.UUID
    match_kind: str
    match_key: str
    match_value: str
    system_id: uuid.UUID
    system: str
    note: str
    created_by: str
    records_reattributed: int | None = None


async def read_upload(request: Request) -> tuple[ImportKind, IO[bytes], str, dict[str, float]]:
    """The form's kind, file (spooled to disk by the server), file name and rates."""
    form = await request.form(max_files=1, max_fields=10)
    try:
        kind = ImportKind(str(form.get("kind") or ""))
    except ValueError:
        allowed = ", ".join(k.value for k in ImportKind)
        raise InvalidInput.on("kind", f"must be one of {allowed}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput.on("file", "attach the CSV or Parquet file as 'file'")
    try:
        rates = parse_rates(str(form.get("rates") or ""))
    except ValueError as exc:
        raise InvalidInput.on("rates", str(exc)) from None
    return kind, upload.file, upload.filename, rates


def _routes(router: APIRouter) -> None:
    @router.post(
        "/spend/imports",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Import a cloud bill or a spend template (CSV or Parquet); all or nothing",
    )
    async def create_import(request: Request, db: DbDep, principal: Importer) -> ImportOut:
        kind, stream, name, rates = await read_upload(request)
        ctx = change_context(request, principal)

        def run() -> ImportOut:
            read = import_service.read_import(kind, stream, name, rates)
            with db.writing() as session:
                row = import_service.store_import(session, ctx, read)
                return ImportOut.of(import_views.get_import(session, principal, row.id).view)

        return await run_in_threadpool(run)

    @router.get("/spend/imports", tags=[TAG], summary="Imports, the newest first")
    def list_imports(db: DbDep, principal: Reader, page: PageDep) -> Page[ImportOut]:
        with db.reading() as session:
            views, total = import_views.list_imports(
                session, principal, limit=page.limit, offset=page.offset
            )
        return Page.of([ImportOut.of(v) for v in views], total, page)

    @router.get("/spend/imports/{import_id}", tags=[TAG], summary="One import's report")
    def get_import(import_id: uuid.UUID, db: DbDep, principal: Reader) -> ImportDetailOut:
        with db.reading() as session:
            return ImportDetailOut.of(import_views.get_import(session, principal, import_id))

    @router.delete(
        "/spend/imports/{import_id}",
        tags=[TAG],
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Undo an import: its records are deleted",
    )
    def undo_import(import_id: uuid.UUID, request: Request, db: DbDep, principal: Importer) -> None:
        with db.writing() as session:
            import_service.undo_import(session, change_context(request, principal), import_id)


def _mapping_out(row: Any, system: str, moved: int | None = None) -> MappingOut:
    return MappingOut(
        id=row.id, match_kind=row.match_kind, match_key=row.match_key,
        match_value=row.match_value, system_id=row.system_id, system=system, note=row.note,
        created_by=row.created_by, records_reattributed=moved,
    )  # fmt: skip


def _mapping_routes(router: APIRouter) -> None:
    @router.get("/spend/mappings", tags=[TAG], summary="Rules mapping bills to systems")
    def list_mappings(db: DbDep, _: Reader) -> list[MappingOut]:
        with db.reading() as session:
            return [_mapping_out(r, n) for r, n in mappings_service.list_mappings(session)]

    @router.post(
        "/spend/mappings",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Add a rule; unattributed bill lines it matches are re-attributed",
    )
    def create_mapping(
        body: MappingIn, request: Request, db: DbDep, principal: Importer
    ) -> MappingOut:
        with db.writing() as session:
            row, moved = mappings_service.create_mapping(
                session, change_context(request, principal), body.match_kind, body.match_key,
                body.match_value, body.system, body.note,
            )  # fmt: skip
            name = mappings_service.system_name(session, row.system_id)
            return _mapping_out(row, name, moved)

    @router.delete(
        "/spend/mappings/{mapping_id}",
        tags=[TAG],
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Remove a rule (records it attributed stay attributed)",
    )
    def delete_mapping(
        mapping_id: uuid.UUID, request: Request, db: DbDep, principal: Importer
    ) -> None:
        with db.writing() as session:
            mappings_service.delete_mapping(session, change_context(request, principal), mapping_id)


def build_router() -> APIRouter:
    router = APIRouter()
    _routes(router)
    _mapping_routes(router)
    return router
