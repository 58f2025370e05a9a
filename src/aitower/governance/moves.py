"""Lifecycle moves: request one, and complete it the moment its gate passes.

A move is never forced: the gate of the target stage is evaluated (policies × the system's
facts × the approvals given so far). If it passes, the move completes at once; otherwise an
approval request holds the gate result and the approvals the gate demands, and the gate is
evaluated again whenever something that could change it happens (a decision, evidence
attached or removed, an explicit retry). Completion always happens in the transaction of the
change that made the gate pass, so no move ever completes on a stale verdict.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput
from aitower.governance import approval_rules as rules
from aitower.governance.approval_rules import RequestKind, Status
from aitower.governance.evaluation import GateResult, evaluate_gate
from aitower.governance.facts import ApprovalState, Approver
from aitower.governance.facts_loader import load_facts
from aitower.governance.history import (
    DecisionView,
    EventView,
    RequestView,
    decisions_of,
    event_view,
    load_request_row,
    passes,
    view_of,
)
from aitower.governance.policy_service import active_policies
from aitower.governance.tables import ApprovalRequestRow, DecisionRow, LifecycleEventRow
from aitower.inventory.lifecycle import Stage, allowed_targets, can_move
from aitower.inventory.service import SystemRef, get_system_ref, set_stage
from aitower.inventory.tables import SystemRow

INTAKE_GATE = "intake"


@dataclass(frozen=True, slots=True)
class MoveOutcome:
    """``completed`` (event set) or ``pending`` (request set, blocked by its gate)."""

    status: str
    gate: GateResult
    request: RequestView | None = None
    event: EventView | None = None


# --- the gate --------------------------------------------------------------------------------


def evaluate(
    session: Session,
    system_id: uuid.UUID,
    gate: str,
    *,
    requester_id: uuid.UUID | None,
    decisions: Iterable[DecisionRow | DecisionView] = (),
    now: datetime | None = None,
) -> GateResult:
    """The gate of ``system_id`` now: active policies × its facts × the approvals given."""
    now = now or utcnow()
    today = now.date()
    session.flush()  # evidence or decisions added in this transaction count
    facts = load_facts(session, None, [system_id], today, now)[system_id]
    approvers = tuple(
        Approver(d.approver_id, d.approver, frozenset({d.role}))
        for d in decisions
        if d.decision == rules.Decision.approve
    )
    return evaluate_gate(
        active_policies(session),
        facts,
        gate,
        today=today,
        approvals=ApprovalState(requester_id, approvers),
    )


def _required(gate: GateResult) -> list[dict[str, Any]]:
    return [{"role": a.role, "count": a.needed, "policy": a.policy_key} for a in gate.approvals]


# --- requesting ------------------------------------------------------------------------------


def _lock_system(session: Session, system_id: uuid.UUID) -> None:
    """Serialise requests on one system, so two cannot both find no open request."""
    session.execute(select(SystemRow.id).where(SystemRow.id == system_id).with_for_update())


def _check_no_open(session: Session, system_id: uuid.UUID, now: datetime) -> None:
    rows = session.execute(
        select(ApprovalRequestRow).where(
            ApprovalRequestRow.system_id == system_id,
            ApprovalRequestRow.status == Status.pending.value,
        )
    ).scalars()
    for row in rows:
        if rules.effective_status(Status.pending, row.expires_at, now) is Status.pending:
            raise Conflict.on(
                "system",
                f"the system already has an open request ({row.id}); "
                "decide, withdraw or let it expire first",
            )


def _parse_target(system: SystemRef, target_stage: str) -> Stage:
    allowed = ", ".join(s.value for s in allowed_targets(system.stage)) or "none (retired)"
    try:
        target = Stage(target_stage.strip().lower())
    except ValueError:
        raise InvalidInput.on(
            "target_stage",
            f"{target_stage!r} is not a stage; allowed from {system.stage.value}: {allowed}",
        ) from None
    if not can_move(system.stage, target):
        raise InvalidInput.on(
            "target_stage",
            f"cannot move from {system.stage.value} to {target.value}; allowed: {allowed}",
        )
    return target


def request_move(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    target_stage: str,
    reason: str,
    *,
    expires_in_days: int | None = None,
    now: datetime | None = None,
) -> MoveOutcome:
    """Ask to move a system; it completes at once when the target stage's gate passes."""
    now = now or utcnow()
    system = get_system_ref(session, ctx.principal, system_id)
    target = _parse_target(system, target_stage)
    why = rules.clean_reason(reason, required=True)
    expires_at = rules.expiry_for(now, expires_in_days)
    return _raise(session, ctx, system, RequestKind.stage_move, target, why, expires_at, now)


