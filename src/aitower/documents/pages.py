"""Pages of generated documents on a system: the Documents tab (kinds, kept versions with their
digests and downloads), a live preview of each kind, the generate form's post and downloads.

The form follows Post/Redirect/Get: success redirects to the tab with the new version marked;
a refusal answers the tab again with the reason.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.documents import service
from aitower.documents.common import KIND_TITLES, KINDS
from aitower.documents.document import to_html_body
from aitower.documents.downloads import download
from aitower.documents.permissions import DocumentPermission
from aitower.inventory.service import get_system_ref

Reader = Annotated[Principal, guard(DocumentPermission.documents_read)]
Generator = Annotated[Principal, guard(DocumentPermission.documents_generate)]

ABOUT: dict[str, str] = {
    "system-card": "The sections of Model Cards for Model Reporting, from inventory, risk, "
    "policies and live metrics.",
    "annex-iv": "EU AI Act Annex IV, points 1 to 9, for high-risk systems: what aitower holds, "
    "and what each point still lacks.",
    "fria": "EU AI Act Art. 27(1), elements (a) to (f), for deployers: prefilled where aitower "
    "knows.",
}


def _tab(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    *,
    problem: FormProblem | None = None,
    made: str | None = None,
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        versions = service.list_versions(session, principal, system_id)
    context: dict[str, Any] = {
        "system": system,
        "kinds": [(k, KIND_TITLES[k], ABOUT[k]) for k in KINDS],
        "versions": versions,
        "can_generate": principal.can(DocumentPermission.documents_generate),
        "problem": problem,
        "made": made,
        "notice": None if made is None else "The document was generated and kept.",
    }
    return render(
        request,
        "documents/system_documents.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="inventory",
        **context,
    )


def documents_tab(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    made: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    return _tab(request, db, principal, system_id, made=made)


def preview_page(
    system_id: uuid.UUID, kind: str, request: Request, db: DbDep, principal: Reader
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        doc = service.preview(session, principal, system_id, kind, utcnow())
    return render(
        request,
        "documents/preview.html",
        principal,
        section="inventory",
        system=system,
        kind=kind,
        title=KIND_TITLES[kind],
        body=to_html_body(doc),
        missing=doc.missing,
        can_generate=principal.can(DocumentPermission.documents_generate),
    )


def _generate_sync(
    request: Request, db: Database, principal: Principal, system_id: uuid.UUID, kind: str, pdf: bool
) -> Response:
    formats = ("md", "html", "pdf") if pdf else ("md", "html")
    try:
        with db.writing() as session:
            made = service.generate(
                session, change_context(request, principal), system_id, kind, formats
            )
    except DomainError as exc:
        return _tab(request, db, principal, system_id, problem=FormProblem.of(exc))
    return RedirectResponse(
        f"/systems/{system_id}/documents?made={made.kind}-v{made.version}", status_code=303
    )


async def generate(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Generator,
    kind: Annotated[str, Form(max_length=32)],
    pdf: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    # Gathering the facts and laying out the PDF block: off the event loop.
    return await run_in_threadpool(
        _generate_sync, request, db, principal, system_id, kind, pdf == "yes"
    )


def download_page(
    system_id: uuid.UUID, kind: str, version: int, fmt: str, db: DbDep, principal: Reader
) -> Response:
    return download(db, principal, system_id, kind, version, fmt)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/systems/{system_id}/documents")(documents_tab)
    router.post("/systems/{system_id}/documents")(generate)
    router.get("/systems/{system_id}/documents/{kind}")(preview_page)
    router.get("/systems/{system_id}/documents/{kind}/{version}/{fmt}")(download_page)
    return router
