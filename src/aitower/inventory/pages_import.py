"""The import pages: upload a CSV or YAML file of systems or vendors, see the row-by-row report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.inventory import importing
from aitower.inventory.pages_shared import inventory_tabs
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.transfer import Format

SystemsWriter = Annotated[Principal, guard(InventoryPermission.systems_write)]
VendorsWriter = Annotated[Principal, guard(InventoryPermission.vendors_write)]
MAX_UPLOAD = 20 * 1024 * 1024

Importer = Callable[..., importing.ImportReport]


def _page(
    request: Request,
    principal: Principal,
    subject: str,
    *,
    report: importing.ImportReport | None = None,
    problem: FormProblem | None = None,
) -> Response:
    status = 200
    if problem is not None:
        status = problem.status
    elif report is not None and report.refused and not report.dry_run:
        status = 422
    return render(
        request,
        "inventory/import.html",
        principal,
        section="inventory",
        status_code=status,
        tabs=inventory_tabs(principal),
        tab="import",
        subject=subject,
        report=report,
        problem=problem,
        modes=list(importing.ImportMode),
        can_vendors=principal.can(InventoryPermission.vendors_write),
        can_systems=principal.can(InventoryPermission.systems_write),
    )


async def _read(request: Request) -> tuple[str, Format, importing.ImportMode, bool]:
    form = await request.form()
    upload, pasted = form.get("file"), str(form.get("text") or "")
    fmt_value = str(form.get("format") or "")
    name = ""
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise InvalidInput.on("file", "is larger than 20 MB")
        name = upload.filename.lower()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput.on("file", "is not UTF-8 text") from None
    elif pasted.strip():
        text = pasted
    else:
        raise InvalidInput.on("file", "choose a file, or paste its text")
    if not fmt_value:
        fmt_value = "yaml" if name.endswith((".yaml", ".yml")) else "csv"
    try:
        fmt = Format(fmt_value)
        mode = importing.ImportMode(str(form.get("mode") or "all_or_nothing"))
    except ValueError:
        raise InvalidInput.on("format", "choose CSV or YAML and a mode") from None
    return text, fmt, mode, form.get("dry_run") == "true"


async def _run(
    request: Request, db: DbDep, principal: Principal, subject: str, importer: Importer
) -> Response:
    ctx: ChangeContext = change_context(request, principal)
    try:
        text, fmt, mode, dry_run = await _read(request)
    except DomainError as exc:
        return _page(request, principal, subject, problem=FormProblem.of(exc))

    def run() -> importing.ImportReport:
        with db.writing() as session:
            return importer(session, ctx, text, fmt, mode=mode, dry_run=dry_run)

    return _page(request, principal, subject, report=await run_in_threadpool(run))


def systems_import_page(request: Request, principal: SystemsWriter) -> Response:
    return _page(request, principal, "systems")


async def systems_import(request: Request, db: DbDep, principal: SystemsWriter) -> Response:
    return await _run(request, db, principal, "systems", importing.import_systems)


def vendors_import_page(request: Request, principal: VendorsWriter) -> Response:
    return _page(request, principal, "vendors")


async def vendors_import(request: Request, db: DbDep, principal: VendorsWriter) -> Response:
    return await _run(request, db, principal, "vendors", importing.import_vendors)


def register(router: APIRouter) -> None:
    router.get("/systems/import")(systems_import_page)
    router.post("/systems/import")(systems_import)
    router.get("/vendors/import")(vendors_import_page)
    router.post("/vendors/import")(vendors_import)
