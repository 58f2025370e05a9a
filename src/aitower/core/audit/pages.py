"""The audit trail page: events newest first with filters, each change readable, and the
result of verifying the whole hash chain on every visit (the point of the page is trust)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.audit import service
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.pagination import PageDep
from aitower.core.web.routes import route_access
from aitower.core.web.templating import render

Auditor = Annotated[Principal, guard(CorePermission.audit_read)]
FilterText = Annotated[str, Query(max_length=200)]
AS_OF_PATH = "/audit/as-of"


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an event's documents, as JSON text, and whether the event changed it."""

    name: str
    before: str | None
    after: str | None
    changed: bool


@dataclass(frozen=True, slots=True)
class EventView:
    event: service.AuditEvent
    fields: list[FieldChange]


def field_changes(event: service.AuditEvent) -> list[FieldChange]:
    """Every field of before and after, changed ones first, each as compact JSON."""

    def shown(doc: dict[str, Any] | None, name: str) -> str | None:
        if doc is None or name not in doc:
            return None
        return json.dumps(doc[name], ensure_ascii=False, sort_keys=True)

    names = sorted(set(event.before or {}) | set(event.after or {}))
    changed = set(event.changed_fields)
    rows = [
        FieldChange(n, shown(event.before, n), shown(event.after, n), n in changed) for n in names
    ]
    return sorted(rows, key=lambda r: (not r.changed, r.name))


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """The filters as typed (query strings), kept to refill the form and the pager links."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: str = ""
    until: str = ""

    def params(self) -> dict[str, str]:
        """The filters in use, as query parameters for links that keep them."""
        pairs = (
            ("actor", self.actor),
            ("action", self.action),
            ("object_type", self.object_type),
            ("object_id", self.object_id),
            ("since", self.since),
            ("until", self.until),
        )
        return {k: v for k, v in pairs if v}

    def to_filter(self) -> tuple[service.AuditFilter, dict[str, str]]:
        """The service filter, and the reason per field that could not be read.

        Dates are whole UTC days: ``since`` from its midnight, ``until`` through its end.
        """
        errors: dict[str, str] = {}
        since = _day_start(self.since, "since", errors)
        until = _day_start(self.until, "until", errors)
        if until is not None:
            until += timedelta(days=1)
        if since is not None and until is not None and until <= since:
            errors["until"] = "must not be before since"
        flt = service.AuditFilter(
            self.actor or None,
            self.action or None,
            self.object_type or None,
            self.object_id or None,
            since,
            until,
        )
        return flt, errors


def _day_start(value: str, field: str, errors: dict[str, str]) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(0), UTC)
    except ValueError:
        errors[field] = "is not a date (YYYY-MM-DD)"
        return None


def audit_page(
    request: Request,
    db: DbDep,
    principal: Auditor,
    page: PageDep,
    actor: FilterText = "",
    action: FilterText = "",
    object_type: FilterText = "",
    object_id: FilterText = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """Verifies the whole chain on every visit: it reads every event, which stays cheap at the
    audit trail's size (admin changes, not telemetry) and is what an auditor comes here for."""
    query = AuditQuery(
        actor.strip(), action.strip(), object_type.strip(), object_id.strip(), since, until
    )
    flt, errors = query.to_filter()
    events: list[service.AuditEvent] = []
    total = 0
    with db.reading() as session:
        if not errors:
            events, total = service.list_events(session, flt, limit=page.limit, offset=page.offset)
        report = service.verify(session)
    return render(
        request,
        "audit/audit.html",
        principal,
        status_code=422 if errors else 200,
        section="audit",
        events=[EventView(e, field_changes(e)) for e in events],
        total=total,
        page=page,
        query=query,
        errors=errors,
        report=report,
        can_export=principal.can(CorePermission.audit_export),
        # A capability may add the auditor's view of the organisation on a date; the core
        # links to it only where the app has it.
        as_of_view=any(r.path == AS_OF_PATH for r in route_access(request.app.routes)),
    )


def build_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    router.get("/audit")(audit_page)
    return router
