"""The read side of moves and approvals: requests, decisions and lifecycle events as plain
records, and a system's history as one timeline, newest first.

Moves, requests and decisions come from their own tables (richer: gate results, reasons);
audit events fill in everything else that touched the system (registration, edits,
assessments, evidence), without repeating what the richer entries already say.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.base import utcnow
from aitower.core.errors import NotFound
from aitower.governance import approval_rules as rules
from aitower.governance.approval_rules import RequestKind, Status
from aitower.governance.evaluation import GateResult
from aitower.governance.tables import ApprovalRequestRow, DecisionRow, LifecycleEventRow
from aitower.inventory.service import SystemRef, get_system_ref
from aitower.inventory.tables import SystemRow


def gate_of(doc: Mapping[str, Any] | None) -> GateResult:
    """A stored gate result (an empty one, blocking, if none was stored)."""
    if not doc or "verdict" not in doc:
        return GateResult("", "block", (), ())
    return GateResult.from_document({"gate": "", **doc})


def passes(gate: GateResult) -> bool:
    """A warning does not hold a move back; only a block does."""
    return gate.verdict != "block"


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: uuid.UUID
    request_id: uuid.UUID
    approver_id: uuid.UUID
    approver: str
    role: str
    decision: str
    reason: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class RequestView:
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    unit_id: uuid.UUID
    unit_name: str
    kind: str
    from_stage: str | None
    target_stage: str | None
    requested_by_id: uuid.UUID | None
    requested_by: str
    reason: str
    status: str  # the effective status: a pending request past expiry reads "expired"
    required: tuple[dict[str, Any], ...]
    gate: GateResult
    created_at: datetime
    expires_at: datetime | None
    closed_at: datetime | None
    close_reason: str
    decisions: tuple[DecisionView, ...] = ()

    @property
    def title(self) -> str:
        if self.kind == RequestKind.intake:
            return f"Admit {self.system_name}"
        return f"Move {self.system_name} from {self.from_stage} to {self.target_stage}"


@dataclass(frozen=True, slots=True)
class EventView:
    id: uuid.UUID
    system_id: uuid.UUID
    from_stage: str | None
    to_stage: str
    actor: str
    reason: str
    request_id: uuid.UUID | None
    gate: GateResult
    at: datetime


# --- shaping ---------------------------------------------------------------------------------


def decision_view(row: DecisionRow) -> DecisionView:
    return DecisionView(
        row.id,
        row.request_id,
        row.approver_id,
        row.approver,
        row.role,
        row.decision,
        row.reason,
        row.decided_at,
    )


def event_view(row: LifecycleEventRow) -> EventView:
    return EventView(
        row.id,
        row.system_id,
        row.from_stage,
        row.to_stage,
        row.actor,
        row.reason,
        row.request_id,
        gate_of(row.gate),
        row.at,
    )


def system_names(
    session: Session, system_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, uuid.UUID, str]]:
    """Name, unit id and unit name of many systems in one query (lists of requests)."""
    ids = set(system_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(SystemRow.id, SystemRow.name, SystemRow.unit_id, BusinessUnitRow.name)
        .join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
        .where(SystemRow.id.in_(ids))
    )
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def request_view(
    row: ApprovalRequestRow,
    names: tuple[str, uuid.UUID, str],
    decisions: Iterable[DecisionRow] = (),
    now: datetime | None = None,
) -> RequestView:
    status = rules.effective_status(Status(row.status), row.expires_at, now or utcnow())
    return RequestView(
        id=row.id,
        system_id=row.system_id,
        system_name=names[0],
        unit_id=names[1],
        unit_name=names[2],
        kind=row.kind,
        from_stage=row.from_stage,
        target_stage=row.target_stage,
        requested_by_id=row.requested_by_id,
        requested_by=row.requested_by,
        reason=row.reason,
        status=status.value,
        required=tuple(row.required),
        gate=gate_of(row.gate),
        created_at=row.created_at,
        expires_at=row.expires_at,
        closed_at=row.closed_at,
        close_reason=row.close_reason,
        decisions=tuple(decision_view(d) for d in sorted(decisions, key=lambda d: d.decided_at)),
    )


def decisions_of(session: Session, request_id: uuid.UUID) -> list[DecisionRow]:
    return list(
        session.execute(
            select(DecisionRow)
            .where(DecisionRow.request_id == request_id)
            .order_by(DecisionRow.decided_at)
        ).scalars()
    )


def view_of(session: Session, row: ApprovalRequestRow, now: datetime | None = None) -> RequestView:
    names = system_names(session, [row.system_id])[row.system_id]
    return request_view(row, names, decisions_of(session, row.id), now)


def load_request_row(
    session: Session, principal: Principal, request_id: uuid.UUID, *, lock: bool = False
) -> tuple[ApprovalRequestRow, SystemRef]:
    """The request, if the principal's units include its system (else NotFound)."""
    row = session.get(ApprovalRequestRow, request_id, with_for_update=lock)
    if row is None:
        raise NotFound(f"no approval request {request_id}")
    try:
        system = get_system_ref(session, principal, row.system_id)
    except NotFound:
        raise NotFound(f"no approval request {request_id}") from None
    return row, system


