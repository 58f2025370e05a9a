"""The content settings page of a system: store, scan and redact its messages (#16).

Standalone under the system's tabs head; its form is a macro (``_content_settings.html``) so
that another page can show it too. Post/Redirect/Get: a saved form redirects with a notice; a
refused one answers the page again with the values as typed and each field's reason.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.system_pages import saved_at
from aitower.core.web.templating import render
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.service import get_system_ref
from aitower.telemetry import content_settings
from aitower.telemetry.content_settings import ContentSettings
from aitower.telemetry.permissions import TelemetryPermission

Reader = Annotated[Principal, guard(InventoryPermission.systems_read)]
Setter = Annotated[Principal, guard(TelemetryPermission.content_settings)]
NOTICE = "Content settings saved: they apply to spans received from now on."
_PREFIX = "redaction."


def _page(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    shown: ContentSettings | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        saved = content_settings.get_content_settings(session, principal, system_id)
    return render(
        request,
        "telemetry/content_settings.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="inventory",
        system=system,
        settings=shown or saved,
        types=content_settings.known_types(),
        can_change=principal.can(TelemetryPermission.content_settings),
        problem=problem,
        notice=notice,
    )


def content_settings_page(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    return _page(request, db, principal, system_id, notice=NOTICE if notice == "saved" else None)


def form_settings(form: dict[str, str], saved: ContentSettings) -> ContentSettings:
    """The settings as typed: checkboxes absent are off; a number that is not one is kept as
    -1 so that the service names the field; the scanned types stay as saved (not on the form)."""
    raw = form.get("max_content_chars", "").strip()
    chars = int(raw) if raw.isdigit() else -1
    redaction = {k.removeprefix(_PREFIX): v for k, v in form.items() if k.startswith(_PREFIX)}
    return ContentSettings(
        form.get("store_content") == "on",
        chars,
        form.get("scan_enabled") == "on",
        saved.scan_types,
        redaction,
    )


def _save(
    request: Request, db: Database, principal: Principal, system_id: uuid.UUID, form: dict[str, str]
) -> Response:
    with db.reading() as session:
        saved = content_settings.get_content_settings(session, principal, system_id)
    wanted = form_settings(form, saved)
    try:
        with db.writing() as session:
            content_settings.set_content_settings(
                session, change_context(request, principal), system_id, wanted
            )
    except DomainError as exc:
        return _page(request, db, principal, system_id, wanted, FormProblem.of(exc))
    return RedirectResponse(saved_at(system_id, "content-settings", form.get("back")), 303)


async def save_content_settings(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: Setter
) -> Response:
    """One select per detection type, so the form is read whole (the guard has read it for
    the CSRF check); the database work runs off the loop."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    return await run_in_threadpool(_save, request, db, principal, system_id, form)


def add_content_settings_routes(router: APIRouter) -> None:
    router.get("/systems/{system_id}/content-settings")(content_settings_page)
    router.post("/systems/{system_id}/content-settings")(save_content_settings)
