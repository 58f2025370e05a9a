"""Pages of value and ROI (``/value/systems``, one system's page with its value model form) and
of portfolio decisions (``/value/decisions``).

Forms follow Post/Redirect/Get: success redirects with a fixed ``?notice=`` code; a refusal
answers the page again with the reason and the fields as typed. A form is shown only to who may
send it (``value.declare``: her units' systems only, as every page is scoped; ``portfolio.decide``).
"""

from __future__ import annotations

import math
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput, NotFound
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.portfolio import decisions, value_service
from aitower.portfolio.decision_rules import DECISIONS
from aitower.portfolio.pages_value_charts import roi_chart, sparkline, value_cost_chart
from aitower.portfolio.permissions import PortfolioPermission
from aitower.portfolio.value_domain import USE_DRIVERS
from aitower.portfolio.value_service import ValueModelFields, ValueModelView
from aitower.portfolio.values import SystemValue, range_of, system_values

Reader = Annotated[Principal, guard(PortfolioPermission.read)]
Declarer = Annotated[Principal, guard(PortfolioPermission.declare)]
Decider = Annotated[Principal, guard(PortfolioPermission.decide)]
Text = Annotated[str, Form(max_length=6000)]
Notice = Annotated[str | None, Query(max_length=32)]
MonthsQ = Annotated[str, Query(max_length=3)]
UntilQ = Annotated[str, Query(max_length=7)]
NOTICES = {
    "declared": "The value model was saved and recorded on the audit trail.",
    "withdrawn": "The value model was withdrawn (recorded on the audit trail).",
    "decided": "The decision was recorded on the audit trail.",
    "moving": "The decision was recorded; the move to retirement was requested from governance.",
}
SORTS = ("name", "cost", "value", "roi", "payback")
MODEL_FIELDS = (
    "use_driver",
    "hours_saved_per_use",
    "loaded_hourly_rate",
    "declared_uses_per_month",
    "eligible_users",
    "declared_adoption_percent",
    "revenue_per_month",
    "cost_avoided_per_month",
    "one_off_investment",
    "value_since",
    "assumptions",
)


def _range(months: str, until: str) -> tuple[date, date]:
    if months and not months.isdigit():
        raise InvalidInput.on("months", "must be a whole number of months")
    return range_of(int(months) if months else None, until or None, utcnow().date())


def _sort_key(name: str) -> Any:
    def missing_last(value: float | None, sign: float = 1.0) -> tuple[int, float]:
        return (1, 0.0) if value is None else (0, sign * value)

    keys = {
        "cost": lambda v: missing_last(v.cost, -1),
        "value": lambda v: missing_last(v.value, -1),
        "roi": lambda v: missing_last(v.roi, -1),
        "payback": lambda v: missing_last(None if v.payback_months is None else v.payback_months),
    }
    return keys.get(name, lambda v: (0, v.system.name.lower()))


def systems_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    months: MonthsQ = "",
    until: UntilQ = "",
    sort: Annotated[str, Query(max_length=8)] = "roi",
) -> Response:
    start, end = _range(months, until)
    with db.reading() as session:
        found = system_values(session, principal, start, end)
    found.sort(key=_sort_key(sort if sort in SORTS else "roi"))
    return render(
        request,
        "portfolio/value_systems.html",
        principal,
        section="cost",
        systems=found,
        sparks={v.system.id: sparkline(v) for v in found},
        start=start,
        end=end,
        params={"months": months, "until": until},
        sort=sort,
        sorts=SORTS,
    )


def _form_of(model: ValueModelView | None) -> dict[str, str]:
    if model is None:
        return dict.fromkeys(MODEL_FIELDS, "") | {"use_driver": "requests"}
    found = {}
    for name in MODEL_FIELDS:
        value = getattr(model, name)
        if value is None:
            found[name] = ""
        else:
            found[name] = f"{value:g}" if isinstance(value, float) else str(value)
    return found


