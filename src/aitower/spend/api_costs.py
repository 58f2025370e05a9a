"""REST routes of cost over time, its drivers and budgets (thin: parse, call, shape).

``GET /api/v1/spend/costs`` answers the report (JSON, or CSV with ``format=csv``);
``GET /api/v1/spend/drivers`` what changed cost between two ranges; ``/api/v1/spend/budgets``
lists, adds, changes and removes budgets, each with its status (spent, forecast, state).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.spend import budgets as service
from aitower.spend import over_time_report as reports
from aitower.spend.budget_rules import BudgetPeriod, ScopeKind, parse_spec
from aitower.spend.budget_status import BudgetStatus, budget_status
from aitower.spend.drivers import Drivers, sentence
from aitower.spend.over_time import CostReport, Grain, GroupBy, report_csv
from aitower.spend.permissions import SpendPermission

STRICT = ConfigDict(extra="forbid")
Reader = Annotated[Principal, guard(SpendPermission.read)]
Writer = Annotated[Principal, guard(SpendPermission.budgets_write)]


def default_range(today: date) -> tuple[date, date]:
    """The last twelve months up to today: from the first day of the month 11 months ago."""
    index = today.year * 12 + today.month - 1 - 11
    return date(index // 12, index % 12 + 1, 1), today + timedelta(days=1)


class GroupOut(BaseModel):
    key: str
    label: str
    total: float
    amounts: list[float]


class CostReportOut(BaseModel):
    start: date
    end: date  # exclusive
    grain: Grain
    group_by: GroupBy
    periods: list[str]
    totals: list[float]
    total: float
    groups: list[GroupOut]

    @classmethod
    def of(cls, r: CostReport) -> CostReportOut:
        groups = [GroupOut(key=g.key, label=g.label, total=g.total, amounts=list(g.amounts))
                  for g in r.groups]  # fmt: skip
        return cls(
            start=r.start, end=r.end, grain=r.grain, group_by=r.group_by, periods=r.labels,
            totals=r.totals, total=r.total, groups=groups,
        )  # fmt: skip


class DriverPartOut(BaseModel):
    name: str
    amount: float


class DriversOut(BaseModel):
    before: float
    after: float
    change: float
    traffic: float
    model_mix: float
    tokens_per_call: float
    price: float
    switch: list[str] | None
    parts: list[DriverPartOut]  # every part, largest first; they sum to ``change``
    sentence: str

    @classmethod
    def of(cls, d: Drivers) -> DriversOut:
        return cls(
            before=d.before, after=d.after, change=d.total, traffic=d.traffic,
            model_mix=d.model_mix, tokens_per_call=d.tokens_per_call, price=d.price,
            switch=list(d.switch) if d.switch else None,
            parts=[DriverPartOut(name=n, amount=a) for n, a in d.parts()], sentence=sentence(d),
        )  # fmt: skip


class BudgetIn(BaseModel):
    model_config = STRICT
    name: str = Field(max_length=200, examples=["Support assistant, monthly"])
    scope_kind: ScopeKind
    scope_value: str = Field(
        max_length=200, description="A system's or unit's id; a vendor or model"
    )
    period: BudgetPeriod = BudgetPeriod.monthly
    amount: float = Field(description="USD per period")
    soft_percent: float = 80.0
    hard_percent: float = 100.0
    starts_on: date
    owner: str = Field(default="", max_length=200)
    note: str = Field(default="", max_length=2000)


class BudgetOut(BaseModel):
    id: uuid.UUID
    name: str
    scope_kind: str
    scope_value: str
    scope_label: str
    period: str
    amount: float
    soft_percent: float
    hard_percent: float
    starts_on: date
    owner: str
    note: str
    period_start: date
    period_end: date
    spent: float
    forecast: float
    forecast_low: float | None
    forecast_high: float | None
    interval_level: float
    forecast_percent: float
    state: str

    @classmethod
    def of(cls, s: BudgetStatus) -> BudgetOut:
        spec = s.budget.spec
        return cls(
            id=s.budget.id, scope_label=s.budget.scope_label, **spec.as_dict(),
            period_start=s.period_start, period_end=s.period_end, spent=s.spent,
            forecast=s.forecast, forecast_low=s.low, forecast_high=s.high,
            interval_level=s.level, forecast_percent=s.forecast_percent, state=s.state.value,
        )  # fmt: skip


def _status(db: DbDep, budget: service.Budget) -> BudgetOut:
    with db.reading() as session:
        return BudgetOut.of(budget_status(session, budget, utcnow().date()))


def _costs(
    db: DbDep, principal: Principal, query: dict[str, Any], system_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
) -> CostReport:  # fmt: skip
    with db.reading() as session:
        scope = reports.cost_scope(session, principal, system_id, unit_id)
        return reports.report(session, scope, **query)


def _budget_routes(router: APIRouter) -> None:
    @router.get("/spend/budgets", summary="The budgets you may see, with their status")
    def list_budgets(db: DbDep, principal: Reader, page: PageDep) -> Page[BudgetOut]:
        with db.reading() as session:
            found = service.list_budgets(session, principal)
            shown = found[page.offset : page.offset + page.limit]
            today = utcnow().date()
            items = [BudgetOut.of(budget_status(session, b, today)) for b in shown]
        return Page.of(items, len(found), page)

    @router.post("/spend/budgets", status_code=status.HTTP_201_CREATED,
                 summary="Add a budget (audited)")  # fmt: skip
    def add_budget(body: BudgetIn, request: Request, db: DbDep, principal: Writer) -> BudgetOut:
        spec = parse_spec(body.model_dump())
        with db.writing() as session:
            made = service.create_budget(session, change_context(request, principal), spec)
        return _status(db, made)

    @router.get("/spend/budgets/{budget_id}", summary="One budget and its status")
    def get_budget(budget_id: uuid.UUID, db: DbDep, principal: Reader) -> BudgetOut:
        with db.reading() as session:
            found = service.get_budget(session, principal, budget_id)
        return _status(db, found)

    @router.put("/spend/budgets/{budget_id}", summary="Change a budget (audited)")
    def put_budget(
        budget_id: uuid.UUID, body: BudgetIn, request: Request, db: DbDep, principal: Writer
    ) -> BudgetOut:
        spec = parse_spec(body.model_dump())
        with db.writing() as session:
            ctx = change_context(request, principal)
            changed = service.update_budget(session, ctx, budget_id, spec)
        return _status(db, changed)

    @router.delete("/spend/budgets/{budget_id}", status_code=status.HTTP_204_NO_CONTENT,
                   summary="Remove a budget (audited)")  # fmt: skip
    def delete_budget(
        budget_id: uuid.UUID, request: Request, db: DbDep, principal: Writer
    ) -> Response:
        with db.writing() as session:
            service.delete_budget(session, change_context(request, principal), budget_id)
        return Response(status_code=status.HTTP_204_NO_CONTENT)


def build_router() -> APIRouter:
    router = APIRouter(tags=["spend"])

    @router.get("/spend/costs", summary="Cost over time per system, unit, vendor, model or source",
                response_model=CostReportOut)  # fmt: skip
    def costs(
        db: DbDep,
        principal: Reader,
        group_by: GroupBy = GroupBy.system,
        grain: Grain = Grain.monthly,
        start: date | None = None,
        end: Annotated[date | None, Query(description="Exclusive")] = None,
        system_id: uuid.UUID | None = None,
        unit_id: uuid.UUID | None = None,
        format: Literal["json", "csv"] = "json",
    ) -> Any:
        first, last = default_range(utcnow().date())
        query = {"start": start or first, "end": end or last, "grain": grain, "group_by": group_by}
        found = _costs(db, principal, query, system_id, unit_id)
        if format == "csv":
            return Response(report_csv(found), media_type="text/csv; charset=utf-8")
        return CostReportOut.of(found)

    @router.get("/spend/drivers", summary="What changed cost between two ranges, and by how much")
    def drivers(
        db: DbDep,
        principal: Reader,
        before_start: date,
        before_end: Annotated[date, Query(description="Exclusive")],
        after_start: date,
        after_end: Annotated[date, Query(description="Exclusive")],
        system_id: uuid.UUID | None = None,
        unit_id: uuid.UUID | None = None,
    ) -> DriversOut:
        with db.reading() as session:
            scope = reports.cost_scope(session, principal, system_id, unit_id)
            found = reports.drivers(
                session, scope, (before_start, before_end), (after_start, after_end)
            )
        return DriversOut.of(found)

    _budget_routes(router)
    return router
