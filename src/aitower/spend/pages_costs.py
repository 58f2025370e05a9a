"""The Spend page (``/cost/spend``): cost over time as stacked bars and a table, per system,
unit, vendor, model or source, daily, monthly or quarterly, with its CSV, and what changed
cost between the last N days and the N before (the drivers).

Server-rendered and script-free; the filters are a GET form. A bad filter answers the page
with the field named (422) and the default report.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.money import format_usd
from aitower.core.web.templating import render
from aitower.spend import over_time_report as reports
from aitower.spend.api_costs import default_range
from aitower.spend.drivers import sentence
from aitower.spend.over_time import Grain, GroupBy, report_csv
from aitower.spend.over_time_chart import stacked_bars_svg
from aitower.spend.permissions import SpendPermission

Reader = Annotated[Principal, guard(SpendPermission.read)]
Text = Annotated[str, Query(max_length=64)]
COMPARE_DAYS = (7, 30, 90)


@dataclass(frozen=True, slots=True)
class SpendForm:
    group_by: str = "system"
    grain: str = "monthly"
    start: str = ""
    end: str = ""
    system: str = ""
    unit: str = ""
    compare: str = "30"

    def params(self) -> dict[str, str]:
        """The filled-in filters, for links (the CSV download keeps the page's filters)."""
        names = ("group_by", "grain", "start", "end", "system", "unit", "compare")
        return {name: getattr(self, name) for name in names if getattr(self, name)}


@dataclass(frozen=True, slots=True)
class SpendQuery:
    group_by: GroupBy
    grain: Grain
    start: date
    end: date
    system_id: uuid.UUID | None
    unit_id: uuid.UUID | None
    compare: int


def _choice(kind: Any, value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise InvalidInput.on(field, "is not one of the choices") from None


def _day(value: str, field: str, default: date) -> date:
    if not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.on(field, "must be a date (YYYY-MM-DD)") from None


def _id(value: str, field: str) -> uuid.UUID | None:
    if not value.strip():
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        raise InvalidInput.on(field, "is not an id") from None


def parse_form(form: SpendForm, today: date) -> SpendQuery:
    """The form's query; the first bad field raises InvalidInput naming it."""
    first, last = default_range(today)
    compare = int(form.compare) if form.compare.isdigit() else 0
    if compare not in COMPARE_DAYS:
        raise InvalidInput.on("compare", "must be 7, 30 or 90 days")
    return SpendQuery(
        _choice(GroupBy, form.group_by, "group_by"),
        _choice(Grain, form.grain, "grain"),
        _day(form.start, "start", first),
        _day(form.end, "end", last),
        _id(form.system, "system"),
        _id(form.unit, "unit"),
        compare,
    )


def _view(db: DbDep, principal: Principal, q: SpendQuery, today: date) -> dict[str, Any]:
    after = (today - timedelta(days=q.compare - 1), today + timedelta(days=1))
    before = (after[0] - timedelta(days=q.compare), after[0])
    with db.reading() as session:
        scope = reports.cost_scope(
            session, principal, q.system_id, q.unit_id if q.system_id is None else None
        )
        found = reports.report(session, scope, q.start, q.end, q.grain, q.group_by)
        drivers = reports.drivers(session, scope, before, after)
        everyone = reports.cost_scope(session, principal)
    units = sorted(
        {(r.unit_id, r.unit_name) for r in everyone.systems.values()}, key=lambda u: u[1]
    )
    return {
        "report": found,
        "chart": stacked_bars_svg(found, title=f"Cost by {q.group_by.value}, {q.grain.value}"),
        "drivers": drivers,
        "drivers_sentence": sentence(drivers, format_usd),
        "systems": sorted(everyone.systems.values(), key=lambda r: r.name),
        "units": units,
    }  # fmt: skip


def _form(group_by: str, grain: str, start: str, end: str, system: str, unit: str,
          compare: str) -> SpendForm:  # fmt: skip
    return SpendForm(group_by, grain, start, end, system, unit, compare)


def spend_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    group_by: Text = "system",
    grain: Text = "monthly",
    start: Text = "",
    end: Text = "",
    system: Text = "",
    unit: Text = "",
    compare: Text = "30",
) -> Response:
    form = _form(group_by, grain, start, end, system, unit, compare)
    today = utcnow().date()
    problem = None
    try:
        query = parse_form(form, today)
        view = _view(db, principal, query, today)
    except InvalidInput as exc:
        problem = FormProblem.of(exc)
        form = SpendForm()
        query = parse_form(form, today)
        view = _view(db, principal, query, today)
    return render(
        request, "spend/spend.html", principal, section="cost",
        status_code=problem.status if problem else 200, problem=problem, form=form,
        query=query, compare_days=COMPARE_DAYS, **view,
    )  # fmt: skip


def spend_csv(
    db: DbDep,
    principal: Reader,
    group_by: Text = "system",
    grain: Text = "monthly",
    start: Text = "",
    end: Text = "",
    system: Text = "",
    unit: Text = "",
) -> Response:
    q = parse_form(_form(group_by, grain, start, end, system, unit, "30"), utcnow().date())
    with db.reading() as session:
        scope = reports.cost_scope(
            session, principal, q.system_id, q.unit_id if q.system_id is None else None
        )
        found = reports.report(session, scope, q.start, q.end, q.grain, q.group_by)
    name = f"spend-{q.group_by.value}-{q.grain.value}-{q.start}-{q.end}.csv"
    return Response(
        report_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/cost/spend")(spend_page)
    router.get("/cost/spend.csv")(spend_csv)
    return router
