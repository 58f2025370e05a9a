"""REST routes of the audit trail: list, one event, verify, export as JSON Lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from aitower.core.access.principal import Principal
from aitower.core.access.roles import CorePermission
from aitower.core.audit import service
from aitower.core.audit.chain import ChainReport
from aitower.core.errors import NotFound
from aitower.core.moments import AwareMoment
from aitower.core.web.deps import DbDep, guard
from aitower.core.web.pagination import Page, PageDep

HEAD_PATTERN = r"^[0-9]{1,19}:[0-9a-f]{64}$"
MAX_SEQ = 2**63 - 1  # BIGINT: larger ids cannot exist, and SQLite cannot even bind them
Auditor = Annotated[Principal, guard(CorePermission.audit_read)]


class AuditEventOut(BaseModel):
    seq: int
    id: str
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changed_fields: list[str]
    request_id: str | None
    prev_hash: str
    hash: str
    damage: str | None = Field(
        description="Set when the stored row cannot be read as written (tampering or "
        "corruption); the fields it names hold stand-ins"
    )

    @classmethod
    def of(cls, event: service.AuditEvent) -> AuditEventOut:
        data = {f: getattr(event, f) for f in cls.model_fields}
        data["id"] = str(event.id)
        return cls(**data)


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None
    first_bad_id: str | None
    reason: str | None

    @classmethod
    def of(cls, report: ChainReport) -> VerifyOut:
        bad = report.problem
        return cls(
            ok=report.ok,
            checked=report.checked,
            head_seq=report.head_seq,
            head_hash=report.head_hash,
            first_bad_seq=None if bad is None else bad.seq,
            first_bad_id=None if bad is None else bad.event_id,
            reason=None if bad is None else bad.reason,
        )


def build_router() -> APIRouter:
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get("/events", summary="Audit events, newest first")
    def list_events(
        db: DbDep,
        page: PageDep,
        _: Auditor,
        actor: Annotated[str | None, Query(max_length=200, examples=["user:admin"])] = None,
        action: Annotated[str | None, Query(max_length=100, examples=["user.create"])] = None,
        object_type: Annotated[str | None, Query(max_length=64)] = None,
        object_id: Annotated[str | None, Query(max_length=200)] = None,
        since: Annotated[AwareMoment | None, Query(description="Inclusive, with offset")] = None,
        until: Annotated[AwareMoment | None, Query(description="Exclusive, with offset")] = None,
    ) -> Page[AuditEventOut]:
        flt = service.AuditFilter(actor, action, object_type, object_id, since, until)
        with db.reading() as session:
            events, total = service.list_events(session, flt, limit=page.limit, offset=page.offset)
        return Page.of([AuditEventOut.of(e) for e in events], total, page)

    @router.get("/events/{seq}", summary="One audit event")
    def get_event(
        seq: Annotated[int, Path(ge=1, le=MAX_SEQ)], db: DbDep, _: Auditor
    ) -> AuditEventOut:
        with db.reading() as session:
            event = service.get_event(session, seq)
        if event is None:
            raise NotFound(f"no audit event {seq}")
        return AuditEventOut.of(event)

    @router.get("/verify", summary="Verify the hash chain from the first event")
    def verify(
        db: DbDep,
        _: Auditor,
        expect_head: Annotated[
            str | None,
            Query(
                pattern=HEAD_PATTERN,
                description="A head recorded earlier, as SEQ:HASH (printed by export): also "
                "fail if that event is gone or changed.",
            ),
        ] = None,
    ) -> VerifyOut:
        recorded = None
        if expect_head is not None:
            seq, _sep, digest = expect_head.partition(":")
            recorded = (int(seq), digest)
        with db.reading() as session:
            return VerifyOut.of(service.verify(session, recorded_head=recorded))

    @router.get(
        "/export",
        summary="Export events as JSON Lines (see docs/audit.md to verify independently)",
        response_class=StreamingResponse,
        responses={200: {"content": {"application/x-ndjson": {}}}},
    )
    def export(
        db: DbDep,
        _: Annotated[Principal, guard(CorePermission.audit_export)],
        since: Annotated[
            AwareMoment | None, Query(description="Only events at or after this time")
        ] = None,
    ) -> StreamingResponse:
        def lines() -> Iterator[str]:
            with db.reading() as session:
                yield from service.export_lines(session, since=since)

        return StreamingResponse(
            lines(),
            media_type="application/x-ndjson",
            headers={"content-disposition": 'attachment; filename="aitower-audit.jsonl"'},
        )

    return router
