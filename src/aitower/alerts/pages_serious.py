"""Pages of serious incidents (EU AI Act Art. 73) and of incidents entered by hand: the forms
that classify an incident and record its report, the draft report (HTML view, Markdown and HTML
downloads), and the form on the incident list that enters an incident no rule saw.

The forms call the same service functions as the API, each one transaction with its timeline
and audit events; a refused form answers its page again with the field named.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from aitower.alerts import incidents, serious
from aitower.alerts.api_serious import report_filename
from aitower.alerts.pages_incidents import incident_list_page, incident_page
from aitower.alerts.permissions import AlertPermission
from aitower.alerts.serious_domain import LIMB_TEXT
from aitower.alerts.serious_facts import report_facts
from aitower.alerts.serious_report import (
    UNKNOWN,
    ReportFacts,
    report_markdown,
)
from aitower.core.access.pages_shared import FormProblem, parse_uuid
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render

IncidentReader = Annotated[Principal, guard(AlertPermission.incidents_read)]
IncidentWriter = Annotated[Principal, guard(AlertPermission.incidents_write)]
Classifier = Annotated[Principal, guard(AlertPermission.incidents_classify)]
Short = Annotated[str, Form(max_length=300)]
Long = Annotated[str, Form(max_length=10_000)]
SECTION = "monitoring"


def _wall_clock(value: str, field: str) -> datetime | None:
    """A ``datetime-local`` field's value (``2026-10-24T10:00``), None when empty."""
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.on(field, "not a date and time (YYYY-MM-DDTHH:MM)") from None


def _done(incident_id: uuid.UUID, notice: str) -> Response:
    return RedirectResponse(f"/monitoring/incidents/{incident_id}?notice={notice}", 303)


def _create_route(router: APIRouter) -> None:
    @router.post("/monitoring/incidents", include_in_schema=False)
    def page_create_incident(
        request: Request,
        db: DbDep,
        principal: IncidentWriter,
        title: Short = "",
        severity: Short = "",
        system_id: Short = "",
        text: Long = "",
    ) -> Response:
        form = {"title": title, "severity": severity, "system_id": system_id, "text": text}
        try:
            system = None
            if system_id.strip():
                system = parse_uuid(system_id.strip())
                if system is None:
                    raise InvalidInput.on("system_id", "not an AI system")
            with db.writing() as session:
                made = incidents.create_incident(
                    session,
                    change_context(request, principal),
                    title=title,
                    severity=severity,
                    system_id=system,
                    text=text,
                )
        except DomainError as exc:
            problem = FormProblem.of(exc)
            return incident_list_page(request, db, principal, problem=problem, form=form)
        return _done(made.id, "opened")


def _classify_routes(router: APIRouter) -> None:
    @router.post("/monitoring/incidents/{incident_id}/serious", include_in_schema=False)
    def page_classify_incident(
        request: Request,
        incident_id: uuid.UUID,
        db: DbDep,
        principal: Classifier,
        limbs: Annotated[list[str] | None, Form()] = None,
        death: Short = "",
        widespread: Short = "",
        note: Long = "",
        aware_at: Short = "",
        time_zone: Short = "",
    ) -> Response:
        form: dict[str, object] = {
            "limbs": limbs or [],
            "death": bool(death),
            "widespread": bool(widespread),
            "note": note,
            "aware_at": aware_at,
            "time_zone": time_zone,
        }
        try:
            with db.writing() as session:
                serious.classify(
                    session,
                    change_context(request, principal),
                    incident_id,
                    limbs=limbs or [],
                    death=bool(death),
                    widespread=bool(widespread),
                    note=note,
                    aware_at=_wall_clock(aware_at, "aware_at"),
                    time_zone=time_zone or "UTC",
                    now=utcnow(),
                )
        except DomainError as exc:
            if exc.status == 404:
                raise
            problem = FormProblem.of(exc)
            return incident_page(request, db, principal, incident_id, problem=problem, form=form)
        return _done(incident_id, "classified")

    @router.post("/monitoring/incidents/{incident_id}/reported", include_in_schema=False)
    def page_mark_reported(
        request: Request,
        incident_id: uuid.UUID,
        db: DbDep,
        principal: Classifier,
        reported_at: Short = "",
        time_zone: Short = "",
        reference: Long = "",
    ) -> Response:
        try:
            with db.writing() as session:
                serious.mark_reported(
                    session,
                    change_context(request, principal),
                    incident_id,
                    reported_at=_wall_clock(reported_at, "reported_at"),
                    time_zone=time_zone or "UTC",
                    reference=reference,
                    now=utcnow(),
                )
        except DomainError as exc:
            if exc.status == 404:
                raise
            return incident_page(request, db, principal, incident_id, problem=FormProblem.of(exc))
        return _done(incident_id, "reported")


def _report_routes(router: APIRouter) -> None:
    def facts(db: DbDep, principal: Principal, incident_id: uuid.UUID) -> ReportFacts:
        with db.reading() as session:
            return report_facts(session, principal, incident_id, utcnow())

    @router.get("/monitoring/incidents/{incident_id}/report", include_in_schema=False)
    def serious_report_page(
        request: Request, incident_id: uuid.UUID, db: DbDep, principal: IncidentReader
    ) -> Response:
        return render(
            request,
            "alerts/serious_report.html",
            principal,
            section=SECTION,
            f=facts(db, principal, incident_id),
            unknown=UNKNOWN,
            limb_text=LIMB_TEXT,
            standalone=False,
        )

    @router.get("/monitoring/incidents/{incident_id}/report.md", include_in_schema=False)
    def serious_report_markdown(
        incident_id: uuid.UUID, db: DbDep, principal: IncidentReader
    ) -> Response:
        found = facts(db, principal, incident_id)
        name = report_filename(incident_id, "md")
        return Response(
            report_markdown(found),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @router.get("/monitoring/incidents/{incident_id}/report.html", include_in_schema=False)
    def serious_report_download(
        request: Request, incident_id: uuid.UUID, db: DbDep, principal: IncidentReader
    ) -> Response:
        page = render(
            request,
            "alerts/serious_report_document.html",
            principal,
            f=facts(db, principal, incident_id),
            unknown=UNKNOWN,
            limb_text=LIMB_TEXT,
            standalone=True,
        )
        name = report_filename(incident_id, "html")
        return HTMLResponse(
            bytes(page.body),
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


def add_serious_page_routes(router: APIRouter) -> None:
    _create_route(router)
    _classify_routes(router)
    _report_routes(router)
