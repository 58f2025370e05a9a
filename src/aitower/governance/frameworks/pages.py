"""Pages of frameworks: the catalogs as trees with counts, the crosswalk of an item, import.

Read-only for most: the shipped catalogs change with a release, not in the browser. Governance
and admins may import a custom framework from the list page (a YAML form, as for policies);
a refused document is shown again with the field at fault.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.governance.frameworks import service
from aitower.governance.frameworks.builtin import builtin_crosswalks
from aitower.governance.frameworks.permissions import FrameworkPermission
from aitower.governance.frameworks.schemas import EXAMPLE, MAX_SOURCE

Reader = Annotated[Principal, guard(FrameworkPermission.frameworks_read)]
Importer = Annotated[Principal, guard(FrameworkPermission.frameworks_import)]
NOTICES = {"framework-imported": "The framework was imported."}


def plural(kind: str, n: int) -> str:
    """A count with its kind as an English noun: 1 control, 19 categories."""
    if n == 1:
        return f"{n} {kind}"
    if kind.endswith("y") and kind[-2:-1] not in "aeiou":
        return f"{n} {kind[:-1]}ies"
    return f"{n} {kind}{'es' if kind.endswith(('s', 'x', 'ch', 'sh')) else 's'}"


def _list(
    request: Request,
    principal: Principal,
    db: DbDep,
    *,
    source: str = "",
    problem: FormProblem | None = None,
) -> Response:
    with db.reading() as session:
        found = service.list_frameworks(session)
        links = service.crosswalk_counts(session)
    return render(
        request,
        "frameworks/list.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="governance",
        frameworks=found,
        plural=plural,
        articles=list(builtin_crosswalks().articles.values()),
        links=links,
        can_import=principal.can(FrameworkPermission.frameworks_import),
        source=source or EXAMPLE,
        problem=problem,
        opened=problem is not None,
    )


def _list_page(request: Request, db: DbDep, principal: Reader) -> Response:
    return _list(request, principal, db)


def _import(
    request: Request,
    db: DbDep,
    principal: Importer,
    source: Annotated[str, Form(max_length=MAX_SOURCE)] = "",
) -> Response:
    try:
        with db.writing() as session:
            found = service.import_framework(session, change_context(request, principal), source)
    except DomainError as exc:
        return _list(request, principal, db, source=source, problem=FormProblem.of(exc))
    return RedirectResponse(
        f"/governance/frameworks/{found.framework.id}?notice=framework-imported", status_code=303
    )


def _detail_page(
    request: Request,
    framework_id: str,
    db: DbDep,
    principal: Reader,
    notice: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    with db.reading() as session:
        detail = service.get_framework(session, framework_id)
        links = service.crosswalk_counts(session)
    return render(
        request,
        "frameworks/detail.html",
        principal,
        section="governance",
        detail=detail,
        framework=detail.framework,
        plural=plural,
        links=links,
        notice=NOTICES.get(notice or ""),
    )


def _crosswalk_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    item: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    view, problem = None, None
    if item.strip():
        try:
            with db.reading() as session:
                view = service.crosswalk(session, item)
        except DomainError as exc:
            problem = FormProblem.of(exc)
    return render(
        request,
        "frameworks/crosswalk.html",
        principal,
        status_code=200 if problem is None else problem.status,
        section="governance",
        item=item,
        view=view,
        problem=problem,
    )


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/governance/frameworks", _list_page, methods=["GET"])
    router.add_api_route("/governance/frameworks", _import, methods=["POST"])
    router.add_api_route("/governance/frameworks/{framework_id}", _detail_page, methods=["GET"])
    router.add_api_route("/governance/crosswalks", _crosswalk_page, methods=["GET"])
    return router
