"""Pages of gates, evidence, approvals inbox and system history.

A system's Governance tab shows its open request with the gate's checklist, the move form
(with a preview of each allowed target's gate, so nobody asks for a move blind), and its
evidence. Forms follow Post/Redirect/Get with a fixed ``?notice=`` code; a refusal answers
the page again with the reason next to the field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from aitower.core.access.pages_shared import FormProblem
from aitower.core.access.principal import Principal
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import DomainError, InvalidInput
from aitower.core.web.deps import DbDep, change_context, guard
from aitower.core.web.templating import render
from aitower.governance import approvals, evidence, history, moves
from aitower.governance.approval_rules import Status, may_withdraw
from aitower.governance.permissions import GovernancePermission
from aitower.governance.policy_terms import DOCUMENT_KINDS, DOCUMENT_TITLES, JUDGED_KINDS
from aitower.inventory.lifecycle import allowed_targets
from aitower.inventory.permissions import InventoryPermission
from aitower.inventory.service import get_system_ref

SystemReader = Annotated[Principal, guard(InventoryPermission.systems_read)]
ApprovalReader = Annotated[Principal, guard(GovernancePermission.approvals_read)]
Mover = Annotated[Principal, guard(GovernancePermission.lifecycle_move)]
EvidenceWriter = Annotated[Principal, guard(GovernancePermission.evidence_write)]
Decider = Annotated[Principal, guard(GovernancePermission.approvals_decide)]
Notice = Annotated[str | None, Query(max_length=64)]
Text = Annotated[str, Form(max_length=6000)]
SYSTEM_REQUESTS_SHOWN = 100

NOTICES: dict[str, str] = {
    "moved": "The gate passed: the move is complete.",
    "requested": "The gate blocks the move: an approval request was raised with what it needs.",
    "attached": "The evidence was attached; the open request's gate was checked again.",
    "removed": "The evidence was removed.",
    "approved": "Your approval was recorded.",
    "completed": "Your decision made the gate pass: the move is complete.",
    "rejected": "The request was rejected and closed.",
    "withdrawn": "The request was withdrawn.",
    "still-blocked": "The gate still blocks the move: see what it needs below.",
}


@dataclass(slots=True)
class FormView:
    """A refused form of the page (the target says which), what was typed, and the notice."""

    problem: FormProblem | None = None
    target: str | None = None  # "move", "evidence" or "decision"
    typed: dict[str, str] = field(default_factory=dict)
    notice: str | None = None


def _notice(code: str | None) -> FormView:
    return FormView(notice=None if code is None else NOTICES.get(code))


def _refused(exc: DomainError, target: str, **typed: str) -> FormView:
    return FormView(FormProblem.of(exc), target, dict(typed))


def _answer(
    request: Request, template: str, principal: Principal, view: FormView, **context: Any
) -> Response:
    status = 200 if view.problem is None else view.problem.status
    return render(
        request,
        template,
        principal,
        status_code=status,
        section="inventory",
        view=view,
        notice=view.notice,
        **context,
    )


def _governance_tab(
    request: Request, db: Database, principal: Principal, system_id: uuid.UUID, view: FormView
) -> Response:
    now = utcnow()
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        open_requests, _ = approvals.list_requests(
            session, principal, status=Status.pending, system_id=system_id, now=now
        )
        # The open request's move has one verdict, the request's (evaluated now): no preview
        # of the same move beside it that could read differently.
        asked = open_requests[0].target_stage if open_requests else None
        previews = [
            (
                target.value,
                moves.evaluate(
                    session, system_id, target.value, requester_id=principal.user_id, now=now
                ),
            )
            for target in allowed_targets(system.stage)
            if target.value != asked
        ]
        items = evidence.list_evidence(session, principal, system_id, now)
        live = evidence.offers(session, principal, system_id)
    return _answer(
        request,
        "governance/system_governance.html",
        principal,
        view,
        system=system,
        open_request=open_requests[0] if open_requests else None,
        previews=previews,
        evidence=items,
        kinds=DOCUMENT_KINDS,
        kind_titles=DOCUMENT_TITLES,
        judged_kinds=JUDGED_KINDS,
        today=now.date(),
        live_objects=live,
        can_move=principal.can(GovernancePermission.lifecycle_move),
        can_attach=principal.can(GovernancePermission.evidence_write),
    )


def governance_tab(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: SystemReader,
    notice: Notice = None,
) -> Response:
    return _governance_tab(request, db, principal, system_id, _notice(notice))


def request_move(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Mover,
    target_stage: Text = "",
    reason: Text = "",
) -> Response:
    try:
        with db.writing() as session:
            outcome = moves.request_move(
                session, change_context(request, principal), system_id, target_stage, reason
            )
    except DomainError as exc:
        view = _refused(exc, "move", target_stage=target_stage, reason=reason)
        return _governance_tab(request, db, principal, system_id, view)
    code = "moved" if outcome.status == "completed" else "requested"
    return RedirectResponse(f"/systems/{system_id}/governance?notice={code}", status_code=303)


def _live_choice(value: str) -> tuple[str | None, uuid.UUID | None]:
    """The form's "type:id" of a live object ("" for a document)."""
    if not value.strip():
        return None, None
    object_type, _, object_id = value.strip().partition(":")
    try:
        return object_type, uuid.UUID(object_id)
    except ValueError:
        raise InvalidInput.on("object_id", "choose one of the listed objects") from None


