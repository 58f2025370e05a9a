"""REST routes of the audit journey: the inventory, approvals, policies and evidence as of a
moment, the signed bundle, and the public key that checks it. Read-only, like the trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from aitower.auditing import documents, service
from aitower.auditing.bundle import fingerprint, public_pem
from aitower.auditing.replay import Snapshot
from aitower.auditing.schemas import (
    ApprovalsAsOfOut,
    EvidenceAsOfOut,
    InventoryAsOfOut,
    PoliciesAsOfOut,
)
from aitower.auditing.signing import signing_key
from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.settings import Settings
from aitower.core.web.deps import DbDep, guard

Reader = Annotated[Principal, guard(CorePermission.audit_read)]
Exporter = Annotated[Principal, guard(CorePermission.audit_export)]
AtQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="A date (YYYY-MM-DD: the end of that UTC day) or an ISO 8601 time; "
        "omitted: now",
        examples=["2026-03-31"],
    ),
]
PEM = "application/x-pem-file"


def build_router(settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/audit", tags=["audit"])

    def snapshot(db: DbDep, at: str | None) -> Snapshot:
        moment = service.moment_of(at)
        with db.reading() as session:
            return service.snapshot_at(session, moment)

    @router.get("/inventory", summary="Every AI system, its tier and stage, as of a moment")
    def inventory(db: DbDep, _: Reader, at: AtQuery = None) -> InventoryAsOfOut:
        doc = documents.inventory_document(snapshot(db, at))
        return InventoryAsOfOut.model_validate(doc)

    @router.get("/approvals", summary="Every approval decision, by whom, up to a moment")
    def approvals(db: DbDep, _: Reader, at: AtQuery = None) -> ApprovalsAsOfOut:
        return ApprovalsAsOfOut.model_validate(documents.approvals_document(snapshot(db, at)))

    @router.get("/policies", summary="The policy versions in force at a moment")
    def policies(db: DbDep, _: Reader, at: AtQuery = None) -> PoliciesAsOfOut:
        return PoliciesAsOfOut.model_validate(documents.policies_document(snapshot(db, at)))

    @router.get("/evidence", summary="The evidence attached to each system at a moment")
    def evidence(db: DbDep, _: Reader, at: AtQuery = None) -> EvidenceAsOfOut:
        return EvidenceAsOfOut.model_validate(documents.evidence_document(snapshot(db, at)))

    @router.get(
        "/bundle",
        summary="A signed zip: snapshot, approvals, policies, evidence and the trail "
        "(docs/audit.md says how to verify it without aitower)",
        response_class=Response,
        responses={200: {"content": {"application/zip": {}}}},
    )
    def bundle(db: DbDep, principal: Exporter, at: AtQuery = None) -> Response:
        moment = service.moment_of(at)
        key = signing_key(settings)
        with db.reading() as session:
            data, _snap = service.make_bundle(session, moment, key=key, made_by=principal.actor)
        name = service.bundle_name(moment)
        return Response(
            data,
            media_type="application/zip",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    @router.get(
        "/signing-key",
        summary="The public key that signs audit bundles (PEM), to pin",
        response_class=Response,
        responses={200: {"content": {PEM: {}}}},
    )
    def public_key(_: Reader) -> Response:
        key = signing_key(settings).public_key()
        return Response(
            public_pem(key),
            media_type=PEM,
            headers={
                "content-disposition": 'attachment; filename="aitower-audit-signing-key.pem"',
                "x-key-sha256": fingerprint(key),
            },
        )

    return router
