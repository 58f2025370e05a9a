"""Shell pages: login, logout and the overview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access import authn
from aitower.core.access.principal import Principal, anonymous_principal
from aitower.core.access.roles import CorePermission
from aitower.core.audit.service import ChangeContext
from aitower.core.web import overview
from aitower.core.web.deps import (
    SESSION_COOKIE,
    DbDep,
    LoggedIn,
    SettingsDep,
    authenticate,
    check_csrf,
    get_settings,
    guard,
    request_id,
    set_session_cookie,
)
from aitower.core.web.templating import render


def safe_next(target: str | None) -> str:
    """Only same-site paths: never an absolute or protocol-relative URL (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def login_page(request: Request, status: int = 200, **context: Any) -> Response:
    """The login page with the ways in the settings allow (password, single sign-on)."""
    settings = get_settings(request)
    return render(
        request,
        "login.html",
        None,
        status_code=status,
        sso_label=settings.oidc_button_label if settings.sso_enabled else None,
        password_login=settings.password_login,
        **context,
    )


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/login")
    async def login_form(request: Request, next: str = "/") -> Response:
        try:
            await authenticate(request)
            return RedirectResponse(safe_next(next), status_code=303)
        except Exception:  # not logged in: show the form
            return login_page(request, next=safe_next(next))

    @router.post("/login")
    async def login(
        request: Request,
        db: DbDep,
        settings: SettingsDep,
        username: Annotated[str, Form(max_length=200)],
        password: Annotated[str, Form(max_length=1024)],
        next: Annotated[str, Form(max_length=2000)] = "/",
    ) -> Response:
        if not settings.password_login:  # before the CSRF check: there is no form to echo it
            refusal = "Signing in with a password is turned off here; use single sign-on."
            return login_page(request, 403, error=refusal, next=safe_next(next))
        await check_csrf(request)
        ctx = ChangeContext(anonymous_principal(), request_id(request))

        def attempt() -> authn.LoginResult:
            with db.writing() as session:
                return authn.login(
                    session,
                    ctx,
                    username,
                    password,
                    session_hours=settings.session_hours,
                    source=request.client.host if request.client else None,
                )

        result = await run_in_threadpool(attempt)
        if result.token is None:
            status = 429 if result.retry_after_seconds else 401
            refused = login_page(
                request, status, error=result.error, username=username, next=safe_next(next)
            )
            if result.retry_after_seconds:
                refused.headers["retry-after"] = str(result.retry_after_seconds)
            return refused
        response = RedirectResponse(safe_next(next), status_code=303)
        set_session_cookie(response, request, result.token)
        return response

    @router.post("/logout")
    async def logout(request: Request, db: DbDep, principal: LoggedIn) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            ctx = ChangeContext(principal, request_id(request))

            def end() -> None:
                with db.writing() as session:
                    authn.logout(session, ctx, token)

            await run_in_threadpool(end)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/")
    def overview_page(
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(CorePermission.overview_view)],
    ) -> Response:
        with db.reading() as session:
            # The capabilities' tiles and charts (``create_app`` gathers them from each Slice).
            data = overview.collect(
                session,
                principal,
                request.app.state.overview_sources,
                request.app.state.attention_sources,
            )
        return render(request, "overview.html", principal, section="overview", data=data)

    return router
