"""The business units admin page: the list and the create form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access import service
from aitower.core.access.pages_shared import FormProblem, admin_tabs, first_page, notice_text
from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep, PageParams
from aitower.core.web.templating import render

UnitReader = Annotated[Principal, guard(CorePermission.units_read)]
UnitWriter = Annotated[Principal, guard(CorePermission.units_write)]


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    page: PageParams,
    *,
    form: dict[str, str] | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        units = service.list_units(session)
    return render(
        request,
        "access/units.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="admin",
        tabs=admin_tabs(principal),
        tab="units",
        units=units[page.offset : page.offset + page.limit],
        total=len(units),
        page=page,
        can_write=principal.can(CorePermission.units_write),
        form=form or {"name": "", "description": ""},
        problem=problem,
        notice=notice,
    )


def units_page(
    request: Request,
    db: DbDep,
    principal: UnitReader,
    page: PageDep,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _page(request, db, principal, page, notice=notice_text(notice))


def create_unit(
    request: Request,
    db: DbDep,
    principal: UnitWriter,
    name: Annotated[str, Form(max_length=300)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    try:
        with db.writing() as session:
            service.create_unit(session, change_context(request, principal), name, description)
    except DomainError as exc:
        form = {"name": name, "description": description}
        return _page(request, db, principal, first_page(), form=form, problem=FormProblem.of(exc))
    return RedirectResponse("/admin/units?notice=unit-created", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/admin/units")(units_page)
    router.post("/admin/units")(create_unit)
    return router
