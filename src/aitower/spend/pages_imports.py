"""The Imports pages: the list, the upload form and templates, the mapping rules; one report.

Forms follow Post/Redirect/Get: a stored import redirects to its report; a refused file
answers the page again (422, or 409 for a file seen before) with every error, its row, column
and value. A reader without ``spend.import`` sees the list and reports, no form (and no link
she could not follow).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.errors import DomainError, NotFound
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.spend import import_service, import_views, mappings_service
from aitower.spend.api_imports import read_upload
from aitower.spend.mappings import MatchKind
from aitower.spend.permissions import SpendPermission
from aitower.spend.sources import CLOUD_FORMATS, TEMPLATES, ImportKind, template_csv

Reader = Annotated[Principal, guard(SpendPermission.read)]
Importer = Annotated[Principal, guard(SpendPermission.import_)]
SHOWN = 100
NOTICES = {
    "undone": "The import was undone: its records are deleted.",
    "mapping-added": "The rule was added; unattributed bill lines it matches are now attributed.",
    "mapping-removed": "The rule was removed; records it attributed stay attributed.",
}
MAPPING_FIELDS = ("match_kind", "match_key", "match_value", "system", "note")


def _list_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    *,
    notice: str | None = None,
    refused: import_service.ImportRefused | None = None,
    problem: FormProblem | None = None,
    mapping_problem: FormProblem | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    org = principal.unit_ids is None
    with db.reading() as session:
        views, total = import_views.list_imports(session, principal, limit=SHOWN)
        rules = mappings_service.list_mappings(session)
        accounts, tags = import_views.unmatched(session) if org else ([], [])
    status = 200
    for failed in (problem, mapping_problem):
        if failed is not None:
            status = failed.status
    if refused is not None:
        status = refused.status
    can_import = principal.can(SpendPermission.import_)
    return render(
        request,
        "spend/imports.html",
        principal,
        status_code=status,
        section="cost",
        imports=views,
        total=total,
        rules=rules,
        unmatched_accounts=accounts,
        unmatched_tags=tags,
        kinds=[k for k in ImportKind if k.uploadable],
        cloud_formats=CLOUD_FORMATS,
        templates=TEMPLATES,
        match_kinds=list(MatchKind),
        can_import=can_import,
        can_map=can_import and org,
        org=org,
        refused=refused,
        problem=problem,
        mapping_problem=mapping_problem,
        values=values or {},
        notice=None if notice is None else NOTICES.get(notice),
    )


def imports_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _list_page(request, db, principal, notice=notice)


async def upload(request: Request, db: DbDep, principal: Importer) -> Response:
    ctx = change_context(request, principal)
    try:
        kind, stream, name, rates = await read_upload(request)
    except DomainError as exc:
        return await run_in_threadpool(
            _list_page, request, db, principal, problem=FormProblem.of(exc)
        )

    def run() -> uuid.UUID:
        read = import_service.read_import(kind, stream, name, rates)
        with db.writing() as session:
            return import_service.store_import(session, ctx, read).id

    try:
        import_id = await run_in_threadpool(run)
    except import_service.ImportRefused as refused:
        return await run_in_threadpool(_list_page, request, db, principal, refused=refused)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        return await run_in_threadpool(_list_page, request, db, principal, problem=problem)
    return RedirectResponse(f"/cost/imports/{import_id}?notice=imported", status_code=303)


def import_page(
    import_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    with db.reading() as session:
        detail = import_views.get_import(session, principal, import_id)
    return render(
        request,
        "spend/imports_report.html",
        principal,
        section="cost",
        detail=detail,
        org=principal.unit_ids is None,
        can_import=principal.can(SpendPermission.import_),
        notice="The file was imported." if notice == "imported" else None,
    )


async def undo(import_id: uuid.UUID, request: Request, db: DbDep, principal: Importer) -> Response:
    ctx = change_context(request, principal)

    def run() -> None:
        with db.writing() as session:
            import_service.undo_import(session, ctx, import_id)

    await run_in_threadpool(run)
    return RedirectResponse("/cost/imports?notice=undone", status_code=303)


def template(kind: str, _: Reader) -> Response:
    try:
        found = ImportKind(kind.removesuffix(".csv"))
    except ValueError:
        raise NotFound(f"no template {kind!r}") from None
    if found not in TEMPLATES:
        raise NotFound(f"no template {kind!r}")
    return Response(
        template_csv(found),
        media_type="text/csv",
        headers={"content-disposition": f'attachment; filename="aitower-{found.value}.csv"'},
    )


async def add_mapping(request: Request, db: DbDep, principal: Importer) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in MAPPING_FIELDS}
    ctx = change_context(request, principal)

    def run() -> None:
        with db.writing() as session:
            mappings_service.create_mapping(
                session, ctx, values["match_kind"], values["match_key"], values["match_value"],
                values["system"], values["note"],
            )  # fmt: skip

    try:
        await run_in_threadpool(run)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        kwargs: dict[str, Any] = {"mapping_problem": problem, "values": values}
        return await run_in_threadpool(_list_page, request, db, principal, **kwargs)
    return RedirectResponse("/cost/imports?notice=mapping-added#mappings", status_code=303)


async def remove_mapping(
    mapping_id: uuid.UUID, request: Request, db: DbDep, principal: Importer
) -> Response:
    ctx = change_context(request, principal)

    def run() -> None:
        with db.writing() as session:
            mappings_service.delete_mapping(session, ctx, mapping_id)

    await run_in_threadpool(run)
    return RedirectResponse("/cost/imports?notice=mapping-removed#mappings", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/cost/imports")(imports_page)
    router.post("/cost/imports")(upload)
    router.get("/cost/imports/templates/{kind}")(template)
    router.post("/cost/imports/mappings")(add_mapping)
    router.post("/cost/imports/mappings/{mapping_id}/delete")(remove_mapping)
    router.get("/cost/imports/{import_id}")(import_page)
    router.post("/cost/imports/{import_id}/undo")(undo)
    return router
