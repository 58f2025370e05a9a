"""The API keys admin page: list, create (the secret shown once, on the answer page), revoke.

The secret appears only in the answer to the create form, served ``Cache-Control: no-store``
so the browser keeps no copy; the list shows prefixes, never secrets.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access import apikeys, domain, service
from aitower.core.access.entities import BusinessUnit
from aitower.core.access.pages_shared import FormProblem, admin_tabs, first_page, notice_text
from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep, PageParams
from aitower.core.web.templating import render

KeyReader = Annotated[Principal, guard(CorePermission.apikeys_read)]
KeyWriter = Annotated[Principal, guard(CorePermission.apikeys_write)]
ShortText = Annotated[str, Form(max_length=300)]


def _unit_choices(principal: Principal, units: list[BusinessUnit]) -> list[BusinessUnit]:
    return [u for u in units if principal.sees_unit(u.id)]


def parse_expiry(value: str) -> datetime | None:
    """A date typed in the form means "valid through that day (UTC)"."""
    if not value.strip():
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.on("expires_on", "is not a date (YYYY-MM-DD)") from None
    return datetime.combine(day + timedelta(days=1), time(0), UTC)


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    page: PageParams,
    *,
    form: dict[str, str] | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
    owner: str | None = None,
) -> Response:
    with db.reading() as session:
        try:
            keys, total = apikeys.list_api_keys(
                session, principal, owner_ref=owner, limit=page.limit, offset=page.offset
            )
            live = (
                apikeys.list_api_keys(
                    session, principal, owner_ref=owner, include_revoked=False, limit=1
                )[1]
                if owner
                else 0
            )
        except InvalidInput as exc:
            owner, problem, live = None, FormProblem.of(exc), 0
            keys, total = apikeys.list_api_keys(
                session, principal, limit=page.limit, offset=page.offset
            )
        units = service.list_units(session)
    return render(
        request,
        "access/api_keys.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="admin",
        tabs=admin_tabs(principal),
        tab="api-keys",
        keys=keys,
        total=total,
        owner=owner,
        live_count=live,
        page=page,
        unit_names={u.id: u.name for u in units},
        unit_choices=_unit_choices(principal, units),
        org_wide=principal.unit_ids is None,
        roles=domain.grantable_roles(principal.role),
        can_write=principal.can(CorePermission.apikeys_write),
        form=form or {"name": "", "role": "", "unit": "", "expires_on": ""},
        form_refused=form is not None and problem is not None,
        problem=problem,
        notice=notice,
    )


def keys_page(
    request: Request,
    db: DbDep,
    principal: KeyReader,
    page: PageDep,
    notice: Annotated[str | None, Query(max_length=64)] = None,
    owner: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _page(request, db, principal, page, notice=notice_text(notice), owner=owner or None)


def create_key(
    request: Request,
    db: DbDep,
    principal: KeyWriter,
    name: ShortText = "",
    role: ShortText = "",
    unit: ShortText = "",
    expires_on: ShortText = "",
) -> Response:
    """Answers with the secret itself rather than a redirect: it exists only in this answer
    (only its hash is stored), so there is nothing a following GET could show."""
    form = {"name": name, "role": role, "unit": unit, "expires_on": expires_on}
    try:
        with db.writing() as session:
            created = apikeys.create_api_key(
                session,
                change_context(request, principal),
                name=name,
                role=domain.parse_role(role),
                unit_ref=unit or None,
                expires_at=parse_expiry(expires_on),
            )
            unit_name = (
                None
                if created.key.unit_id is None
                else service.get_unit(session, created.key.unit_id).name
            )
    except DomainError as exc:
        problem = FormProblem.of(exc)
        return _page(request, db, principal, first_page(), form=form, problem=problem)
    response = render(
        request,
        "access/api_key_created.html",
        principal,
        section="admin",
        tabs=admin_tabs(principal),
        tab="api-keys",
        key=created.key,
        unit_name=unit_name,
        secret=created.secret,
        endpoint=str(request.base_url),
    )
    response.headers["cache-control"] = "no-store"
    return response


def revoke_key(key_id: uuid.UUID, request: Request, db: DbDep, principal: KeyWriter) -> Response:
    try:
        with db.writing() as session:
            apikeys.revoke_api_key(session, change_context(request, principal), key_id)
    except DomainError as exc:
        return _page(request, db, principal, first_page(), problem=FormProblem.of(exc))
    return RedirectResponse("/admin/api-keys?notice=key-revoked", status_code=303)


def revoke_all(
    request: Request, db: DbDep, principal: KeyWriter, owner: ShortText = ""
) -> Response:
    try:
        with db.writing() as session:
            apikeys.revoke_user_keys(session, change_context(request, principal), owner)
    except DomainError as exc:
        return _page(request, db, principal, first_page(), problem=FormProblem.of(exc))
    query = urlencode({"owner": owner, "notice": "keys-revoked"})
    return RedirectResponse(f"/admin/api-keys?{query}", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/admin/api-keys")(keys_page)
    router.post("/admin/api-keys")(create_key)
    router.post("/admin/api-keys/revoke-all")(revoke_all)
    router.post("/admin/api-keys/{key_id}/revoke")(revoke_key)
    return router