def _day(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput.on("valid_until", "expected a date, YYYY-MM-DD") from None


def attach_evidence(
    system_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: EvidenceWriter,
    kind: Text = "",
    title: Text = "",
    uri: Text = "",
    note: Text = "",
    live: Text = "",
    valid_until: Text = "",
) -> Response:
    try:
        object_type, object_id = _live_choice(live)
        last_day = _day(valid_until)
        with db.writing() as session:
            evidence.attach(
                session,
                change_context(request, principal),
                system_id,
                kind=kind,
                title=title,
                uri=uri,
                note=note,
                object_type=object_type,
                object_id=object_id,
                valid_until=last_day,
            )
    except DomainError as exc:
        typed = {"kind": kind, "title": title, "uri": uri, "note": note, "live": live}
        typed["valid_until"] = valid_until
        view = _refused(exc, "evidence", **typed)
        return _governance_tab(request, db, principal, system_id, view)
    return RedirectResponse(f"/systems/{system_id}/governance?notice=attached", status_code=303)


def remove_evidence(
    system_id: uuid.UUID,
    evidence_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: EvidenceWriter,
) -> Response:
    with db.writing() as session:
        evidence.remove(session, change_context(request, principal), system_id, evidence_id)
    return RedirectResponse(f"/systems/{system_id}/governance?notice=removed", status_code=303)


def approvals_tab(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: ApprovalReader
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        items, total = approvals.list_requests(
            session, principal, system_id=system_id, limit=SYSTEM_REQUESTS_SHOWN
        )
    return _answer(
        request,
        "governance/system_approvals.html",
        principal,
        FormView(),
        system=system,
        requests=items,
        total=total,
    )


def history_tab(
    system_id: uuid.UUID, request: Request, db: DbDep, principal: SystemReader
) -> Response:
    with db.reading() as session:
        system = get_system_ref(session, principal, system_id)
        entries = history.system_history(session, principal, system_id)
    return _answer(
        request,
        "governance/system_history.html",
        principal,
        FormView(),
        system=system,
        entries=entries,
    )


def inbox_page(
    request: Request, db: DbDep, principal: ApprovalReader, notice: Notice = None
) -> Response:
    with db.reading() as session:
        box = approvals.inbox(session, principal)
    return render(
        request,
        "governance/approvals_inbox.html",
        principal,
        section="governance",
        inbox=box,
        notice=None if notice is None else NOTICES.get(notice),
    )


def _request_page(
    request: Request, db: Database, principal: Principal, request_id: uuid.UUID, view: FormView
) -> Response:
    with db.reading() as session:
        item = approvals.get_request(session, principal, request_id)
    pending = item.status == Status.pending.value
    is_requester = principal.user_id is not None and principal.user_id == item.requested_by_id
    return render(
        request,
        "governance/approval.html",
        principal,
        status_code=200 if view.problem is None else view.problem.status,
        section="governance",
        item=item,
        view=view,
        notice=view.notice,
        can_decide=pending
        and principal.can(GovernancePermission.approvals_decide)
        and approvals.could_decide(principal, item),
        can_withdraw=pending
        and principal.can(GovernancePermission.lifecycle_move)
        and may_withdraw(item.requested_by_id, principal.user_id, principal.role.value),
        can_retry=pending and principal.can(GovernancePermission.lifecycle_move),
        is_requester=is_requester,
    )


def request_page(
    request_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: ApprovalReader,
    notice: Notice = None,
) -> Response:
    return _request_page(request, db, principal, request_id, _notice(notice))


def decide(
    request_id: uuid.UUID,
    request: Request,
    db: DbDep,
    principal: Decider,
    decision: Text = "",
    reason: Text = "",
) -> Response:
    try:
        with db.writing() as session:
            done = approvals.decide(
                session, change_context(request, principal), request_id, decision, reason
            )
    except DomainError as exc:
        view = _refused(exc, "decision", reason=reason)
        return _request_page(request, db, principal, request_id, view)
    code = "completed" if done.event else ("rejected" if decision == "reject" else "approved")
    return RedirectResponse(f"/approvals/{request_id}?notice={code}", status_code=303)


def withdraw(
    request_id: uuid.UUID, request: Request, db: DbDep, principal: Mover, reason: Text = ""
) -> Response:
    try:
        with db.writing() as session:
            approvals.withdraw(session, change_context(request, principal), request_id, reason)
    except DomainError as exc:
        return _request_page(request, db, principal, request_id, _refused(exc, "decision"))
    return RedirectResponse(f"/approvals/{request_id}?notice=withdrawn", status_code=303)


def retry(request_id: uuid.UUID, request: Request, db: DbDep, principal: Mover) -> Response:
    try:
        with db.writing() as session:
            outcome = moves.complete(session, change_context(request, principal), request_id)
    except DomainError as exc:
        return _request_page(request, db, principal, request_id, _refused(exc, "decision"))
    code = "completed" if outcome.status == "completed" else "still-blocked"
    return RedirectResponse(f"/approvals/{request_id}?notice={code}", status_code=303)


def build_router() -> APIRouter:
    router = APIRouter()
    router.get("/systems/{system_id}/governance")(governance_tab)
    router.post("/systems/{system_id}/governance/moves")(request_move)
    router.post("/systems/{system_id}/governance/evidence")(attach_evidence)
    router.post("/systems/{system_id}/governance/evidence/{evidence_id}/remove")(remove_evidence)
    router.get("/systems/{system_id}/approvals")(approvals_tab)
    router.get("/systems/{system_id}/history")(history_tab)
    router.get("/approvals")(inbox_page)
    router.get("/approvals/{request_id}")(request_page)
    router.post("/approvals/{request_id}/decisions")(decide)
    router.post("/approvals/{request_id}/withdraw")(withdraw)
    router.post("/approvals/{request_id}/complete")(retry)
    return router
