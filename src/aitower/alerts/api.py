"""REST routes of alert rules, incidents and notification channels (thin: parse, call, shape)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from aitower.alerts import channels, incidents, notify, rules
from aitower.alerts import serious as serious_service
from aitower.alerts.alert_domain import Severity
from aitower.alerts.api_serious import add_serious_routes, incident_out
from aitower.alerts.incidents import IncidentStatus
from aitower.alerts.metric_catalog import METRICS
from aitower.alerts.permissions import AlertPermission
from aitower.alerts.schemas import (
    AssignIn,
    ChannelIn,
    ChannelOut,
    ChannelPatch,
    ChannelTestOut,
    IncidentOut,
    MetricOut,
    RuleIn,
    RuleOut,
    RulePatch,
    TextIn,
)
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep

RuleReader = Annotated[Principal, guard(AlertPermission.alerts_read)]
RuleWriter = Annotated[Principal, guard(AlertPermission.alerts_write)]
IncidentReader = Annotated[Principal, guard(AlertPermission.incidents_read)]
IncidentWriter = Annotated[Principal, guard(AlertPermission.incidents_write)]
ChannelReader = Annotated[Principal, guard(AlertPermission.channels_read)]
ChannelWriter = Annotated[Principal, guard(AlertPermission.channels_write)]
TAG = "monitoring"


def _rule_routes(router: APIRouter) -> None:
    @router.get("/alert-metrics", tags=[TAG], summary="Metrics a rule can watch")
    def metrics(_: RuleReader) -> list[MetricOut]:
        return [MetricOut.of(m) for m in METRICS]

    @router.get("/alert-rules", tags=[TAG], summary="Alert rules with their state, firing first")
    def list_rules(
        db: DbDep,
        page: PageDep,
        principal: RuleReader,
        system: Annotated[uuid.UUID | None, Query(description="Only this system")] = None,
    ) -> Page[RuleOut]:
        with db.reading() as session:
            found, total = rules.list_rules(
                session, principal, system_id=system, limit=page.limit, offset=page.offset
            )
        return Page.of([RuleOut.of(r) for r in found], total, page)

    @router.post(
        "/alert-rules", tags=[TAG], status_code=status.HTTP_201_CREATED, summary="Create a rule"
    )
    def create_rule(body: RuleIn, request: Request, db: DbDep, principal: RuleWriter) -> RuleOut:
        with db.writing() as session:
            rule = rules.create_rule(
                session,
                change_context(request, principal),
                body.spec(),
                description=body.description,
                enabled=body.enabled,
            )
        return RuleOut.of(rule)

    @router.get("/alert-rules/{rule_id}", tags=[TAG], summary="One rule")
    def get_rule(rule_id: uuid.UUID, db: DbDep, principal: RuleReader) -> RuleOut:
        with db.reading() as session:
            return RuleOut.of(rules.get_rule(session, principal, rule_id))

    @router.patch("/alert-rules/{rule_id}", tags=[TAG], summary="Change a rule")
    def update_rule(
        rule_id: uuid.UUID, body: RulePatch, request: Request, db: DbDep, principal: RuleWriter
    ) -> RuleOut:
        with db.writing() as session:
            rule = rules.update_rule(
                session, change_context(request, principal), rule_id, body.changes()
            )
        return RuleOut.of(rule)

    @router.delete("/alert-rules/{rule_id}", tags=[TAG], status_code=204, summary="Delete a rule")
    def delete_rule(
        rule_id: uuid.UUID, request: Request, db: DbDep, principal: RuleWriter
    ) -> Response:
        with db.writing() as session:
            rules.delete_rule(session, change_context(request, principal), rule_id)
        return Response(status_code=204)


def _incident_routes(router: APIRouter) -> None:
    @router.get("/incidents", tags=[TAG], summary="Incidents, newest first")
    def list_incidents(
        db: DbDep,
        page: PageDep,
        principal: IncidentReader,
        status: IncidentStatus | None = None,
        system: Annotated[uuid.UUID | None, Query(description="Only this system")] = None,
        severity: Severity | None = None,
        serious: Annotated[
            bool, Query(description="Only serious incidents (Art. 73), nearest deadline first")
        ] = False,
    ) -> Page[IncidentOut]:
        flt = incidents.IncidentFilter(
            status=None if status is None else status.value,
            system_id=system,
            severity=None if severity is None else severity.value,
            serious=serious,
        )
        now = utcnow()
        with db.reading() as session:
            found, total = incidents.list_incidents(
                session, principal, flt, limit=page.limit, offset=page.offset
            )
            classified = serious_service.serious_of(session, [i.id for i in found])
        items = [IncidentOut.of(i, None, classified.get(i.id), now) for i in found]
        return Page.of(items, total, page)

    @router.get("/incidents/{incident_id}", tags=[TAG], summary="One incident and its timeline")
    def get_incident(incident_id: uuid.UUID, db: DbDep, principal: IncidentReader) -> IncidentOut:
        return incident_out(db, principal, incident_id)

    def _act(name: str, summary: str) -> None:
        @router.post(f"/incidents/{{incident_id}}/{name}", tags=[TAG], summary=summary)
        def act(
            incident_id: uuid.UUID,
            body: TextIn,
            request: Request,
            db: DbDep,
            principal: IncidentWriter,
        ) -> IncidentOut:
            action = {
                "acknowledge": incidents.acknowledge,
                "comment": incidents.comment,
                "resolve": incidents.resolve,
            }[name]
            with db.writing() as session:
                action(session, change_context(request, principal), incident_id, body.text)
            return incident_out(db, principal, incident_id)

        act.__name__ = f"{name}_incident"

    _act("acknowledge", "Acknowledge: someone is on it")
    _act("comment", "Add a comment to the timeline")
    _act("resolve", "Resolve the incident")

    @router.post("/incidents/{incident_id}/assign", tags=[TAG], summary="Set the owner")
    def assign(
        incident_id: uuid.UUID,
        body: AssignIn,
        request: Request,
        db: DbDep,
        principal: IncidentWriter,
    ) -> IncidentOut:
        with db.writing() as session:
            incidents.assign(session, change_context(request, principal), incident_id, body.owner)
        return incident_out(db, principal, incident_id)


def _channel_routes(router: APIRouter) -> None:
    @router.get("/notification-channels", tags=[TAG], summary="Channels (secrets never shown)")
    def list_channels(db: DbDep, _: ChannelReader) -> list[ChannelOut]:
        with db.reading() as session:
            return [ChannelOut.of(c) for c in channels.list_channels(session)]

    @router.post("/notification-channels", tags=[TAG], status_code=201, summary="Add a channel")
    def create_channel(
        body: ChannelIn, request: Request, db: DbDep, principal: ChannelWriter
    ) -> ChannelOut:
        with db.writing() as session:
            made = channels.create_channel(
                session,
                change_context(request, principal),
                body.kind.value,
                body.name,
                body.config,
                enabled=body.enabled,
            )
        return ChannelOut.of(made)

    @router.get("/notification-channels/{channel_id}", tags=[TAG], summary="One channel")
    def get_channel(channel_id: uuid.UUID, db: DbDep, _: ChannelReader) -> ChannelOut:
        with db.reading() as session:
            return ChannelOut.of(channels.get_channel(session, channel_id))

    @router.patch("/notification-channels/{channel_id}", tags=[TAG], summary="Change a channel")
    def update_channel(
        channel_id: uuid.UUID,
        body: ChannelPatch,
        request: Request,
        db: DbDep,
        principal: ChannelWriter,
    ) -> ChannelOut:
        with db.writing() as session:
            changed = channels.update_channel(
                session, change_context(request, principal), channel_id, body.changes()
            )
        return ChannelOut.of(changed)

    @router.delete(
        "/notification-channels/{channel_id}",
        tags=[TAG],
        status_code=204,
        summary="Delete a channel",
    )
    def delete_channel(
        channel_id: uuid.UUID, request: Request, db: DbDep, principal: ChannelWriter
    ) -> Response:
        with db.writing() as session:
            channels.delete_channel(session, change_context(request, principal), channel_id)
        return Response(status_code=204)

    @router.post(
        "/notification-channels/{channel_id}/test",
        tags=[TAG],
        summary="Send a test notification now",
    )
    async def send_channel_test(
        channel_id: uuid.UUID, db: DbDep, _: ChannelWriter
    ) -> ChannelTestOut:
        result = await run_in_threadpool(notify.send_test, db, channel_id, utcnow())
        return ChannelTestOut(ok=result.ok, response_code=result.response_code, error=result.error)


def build_router() -> APIRouter:
    router = APIRouter()
    _rule_routes(router)
    _incident_routes(router)
    add_serious_routes(router)
    _channel_routes(router)
    return router
