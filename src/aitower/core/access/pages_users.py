"""The users admin page: list with filters, create form, change of role/units, disable/enable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access import authn, domain, service
from aitower.core.access.entities import User
from aitower.core.access.pages_shared import (
    FormProblem,
    admin_tabs,
    first_page,
    notice_text,
    parse_uuid,
)
from aitower.core.access.principal import Principal
from aitower.core.access.roles import ORG_WIDE_ROLES, ROLE_TITLES, CorePermission, Role
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep, PageParams
from aitower.core.web.templating import render

UserReader = Annotated[Principal, guard(CorePermission.users_read)]
UserWriter = Annotated[Principal, guard(CorePermission.users_write)]
# Generous bounds only against abuse; the services give the precise, per-field reasons.
ShortText = Annotated[str, Form(max_length=300)]
UnitRefs = Annotated[list[str] | None, Form(max_length=500)]


@dataclass(frozen=True, slots=True)
class UserFilters:
    role: str = ""
    unit: str = ""
    q: str = ""

    def params(self) -> dict[str, str]:
        """The filters as query parameters, for pagination links that keep them."""
        return {k: v for k, v in (("role", self.role), ("unit", self.unit), ("q", self.q)) if v}


@dataclass(frozen=True, slots=True)
class UserForm:
    """What was typed into the create form, to show again when it is refused (no password)."""

    username: str = ""
    email: str = ""
    display_name: str = ""
    role: str = Role.stakeholder.value
    units: tuple[str, ...] = ()
    all_units: bool = False


@dataclass(slots=True)
class UsersView:
    """Everything the users template shows besides the list itself."""

    filters: UserFilters = field(default_factory=UserFilters)
    form: UserForm = field(default_factory=UserForm)
    problem: FormProblem | None = None
    problem_target: str | None = None  # "create", "filters" or the id of the user being changed
    notice: str | None = None


def _parse_filters(
    filters: UserFilters,
) -> tuple[Role | None, uuid.UUID | None, FormProblem | None]:
    role = unit = None
    try:
        role = domain.parse_role(filters.role) if filters.role else None
    except DomainError as exc:
        return None, None, FormProblem.of(exc)
    if filters.unit:
        unit = parse_uuid(filters.unit)
        if unit is None:
            return role, None, FormProblem.on("unit", "is not a business unit id")
    return role, unit, None


def _page(
    request: Request, db: Database, principal: Principal, page: PageParams, view: UsersView
) -> Response:
    role, unit, filter_problem = _parse_filters(view.filters)
    if filter_problem is not None and view.problem is None:
        view.problem, view.problem_target = filter_problem, "filters"
    with db.reading() as session:
        units = service.list_units(session)
        users: list[User] = []
        total = 0
        if filter_problem is None:
            users, total = service.list_users(
                session,
                principal,
                role=role,
                unit_id=unit,
                query_text=view.filters.q or None,
                limit=page.limit,
                offset=page.offset,
            )
    context: dict[str, Any] = {
        "tabs": admin_tabs(principal),
        "tab": "users",
        "users": users,
        "total": total,
        "page": page,
        "units": units,
        "unit_names": {u.id: u.name for u in units},
        "roles": list(Role),
        "role_titles": ROLE_TITLES,
        "org_wide_roles": ORG_WIDE_ROLES,
        "can_write": principal.can(CorePermission.users_write),
        "can_see_keys": principal.can(CorePermission.apikeys_read),
        "now": utcnow(),
        "view": view,
        "notice": view.notice,
    }
    status = 200 if view.problem is None else view.problem.status
    return render(
        request, "access/users.html", principal, status_code=status, section="admin", **context
    )


def users_page(
    request: Request,
    db: DbDep,
    principal: UserReader,
    page: PageDep,
    role: Annotated[str, Query(max_length=64)] = "",
    unit: Annotated[str, Query(max_length=64)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    view = UsersView(filters=UserFilters(role, unit, q.strip()), notice=notice_text(notice))
    return _page(request, db, principal, page, view)


def create_user(
    request: Request,
    db: DbDep,
    principal: UserWriter,
    username: ShortText = "",
    email: ShortText = "",
    display_name: ShortText = "",
    role: ShortText = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    units: UnitRefs = None,
    all_units: Annotated[bool, Form()] = False,
) -> Response:
    """Post/Redirect/Get on success, so a reload never submits twice; a refusal answers with
    the form as typed and each field's reason."""
    form = UserForm(username, email, display_name, role, tuple(units or ()), all_units)
    try:
        new = service.NewUser(
            username=username,
            email=email,
            role=domain.parse_role(role),
            password=password,
            display_name=display_name,
            unit_refs=form.units,
            all_units=all_units,
        )
        with db.writing() as session:
            service.create_user(session, change_context(request, principal), new)
    except DomainError as exc:
        view = UsersView(form=form, problem=FormProblem.of(exc), problem_target="create")
        return _page(request, db, principal, first_page(), view)
    return RedirectResponse("/admin/users?notice=user-created", status_code=303)


def change_access(
    user_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: UserWriter,
    role: ShortText = "",
    units: UnitRefs = None,
    all_units: Annotated[bool, Form()] = False,
) -> Response:
    try:
        with db.writing() as session:
            service.update_user_access(
                session,
                change_context(request, principal),
                user_id,
                role=domain.parse_role(role),
                unit_refs=tuple(units or ()),
                all_units=all_units,
            )
    except DomainError as exc:
        view = UsersView(problem=FormProblem.of(exc), problem_target=str(user_id))
        return _page(request, db, principal, first_page(), view)
    return RedirectResponse("/admin/users?notice=user-updated", status_code=303)


def change_status(
    user_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: UserWriter,
    disabled: Annotated[bool, Form()],
) -> Response:
    try:
        with db.writing() as session:
            service.set_user_disabled(
                session, change_context(request, principal), user_id, disabled
            )
    except DomainError as exc:
        view = UsersView(problem=FormProblem.of(exc), problem_target=str(user_id))
        return _page(request, db, principal, first_page(), view)
    notice = "user-disabled" if disabled else "user-enabled"
    return RedirectResponse(f"/admin/users?notice={notice}", status_code=303)


def unlock(
    user_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: UserWriter,
) -> Response:
    """Clear a lockout before it runs out, e.g. once the person has confirmed it was them."""
    with db.writing() as session:
        authn.unlock(session, change_context(request, principal), user_id)
    return RedirectResponse("/admin/users?notice=user-unlocked", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/admin/users")(users_page)
    router.post("/admin/users")(create_user)
    router.post("/admin/users/{user_id}/access")(change_access)
    router.post("/admin/users/{user_id}/status")(change_status)
    router.post("/admin/users/{user_id}/unlock")(unlock)
    return router
