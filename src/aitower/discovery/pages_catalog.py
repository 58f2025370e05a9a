"""The catalog page (``/discovery/catalog``): every service discovery recognises (shipped and
the organisation's own) with its terms and the sanction that applies organisation-wide and
per unit; a form to decide a sanction and one to add a service (``discovery.catalog``).

Forms follow Post/Redirect/Get; a refused one answers the page again with the reason by the
field and what was typed (nothing is saved).
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access import service as access
from aitower.core.access.pages_shared import FormProblem, parse_uuid
from aitower.core.access.principal import Principal
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.discovery import catalog_service
from aitower.discovery.catalog import Category
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.sanction import DEFAULT_STATUSES, SanctionStatus

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
Keeper = Annotated[Principal, guard(DiscoveryPermission.catalog_write)]
SANCTION_FIELDS = ("service", "status", "unit", "reason")
SERVICE_FIELDS = ("id", "name", "vendor", "category", "hosts", "paths", "data_use",
                  "trains_on_customer_data", "default_sanction", "source")  # fmt: skip
TRAINS = {"yes": True, "no": False, "": None}
NOTICES = {
    "decided": "The sanction was saved; findings are judged by it from now on.",
    "added": "The service was added; later scans recognise it.",
}


def _catalog_page(
    request: Request, db: DbDep, principal: Principal, *, notice: str | None = None,
    problem: FormProblem | None = None, form: str = "", values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    with db.reading() as session:
        services = catalog_service.list_services(session)
        units = [u for u in access.list_units(session) if principal.sees_unit(u.id)]
    names = {u.id: u.name for u in units}
    return render(
        request, "discovery/catalog.html", principal, section="discovery",
        status_code=problem.status if problem else 200, services=services, units=units,
        unit_names=names, statuses=list(SanctionStatus), default_statuses=DEFAULT_STATUSES,
        categories=list(Category), can_keep=principal.can(DiscoveryPermission.catalog_write),
        org=principal.unit_ids is None, problem=problem, refused_form=form,
        values=values or {}, notice=NOTICES.get(notice or ""),
    )  # fmt: skip


def catalog_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _catalog_page(request, db, principal, notice=notice)


def _decide(values: dict[str, str]) -> tuple[str, SanctionStatus, uuid.UUID | None, str]:
    try:
        status = SanctionStatus(values["status"])
    except ValueError:
        raise InvalidInput.on("status", "is not one of the choices") from None
    unit = None
    if values["unit"]:
        unit = parse_uuid(values["unit"])
        if unit is None:
            raise InvalidInput.on("unit", "is not a business unit's id")
    return values["service"], status, unit, values["reason"]


def _entry(values: dict[str, str]) -> dict[str, Any]:
    """The add form as a catalog entry: hosts and paths are lists (commas or lines)."""
    made: dict[str, Any] = {k: values[k].strip() for k in SERVICE_FIELDS}
    for name in ("hosts", "paths"):
        made[name] = [p.strip() for p in values[name].replace("\n", ",").split(",") if p.strip()]
    if made["trains_on_customer_data"] not in TRAINS:
        raise InvalidInput.on("trains_on_customer_data", "yes, no or not established")
    made["trains_on_customer_data"] = TRAINS[made["trains_on_customer_data"]]
    return made


async def _post(request: Request, db: DbDep, principal: Principal, form: str) -> Response:
    posted = await request.form()
    names = SANCTION_FIELDS if form == "sanction" else SERVICE_FIELDS
    values = {name: str(posted.get(name) or "") for name in names}
    ctx = change_context(request, principal)

    def run() -> None:
        with db.writing() as session:
            if form == "sanction":
                service, status, unit, reason = _decide(values)
                catalog_service.set_sanction(session, ctx, service, status, unit, reason)
            else:
                catalog_service.add_service(session, ctx, _entry(values))

    try:
        await run_in_threadpool(run)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        again = partial(_catalog_page, problem=problem, form=form, values=values)
        return await run_in_threadpool(again, request, db, principal)
    notice = "decided" if form == "sanction" else "added"
    return RedirectResponse(f"/discovery/catalog?notice={notice}#{form}", status_code=303)


async def decide(request: Request, db: DbDep, principal: Keeper) -> Response:
    return await _post(request, db, principal, "sanction")


async def add(request: Request, db: DbDep, principal: Keeper) -> Response:
    return await _post(request, db, principal, "service")


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/discovery/catalog")(catalog_page)
    router.post("/discovery/catalog/sanctions")(decide)
    router.post("/discovery/catalog/services")(add)
    return router