def request_intake(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    reason: str,
    *,
    expires_in_days: int | None = None,
    now: datetime | None = None,
) -> MoveOutcome:
    """Ask to admit a newly registered system (gate ``intake``); its stage does not change."""
    now = now or utcnow()
    system = get_system_ref(session, ctx.principal, system_id)
    why = rules.clean_reason(reason, required=True)
    expires_at = rules.expiry_for(now, expires_in_days)
    admitted = session.execute(
        select(LifecycleEventRow.id).where(
            LifecycleEventRow.system_id == system_id, LifecycleEventRow.from_stage.is_(None)
        )
    ).first()
    if admitted is not None:
        raise Conflict.on("system", f"{system.name} was already admitted")
    return _raise(session, ctx, system, RequestKind.intake, system.stage, why, expires_at, now)


def _raise(
    session: Session,
    ctx: ChangeContext,
    system: SystemRef,
    kind: RequestKind,
    target: Stage,
    reason: str,
    expires_at: datetime,
    now: datetime,
) -> MoveOutcome:
    _lock_system(session, system.id)
    expire_for_system(session, ctx, system.id, now)
    _check_no_open(session, system.id, now)
    gate_name = INTAKE_GATE if kind is RequestKind.intake else target.value
    # A key's owner is the requester: deciding in a browser the request one's key raised
    # would otherwise pass separation of duties.
    requester = ctx.principal.person_id
    gate = evaluate(session, system.id, gate_name, requester_id=requester, now=now)
    from_stage = None if kind is RequestKind.intake else system.stage.value
    if passes(gate):
        event = _record_move(session, ctx, system, from_stage, target, reason, None, gate, now)
        return MoveOutcome("completed", gate, event=event)
    row = ApprovalRequestRow(
        system_id=system.id,
        kind=kind.value,
        from_stage=from_stage,
        target_stage=target.value,
        requested_by_id=requester,
        requested_by=ctx.principal.actor,
        reason=reason,
        status=Status.pending.value,
        required=_required(gate),
        gate=gate.to_document(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        ctx,
        "approval.requested",
        "approval_request",
        row.id,
        after={
            "system_id": system.id,
            "kind": kind.value,
            "from_stage": from_stage,
            "target_stage": target.value,
            "reason": reason,
            "verdict": gate.verdict,
            "required": row.required,
            "expires_at": expires_at,
        },
    )
    return MoveOutcome("pending", gate, request=view_of(session, row, now))


def _record_move(
    session: Session,
    ctx: ChangeContext,
    system: SystemRef,
    from_stage: str | None,
    target: Stage,
    reason: str,
    request: ApprovalRequestRow | None,
    gate: GateResult,
    now: datetime,
) -> EventView:
    """The completed move: stage, lifecycle event and its audit event, together."""
    if from_stage is not None:
        set_stage(session, system.id, target)
    row = LifecycleEventRow(
        system_id=system.id,
        from_stage=from_stage,
        to_stage=target.value,
        actor=request.requested_by if request is not None else ctx.principal.actor,
        reason=reason,
        request_id=None if request is None else request.id,
        gate=gate.to_document(),
        at=now,
    )
    session.add(row)
    session.flush()
    action = "lifecycle.admitted" if from_stage is None else "lifecycle.moved"
    record_change(
        session,
        ctx,
        action,
        "ai_system",
        system.id,
        before={"stage": from_stage},
        after={
            "stage": target.value,
            "reason": reason,
            "verdict": gate.verdict,
            "request_id": None if request is None else request.id,
        },
    )
    return event_view(row)


# --- completing ------------------------------------------------------------------------------


def close(
    session: Session,
    ctx: ChangeContext,
    row: ApprovalRequestRow,
    status: Status,
    now: datetime,
    reason: str = "",
) -> None:
    """Close a pending request with its audit event (``approval.<status>``)."""
    rules.check_transition(Status(row.status), status)
    row.status, row.closed_at, row.close_reason = status.value, now, reason
    session.flush()
    record_change(
        session,
        ctx,
        f"approval.{status.value}",
        "approval_request",
        row.id,
        before={"status": Status.pending.value},
        after={"status": status.value, "system_id": row.system_id, "reason": reason},
    )


def try_complete(
    session: Session, ctx: ChangeContext, row: ApprovalRequestRow, system: SystemRef, now: datetime
) -> EventView | None:
    """Evaluate the request's gate again; complete the move when it passes. The request must
    be open (the caller checked)."""
    decisions = decisions_of(session, row.id)
    gate = evaluate(
        session,
        row.system_id,
        gate_name_of(row.kind, row.target_stage),
        requester_id=row.requested_by_id,
        decisions=decisions,
        now=now,
    )
    row.gate, row.required = gate.to_document(), _required(gate)
    if not passes(gate):
        session.flush()
        return None
    target = Stage(str(row.target_stage))
    if row.kind == RequestKind.stage_move and not can_move(system.stage, target):
        raise Conflict.on(
            "target_stage", f"the system is now in {system.stage.value}; cannot move to {target}"
        )
    event = _record_move(session, ctx, system, row.from_stage, target, row.reason, row, gate, now)
    close(session, ctx, row, Status.completed, now)
    return event


def complete(
    session: Session,
    ctx: ChangeContext,
    request_id: uuid.UUID,
    *,
    now: datetime | None = None,
) -> MoveOutcome:
    """Retry a pending request: completes it if its gate passes now, else says what blocks."""
    now = now or utcnow()
    row, system = load_request_row(session, ctx.principal, request_id, lock=True)
    rules.check_open(Status(row.status), row.expires_at, now)
    event = try_complete(session, ctx, row, system, now)
    view = view_of(session, row, now)
    return MoveOutcome("completed" if event else "pending", view.gate, request=view, event=event)


def gate_name_of(kind: str, target_stage: str | None) -> str:
    return INTAKE_GATE if kind == RequestKind.intake else str(target_stage)


def with_live_gate(session: Session, view: RequestView, now: datetime | None = None) -> RequestView:
    """An open request as it stands now: its gate evaluated again, not as stored.

    A request is one move, so it has one verdict: the request page, the system page and the
    inbox all show this one, and it is the one ``try_complete`` acts on. (The stored gate is
    what the last change or background pass saw; a vendor's DPA signed since then must not
    leave a "blocked" request beside a passing preview of the same move.)
    """
    if view.status != Status.pending.value:
        return view
    gate = evaluate(
        session,
        view.system_id,
        gate_name_of(view.kind, view.target_stage),
        requester_id=view.requested_by_id,
        decisions=view.decisions,
        now=now,
    )
    return dataclasses.replace(view, gate=gate, required=tuple(_required(gate)))


def reevaluate_pending(db: Database, now: datetime, owner: str) -> int:
    """The background pass: every open request's gate again, completing those that now pass.

    Facts change outside governance (a vendor's DPA, a monitor's newest result, a risk
    closed); this is how a request notices within one pass. Row locks keep replicas from
    completing one request twice. Returns how many moves completed.
    """
    del owner
    ctx = ChangeContext(system_principal("governance"))
    done = 0
    with db.reading() as session:
        pending = select(ApprovalRequestRow.id).where(
            ApprovalRequestRow.status == Status.pending.value
        )
        if session.execute(pending.limit(1)).first() is None:
            return 0  # the usual case: no write transaction at all
    with db.writing() as session:
        expire_for_system(session, ctx, None, now)
        rows = session.execute(
            select(ApprovalRequestRow)
            .where(ApprovalRequestRow.status == Status.pending.value)
            .order_by(ApprovalRequestRow.created_at)
            .with_for_update(skip_locked=True)
        ).scalars()
        for row in list(rows):
            system = get_system_ref(session, ctx.principal, row.system_id)
            try:
                done += try_complete(session, ctx, row, system, now) is not None
            except Conflict:
                continue  # the system moved meanwhile: the request waits for a person
    return done


def reevaluate_open(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, now: datetime | None = None
) -> EventView | None:
    """After evidence changed: the system's open request (if any) may pass its gate now."""
    now = now or utcnow()
    rows = session.execute(
        select(ApprovalRequestRow)
        .where(
            ApprovalRequestRow.system_id == system_id,
            ApprovalRequestRow.status == Status.pending.value,
        )
        .with_for_update()
    ).scalars()
    for row in rows:
        if rules.effective_status(Status.pending, row.expires_at, now) is Status.pending:
            system = get_system_ref(session, ctx.principal, system_id)
            return try_complete(session, ctx, row, system, now)
    return None


def expire_for_system(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID | None, now: datetime
) -> int:
    """Persist the expiry of pending requests past ``expires_at`` (one system, or all)."""
    query = select(ApprovalRequestRow).where(
        ApprovalRequestRow.status == Status.pending.value,
        ApprovalRequestRow.expires_at.is_not(None),
        ApprovalRequestRow.expires_at <= now,
    )
    if system_id is not None:
        query = query.where(ApprovalRequestRow.system_id == system_id)
    rows = list(session.execute(query.with_for_update()).scalars())
    for row in rows:
        close(session, ctx, row, Status.expired, now, "expired without a decision")
    return len(rows)
