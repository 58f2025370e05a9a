"""The import pages: upload a CSV or YAML file of systems or vendors, see the row-by-row report,
and download a template to start from (the columns, an example row, the allowed values)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from aitower.core.access import service as access
from aitower.core.access.pages_shared import FormProblem, owner_choices
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.inventory import import_template, importing
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
    chosen: Mapping[str, str] | None = None,
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
        chosen=chosen or {},
    )


def _chosen(form: FormData) -> dict[str, str]:
    """The form's choices as sent, shown again with the report (a second try keeps them)."""
    return {k: str(form.get(k) or "") for k in ("format", "mode", "dry_run")}


async def _read(form: FormData) -> tuple[str, Format, importing.ImportMode, bool]:
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
    form = await request.form()
    chosen = _chosen(form)
    try:
        text, fmt, mode, dry_run = await _read(form)
    except DomainError as exc:
        return _page(request, principal, subject, problem=FormProblem.of(exc), chosen=chosen)

    def run() -> importing.ImportReport:
        with db.writing() as session:
            return importer(session, ctx, text, fmt, mode=mode, dry_run=dry_run)

    report = await run_in_threadpool(run)
    return _page(request, principal, subject, report=report, chosen=chosen)


def _names(db: Database, principal: Principal) -> tuple[list[str], list[str]]:
    """The units the reader may register in and the usernames they may name, for templates."""
    with db.reading() as session:
        units = [u.name for u in access.list_units(session) if principal.sees_unit(u.id)]
    return units, [u.username for u in owner_choices(db, principal)]


def _download(text: str, filename: str, media_type: str) -> Response:
    return Response(
        text,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def systems_template_csv(db: DbDep, principal: SystemsWriter) -> Response:
    text = import_template.systems_csv(*_names(db, principal))
    return _download(text, "aitower-systems-template.csv", "text/csv; charset=utf-8")


def systems_template_yaml(db: DbDep, principal: SystemsWriter) -> Response:
    text = import_template.systems_yaml(*_names(db, principal))
    return _download(text, "aitower-systems-template.yaml", "application/yaml; charset=utf-8")


def vendors_template_csv(db: DbDep, principal: VendorsWriter) -> Response:
    text = import_template.vendors_csv(_names(db, principal)[1])
    return _download(text, "aitower-vendors-template.csv", "text/csv; charset=utf-8")


def systems_import_page(request: Request, principal: SystemsWriter) -> Response:
    return _page(request, principal, "systems")


async def systems_import(request: Request, db: DbDep, principal: SystemsWriter) -> Response:
    return await _run(request, db, principal, "systems", importing.import_systems)


def vendors_import_page(request: Request, principal: VendorsWriter) -> Response:
    return _page(request, principal, "vendors")


async def vendors_import(request: Request, db: DbDep, principal: VendorsWriter) -> Response:
    return await _run(request, db, principal, "vendors", importing.import_vendors)


def register(router: APIRouter) -> None:
    router.get("/systems/import/template.csv")(systems_template_csv)
    router.get("/systems/import/template.yaml")(systems_template_yaml)
    router.get("/vendors/import/template.csv")(vendors_template_csv)
    router.get("/systems/import")(systems_import_page)
    router.post("/systems/import")(systems_import)
    router.get("/vendors/import")(vendors_import_page)
    router.post("/vendors/import")(vendors_import)
