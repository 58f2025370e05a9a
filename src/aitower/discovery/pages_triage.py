"""The triage forms of a finding's page: register, sanction, block, dismiss, assign.

Each posts, calls ``triage`` in one transaction (with its audit event) and redirects back with
a notice (Post/Redirect/Get); registering goes to the new system's page. A refused form
answers the finding's page again (422, or 409 for a step its status no longer allows) with
the reason by the field and what was typed; nothing changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.discovery import triage
from aitower.discovery.pages_findings import render_finding
from aitower.discovery.permissions import DiscoveryPermission
from aitower.discovery.schemas import RegisterIn

Triager = Annotated[Principal, guard(DiscoveryPermission.triage)]
Step = Callable[[ChangeContext, dict[str, str]], str]  # answers where to go next
FIELDS = {
    "register": tuple(RegisterIn.model_fields),
    "sanction": ("reason",),
    "block": ("reason",),
    "dismiss": ("reason",),
    "assign": ("owner", "due_date"),
}


def _due(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.on("due_date", "must be a date (YYYY-MM-DD)") from None


def _overrides(values: dict[str, str]) -> dict[str, str]:
    try:
        return RegisterIn.model_validate(values).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput.on(str(first["loc"][0]), first["msg"]) from None


def _step(db: DbDep, finding_id: uuid.UUID, action: str) -> Step:
    here = f"/discovery/findings/{finding_id}"

    def run(ctx: ChangeContext, values: dict[str, str]) -> str:
        with db.writing() as session:
            if action == "register":
                made = triage.register(session, ctx, finding_id, _overrides(values))
                return f"/systems/{made.system_id}?notice=system-created"
            if action == "assign":
                triage.assign(session, ctx, finding_id, values["owner"], _due(values["due_date"]))
                return f"{here}?notice=assigned"
            step = {"sanction": triage.sanction, "block": triage.block,
                    "dismiss": triage.dismiss}[action]  # fmt: skip
            step(session, ctx, finding_id, values["reason"])
            return f"{here}?notice={'sanctioned' if action == 'sanction' else action + 'ed'}"

    return run


async def _post(finding_id: uuid.UUID, action: str, request: Request, db: DbDep,
                principal: Principal) -> Response:  # fmt: skip
    form = await request.form()
    values = {name: str(form.get(name) or "") for name in FIELDS[action]}
    ctx = change_context(request, principal)
    try:
        target = await run_in_threadpool(_step(db, finding_id, action), ctx, values)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        again = partial(render_finding, problem=problem, form=action, values=values)
        return await run_in_threadpool(again, request, db, principal, finding_id)
    return RedirectResponse(target, status_code=303)


def _route(action: str) -> Callable[..., object]:
    async def post(finding_id: uuid.UUID, request: Request, db: DbDep,
                   principal: Triager) -> Response:  # fmt: skip
        return await _post(finding_id, action, request, db, principal)

    post.__name__ = f"{action}_finding"
    return post


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    for action in FIELDS:
        router.post(f"/discovery/findings/{{finding_id}}/{action}")(_route(action))
    return router
