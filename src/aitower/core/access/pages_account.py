"""The account page: who am I here (role, units, permissions), and changing my password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access import authn, service
from aitower.core.access.pages_shared import FormProblem, notice_text
from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.access.roles import ROLE_TITLES, all_permissions
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import SESSION_COOKIE, DbDep, LoggedIn, change_context
from aitower.core.web.templating import render

Password = Annotated[str, Form(max_length=2000)]


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    *,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        names = {u.id: u.name for u in service.list_units(session)}
        user = (
            service.get_user(session, principal.user_id) if principal.user_id is not None else None
        )
    units = None if principal.unit_ids is None else sorted(names[u] for u in principal.unit_ids)
    return render(
        request,
        "access/account.html",
        principal,
        status_code=200 if problem is None else problem.status,
        user=user,
        role_title=ROLE_TITLES[principal.role],
        units=units,
        permissions=[(p, p.description) for p in all_permissions() if principal.can(p)],
        can_change_password=principal.kind is PrincipalKind.user
        and user is not None
        and user.has_password,
        problem=problem,
        notice=notice,
    )


def account_page(
    request: Request,
    db: DbDep,
    principal: LoggedIn,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _page(request, db, principal, notice=notice_text(notice))


async def change_password(
    request: Request,
    db: DbDep,
    principal: LoggedIn,
    current_password: Password = "",
    new_password: Password = "",
    confirm_password: Password = "",
) -> Response:
    if new_password != confirm_password:
        problem = FormProblem.on("confirm_password", "does not match the new password")
        return await run_in_threadpool(_page, request, db, principal, problem=problem)
    token = request.cookies.get(SESSION_COOKIE, "")
    ctx = change_context(request, principal)

    def save() -> None:
        with db.writing() as session:
            authn.change_own_password(session, ctx, token, current_password, new_password)

    try:
        await run_in_threadpool(save)
    except DomainError as exc:
        return await run_in_threadpool(_page, request, db, principal, problem=FormProblem.of(exc))
    return RedirectResponse("/account?notice=password-changed", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/account")(account_page)
    router.post("/account/password")(change_password)
    return router
