"""The auditor's page: the organisation as it stood on a date (systems with tier and stage,
policy versions in force, every approval and who gave it, the evidence), each system's record
then, and the signed bundle to take away. Read-only; the same permission as the trail, whose
events it replays (a reader of the trail sees every one of them anyway)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from aitower.auditing import service
from aitower.auditing.bundle import fingerprint
from aitower.auditing.replay import Snapshot
from aitower.auditing.signing import SigningKeyUnavailable, signing_key
from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.audit.chain import format_time
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.core.settings import Settings
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.templating import render

Reader = Annotated[Principal, guard(CorePermission.audit_read)]
AtText = Annotated[str, Query(max_length=40)]


def _read(db: DbDep, at: str) -> tuple[Snapshot | None, str, dict[str, str]]:
    """The snapshot at ``at`` (today when empty), the text to refill the form, any error."""
    text = at.strip() or utcnow().date().isoformat()
    try:
        moment = service.moment_of(text)
    except InvalidInput as exc:
        return None, text, {"at": exc.issues[0].reason}
    with db.reading() as session:
        return service.snapshot_at(session, moment), text, {}


def _key_sha256(settings: Settings) -> str | None:
    try:
        return fingerprint(signing_key(settings).public_key())
    except SigningKeyUnavailable:
        return None


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/audit/as-of")
    def as_of_page(request: Request, db: DbDep, principal: Reader, at: AtText = "") -> Response:
        snapshot, text, errors = _read(db, at)
        names = {} if snapshot is None else {s.id: s.name for s in snapshot.systems}
        return render(
            request,
            "auditing/as_of.html",
            principal,
            status_code=422 if errors else 200,
            section="audit",
            snapshot=snapshot,
            at=text,
            errors=errors,
            names=names,
            moment=None if snapshot is None else format_time(snapshot.at),
            can_export=principal.can(CorePermission.audit_export),
            key_sha256=_key_sha256(settings),
        )

    @router.get("/audit/as-of/systems/{system_id}")
    def system_page(
        request: Request, system_id: uuid.UUID, db: DbDep, principal: Reader, at: AtText = ""
    ) -> Response:
        snapshot, text, errors = _read(db, at)
        if errors or snapshot is None:
            raise InvalidInput.on("at", errors.get("at", "unreadable"))
        system = snapshot.system(str(system_id))
        if system is None:
            raise NotFound(f"no AI system {system_id} in the audit trail as of {text}")
        return render(
            request,
            "auditing/as_of_system.html",
            principal,
            section="audit",
            snapshot=snapshot,
            system=system,
            at=text,
            moment=format_time(snapshot.at),
            attributes=[(k, _shown(v)) for k, v in sorted(system.attributes.items())],
            evidence=[e for e in snapshot.evidence if e.system_id == system.id],
            decisions=[d for d in snapshot.decisions if d.system_id == system.id],
            requests=[r for r in snapshot.requests if r.system_id == system.id],
        )

    return router
