"""REST routes of policies: versions, validation, evaluation, compliance."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status

from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.errors import DomainError
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.governance import compliance
from aitower.governance import policy_service as service
from aitower.governance.permissions import GovernancePermission
from aitower.governance.policy import MAX_VERSION, parse_policy, policy_schema
from aitower.governance.schemas_policies import (
    ComplianceOut,
    GateOut,
    PolicyDetailOut,
    PolicyIn,
    PolicyOut,
    PreviewOut,
    SourceIn,
    StandingOut,
    SystemComplianceOut,
    TallyOut,
    ValidationOut,
    VersionOut,
)

TAGS: list[str | Any] = ["governance"]
Reader = Annotated[Principal, guard(GovernancePermission.policies_read)]
Writer = Annotated[Principal, guard(GovernancePermission.policies_write)]


# A version number as the URL gives it: beyond the column's range it cannot exist (404 is
# not right either: SQLite cannot even bind it), so it is refused as a bad parameter.
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION)]


def _policy_routes(router: APIRouter) -> None:
    @router.get("/policies", tags=TAGS, summary="List policies")
    def list_policies(db: DbDep, page: PageDep, _: Reader) -> Page[PolicyOut]:
        with db.reading() as session:
            found = service.list_policies(session)
        chosen = found[page.offset : page.offset + page.limit]
        return Page.of([PolicyOut.of(p) for p in chosen], len(found), page)

    @router.get("/policies/schema", tags=TAGS, summary="The JSON Schema of a policy document")
    def schema(_: Reader) -> dict[str, Any]:
        return policy_schema()

    _write_routes(router)

    @router.get("/policies/{key}", tags=TAGS, summary="One policy with its versions")
    def get_policy(key: str, db: DbDep, _: Reader) -> PolicyDetailOut:
        with db.reading() as session:
            return PolicyDetailOut.of_detail(service.get_policy(session, key))

    @router.get(
        "/policies/{key}/versions/{version}", tags=TAGS, summary="One saved version of a policy"
    )
    def get_version(key: str, version: VersionNumber, db: DbDep, _: Reader) -> VersionOut:
        with db.reading() as session:
            return VersionOut.of(service.get_version(session, key, version))

    for enabled in (True, False):
        _switch_route(router, enabled)


def _write_routes(router: APIRouter) -> None:
    @router.post(
        "/policies", tags=TAGS, status_code=status.HTTP_201_CREATED, summary="Create a policy"
    )
    def create_policy(
        body: PolicyIn, request: Request, db: DbDep, principal: Writer
    ) -> PolicyDetailOut:
        with db.writing() as session:
            created = service.create_policy(
                session, change_context(request, principal), body.source, body.comment
            )
            return PolicyDetailOut.of_detail(service.get_policy(session, created.key))

    @router.post("/policies/validate", tags=TAGS, summary="Check a policy without saving it")
    def validate(body: SourceIn, _: Writer) -> ValidationOut:
        try:
            _policy, document = parse_policy(body.source)
        except DomainError as exc:
            return ValidationOut.of(None, exc.issues)
        return ValidationOut.of(document, [])

    @router.post(
        "/policies/preview", tags=TAGS, summary="Evaluate an unsaved policy against the portfolio"
    )
    def preview(body: SourceIn, db: DbDep, principal: Writer) -> PreviewOut:
        with db.reading() as session:
            found = compliance.preview_policy(session, principal, body.source, utcnow().date())
        return PreviewOut.of(found)

    @router.put("/policies/{key}", tags=TAGS, summary="Save a new version of a policy")
    def update_policy(
        key: str, body: PolicyIn, request: Request, db: DbDep, principal: Writer
    ) -> PolicyDetailOut:
        with db.writing() as session:
            service.update_policy(
                session, change_context(request, principal), key, body.source, body.comment
            )
            return PolicyDetailOut.of_detail(service.get_policy(session, key))


def _switch_route(router: APIRouter, enabled: bool) -> None:
    verb = "enable" if enabled else "disable"

    @router.post(
        f"/policies/{{key}}/{verb}",
        tags=TAGS,
        summary=f"{verb.capitalize()} a policy",
        name=f"{verb}_policy",
    )
    def switch(key: str, request: Request, db: DbDep, principal: Writer) -> PolicyOut:
        with db.writing() as session:
            return PolicyOut.of(
                service.set_enabled(session, change_context(request, principal), key, enabled)
            )


def _compliance_routes(router: APIRouter) -> None:
    @router.get("/compliance", tags=TAGS, summary="Compliance of the portfolio")
    def portfolio(db: DbDep, page: PageDep, principal: Reader) -> ComplianceOut:
        with db.reading() as session:
            found = compliance.portfolio_compliance(session, principal, utcnow().date())
        chosen = found.systems[page.offset : page.offset + page.limit]
        return ComplianceOut(
            totals=found.totals,
            policies=[TallyOut.of(t) for t in found.policies],
            systems=Page.of([StandingOut.of(s) for s in chosen], len(found.systems), page),
        )

    @router.get("/systems/{system_id}/compliance", tags=TAGS, summary="Compliance of one system")
    def system(system_id: uuid.UUID, db: DbDep, principal: Reader) -> SystemComplianceOut:
        with db.reading() as session:
            found = compliance.system_compliance(session, principal, system_id, utcnow().date())
        return SystemComplianceOut.of(found)

    @router.get(
        "/systems/{system_id}/gates/{gate}",
        tags=TAGS,
        summary="What a move to this gate would need now",
    )
    def gate(system_id: uuid.UUID, gate: str, db: DbDep, principal: Reader) -> GateOut:
        with db.reading() as session:
            result = compliance.preview_gate(session, principal, system_id, gate, utcnow().date())
        return GateOut.of(result)


def build_router() -> APIRouter:
    router = APIRouter()
    _policy_routes(router)
    _compliance_routes(router)
    return router
