"""REST routes of incidents entered by hand and of serious incidents (EU AI Act Art. 73):
classify, mark reported, and the draft report as Markdown."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Request, Response, status

from aitower.alerts import incidents, serious
from aitower.alerts.permissions import AlertPermission
from aitower.alerts.schemas import IncidentOut
from aitower.alerts.serious_facts import report_facts
from aitower.alerts.serious_report import report_markdown
from aitower.alerts.serious_schemas import ClassifyIn, IncidentIn, ReportedIn
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.web.deps import DbDep, change_context, guard

IncidentReader = Annotated[Principal, guard(AlertPermission.incidents_read)]
IncidentWriter = Annotated[Principal, guard(AlertPermission.incidents_write)]
Classifier = Annotated[Principal, guard(AlertPermission.incidents_classify)]
TAG = "monitoring"


def incident_out(db: Database, principal: Principal, incident_id: uuid.UUID) -> IncidentOut:
    """The incident with its timeline and classification, as the API answers it."""
    with db.reading() as session:
        found = incidents.get_incident(session, principal, incident_id)
        events = incidents.timeline(session, principal, incident_id)
        classified = serious.get_serious(session, principal, incident_id)
    return IncidentOut.of(found, events, classified, utcnow())


def report_filename(incident_id: uuid.UUID, suffix: str) -> str:
    return f"serious-incident-{str(incident_id)[:8]}.{suffix}"


def add_serious_routes(router: APIRouter) -> None:
    @router.post(
        "/incidents",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Enter an incident by hand (no rule saw it)",
    )
    def create_incident(
        body: IncidentIn, request: Request, db: DbDep, principal: IncidentWriter
    ) -> IncidentOut:
        with db.writing() as session:
            made = incidents.create_incident(
                session,
                change_context(request, principal),
                title=body.title,
                severity=body.severity.value,
                system_id=body.system_id,
                text=body.text,
            )
        return incident_out(db, principal, made.id)

    @router.post(
        "/incidents/{incident_id}/serious",
        tags=[TAG],
        summary="Classify against Art. 3(49) of the EU AI Act (no limb: not serious)",
    )
    def classify_incident(
        incident_id: uuid.UUID, body: ClassifyIn, request: Request, db: DbDep, principal: Classifier
    ) -> IncidentOut:
        with db.writing() as session:
            serious.classify(
                session,
                change_context(request, principal),
                incident_id,
                limbs=body.limbs,
                death=body.death,
                widespread=body.widespread,
                note=body.note,
                aware_at=body.aware_at,
                time_zone=body.time_zone,
                now=utcnow(),
            )
        return incident_out(db, principal, incident_id)

    @router.post(
        "/incidents/{incident_id}/report",
        tags=[TAG],
        summary="Record that the Art. 73 report went to the market surveillance authority",
    )
    def mark_reported(
        incident_id: uuid.UUID, body: ReportedIn, request: Request, db: DbDep, principal: Classifier
    ) -> IncidentOut:
        with db.writing() as session:
            serious.mark_reported(
                session,
                change_context(request, principal),
                incident_id,
                reported_at=body.reported_at,
                time_zone=body.time_zone or "UTC",
                reference=body.reference,
                now=utcnow(),
            )
        return incident_out(db, principal, incident_id)

    @router.get(
        "/incidents/{incident_id}/report.md",
        tags=[TAG],
        summary="The draft Art. 73 report as Markdown",
        response_class=Response,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    def report_md(incident_id: uuid.UUID, db: DbDep, principal: IncidentReader) -> Response:
        with db.reading() as session:
            facts = report_facts(session, principal, incident_id, utcnow())
        name = report_filename(incident_id, "md")
        return Response(
            report_markdown(facts),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
