"""Pages of the inventory: the systems list, a system's Overview tab, register and edit forms."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from aitower.core.access import service as access
from aitower.core.access.pages_shared import FormProblem, owner_choices
from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, NotFound
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep
from aitower.core.web.templating import render
from aitower.inventory import pages_import, pages_vendors, queries, service, vendors
from aitower.inventory.domain import spec_document
from aitower.inventory.lifecycle import PRODUCTION_STAGES, Stage
from aitower.inventory.pages_shared import (
    cells_from_form,
    form_from_record,
    form_problem,
    inventory_tabs,
    notice_text,
    record_from_form,
)
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.schemas import TierFilter
from aitower.inventory.vocabulary import (
    KIND_TITLES,
    Affected,
    Autonomy,
    Classification,
    SystemKind,
)

SystemsReader = Annotated[Principal, guard(InventoryPermission.systems_read)]
SystemsWriter = Annotated[Principal, guard(InventoryPermission.systems_write)]
Filter = Annotated[str, Query(max_length=200)]
# A stage filter naming a group: the stages the Overview counts as in production.
IN_PRODUCTION = "in_production"

FILTER_CHOICES: dict[str, list[str]] = {
    "kind": [k.value for k in SystemKind],
    "stage": [s.value for s in Stage] + [IN_PRODUCTION],
    "tier": [t.value for t in TierFilter],
    "classification": [c.value for c in Classification],
    "personal_data": ["true", "false"],
    "sort": [s.value for s in queries.SystemSort],
}


@dataclass(frozen=True, slots=True)
class ListView:
    """The toolbar as typed (strings), kept in pager and sort links."""

    q: str = ""
    kind: str = ""
    stage: str = ""
    tier: str = ""
    unit: str = ""
    owner: str = ""
    tag: str = ""
    vendor: str = ""
    classification: str = ""
    personal_data: str = ""
    sort: str = "name"
    order: str = "asc"

    def params(self, **override: str) -> dict[str, str]:
        values = {k: getattr(self, k) for k in self.__slots__}
        values.update(override)
        return {
            k: v
            for k, v in values.items()
            if v and (k, v) not in {("sort", "name"), ("order", "asc")}
        }

    def problem(self) -> FormProblem | None:
        for name, allowed in FILTER_CHOICES.items():
            value = getattr(self, name)
            if value and value not in allowed:
                return FormProblem.on(name, f"must be one of: {', '.join(allowed)}")
        if self.unit and access.as_uuid(self.unit) is None:
            return FormProblem.on("unit", "is not a business unit id")
        return None

    def to_filter(self) -> queries.SystemFilter:
        return queries.SystemFilter(
            q=self.q or None,
            kind=SystemKind(self.kind) if self.kind else None,
            stage=Stage(self.stage) if self.stage and self.stage != IN_PRODUCTION else None,
            stages=PRODUCTION_STAGES if self.stage == IN_PRODUCTION else frozenset(),
            tier=self.tier or None,
            unit_id=access.as_uuid(self.unit) if self.unit else None,
            owner=self.owner or None,
            tag=self.tag or None,
            vendor=self.vendor or None,
            classification=Classification(self.classification) if self.classification else None,
            personal_data=None if not self.personal_data else self.personal_data == "true",
        )


def list_view(
    q: Filter = "",
    kind: Filter = "",
    stage: Filter = "",
    tier: Filter = "",
    unit: Filter = "",
    owner: Filter = "",
    tag: Filter = "",
    vendor: Filter = "",
    classification: Filter = "",
    personal_data: Filter = "",
    sort: Filter = "name",
    order: Filter = "asc",
) -> ListView:
    """The toolbar's query parameters as typed; ``ListView.problem`` says what is wrong."""
    return ListView(
        q.strip(),
        kind,
        stage,
        tier,
        unit,
        owner.strip(),
        tag.strip(),
        vendor.strip(),
        classification,
        personal_data,
        sort or "name",
        "desc" if order == "desc" else "asc",
    )


