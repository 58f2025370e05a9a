"""Pages of the findings: the portfolio's (``/guardrails/findings``), one type's across the
portfolio, a system's Security tab, and the tab's "Open a risk" post.

Server-rendered and script-free; filters are GET forms. The post follows Post/Redirect/Get: it
opens the new risk's page; a refusal answers the tab again with the reason.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.detectors.detection import Category
from aitower.guardrails import findings
from aitower.guardrails.open_risk import open_risk
from aitower.guardrails.permissions import GuardrailsPermission
from aitower.guardrails.risk_draft import CATEGORY_TITLES
from aitower.guardrails.titles import type_title
from aitower.guardrails.views import FindingsForm, findings_view, parse_form
from aitower.review.permissions import ReviewPermission
from aitower.review.route_settings import get_route
from aitower.risk.permissions import RiskPermission
from aitower.telemetry import content_settings
from aitower.telemetry.permissions import TelemetryPermission
from aitower.telemetry.scope import portfolio_scope, system_scope

Reader = Annotated[Principal, guard(GuardrailsPermission.findings_read)]
RiskWriter = Annotated[Principal, guard(RiskPermission.risk_write)]
Field = Annotated[str, Query(max_length=200)]
TypeField = Annotated[str, Form(max_length=64)]


def _common(principal: Principal) -> dict[str, Any]:
    return {
        "categories": [(c.value, CATEGORY_TITLES[c.value]) for c in Category],
        "type_title": type_title,
        "can_read_traces": principal.can(TelemetryPermission.telemetry_read),
    }


def _portfolio(
    request: Request,
    db: Database,
    principal: Principal,
    form: FindingsForm,
    finding_type: str | None,
) -> Response:
    problem = None
    try:
        filters = parse_form(form)
    except InvalidInput as exc:
        problem, filters = FormProblem.of(exc), parse_form(FindingsForm())
    if finding_type is not None:
        filters = findings.FindingFilter(
            filters.system_id, finding_type, filters.category, filters.since, filters.until
        )
    with db.reading() as session:
        scope = portfolio_scope(session, principal)
        view = findings_view(
            session, scope, filters, utcnow().date(), per_type=finding_type is not None,
            with_details=finding_type is not None,
        )  # fmt: skip
    template = "guardrails/findings.html" if finding_type is None else "guardrails/type.html"
    return render(
        request, template, principal, section="guardrails",
        status_code=422 if problem else 200, problem=problem, form=form, view=view,
        finding_type=finding_type, systems=sorted(scope.systems.values(), key=lambda r: r.name),
        names={key: ref.name for key, ref in scope.systems.items()}, **_common(principal),
    )  # fmt: skip


def findings_page(
    request: Request,
    db: DbDep,
    principal: Reader,
    system: Field = "",
    type: Field = "",
    category: Field = "",
    since: Field = "",
    until: Field = "",
) -> Response:
    form = FindingsForm(system, type, category, since, until)
    return _portfolio(request, db, principal, form, None)


def finding_type_page(
    finding_type: str,
    request: Request,
    db: DbDep,
    principal: Reader,
    system: Field = "",
    category: Field = "",
    since: Field = "",
    until: Field = "",
) -> Response:
    form = FindingsForm(system, "", category, since, until)
    return _portfolio(request, db, principal, form, finding_type[:64])


def _security(
    request: Request,
    db: Database,
    principal: Principal,
    system_id: uuid.UUID,
    *,
    chosen: str = "",
    problem: FormProblem | None = None,
) -> Response:
    with db.reading() as session:
        scope = system_scope(session, principal, system_id)
        filters = findings.FindingFilter(system_id=system_id)
        view = findings_view(
            session, scope, filters, utcnow().date(), per_type=True, with_details=True
        )
        settings = content_settings.get_content_settings(session, principal, system_id)
        can_see_route = principal.can(ReviewPermission.review_read)
        route = get_route(session, principal, system_id) if can_see_route else None
    saved = request.query_params.get("notice") == "saved"
    return render(
        request, "guardrails/security.html", principal, section="inventory",
        status_code=problem.status if problem else 200, problem=problem, system=scope.system,
        view=view, chosen=chosen, can_open_risk=principal.can(RiskPermission.risk_write),
        content=settings, detection_types=content_settings.known_types(),
        can_change_content=principal.can(TelemetryPermission.content_settings),
        route=route, can_change_route=principal.can(ReviewPermission.review_route),
        notice="The settings were saved and recorded on the audit trail." if saved else None,
        **_common(principal),
    )  # fmt: skip


def security_page(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: Reader, type: Field = ""
) -> Response:
    return _security(request, db, principal, system_id, chosen=type)


def open_risk_from_finding(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: RiskWriter,
    finding_type: TypeField = "",
) -> Response:
    try:
        with db.writing() as session:
            risk = open_risk(session, change_context(request, principal), system_id, finding_type)
    except DomainError as exc:
        if not principal.can(GuardrailsPermission.findings_read):
            raise
        problem = FormProblem.of(exc)
        return _security(request, db, principal, system_id, chosen=finding_type, problem=problem)
    return RedirectResponse(f"/risks/{risk.id}?notice=risk-added", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/guardrails/findings")(findings_page)
    router.get("/guardrails/findings/{finding_type}")(finding_type_page)
    router.get("/systems/{system_id}/security")(security_page)
    router.post("/systems/{system_id}/security/risks")(open_risk_from_finding)
    return router