def lifecycle_events(session: Session, system_id: uuid.UUID) -> list[EventView]:
    rows = session.execute(
        select(LifecycleEventRow)
        .where(LifecycleEventRow.system_id == system_id)
        .order_by(LifecycleEventRow.at.desc())
    ).scalars()
    return [event_view(r) for r in rows]


# --- the timeline ----------------------------------------------------------------------------

# Audit actions already told by a richer entry of the timeline.
SHOWN_ELSEWHERE = frozenset(
    {"lifecycle.moved", "lifecycle.admitted", "approval.requested", "approval.decided"}
)
AUDIT_LIMIT = 500


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    kind: str  # lifecycle | request | decision | audit
    actor: str
    title: str
    detail: str = ""
    request_id: uuid.UUID | None = None
    gate: GateResult | None = None
    action: str = ""


def _lifecycle(session: Session, system_id: uuid.UUID) -> list[HistoryEntry]:
    entries = []
    for e in lifecycle_events(session, system_id):
        title = (
            f"Admitted at {e.to_stage}"
            if e.from_stage is None
            else f"Moved from {e.from_stage} to {e.to_stage}"
        )
        entries.append(
            HistoryEntry(e.at, "lifecycle", e.actor, title, e.reason, e.request_id, e.gate)
        )
    return entries


def _requests(session: Session, system_id: uuid.UUID) -> tuple[list[HistoryEntry], list[uuid.UUID]]:
    rows = list(
        session.execute(
            select(ApprovalRequestRow).where(ApprovalRequestRow.system_id == system_id)
        ).scalars()
    )
    names = system_names(session, [system_id]).get(system_id)
    entries: list[HistoryEntry] = []
    if names is None:
        return entries, []
    ids = [r.id for r in rows]
    for row in rows:
        view = request_view(row, names)
        entries.append(
            HistoryEntry(
                row.created_at,
                "request",
                row.requested_by,
                f"Requested: {view.title} ({view.status})",
                row.reason,
                row.id,
                view.gate,
            )
        )
    if ids:
        for d in session.execute(
            select(DecisionRow).where(DecisionRow.request_id.in_(ids))
        ).scalars():
            verb = "Approved" if d.decision == "approve" else "Rejected"
            entries.append(
                HistoryEntry(
                    d.decided_at,
                    "decision",
                    f"user:{d.approver}",
                    f"{verb} as {d.role}",
                    d.reason,
                    d.request_id,
                )
            )
    return entries, ids


def _audit(
    session: Session, system_id: uuid.UUID, request_ids: list[uuid.UUID]
) -> list[HistoryEntry]:
    keys = [str(system_id), *(str(i) for i in request_ids)]
    rows = session.execute(
        select(AuditEventRow)
        .where(
            AuditEventRow.object_id.in_(keys),
            AuditEventRow.action.not_in(SHOWN_ELSEWHERE),
        )
        .order_by(AuditEventRow.seq.desc())
        .limit(AUDIT_LIMIT)
    ).scalars()
    entries = []
    for row in rows:
        after = row.after or row.before or {}
        detail = ", ".join(
            f"{k}: {v}" for k, v in after.items() if isinstance(v, (str, int, float)) and v != ""
        )
        entries.append(
            HistoryEntry(
                row.occurred_at, "audit", row.actor, row.action, detail[:300], action=row.action
            )
        )
    return entries


def system_history(
    session: Session, principal: Principal, system_id: uuid.UUID
) -> list[HistoryEntry]:
    """The system's timeline, newest first (NotFound outside the principal's units)."""
    get_system_ref(session, principal, system_id)
    requests, ids = _requests(session, system_id)
    entries = [*_lifecycle(session, system_id), *requests, *_audit(session, system_id, ids)]
    return sorted(entries, key=lambda e: e.at, reverse=True)