def systems_page(
    request: Request,
    db: DbDep,
    principal: SystemsReader,
    page: PageDep,
    view: Annotated[ListView, Depends(list_view)],
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    problem = view.problem()
    items: list[queries.SystemListItem] = []
    total = 0
    with db.reading() as session:
        units = [u for u in access.list_units(session) if principal.sees_unit(u.id)]
        if problem is None:
            items, total = queries.list_systems(
                session,
                principal,
                view.to_filter(),
                sort=queries.SystemSort(view.sort),
                descending=view.order == "desc",
                limit=page.limit,
                offset=page.offset,
            )
    return render(
        request,
        "inventory/systems.html",
        principal,
        section="inventory",
        status_code=200 if problem is None else 422,
        tabs=inventory_tabs(principal),
        tab="systems",
        view=view,
        problem=problem,
        items=items,
        total=total,
        page=page,
        units=units,
        choices=FILTER_CHOICES,
        kind_titles=KIND_TITLES,
        can_write=principal.can(InventoryPermission.systems_write),
        can_export=principal.can(InventoryPermission.systems_export),
        notice=notice_text(notice),
    )


def overview_page(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: SystemsReader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    with db.reading() as session:
        system = service.get_system(session, principal, system_id)
        vendor_ids = vendors.vendor_ids_by_name(session, system.vendors)
    return render(
        request,
        "inventory/system_overview.html",
        principal,
        section="inventory",
        system=system,
        vendor_ids=vendor_ids,
        kind_titles=KIND_TITLES,
        can_write=principal.can(InventoryPermission.systems_write),
        notice=notice_text(notice),
    )


def _form_page(
    request: Request,
    db: Database,
    principal: Principal,
    *,
    values: dict[str, Any],
    system: service.SystemDetail | None,
    problem: FormProblem | None = None,
) -> Response:
    with db.reading() as session:
        units = [u for u in access.list_units(session) if principal.sees_unit(u.id)]
    return render(
        request,
        "inventory/system_form.html",
        principal,
        section="inventory",
        status_code=200 if problem is None else problem.status,
        system=system,
        values=values,
        problem=problem,
        units=units,
        kinds=list(SystemKind),
        kind_titles=KIND_TITLES,
        stages=list(Stage),
        autonomies=list(Autonomy),
        affected=list(Affected),
        owners=owner_choices(db, principal),
    )


def new_system_form(
    request: Request,
    db: DbDep,
    principal: SystemsWriter,
    telemetry_service: Annotated[str, Query(alias="service", max_length=200)] = "",
    models: Annotated[list[str] | None, Query(alias="model", max_length=200)] = None,
    unit: Annotated[str, Query(max_length=120)] = "",
) -> Response:
    """The empty form; ``?service=`` prefills it from an unregistered telemetry source, with
    the models it was seen using (``?model=provider/name``, repeated) and, when known, the
    business unit of its sender (``?unit=``)."""
    values = {"stage": "planning"}
    if name := telemetry_service.strip():
        values.update(name=name, services=name)
    if models:
        values["models"] = "\n".join(m.strip() for m in models if m.strip())
    if unit.strip():
        values["unit"] = _unit_name(db, unit.strip())
    return _form_page(request, db, principal, values=values, system=None)


def _unit_name(db: Database, ref: str) -> str:
    """The form's unit choice for a unit given by id, slug or name (kept as given if none)."""
    with db.reading() as session:
        try:
            return access.get_unit(session, ref).name
        except NotFound:
            return ref


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str)}
    values["affected"] = [v for v in form.getlist("affected") if isinstance(v, str)]
    return values


async def create_system(request: Request, db: DbDep, principal: SystemsWriter) -> Response:
    values = _values(await request.form())
    ctx = change_context(request, principal)

    def save() -> uuid.UUID:
        record = record_from_form(cells_from_form(values))
        with db.writing() as session:
            return service.create_system(session, ctx, record).id

    try:
        made = await run_in_threadpool(save)
    except DomainError as exc:
        return _form_page(
            request, db, principal, values=values, system=None, problem=form_problem(exc)
        )
    return RedirectResponse(f"/systems/{made}?notice=system-created", status_code=303)


def edit_system_form(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: SystemsWriter
) -> Response:
    with db.reading() as session:
        system = service.get_system(session, principal, system_id)
    values: dict[str, Any] = form_from_record(spec_document(system.to_spec()))
    values["affected"] = [a.value for a in system.affected]
    return _form_page(request, db, principal, values=values, system=system)


async def update_system(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: SystemsWriter
) -> Response:
    values = _values(await request.form())
    ctx = change_context(request, principal)

    def save() -> None:
        record = record_from_form(cells_from_form(values))
        record.pop("stage", None)
        with db.writing() as session:
            service.update_system(session, ctx, system_id, record)

    try:
        await run_in_threadpool(save)
    except DomainError as exc:
        with db.reading() as session:
            system = service.get_system(session, principal, system_id)
        return _form_page(
            request, db, principal, values=values, system=system, problem=form_problem(exc)
        )
    return RedirectResponse(f"/systems/{system_id}?notice=system-updated", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/systems")(systems_page)
    router.get("/systems/new")(new_system_form)
    router.post("/systems/new")(create_system)
    pages_import.register(router)
    router.get("/systems/{system_id}")(overview_page)
    router.get("/systems/{system_id}/edit")(edit_system_form)
    router.post("/systems/{system_id}/edit")(update_system)
    pages_vendors.register(router)
    return router
