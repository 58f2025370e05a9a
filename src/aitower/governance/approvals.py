"""Approval decisions, withdrawal, expiry, listing and the inbox.

Each decision is judged by ``approval_rules`` (separation of duties) before anything is
written; an approval then re-evaluates the request's gate, and completes the move in the same
transaction when the gate passes. Counting approvals is the gate's job, not ours: we only pass
who approved, with their roles, and the requester (whose approval would never count).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import Conflict, Forbidden
from aitower.governance import approval_rules as rules
from aitower.governance.approval_rules import Decider, Decision, Status
from aitower.governance.history import (
    DecisionView,
    EventView,
    RequestView,
    decision_view,
    decisions_of,
    load_request_row,
    request_view,
    system_names,
    view_of,
)
from aitower.governance.moves import close, expire_for_system, try_complete, with_live_gate
from aitower.governance.tables import ApprovalRequestRow, DecisionRow
from aitower.inventory.tables import SystemRow

INBOX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    request: RequestView
    decision: DecisionView
    event: EventView | None  # the completed move, when this approval made the gate pass


@dataclass(frozen=True, slots=True)
class Inbox:
    actionable: tuple[RequestView, ...]
    mine: tuple[RequestView, ...]
    recent_decisions: tuple[DecisionView, ...]

    @property
    def count(self) -> int:
        """For the badge: requests waiting for this principal's decision."""
        return len(self.actionable)


def _decider(principal: Principal, unit_id: uuid.UUID) -> Decider:
    return Decider(
        is_user=principal.kind is PrincipalKind.user,
        user_id=principal.user_id,
        role=principal.role.value,
        sees_unit=principal.sees_unit(unit_id),
    )


def decide(
    session: Session,
    ctx: ChangeContext,
    request_id: uuid.UUID,
    decision: str,
    reason: str = "",
    *,
    now: datetime | None = None,
) -> DecisionOutcome:
    """Approve or reject. Refusals raise before anything is written."""
    now = now or utcnow()
    chosen = rules.parse_decision(decision)
    row, system = load_request_row(session, ctx.principal, request_id, lock=True)
    rules.check_open(Status(row.status), row.expires_at, now)
    earlier = decisions_of(session, row.id)
    rules.check_decider(
        _decider(ctx.principal, system.unit_id),
        requester_id=row.requested_by_id,
        deciders_so_far=[d.approver_id for d in earlier],
        required=row.required,
        unit_name=system.unit_name,
    )
    why = rules.clean_reason(reason, required=chosen is Decision.reject)
    assert ctx.principal.user_id is not None  # check_decider refused anyone else
    made = DecisionRow(
        request_id=row.id,
        approver_id=ctx.principal.user_id,
        approver=ctx.principal.name,
        role=ctx.principal.role.value,
        decision=chosen.value,
        reason=why,
        decided_at=now,
    )
    session.add(made)
    session.flush()
    record_change(
        session,
        ctx,
        "approval.decided",
        "approval_request",
        row.id,
        after={
            "system_id": row.system_id,
            "decision": chosen.value,
            "role": made.role,
            "reason": why,
        },
    )
    event = None
    if chosen is Decision.reject:
        close(session, ctx, row, Status.rejected, now, why)
    else:
        event = try_complete(session, ctx, row, system, now)
    return DecisionOutcome(view_of(session, row, now), decision_view(made), event)


def withdraw(
    session: Session,
    ctx: ChangeContext,
    request_id: uuid.UUID,
    reason: str = "",
    *,
    now: datetime | None = None,
) -> RequestView:
    """The requester (or an ops manager or admin) takes a pending request back."""
    now = now or utcnow()
    row, _ = load_request_row(session, ctx.principal, request_id, lock=True)
    rules.check_open(Status(row.status), row.expires_at, now)
    rules.check_withdraw(row.requested_by_id, ctx.principal.person_id, ctx.principal.role.value)
    close(session, ctx, row, Status.withdrawn, now, rules.clean_reason(reason, required=False))
    return view_of(session, row, now)


def expire_due(session: Session, ctx: ChangeContext, now: datetime | None = None) -> int:
    """Persist ``expired`` on every pending request past its expiry, each with its audit event
    (``aitower approvals expire`` runs it; decisions on an expired request are refused anyway)."""
    return expire_for_system(session, ctx, None, now or utcnow())


# --- reading ---------------------------------------------------------------------------------


