"""The system page that routes its outputs to review: ``/systems/{id}/review-route``.

Its form is the macro ``review/_routing_form.html`` (``review_routing_form(route,
csrf_token, can_change)``), so another page (the system's Security tab) can show the same
form; it posts here either way.
"""

from __future__ import annotations

import math
import uuid
from typing import Annotated

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.system_pages import saved_at
from aitower.core.web.templating import render
from aitower.review.domain import RouteSettings
from aitower.review.permissions import ReviewPermission
from aitower.review.route_settings import RouteView, get_route, set_route

Reader = Annotated[Principal, guard(ReviewPermission.review_read)]
Changer = Annotated[Principal, guard(ReviewPermission.review_route)]


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    shown: RouteView | None = None,
) -> Response:
    with db.reading() as session:
        route = get_route(session, principal, system_id)
    return render(
        request,
        "review/route.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="inventory",
        system=route.system,
        route=shown or route,
        can_change=principal.can(ReviewPermission.review_route),
        notice=notice,
        problem=problem,
    )


def route_page(system_id: uuid.UUID, request: Request, db: DbDep, principal: Reader) -> Response:
    saved = request.query_params.get("notice") == "saved"
    notice = "The routing was saved and recorded on the audit trail." if saved else None
    return _page(request, db, principal, system_id, notice=notice)


def _number(text: str, name: str, *, default: float | None) -> float | None:
    text = text.strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput.on(name, "must be a number") from None
    if not math.isfinite(value):
        raise InvalidInput.on(name, "must be a finite number")
    return value


def settings_from_form(form: dict[str, list[str]]) -> RouteSettings:
    """The route as the form sent it; the sample rate is typed as a percentage."""

    def one(name: str) -> str:
        return (form.get(name) or [""])[0]

    percent = _number(one("sample_percent"), "sample_percent", default=0.0) or 0.0
    if not 0.0 <= percent <= 100.0:
        raise InvalidInput.on("sample_percent", "must be between 0 and 100")
    types = [t.strip() for t in one("finding_types").replace("\n", ",").split(",") if t.strip()]
    return RouteSettings(
        enabled=one("enabled") == "yes",
        sample_rate=percent / 100.0,
        low_score_below=_number(one("low_score_below"), "low_score_below", default=None),
        score_name=one("score_name").strip(),
        finding_types=tuple(types),
        finding_categories=tuple(c for c in form.get("finding_categories", []) if c),
        finding_role=one("finding_role") or "security",
        quality_role=one("quality_role") or "prompt_engineer",
    )


async def save_route(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: Changer
) -> Response:
    raw = await request.form()
    form: dict[str, list[str]] = {}
    for key, value in raw.multi_items():
        if isinstance(value, str):
            form.setdefault(key, []).append(value)
    return await run_in_threadpool(_save, request, db, principal, system_id, form)


def _save(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    form: dict[str, list[str]],
) -> Response:
    try:
        settings = settings_from_form(form)
        with db.writing() as session:
            set_route(session, change_context(request, principal), system_id, settings)
    except DomainError as exc:
        return _page(request, db, principal, system_id, problem=FormProblem.of(exc))
    back = (form.get("back") or [""])[0]
    return RedirectResponse(saved_at(system_id, "review-route", back), status_code=303)


def add_route_pages(router: APIRouter) -> None:
    router.get("/systems/{system_id}/review-route")(route_page)
    router.post("/systems/{system_id}/review-route")(save_route)
