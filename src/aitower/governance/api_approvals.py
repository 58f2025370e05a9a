"""REST routes of evidence, lifecycle moves and approvals (thin: parse, call the service, shape).

A move answers 201 when it completed at once and 202 when it waits for its gate: the body then
holds the request and the gate's findings, so a client can say exactly what is missing.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from aitower.core.access.principal import Principal
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.pagination import Page, PageDep
from aitower.governance import approvals, evidence, history, moves
from aitower.governance.approval_rules import MAX_EXPIRY_DAYS, MIN_EXPIRY_DAYS, Status
from aitower.governance.evaluation import GateResult
from aitower.governance.history import DecisionView, EventView, HistoryEntry, RequestView
from aitower.governance.permissions import GovernancePermission
from aitower.inventory.permissions import InventoryPermission

STRICT = ConfigDict(extra="forbid")
TAG = "approvals"


class EvidenceIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "human_oversight_plan",
                    "title": "Oversight plan v2",
                    "uri": "https://docs.example.com/oversight-v2.pdf",
                },
                {
                    "kind": "bias_evaluation",
                    "object_type": "model_monitor",
                    "object_id": "7f0c2a1e-54b4-4c1e-9d43-2b8f6f1d0a11",
                },
            ]
        },
    )
    kind: str = Field(max_length=64, description="One of the document kinds of policies")
    title: str = Field(
        default="", max_length=400, description="Required for a document; a live object's own"
    )
    uri: str = Field(
        default="",
        max_length=2000,
        description="http(s) address or a reference; a link to a monitor's page links the monitor",
    )
    note: str = Field(default="", max_length=8000)
    object_type: str | None = Field(
        default=None,
        max_length=40,
        description="A live object judged at every gate instead of a document: model_monitor",
    )
    object_id: uuid.UUID | None = None
    valid_until: date | None = Field(
        default=None, description="A document's last valid day; past it, gates do not count it"
    )


class JudgementOut(BaseModel):
    passed: bool
    observed_at: datetime | None
    reason: str
    metric: str | None
    value: float | None


class EvidenceOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    kind: str
    title: str
    uri: str
    note: str
    added_by: str
    added_at: datetime
    object_type: str | None
    object_id: uuid.UUID | None
    valid_until: date | None
    judgement: JudgementOut | None = Field(description="A live object's verdict now")

    @classmethod
    def of(cls, item: evidence.EvidenceView) -> EvidenceOut:
        fields = {f: getattr(item, f) for f in cls.model_fields if f != "judgement"}
        j = item.judgement
        judged = (
            None
            if j is None
            else JudgementOut(
                passed=j.passed,
                observed_at=j.observed_at,
                reason=j.reason,
                metric=j.metric,
                value=j.value,
            )
        )
        return cls(**fields, judgement=judged)


class MoveIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"target_stage": "deployment", "reason": "Pilot passed; go live"}]
        },
    )
    target_stage: str = Field(max_length=32)
    reason: str = Field(max_length=4000)
    expires_in_days: int | None = Field(
        default=None, description=f"{MIN_EXPIRY_DAYS}-{MAX_EXPIRY_DAYS}; default 30"
    )


class IntakeIn(BaseModel):
    model_config = STRICT
    reason: str = Field(max_length=4000)
    expires_in_days: int | None = None


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"decision": "approve", "reason": "Plan reviewed"}]},
    )
    decision: str = Field(max_length=16, description="approve or reject")
    reason: str = Field(default="", max_length=4000, description="Required to reject")


class WithdrawIn(BaseModel):
    model_config = STRICT
    reason: str = Field(default="", max_length=4000)


class FindingOut(BaseModel):
    policy_key: str
    policy_name: str
    requirement: str
    severity: str
    outcome: str
    message: str


class NeedOut(BaseModel):
    policy_key: str
    role: str
    needed: int
    have: int
    approvers: list[str]


class GateOut(BaseModel):
    gate: str
    verdict: str
    findings: list[FindingOut]
    approvals: list[NeedOut]

    @classmethod
    def of(cls, gate: GateResult) -> GateOut:
        return cls.model_validate(gate.to_document())


class DecisionOut(BaseModel):
    id: uuid.UUID
    approver: str
    role: str
    decision: str
    reason: str
    decided_at: datetime

    @classmethod
    def of(cls, item: DecisionView) -> DecisionOut:
        return cls(**{f: getattr(item, f) for f in cls.model_fields})


class RequestOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    kind: str
    from_stage: str | None
    target_stage: str | None
    requested_by: str
    reason: str
    status: str
    required: list[dict[str, Any]]
    gate: GateOut
    created_at: datetime
    expires_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    decisions: list[DecisionOut]

    @classmethod
    def of(cls, item: RequestView) -> RequestOut:
        data = {f: getattr(item, f) for f in cls.model_fields}
        data["required"] = list(item.required)
        data["gate"] = GateOut.of(item.gate)
        data["decisions"] = [DecisionOut.of(d) for d in item.decisions]
        return cls(**data)


class EventOut(BaseModel):
    id: uuid.UUID
    from_stage: str | None
    to_stage: str
    actor: str
    reason: str
    request_id: uuid.UUID | None
    at: datetime
    gate: GateOut

    @classmethod
    def of(cls, item: EventView) -> EventOut:
        data = {f: getattr(item, f) for f in cls.model_fields}
        data["gate"] = GateOut.of(item.gate)
        return cls(**data)


class MoveOut(BaseModel):
    status: str = Field(description="completed, or pending (blocked by its gate)")
    message: str = Field(description="In plain language: done, or what blocks the move")
    gate: GateOut
    request: RequestOut | None = None
    event: EventOut | None = None

    @classmethod
    def of(cls, outcome: moves.MoveOutcome) -> MoveOut:
        blocking = "; ".join(f.message for f in outcome.gate.blocking)
        message = (
            "Completed: the gate passed."
            if outcome.status == "completed"
            else (blocking or "Blocked by its gate.")  # each finding says "Blocked: ..." itself
        )
        return cls(
            status=outcome.status,
            message=message,
            gate=GateOut.of(outcome.gate),
            request=None if outcome.request is None else RequestOut.of(outcome.request),
            event=None if outcome.event is None else EventOut.of(outcome.event),
        )


class DecisionResultOut(BaseModel):
    request: RequestOut
    decision: DecisionOut
    event: EventOut | None


class HistoryOut(BaseModel):
    at: datetime
    kind: str
    actor: str
    title: str
    detail: str
    request_id: uuid.UUID | None
    verdict: str | None

    @classmethod
    def of(cls, item: HistoryEntry) -> HistoryOut:
        data = {f: getattr(item, f) for f in cls.model_fields if f != "verdict"}
        return cls(**data, verdict=None if item.gate is None else item.gate.verdict)


def _move_answer(outcome: moves.MoveOutcome) -> JSONResponse:
    code = status.HTTP_201_CREATED if outcome.status == "completed" else status.HTTP_202_ACCEPTED
    return JSONResponse(MoveOut.of(outcome).model_dump(mode="json"), status_code=code)


def _evidence_routes(router: APIRouter) -> None:
    @router.get("/systems/{system_id}/evidence", tags=[TAG], summary="Evidence of a system")
    def list_evidence(
        system_id: uuid.UUID,
        db: DbDep,
        page: PageDep,
        principal: Annotated[Principal, guard(InventoryPermission.systems_read)],
    ) -> Page[EvidenceOut]:
        with db.reading() as session:
            items = evidence.list_evidence(session, principal, system_id)
        chosen = items[page.offset : page.offset + page.limit]
        return Page.of([EvidenceOut.of(i) for i in chosen], len(items), page)

    @router.post(
        "/systems/{system_id}/evidence",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Attach a document or evidence (re-evaluates the open request's gate)",
    )
    def attach(
        system_id: uuid.UUID,
        body: EvidenceIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.evidence_write)],
    ) -> EvidenceOut:
        with db.writing() as session:
            done = evidence.attach(
                session, change_context(request, principal), system_id, **body.model_dump()
            )
        return EvidenceOut.of(done.evidence)

    @router.delete(
        "/systems/{system_id}/evidence/{evidence_id}",
        tags=[TAG],
        status_code=status.HTTP_204_NO_CONTENT,
        summary="Remove evidence",
    )
    def remove(
        system_id: uuid.UUID,
        evidence_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.evidence_write)],
    ) -> None:
        with db.writing() as session:
            evidence.remove(session, change_context(request, principal), system_id, evidence_id)


def _move_routes(router: APIRouter) -> None:
    @router.post(
        "/systems/{system_id}/moves",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        response_model=MoveOut,
        responses={202: {"model": MoveOut, "description": "Blocked: an approval request"}},
        summary="Request a lifecycle move (201 completed, 202 pending on its gate)",
    )
    def request_move(
        system_id: uuid.UUID,
        body: MoveIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.lifecycle_move)],
    ) -> JSONResponse:
        with db.writing() as session:
            outcome = moves.request_move(
                session,
                change_context(request, principal),
                system_id,
                body.target_stage,
                body.reason,
                expires_in_days=body.expires_in_days,
            )
        return _move_answer(outcome)

    @router.post(
        "/systems/{system_id}/intake",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        response_model=MoveOut,
        responses={202: {"model": MoveOut, "description": "Blocked: an approval request"}},
        summary="Request admission of a newly registered system (gate: intake)",
    )
    def request_intake(
        system_id: uuid.UUID,
        body: IntakeIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.lifecycle_move)],
    ) -> JSONResponse:
        with db.writing() as session:
            outcome = moves.request_intake(
                session,
                change_context(request, principal),
                system_id,
                body.reason,
                expires_in_days=body.expires_in_days,
            )
        return _move_answer(outcome)

    @router.get("/systems/{system_id}/history", tags=[TAG], summary="A system's timeline")
    def system_history(
        system_id: uuid.UUID,
        db: DbDep,
        page: PageDep,
        principal: Annotated[Principal, guard(InventoryPermission.systems_read)],
    ) -> Page[HistoryOut]:
        with db.reading() as session:
            entries = history.system_history(session, principal, system_id)
        chosen = entries[page.offset : page.offset + page.limit]
        return Page.of([HistoryOut.of(e) for e in chosen], len(entries), page)


def _request_reads(router: APIRouter) -> None:
    @router.get("/approval-requests", tags=[TAG], summary="List approval requests")
    def list_requests(
        db: DbDep,
        page: PageDep,
        principal: Annotated[Principal, guard(GovernancePermission.approvals_read)],
        status_: Annotated[Status | None, Query(alias="status")] = None,
        system: uuid.UUID | None = None,
        mine: bool = False,
        actionable: Annotated[bool, Query(description="Only those I could decide")] = False,
    ) -> Page[RequestOut]:
        with db.reading() as session:
            items, total = approvals.list_requests(
                session,
                principal,
                status=status_,
                system_id=system,
                mine=mine,
                actionable=actionable,
                limit=page.limit,
                offset=page.offset,
            )
        return Page.of([RequestOut.of(i) for i in items], total, page)

    @router.get("/approval-requests/{request_id}", tags=[TAG], summary="One approval request")
    def get_request(
        request_id: uuid.UUID,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.approvals_read)],
    ) -> RequestOut:
        with db.reading() as session:
            return RequestOut.of(approvals.get_request(session, principal, request_id))


def _request_writes(router: APIRouter) -> None:
    @router.post(
        "/approval-requests/{request_id}/decisions",
        tags=[TAG],
        status_code=status.HTTP_201_CREATED,
        summary="Approve or reject (an approval re-evaluates the gate)",
    )
    def decide(
        request_id: uuid.UUID,
        body: DecisionIn,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.approvals_decide)],
    ) -> DecisionResultOut:
        with db.writing() as session:
            done = approvals.decide(
                session,
                change_context(request, principal),
                request_id,
                body.decision,
                body.reason,
            )
        return DecisionResultOut(
            request=RequestOut.of(done.request),
            decision=DecisionOut.of(done.decision),
            event=None if done.event is None else EventOut.of(done.event),
        )

    @router.post(
        "/approval-requests/{request_id}/withdraw", tags=[TAG], summary="Withdraw a request"
    )
    def withdraw(
        request_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.lifecycle_move)],
        body: WithdrawIn | None = None,
    ) -> RequestOut:
        reason = "" if body is None else body.reason
        with db.writing() as session:
            view = approvals.withdraw(
                session, change_context(request, principal), request_id, reason
            )
        return RequestOut.of(view)

    @router.post(
        "/approval-requests/{request_id}/complete",
        tags=[TAG],
        summary="Retry: complete the move if its gate passes now",
    )
    def complete(
        request_id: uuid.UUID,
        request: Request,
        db: DbDep,
        principal: Annotated[Principal, guard(GovernancePermission.lifecycle_move)],
    ) -> MoveOut:
        with db.writing() as session:
            outcome = moves.complete(session, change_context(request, principal), request_id)
        return MoveOut.of(outcome)


def build_router() -> APIRouter:
    router = APIRouter()
    _evidence_routes(router)
    _move_routes(router)
    _request_reads(router)
    _request_writes(router)
    return router
