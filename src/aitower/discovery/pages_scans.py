"""The Scans page (``/discovery/scans``): the scans stored, and the uploads of a proxy or DNS
log and of a card or expense export to scan (``discovery.triage``).

A stored scan answers the page with its result (lines read, matched, malformed, with the first
malformed lines and their reasons, and the findings new and merged) rather than redirecting:
the malformed lines are not stored, and a reload only gets "scanned already" (409). A refused
file answers the page (422, or 409 for a file seen before) with the reason by its field, and
stores nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from aitower.core.access import service as access
from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep, PageParams
from aitower.core.web.templating import render
from aitower.discovery import log_upload, scans
from aitower.discovery.api_expenses import read_expense_form, store_expense_upload
from aitower.discovery.api_scans import read_log_form
from aitower.discovery.expenses import ExpenseResult
from aitower.discovery.expenses_read import LAYOUTS
from aitower.discovery.logscan import FORMATS
from aitower.discovery.permissions import DiscoveryPermission

Reader = Annotated[Principal, guard(DiscoveryPermission.findings_read)]
Triager = Annotated[Principal, guard(DiscoveryPermission.triage)]
MALFORMED_SHOWN = 5


def _scans_page(
    request: Request, db: DbDep, principal: Principal, page: PageParams, *,
    result: log_upload.LogResult | None = None, problem: FormProblem | None = None,
    values: dict[str, str] | None = None, expenses: ExpenseResult | None = None,
    expense_problem: FormProblem | None = None, expense_values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    with db.reading() as session:
        found, total = scans.list_scans(session, page.offset, page.limit)
        units = [u for u in access.list_units(session) if principal.sees_unit(u.id)]
    refused = problem or expense_problem
    return render(
        request, "discovery/scans.html", principal, section="discovery",
        status_code=refused.status if refused else 200, scans=found, total=total, page=page,
        units=units, formats=FORMATS, can_upload=principal.can(DiscoveryPermission.triage),
        result=result, malformed_shown=MALFORMED_SHOWN, problem=problem,
        values=values or {"format": "squid", "delimiter": ","}, expenses=expenses,
        expense_problem=expense_problem, expense_values=expense_values or {"format": "csv"},
        expense_layouts=LAYOUTS,
    )  # fmt: skip


def scans_page(request: Request, db: DbDep, principal: Reader, page: PageDep) -> Response:
    return _scans_page(request, db, principal, page)


async def upload(request: Request, db: DbDep, principal: Triager, page: PageDep) -> Response:
    ctx = change_context(request, principal)
    values: dict[str, str] = {}
    try:
        given = await read_log_form(request)
        values = given.values

        def run() -> log_upload.LogResult:
            with log_upload.saved_upload(given.stream, given.name) as path:
                return log_upload.scan_and_record(db, ctx, path, given.name, given.request)

        result = await run_in_threadpool(run)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        again = partial(_scans_page, problem=problem, values=values)
        return await run_in_threadpool(again, request, db, principal, page)
    shown = partial(_scans_page, result=result)
    return await run_in_threadpool(shown, request, db, principal, page)


async def upload_expenses(
    request: Request, db: DbDep, principal: Triager, page: PageDep
) -> Response:
    ctx = change_context(request, principal)
    values: dict[str, str] = {}
    try:
        given = await read_expense_form(request)
        values = given.values
        found = await run_in_threadpool(store_expense_upload, db, ctx, given)
    except DomainError as exc:
        again = partial(_scans_page, expense_problem=FormProblem.of(exc), expense_values=values)
        return await run_in_threadpool(again, request, db, principal, page)
    shown = partial(_scans_page, expenses=found)
    return await run_in_threadpool(shown, request, db, principal, page)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/discovery/scans")(scans_page)
    router.post("/discovery/scans")(upload)
    router.post("/discovery/scans/expenses")(upload_expenses)
    return router