def _system_page(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    params: dict[str, str],
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    start, end = _range(params.get("months", ""), params.get("until", ""))
    with db.reading() as session:
        found = system_values(session, principal, start, end, [system_id])
        if not found:
            raise NotFound(f"no system {system_id}")
        model = value_service.get_value_model(session, principal, system_id)
        history = decisions.history(session, principal, system_id, limit=20)
    value: SystemValue = found[0]
    return render(
        request,
        "portfolio/value_system.html",
        principal,
        section="cost",
        status_code=200 if problem is None else problem.status,
        v=value,
        model=model,
        history=history,
        start=start,
        end=end,
        params=params,
        chart=value_cost_chart(value),
        roi_svg=roi_chart(value),
        can_declare=principal.can(PortfolioPermission.declare),
        drivers=USE_DRIVERS,
        notice=NOTICES.get(notice or ""),
        problem=problem,
        form=form or _form_of(model),
    )


def system_page(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Reader,
    months: MonthsQ = "",
    until: UntilQ = "",
    notice: Notice = None,
) -> Response:
    params = {"months": months, "until": until}
    return _system_page(request, db, principal, system_id, params, notice=notice)


def _number(form: dict[str, str], name: str) -> float | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput.on(name, "must be a number") from None
    if not math.isfinite(value):
        raise InvalidInput.on(name, "must be a finite number")
    return value


def _fields(form: dict[str, str]) -> ValueModelFields:
    eligible = _number(form, "eligible_users")
    if eligible is not None and not eligible.is_integer():
        raise InvalidInput.on("eligible_users", "must be a whole number")
    since = form.get("value_since", "").strip()
    try:
        value_since = date.fromisoformat(since) if since else None
    except ValueError:
        raise InvalidInput.on("value_since", "expected a date, YYYY-MM-DD") from None
    return ValueModelFields(
        use_driver=form.get("use_driver", "").strip(),
        hours_saved_per_use=_number(form, "hours_saved_per_use"),
        loaded_hourly_rate=_number(form, "loaded_hourly_rate"),
        declared_uses_per_month=_number(form, "declared_uses_per_month"),
        eligible_users=None if eligible is None else int(eligible),
        declared_adoption_percent=_number(form, "declared_adoption_percent"),
        revenue_per_month=_number(form, "revenue_per_month"),
        cost_avoided_per_month=_number(form, "cost_avoided_per_month"),
        one_off_investment=_number(form, "one_off_investment"),
        value_since=value_since,
        assumptions=form.get("assumptions", ""),
    )


class ValueModelForm(BaseModel):
    """The value model form as typed (checked by ``_fields`` and the service)."""

    use_driver: str = Field(default="", max_length=20)
    hours_saved_per_use: str = Field(default="", max_length=40)
    loaded_hourly_rate: str = Field(default="", max_length=40)
    declared_uses_per_month: str = Field(default="", max_length=40)
    eligible_users: str = Field(default="", max_length=40)
    declared_adoption_percent: str = Field(default="", max_length=40)
    revenue_per_month: str = Field(default="", max_length=40)
    cost_avoided_per_month: str = Field(default="", max_length=40)
    one_off_investment: str = Field(default="", max_length=40)
    value_since: str = Field(default="", max_length=40)
    assumptions: str = Field(default="", max_length=6000)


def declare(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Declarer,
    posted: Annotated[ValueModelForm, Form()],
) -> Response:
    form = posted.model_dump()
    try:
        with db.writing() as session:
            value_service.declare_value_model(
                session, change_context(request, principal), system_id, _fields(form)
            )
    except NotFound:
        raise
    except DomainError as exc:
        return _system_page(
            request, db, principal, system_id, {}, problem=FormProblem.of(exc), form=form
        )
    return RedirectResponse(f"/value/systems/{system_id}?notice=declared", status_code=303)


def withdraw(system_id: uuid.UUID, request: Request, db: DbDep, principal: Declarer) -> Response:
    with db.writing() as session:
        value_service.withdraw_value_model(session, change_context(request, principal), system_id)
    return RedirectResponse(f"/value/systems/{system_id}?notice=withdrawn", status_code=303)


def _decisions_page(
    request: Request,
    db: Database,
    principal: Principal,
    params: dict[str, str],
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    failed: uuid.UUID | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    start, end = _range(params.get("months", ""), params.get("until", ""))
    with db.reading() as session:
        lines = decisions.portfolio(session, principal, start, end)
        recent = decisions.history(session, principal, limit=50)
    return render(
        request,
        "portfolio/decisions.html",
        principal,
        section="cost",
        status_code=200 if problem is None else problem.status,
        lines=lines,
        recent=recent,
        start=start,
        end=end,
        params=params,
        can_decide=principal.can(PortfolioPermission.decide),
        choices=DECISIONS,
        notice=NOTICES.get(notice or ""),
        problem=problem,
        failed=failed,
        form=form or {},
    )


def decisions_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    months: MonthsQ = "",
    until: UntilQ = "",
    notice: Notice = None,
) -> Response:
    params = {"months": months, "until": until}
    return _decisions_page(request, db, principal, params, notice=notice)


def decide(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Decider,
    decision: Text = "",
    into_system_id: Text = "",
    note: Text = "",
) -> Response:
    form = {"decision": decision, "into_system_id": into_system_id, "note": note}
    try:
        into = None
        # The row's "consolidate into" choice comes preselected with the recommendation; it
        # only means something for a consolidation (the API, typed by hand, stays strict).
        if decision == "consolidate" and into_system_id.strip():
            try:
                into = uuid.UUID(into_system_id.strip())
            except ValueError:
                reason = "choose one of the listed systems"
                raise InvalidInput.on("into_system_id", reason) from None
        with db.writing() as session:
            made = decisions.record_decision(
                session,
                change_context(request, principal),
                system_id,
                decision,
                into_system_id=into,
                note=note,
            )
    except NotFound:
        raise
    except DomainError as exc:
        return _decisions_page(
            request, db, principal, {}, problem=FormProblem.of(exc), failed=system_id, form=form
        )
    code = "moving" if made.move_id is not None else "decided"
    return RedirectResponse(f"/value/decisions?notice={code}#system-{system_id}", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/value/systems")(systems_page)
    router.get("/value/systems/{system_id}")(system_page)
    router.post("/value/systems/{system_id}/model")(declare)
    router.post("/value/systems/{system_id}/model/withdraw")(withdraw)
    router.get("/value/decisions")(decisions_page)
    router.post("/value/decisions/{system_id}")(decide)
    return router
