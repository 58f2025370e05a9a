"""One place that turns errors into answers: problem+json for the API, HTML pages for people."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from aitower.core.errors import DomainError, Unauthenticated
from aitower.core.web.deps import request_id
from aitower.core.web.problems import domain_problem, problem, validation_problem
from aitower.core.web.routes import allowed_methods
from aitower.core.web.templating import render

log = logging.getLogger("aitower.web")
MACHINE_PREFIXES = ("/api/", "/v1/", "/healthz", "/readyz")


def wants_html(request: Request) -> bool:
    path = request.url.path
    return not path.startswith(MACHINE_PREFIXES) and "text/html" in request.headers.get(
        "accept", "text/html"
    )


def _page(request: Request, status: int, title: str, detail: str) -> Response:
    principal = getattr(request.state, "principal", None)
    return render(request, "error.html", principal, status_code=status, title=title, detail=detail)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def on_domain_error(request: Request, exc: DomainError) -> Response:
        if wants_html(request):
            if isinstance(exc, Unauthenticated) and request.method == "GET":
                target = quote(
                    request.url.path + (f"?{request.url.query}" if request.url.query else "")
                )
                return RedirectResponse(f"/login?next={target}", status_code=303)
            return _page(request, exc.status, exc.title, exc.detail)
        return domain_problem(exc, instance=request.url.path, request_id=request_id(request))

    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> Response:
        answer = validation_problem(exc, instance=request.url.path, request_id=request_id(request))
        if wants_html(request):
            body = json.loads(bytes(answer.body))
            return _page(request, answer.status_code, body["title"], body["detail"])
        return answer

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = str(exc.detail)
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        if exc.status_code == 405:
            headers["allow"] = ", ".join(allowed_methods(app.routes, request.url.path))
        if wants_html(request):
            page = _page(request, exc.status_code, detail, detail)
            page.headers.update(headers)
            return page
        return problem(
            exc.status_code,
            detail,
            instance=request.url.path,
            request_id=request_id(request),
            headers=headers,
        )

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:
        rid = request_id(request)
        log.error(
            "unhandled error in %s %s (request %s)",
            request.method,
            request.url.path,
            rid,
            exc_info=exc,
        )
        detail = f"an unexpected error occurred; quote request id {rid} when reporting it"
        if wants_html(request):
            return _page(request, 500, "Something went wrong", detail)
        return problem(500, detail, instance=request.url.path, request_id=rid)