def _scoped(query: Select[Any], principal: Principal) -> Select[Any]:
    if principal.unit_ids is None:
        return query
    visible = select(SystemRow.id).where(SystemRow.unit_id.in_(principal.unit_ids))
    return query.where(ApprovalRequestRow.system_id.in_(visible))


def _views(session: Session, rows: list[ApprovalRequestRow], now: datetime) -> list[RequestView]:
    names = system_names(session, (r.system_id for r in rows))
    by_request: dict[uuid.UUID, list[DecisionRow]] = defaultdict(list)
    if rows:
        found = session.execute(
            select(DecisionRow).where(DecisionRow.request_id.in_([r.id for r in rows]))
        ).scalars()
        for d in found:
            by_request[d.request_id].append(d)
    return [
        with_live_gate(session, request_view(r, names[r.system_id], by_request[r.id], now), now)
        for r in rows
    ]


def _status_filter(query: Select[Any], status: Status, now: datetime) -> Select[Any]:
    """Filter on the effective status: pending excludes, expired includes, overdue requests."""
    overdue = ApprovalRequestRow.expires_at <= now
    pending = ApprovalRequestRow.status == Status.pending.value
    if status is Status.pending:
        return query.where(pending, or_(ApprovalRequestRow.expires_at.is_(None), ~overdue))
    if status is Status.expired:
        return query.where(
            or_(ApprovalRequestRow.status == Status.expired.value, pending & overdue)
        )
    return query.where(ApprovalRequestRow.status == status.value)


def list_requests(
    session: Session,
    principal: Principal,
    *,
    status: Status | None = None,
    system_id: uuid.UUID | None = None,
    mine: bool = False,
    actionable: bool = False,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[list[RequestView], int]:
    """Requests of the principal's units, newest first, with the total matching."""
    now = now or utcnow()
    if actionable:
        found = list(inbox(session, principal, now).actionable)
        if system_id is not None:
            found = [r for r in found if r.system_id == system_id]
        return found[offset : offset + limit], len(found)
    query = _scoped(select(ApprovalRequestRow), principal)
    if status is not None:
        query = _status_filter(query, status, now)
    if system_id is not None:
        query = query.where(ApprovalRequestRow.system_id == system_id)
    if mine:
        query = query.where(ApprovalRequestRow.requested_by == principal.actor)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = list(
        session.execute(
            query.order_by(ApprovalRequestRow.created_at.desc()).limit(limit).offset(offset)
        ).scalars()
    )
    return _views(session, rows, now), int(total)


def get_request(
    session: Session, principal: Principal, request_id: uuid.UUID, now: datetime | None = None
) -> RequestView:
    row, _ = load_request_row(session, principal, request_id)
    return with_live_gate(session, view_of(session, row, now), now)


def could_decide(principal: Principal, request: RequestView) -> bool:
    """Would ``decide`` accept this principal's approval now (for buttons and the inbox)?"""
    if request.status != Status.pending.value:
        return False
    approved = [d.role for d in request.decisions if d.decision == Decision.approve]
    if principal.role.value not in rules.unmet_roles(request.required, approved):
        return False
    try:
        rules.check_decider(
            _decider(principal, request.unit_id),
            requester_id=request.requested_by_id,
            deciders_so_far=[d.approver_id for d in request.decisions],
            required=request.required,
            unit_name=request.unit_name,
        )
    except (Forbidden, Conflict):
        return False
    return True


def inbox(session: Session, principal: Principal, now: datetime | None = None) -> Inbox:
    """What waits for the principal's decision, their own requests, and recent decisions."""
    now = now or utcnow()
    pending = _status_filter(_scoped(select(ApprovalRequestRow), principal), Status.pending, now)
    rows = list(
        session.execute(
            pending.order_by(ApprovalRequestRow.created_at.desc()).limit(INBOX_LIMIT)
        ).scalars()
    )
    actionable = [v for v in _views(session, rows, now) if could_decide(principal, v)]
    mine_rows = list(
        session.execute(
            _scoped(select(ApprovalRequestRow), principal)
            .where(ApprovalRequestRow.requested_by == principal.actor)
            .order_by(ApprovalRequestRow.created_at.desc())
            .limit(INBOX_LIMIT)
        ).scalars()
    )
    recent = session.execute(
        select(DecisionRow)
        .where(DecisionRow.request_id.in_(_scoped(select(ApprovalRequestRow.id), principal)))
        .order_by(DecisionRow.decided_at.desc())
        .limit(20)
    ).scalars()
    return Inbox(
        tuple(actionable),
        tuple(_views(session, mine_rows, now)),
        tuple(decision_view(d) for d in recent),
    )
