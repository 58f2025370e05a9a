"""Vendor pages: the list (rating, renewals due), a vendor's facts and dependents, its form."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem, owner_choices
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep
from aitower.core.web.templating import render
from aitower.inventory import vendors
from aitower.inventory.pages_shared import inventory_tabs, notice_text
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.vendor_domain import VENDOR_FIELDS, vendor_document
from aitower.inventory.vocabulary import VendorType

VendorsReader = Annotated[Principal, guard(InventoryPermission.vendors_read)]
VendorsWriter = Annotated[Principal, guard(InventoryPermission.vendors_write)]
RENEWAL_WINDOW = 90


def vendors_page(
    request: Request,
    db: DbDep,
    principal: VendorsReader,
    page: PageDep,
    q: Annotated[str, Query(max_length=100)] = "",
    renewals: Annotated[str, Query(max_length=8)] = "",
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    due = renewals == "due"
    with db.reading() as session:
        items, total = vendors.list_vendors(
            session,
            today=utcnow().date(),
            q=q.strip() or None,
            renewal_within_days=RENEWAL_WINDOW if due else None,
            limit=page.limit,
            offset=page.offset,
        )
    params = {k: v for k, v in (("q", q.strip()), ("renewals", "due" if due else "")) if v}
    return render(
        request,
        "inventory/vendors.html",
        principal,
        section="inventory",
        tabs=inventory_tabs(principal),
        tab="vendors",
        items=items,
        total=total,
        page=page,
        q=q.strip(),
        due=due,
        params=params,
        window=RENEWAL_WINDOW,
        can_write=principal.can(InventoryPermission.vendors_write),
        notice=notice_text(notice),
    )


def vendor_page(
    vendor_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: VendorsReader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    with db.reading() as session:
        vendor = vendors.get_vendor(session, principal, vendor_id, utcnow().date())
    return render(
        request,
        "inventory/vendor.html",
        principal,
        section="inventory",
        tabs=inventory_tabs(principal),
        tab="vendors",
        vendor=vendor,
        can_write=principal.can(InventoryPermission.vendors_write),
        notice=notice_text(notice),
    )


def _form(
    request: Request,
    db: Database,
    principal: Principal,
    *,
    values: dict[str, Any],
    vendor_id: uuid.UUID | None,
    problem: FormProblem | None = None,
) -> Response:
    return render(
        request,
        "inventory/vendor_form.html",
        principal,
        section="inventory",
        status_code=200 if problem is None else problem.status,
        tabs=inventory_tabs(principal),
        tab="vendors",
        values=values,
        vendor_id=vendor_id,
        problem=problem,
        vendor_types=list(VendorType),
        owners=owner_choices(db, principal),
    )


def new_vendor_form(request: Request, db: DbDep, principal: VendorsWriter) -> Response:
    return _form(
        request, db, principal, values={"trains_on_customer_data": "unknown"}, vendor_id=None
    )


def _as_text(doc: dict[str, Any]) -> dict[str, Any]:
    values = {k: "" if v is None else v for k, v in doc.items()}
    trains = doc.get("trains_on_customer_data")
    values["trains_on_customer_data"] = "unknown" if trains is None else str(trains).lower()
    if isinstance(doc.get("annual_value"), float) and doc["annual_value"].is_integer():
        values["annual_value"] = int(doc["annual_value"])
    return values


async def _submitted(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k) or "") for k in VENDOR_FIELDS if k != "dpa_signed"}
    values["dpa_signed"] = form.get("dpa_signed") == "true"
    return values


async def create_vendor(request: Request, db: DbDep, principal: VendorsWriter) -> Response:
    values = await _submitted(request)
    ctx = change_context(request, principal)

    def save() -> uuid.UUID:
        with db.writing() as session:
            return vendors.create_vendor(session, ctx, values, utcnow().date()).id

    try:
        made = await run_in_threadpool(save)
    except DomainError as exc:
        return _form(
            request, db, principal, values=values, vendor_id=None, problem=FormProblem.of(exc)
        )
    return RedirectResponse(f"/vendors/{made}?notice=vendor-created", status_code=303)


def edit_vendor_form(
    vendor_id: uuid.UUID, request: Request, db: DbDep, principal: VendorsWriter
) -> Response:
    with db.reading() as session:
        vendor = vendors.get_vendor(session, principal, vendor_id, utcnow().date())
    return _form(
        request, db, principal, values=_as_text(vendor_document(vendor.spec)), vendor_id=vendor_id
    )


async def update_vendor(
    vendor_id: uuid.UUID, request: Request, db: DbDep, principal: VendorsWriter
) -> Response:
    values = await _submitted(request)
    ctx = change_context(request, principal)

    def save() -> None:
        with db.writing() as session:
            vendors.update_vendor(session, ctx, vendor_id, values, utcnow().date())

    try:
        await run_in_threadpool(save)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        return _form(request, db, principal, values=values, vendor_id=vendor_id, problem=problem)
    return RedirectResponse(f"/vendors/{vendor_id}?notice=vendor-updated", status_code=303)


def register(router: APIRouter) -> None:
    router.get("/vendors")(vendors_page)
    router.get("/vendors/new")(new_vendor_form)
    router.post("/vendors/new")(create_vendor)
    router.get("/vendors/{vendor_id}")(vendor_page)
    router.get("/vendors/{vendor_id}/edit")(edit_vendor_form)
    router.post("/vendors/{vendor_id}/edit")(update_vendor)
