"""The portfolio Risk page (heat map, tiers, overdue reviews, top risks) and the risk editor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from aitower.core.access import service as access_service
from aitower.core.access.pages_shared import FormProblem, owner_choices, parse_uuid
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError
from aitower.core.web import charts
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import PageDep
from aitower.core.web.templating import render
from aitower.risk import service
from aitower.risk.forms import RiskForm, rating_choices
from aitower.risk.permissions import RiskPermission
from aitower.risk.register import IMPACT_TITLES, LIKELIHOOD_TITLES, RiskCategory, RiskStatus

Reader = Annotated[Principal, guard(RiskPermission.risk_read)]
Writer = Annotated[Principal, guard(RiskPermission.risk_write)]
Text = Annotated[str, Form(max_length=6000)]
Filter = Annotated[str, Query(max_length=64)]
OVERDUE_SHOWN = 20


@dataclass(frozen=True, slots=True)
class PortfolioFilters:
    category: str = ""
    status: str = ""
    unit: str = ""
    min_residual: str = ""
    overdue: bool = False
    system: str = ""

    def params(self) -> dict[str, str]:
        """The filters as query parameters, for pagination links that keep them."""
        pairs = (
            ("category", self.category),
            ("status", self.status),
            ("unit", self.unit),
            ("min_residual", self.min_residual),
            ("overdue", "true" if self.overdue else ""),
            ("system", self.system),
        )
        return {k: v for k, v in pairs if v}

    def parse(self) -> tuple[service.RiskFilter, FormProblem | None]:
        """The service's filter; an unknown value is dropped and reported by its field."""
        if self.category and self.category not in RiskCategory.__members__:
            return service.RiskFilter(), FormProblem.on("category", "is not a risk category")
        if self.status and self.status not in RiskStatus.__members__:
            return service.RiskFilter(), FormProblem.on("status", "is not a risk status")
        unit = parse_uuid(self.unit) if self.unit else None
        if self.unit and unit is None:
            return service.RiskFilter(), FormProblem.on("unit", "is not a business unit id")
        system = parse_uuid(self.system) if self.system else None
        if self.system and system is None:
            return service.RiskFilter(), FormProblem.on("system", "is not an AI system id")
        minimum = int(self.min_residual) if self.min_residual.isdigit() else None
        if self.min_residual and (minimum is None or not 1 <= minimum <= 25):
            return service.RiskFilter(), FormProblem.on("min_residual", "must be from 1 to 25")
        return service.RiskFilter(
            category=self.category or None,
            status=self.status or None,
            unit_id=unit,
            min_residual=minimum,
            overdue=self.overdue,
            system_id=system,
            today=utcnow().date(),
        ), None


def heat_map_chart(matrix: list[list[int]], title: str) -> Markup:
    """Likelihood rows (almost certain at the top) by impact columns, counts as values."""
    rows = [f"{i} {LIKELIHOOD_TITLES[i - 1]}" for i in range(5, 0, -1)]
    columns = [f"{i} {IMPACT_TITLES[i - 1]}" for i in range(1, 6)]
    values = {
        (rows[5 - lk], columns[im - 1]): float(matrix[lk - 1][im - 1])
        for lk in range(1, 6)
        for im in range(1, 6)
    }
    if not any(values.values()):
        values = {}
    return charts.heat_map_svg(
        rows, columns, values, title=title, value_format=lambda v: f"{v:.0f}"
    )


def portfolio_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    page: PageDep,
    category: Filter = "",
    status: Filter = "",
    unit: Filter = "",
    min_residual: Filter = "",
    overdue: bool = False,
    system: Filter = "",
) -> Response:
    filters = PortfolioFilters(category, status, unit, min_residual.strip(), overdue, system)
    chosen, problem = filters.parse()
    today = utcnow().date()
    with db.reading() as session:
        matrix = service.heat_map(session, principal)
        tiers = service.tier_counts(session, principal)
        late = service.overdue_reviews(session, principal, today)
        risks, total = service.list_risks(
            session, principal, chosen, limit=page.limit, offset=page.offset
        )
        units = [u for u in access_service.list_units(session) if principal.sees_unit(u.id)]
    context: dict[str, Any] = {
        "heat_map": heat_map_chart(matrix, "Open risks by residual likelihood and impact"),
        "tier_chart": charts.bar_chart_svg(
            list(tiers.items()), title="AI systems by EU AI Act tier"
        ),
        "tiers": tiers,
        "open_total": sum(map(sum, matrix)),
        "overdue": late[:OVERDUE_SHOWN],
        "overdue_total": len(late),
        "risks": risks,
        "total": total,
        "page": page,
        "filters": filters,
        "problem": problem,
        "units": units,
        "today": today,
        "categories": [c.value for c in RiskCategory],
        "statuses": [s.value for s in RiskStatus],
    }
    code = 200 if problem is None else problem.status
    return render(
        request, "risk/portfolio.html", principal, status_code=code, section="risk", **context
    )


def _editor(
    request: Request,
    db: Database,
    principal: Principal,
    risk_id: uuid.UUID,
    form: RiskForm | None = None,
    problem: FormProblem | None = None,
    notice: str | None = None,
) -> Response:
    with db.reading() as session:
        risk = service.get_risk(session, principal, risk_id)
    context: dict[str, Any] = {
        "risk": risk,
        "form": form or RiskForm.of(risk),
        "problem": problem,
        "notice": notice,
        "today": utcnow().date(),
        "can_write": principal.can(RiskPermission.risk_write),
        "owners": owner_choices(db, principal) if principal.can(RiskPermission.risk_write) else [],
        **rating_choices(),
    }
    code = 200 if problem is None else problem.status
    return render(
        request, "risk/risk_edit.html", principal, status_code=code, section="risk", **context
    )


def register(router: APIRouter, notices: dict[str, str]) -> None:
    """Add the portfolio page and the risk editor to the slice's page router."""

    @router.get("/risk")
    def risk_portfolio(
        request: Request,
        db: DbDep,
        principal: Reader,
        page: PageDep,
        category: Filter = "",
        status: Filter = "",
        unit: Filter = "",
        min_residual: Filter = "",
        overdue: bool = False,
        system: Filter = "",
    ) -> Response:
        return portfolio_page(
            request, db, principal, page, category, status, unit, min_residual, overdue, system
        )

    @router.get("/risks/{risk_id}")
    def risk_editor(
        risk_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Reader,
        notice: Annotated[str | None, Query(max_length=64)] = None,
    ) -> Response:
        text = None if notice is None else notices.get(notice)
        return _editor(request, db, principal, risk_id, notice=text)

    @router.post("/risks/{risk_id}")
    def save_risk(
        risk_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Writer,
        title: Text = "",
        description: Text = "",
        category: Text = "",
        likelihood: Text = "",
        impact: Text = "",
        residual_likelihood: Text = "",
        residual_impact: Text = "",
        mitigations: Text = "",
        owner: Text = "",
        status: Text = "",
        next_review: Text = "",
    ) -> Response:
        form = RiskForm(
            title, description, category, likelihood, impact, residual_likelihood,
            residual_impact, mitigations, owner, status, next_review,
        )  # fmt: skip
        try:
            fields = form.fields()
            changes = {f: getattr(fields, f) for f in fields.__dataclass_fields__}
            changes["owner"] = owner.strip() or None
            with db.writing() as session:
                service.update_risk(session, change_context(request, principal), risk_id, changes)
        except DomainError as exc:
            return _editor(request, db, principal, risk_id, form, FormProblem.of(exc))
        return RedirectResponse(f"/risks/{risk_id}?notice=risk-saved", status_code=303)
