"""Pages of incidents: the list, and one incident with its timeline, its system's owners, the
failing traces behind it and the forms that work it (acknowledge, assign, comment, resolve).

Each form calls the same service function as the API (``alerts.incidents``): one transaction
with its timeline and audit events. A refused form (an unknown user, an empty comment, an
incident already resolved) answers the incident page again with the reason, never a bare
error page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from aitower.alerts import incidents
from aitower.alerts.alert_domain import Severity
from aitower.alerts.incident_context import incident_context
from aitower.alerts.incidents import IncidentFilter, IncidentStatus, IncidentView
from aitower.alerts.permissions import AlertPermission
from aitower.alerts.serious import serious_of
from aitower.alerts.serious_panel import serious_panel
from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.inventory.service import visible_systems

IncidentReader = Annotated[Principal, guard(AlertPermission.incidents_read)]
IncidentWriter = Annotated[Principal, guard(AlertPermission.incidents_write)]
Text = Annotated[str, Form(max_length=10_000)]
Owner = Annotated[str, Form(max_length=200)]
SECTION = "monitoring"
SHOWN = 200

NOTICES = {
    "acknowledged": "The incident was acknowledged.",
    "assigned": "The incident was assigned.",
    "commented": "The comment was added.",
    "resolved": "The incident was resolved.",
    "opened": "The incident was entered.",
    "classified": "The classification was recorded.",
    "reported": "The report to the authority was recorded.",
}

Action = Callable[[Session, ChangeContext, uuid.UUID, str], IncidentView]
ACTIONS: dict[str, tuple[Action, str]] = {
    "acknowledge": (incidents.acknowledge, "acknowledged"),
    "comment": (incidents.comment, "commented"),
    "resolve": (incidents.resolve, "resolved"),
}


def incident_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    incident_id: uuid.UUID,
    *,
    notice: str | None = None,
    problem: FormProblem | None = None,
    form: dict[str, object] | None = None,
) -> Response:
    now = utcnow()
    with db.reading() as session:
        found = incidents.get_incident(session, principal, incident_id)
        events = incidents.timeline(session, principal, incident_id)
        context = incident_context(session, principal, found, now)
        art73 = serious_panel(session, principal, incident_id, now, form)
    return render(
        request,
        "alerts/incident.html",
        principal,
        section=SECTION,
        status_code=problem.status if problem else 200,
        incident=found,
        events=events,
        context=context,
        notice=NOTICES.get(notice or ""),
        problem=problem,
        can_write=principal.can(AlertPermission.incidents_write),
        art73=art73,
    )


def _act(
    request: Request,
    db: DbDep,
    principal: Principal,
    incident_id: uuid.UUID,
    change: Callable[[Session, ChangeContext], object],
    notice: str,
) -> Response:
    """Run one change in its transaction; the page again with the reason when it is refused."""
    try:
        with db.writing() as session:
            change(session, change_context(request, principal))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return incident_page(request, db, principal, incident_id, problem=FormProblem.of(exc))
    return RedirectResponse(f"/monitoring/incidents/{incident_id}?notice={notice}", 303)


def _list_route(router: APIRouter) -> None:
    @router.get("/monitoring/incidents", include_in_schema=False)
    def incident_list(
        request: Request, db: DbDep, principal: IncidentReader, status: str = "", serious: str = ""
    ) -> Response:
        return incident_list_page(request, db, principal, status=status, serious=serious == "1")


def incident_list_page(
    request: Request,
    db: DbDep,
    principal: Principal,
    *,
    status: str = "",
    serious: bool = False,
    problem: FormProblem | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    """The list (only serious incidents, nearest deadline first, with ``serious``) and the form
    that enters an incident by hand."""
    chosen = status if status in IncidentStatus.__members__ else None
    now = utcnow()
    with db.reading() as session:
        flt = IncidentFilter(status=chosen, serious=serious)
        found, total = incidents.list_incidents(session, principal, flt, limit=SHOWN, offset=0)
        classified = serious_of(session, [i.id for i in found])
        systems = visible_systems(session, principal)
    return render(
        request,
        "alerts/incidents.html",
        principal,
        section=SECTION,
        status_code=problem.status if problem else 200,
        incidents=found,
        total=total,
        status=chosen or "",
        statuses=list(IncidentStatus),
        serious=serious,
        classified=classified,
        countdowns={k: v.countdown(now) for k, v in classified.items()},
        can_write=principal.can(AlertPermission.incidents_write),
        systems=systems,
        severities=list(Severity),
        problem=problem,
        form=form or {},
    )


def _detail_routes(router: APIRouter) -> None:
    @router.get("/monitoring/incidents/{incident_id}", include_in_schema=False)
    def incident_detail(
        request: Request,
        incident_id: uuid.UUID,
        db: DbDep,
        principal: IncidentReader,
        notice: str | None = None,
    ) -> Response:
        return incident_page(request, db, principal, incident_id, notice=notice)

    @router.post("/monitoring/incidents/{incident_id}/assign", include_in_schema=False)
    def page_assign_incident(
        request: Request,
        incident_id: uuid.UUID,
        db: DbDep,
        principal: IncidentWriter,
        owner: Owner = "",
    ) -> Response:
        def change(session: Session, ctx: ChangeContext) -> object:
            return incidents.assign(session, ctx, incident_id, owner.strip() or None)

        return _act(request, db, principal, incident_id, change, "assigned")

    for action in ACTIONS:
        _work_route(router, action)


def _work_route(router: APIRouter, action: str) -> None:
    """``POST /monitoring/incidents/{id}/<action>`` with an optional ``text``."""
    run, notice = ACTIONS[action]

    @router.post(f"/monitoring/incidents/{{incident_id}}/{action}", include_in_schema=False)
    def work(
        request: Request,
        incident_id: uuid.UUID,
        db: DbDep,
        principal: IncidentWriter,
        text: Text = "",
    ) -> Response:
        def change(session: Session, ctx: ChangeContext) -> object:
            return run(session, ctx, incident_id, text)

        return _act(request, db, principal, incident_id, change, notice)

    work.__name__ = f"page_{action}_incident"


def add_incident_routes(router: APIRouter) -> None:
    _list_route(router)
    _detail_routes(router)
