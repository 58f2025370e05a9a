"""The "Connect an app" page: the endpoints, the header, the service name and the snippets
(``telemetry.connect``) for the server this page is served from.

Open to every role that reads monitoring (the ops manager who points the company's exporters
at aitower included), since nothing on it is secret: the key is a placeholder. Who may create
an ingest key is said on the page, with a link for those who may.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.web.deps import DbDep, SettingsDep, guard
from aitower.core.web.templating import render
from aitower.inventory.service import SystemRef, visible_systems
from aitower.inventory.tables import TelemetryServiceRow
from aitower.telemetry.connect import (
    DEFAULT_GRPC_PORT,
    HEADER,
    ConnectSettings,
    env_block,
    snippets,
)
from aitower.telemetry.permissions import TelemetryPermission

TelemetryReader = Annotated[Principal, guard(TelemetryPermission.telemetry_read)]


@dataclass(frozen=True, slots=True)
class SystemServices:
    system: SystemRef
    services: list[str]


def systems_with_services(session: Session, principal: Principal) -> list[SystemServices]:
    """The reader's systems, by name, with the service names that land on each."""
    systems = visible_systems(session, principal)
    names: dict[uuid.UUID, list[str]] = {s.id: [] for s in systems}
    rows = session.execute(
        select(TelemetryServiceRow.system_id, TelemetryServiceRow.service_name)
        .where(TelemetryServiceRow.system_id.in_(list(names)))
        .order_by(TelemetryServiceRow.service_name)
    )
    for system_id, service_name in rows:
        names[system_id].append(service_name)
    return [SystemServices(s, names[s.id]) for s in systems]


def grpc_port(settings: object) -> int:
    """The OTLP/gRPC port from the settings (4317 by default, 0: off)."""
    return int(getattr(settings, "otlp_grpc_port", DEFAULT_GRPC_PORT))


def _key_makers() -> str:
    roles = sorted(r.value for r in CorePermission.apikeys_write.roles)
    return " or ".join(roles)


def connect_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    principal: TelemetryReader,
    system: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    with db.reading() as session:
        found = systems_with_services(session, principal)
    chosen = next((s for s in found if str(s.system.id) == system), None)
    service = chosen.services[0] if chosen and chosen.services else None
    connect = ConnectSettings(str(request.base_url), grpc_port(settings))
    if service:
        connect = ConnectSettings(connect.base_url, connect.grpc_port, service_name=service)
    return render(
        request,
        "telemetry/connect.html",
        principal,
        section="monitoring",
        connect=connect,
        env=env_block(connect),
        env_grpc=env_block(connect, grpc=True) if connect.grpc_endpoint else None,
        header=HEADER,
        snippets=snippets(connect),
        systems=found,
        chosen=chosen,
        can_make_keys=principal.can(CorePermission.apikeys_write),
        key_makers=_key_makers(),
        ingest_roles=", ".join(sorted(r.value for r in TelemetryPermission.telemetry_ingest.roles)),
    )


def add_connect_route(router: APIRouter) -> None:
    router.get("/monitoring/connect")(connect_page)
