"""The Budgets pages: the list with each budget's state (``/cost/budgets``), one budget with
its burn-down chart (``/cost/budgets/{id}``), and the forms that add, change and remove them.

Forms follow Post/Redirect/Get; a refused form answers its page again with the field named
(422) and nothing saved. Who may keep which budget is the service's rule (``budgets``).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.spend import budgets as service
from aitower.spend import over_time_report as reports
from aitower.spend.budget_rules import BudgetSpec, parse_spec
from aitower.spend.budget_status import budget_status
from aitower.spend.over_time_chart import burn_down_svg
from aitower.spend.permissions import SpendPermission

Reader = Annotated[Principal, guard(SpendPermission.read)]
Writer = Annotated[Principal, guard(SpendPermission.budgets_write)]
FIELDS = ("name", "scope_kind", "system", "unit", "scope_name", "period", "amount",
          "soft_percent", "hard_percent", "starts_on", "owner", "note")  # fmt: skip
NOTICES = {
    "added": "The budget was added.",
    "saved": "The budget was saved.",
    "removed": "The budget was removed.",
}


def values_to_spec(values: dict[str, str]) -> BudgetSpec:
    """The form as a spec: the scope's value comes from the field of its kind."""
    kind = values.get("scope_kind", "")
    field = {"system": "system", "unit": "unit"}.get(kind, "scope_name")
    return parse_spec({**values, "scope_value": values.get(field, "")})


def _form_values(spec: BudgetSpec | None) -> dict[str, str]:
    if spec is None:
        today = utcnow().date().replace(day=1).isoformat()
        return {"scope_kind": "system", "period": "monthly", "soft_percent": "80",
                "hard_percent": "100", "starts_on": today}  # fmt: skip
    values = {k: str(v) for k, v in spec.as_dict().items()}
    kind = spec.scope_kind.value
    values[kind if kind in ("system", "unit") else "scope_name"] = spec.scope_value
    values["amount"], values["soft_percent"] = f"{spec.amount:g}", f"{spec.soft_percent:g}"
    values["hard_percent"] = f"{spec.hard_percent:g}"
    return values


def _choices(db: DbDep, principal: Principal) -> dict[str, Any]:
    with db.reading() as session:
        scope = reports.cost_scope(session, principal)
    systems = sorted(scope.systems.values(), key=lambda r: r.name)
    units = sorted({(r.unit_id, r.unit_name) for r in systems}, key=lambda u: u[1])
    if principal.unit_ids is None:
        units = sorted(scope.unit_names.items(), key=lambda u: u[1])
    return {
        "systems": systems,
        "units": units,
        "org_wide": principal.unit_ids is None,
        "can_write": principal.can(SpendPermission.budgets_write),
    }


def _list(
    request: Request, db: DbDep, principal: Principal, *, values: dict[str, str] | None = None,
    problem: FormProblem | None = None, notice: str | None = None,
) -> Response:  # fmt: skip
    today = utcnow().date()
    with db.reading() as session:
        found = service.list_budgets(session, principal)
        statuses = [budget_status(session, b, today) for b in found]
    return render(
        request, "spend/budgets.html", principal, section="cost",
        status_code=problem.status if problem else 200, statuses=statuses,
        values=values or _form_values(None), problem=problem,
        notice=NOTICES.get(notice or ""), **_choices(db, principal),
    )  # fmt: skip


def _detail(
    request: Request, db: DbDep, principal: Principal, budget_id: uuid.UUID, *,
    values: dict[str, str] | None = None, problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:  # fmt: skip
    with db.reading() as session:
        budget = service.get_budget(session, principal, budget_id)
        status = budget_status(session, budget, utcnow().date())
    chart = burn_down_svg(
        status.actual, status.projected, budget=status.hard_limit, soft=status.soft_limit,
        title=f"{budget.spec.name}: {status.period_start} to {status.period_end}",
    )  # fmt: skip
    can_write = principal.can(SpendPermission.budgets_write)
    return render(
        request, "spend/budget.html", principal, section="cost",
        status_code=problem.status if problem else 200, status=status, budget=budget,
        chart=chart, values=values or _form_values(budget.spec), problem=problem,
        notice=NOTICES.get(notice or ""), **{**_choices(db, principal), "can_write": can_write},
    )  # fmt: skip


def budgets_page(
    request: Request, db: DbDep, principal: Reader,
    notice: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:  # fmt: skip
    return _list(request, db, principal, notice=notice)


def budget_page(
    budget_id: uuid.UUID, request: Request, db: DbDep, principal: Reader,
    notice: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:  # fmt: skip
    return _detail(request, db, principal, budget_id, notice=notice)


async def _values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: str(form.get(name) or "") for name in FIELDS}


async def add_budget(request: Request, db: DbDep, principal: Writer) -> Response:
    values = await _values(request)
    ctx = change_context(request, principal)

    def save() -> uuid.UUID:
        spec = values_to_spec(values)
        with db.writing() as session:
            return service.create_budget(session, ctx, spec).id

    try:
        made = await run_in_threadpool(save)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        return await run_in_threadpool(
            lambda: _list(request, db, principal, values=values, problem=problem)
        )
    return RedirectResponse(f"/cost/budgets/{made}?notice=added", status_code=303)


async def save_budget(
    budget_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
) -> Response:
    values = await _values(request)
    ctx = change_context(request, principal)

    def save() -> None:
        spec = values_to_spec(values)
        with db.writing() as session:
            service.update_budget(session, ctx, budget_id, spec)

    try:
        await run_in_threadpool(save)
    except DomainError as exc:
        problem = FormProblem.of(exc)
        if exc.status == 404:
            raise
        return await run_in_threadpool(
            lambda: _detail(request, db, principal, budget_id, values=values, problem=problem)
        )
    return RedirectResponse(f"/cost/budgets/{budget_id}?notice=saved", status_code=303)


async def remove_budget(
    budget_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
) -> Response:
    ctx = change_context(request, principal)

    def remove() -> None:
        with db.writing() as session:
            service.delete_budget(session, ctx, budget_id)

    await run_in_threadpool(remove)
    return RedirectResponse("/cost/budgets?notice=removed", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/cost/budgets")(budgets_page)
    router.post("/cost/budgets")(add_budget)
    router.get("/cost/budgets/{budget_id}")(budget_page)
    router.post("/cost/budgets/{budget_id}")(save_budget)
    router.post("/cost/budgets/{budget_id}/delete")(remove_budget)
    return router
