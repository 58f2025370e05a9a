"""Portfolio decisions: each system's recommendation with its reasons, the decision in force, the
history, and recording a decision.

Recording (``portfolio.decided``, audited with the reasons shown at the time) happens in one
transaction with what it starts: **retire** asks governance to move the system to
``retirement`` (``governance.moves.request_move``), **consolidate** does the same, naming the
system it is consolidated into. The move completes at once when its gate passes, or waits as an
approval request on what its gate still needs (a decommission plan, the ops manager's
approval); the decision keeps the move's id either way (the lifecycle event's, or the request's).
A move governance refuses (the system is already retiring, another request is open) refuses
the decision: nothing is recorded, and the error says why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import Conflict, DomainError, InvalidInput, NotFound
from aitower.governance import moves
from aitower.governance.tables import ApprovalRequestRow
from aitower.inventory.service import SystemRef, get_system_ref, system_names, visible_systems
from aitower.portfolio.decision_facts import facts_of
from aitower.portfolio.decision_rules import DECISIONS, Placement, place_all
from aitower.portfolio.tables import PortfolioDecisionRow
from aitower.portfolio.values import SystemValue, default_range, system_values

MAX_NOTE = 4000
RETIRING = frozenset({"retirement", "retired"})


@dataclass(frozen=True, slots=True)
class DecisionView:
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    decision: str
    recommended: str
    reasons: tuple[dict[str, Any], ...]
    into_system_id: uuid.UUID | None
    into_system_name: str | None
    note: str
    move_id: uuid.UUID | None
    move_pending: bool  # the move waits on its gate (move_id is an approval request)
    decided_by: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    """One system on the decisions page: its figures, recommendation and decision in force."""

    value: SystemValue
    placement: Placement | None  # None: retired, nothing to decide
    in_force: DecisionView | None

    @property
    def system(self) -> SystemRef:
        return self.value.system


def _views(session: Session, rows: list[PortfolioDecisionRow]) -> list[DecisionView]:
    ids = {r.system_id for r in rows} | {r.into_system_id for r in rows if r.into_system_id}
    names = system_names(session, ids)
    move_ids = [r.move_id for r in rows if r.move_id is not None]
    requests = set()
    if move_ids:
        requests = set(
            session.execute(
                select(ApprovalRequestRow.id).where(ApprovalRequestRow.id.in_(move_ids))
            ).scalars()
        )
    return [
        DecisionView(
            r.id,
            r.system_id,
            names.get(r.system_id, str(r.system_id)),
            r.decision,
            r.recommended,
            tuple(r.reasons or ()),
            r.into_system_id,
            None if r.into_system_id is None else names.get(r.into_system_id),
            r.note,
            r.move_id,
            r.move_id in requests,
            r.decided_by,
            r.decided_at,
        )
        for r in rows
    ]


def history(
    session: Session, principal: Principal, system_id: uuid.UUID | None = None, limit: int = 200
) -> list[DecisionView]:
    """Decisions on the systems the principal sees (or on one of them), newest first."""
    if system_id is not None:
        ids = [get_system_ref(session, principal, system_id).id]
    else:
        ids = [s.id for s in visible_systems(session, principal)]
    if not ids:
        return []
    d = PortfolioDecisionRow
    rows = session.execute(
        select(d).where(d.system_id.in_(ids)).order_by(d.decided_at.desc(), d.id).limit(limit)
    ).scalars()
    return _views(session, list(rows))


def portfolio(
    session: Session, principal: Principal, start: date, end: date
) -> list[PortfolioLine]:
    """Every visible system with its recommendation over [start, end) and decision in force."""
    values = system_values(session, principal, start, end)
    weighed = facts_of(session, values, start, end)
    placements = place_all(weighed.facts)
    in_force: dict[uuid.UUID, DecisionView] = {}
    for view in history(session, principal, limit=10_000):
        in_force.setdefault(view.system_id, view)
    return [
        PortfolioLine(v, placements.get(v.system.id), in_force.get(v.system.id)) for v in values
    ]


def placement_now(
    session: Session, principal: Principal, system_id: uuid.UUID, today: date
) -> Placement | None:
    """The system's recommendation over the default range (what the decision form shows)."""
    start, end = default_range(today)
    values = system_values(session, principal, start, end)
    placements = place_all(facts_of(session, values, start, end).facts)
    return placements.get(system_id)


def _check(
    session: Session,
    principal: Principal,
    system: SystemRef,
    decision: str,
    into: uuid.UUID | None,
    note: str,
) -> SystemRef | None:
    if decision not in DECISIONS:
        raise InvalidInput.on("decision", f"must be one of {', '.join(DECISIONS)}")
    if len(note) > MAX_NOTE:
        raise InvalidInput.on("note", f"must be at most {MAX_NOTE} characters")
    if decision != "consolidate":
        if into is not None:
            raise InvalidInput.on("into_system_id", "only a consolidation names another system")
        return None
    if into is None:
        raise InvalidInput.on("into_system_id", "a consolidation names the system to keep")
    if into == system.id:
        raise InvalidInput.on("into_system_id", "must be another system")
    try:
        target = get_system_ref(session, principal, into)
    except NotFound:
        raise InvalidInput.on("into_system_id", f"no system {into}") from None
    if target.stage.value in RETIRING:
        raise InvalidInput.on("into_system_id", f"{target.name} is itself {target.stage.value}")
    return target


def _start_move(
    session: Session, ctx: ChangeContext, system: SystemRef, why: str
) -> tuple[uuid.UUID, bool]:
    """Ask governance to move the system to retirement: (the move's id, pending)."""
    try:
        outcome = moves.request_move(session, ctx, system.id, "retirement", why)
    except NotFound:
        raise
    except DomainError as exc:
        refused = f"governance refused the move to retirement: {exc.detail}"
        if isinstance(exc, Conflict):
            raise Conflict.on("decision", refused) from None
        raise InvalidInput.on("decision", refused) from None
    if outcome.event is not None:
        return outcome.event.id, False
    assert outcome.request is not None  # pending: the request that holds the gate
    return outcome.request.id, True


def record_decision(
    session: Session,
    ctx: ChangeContext,
    system_id: uuid.UUID,
    decision: str,
    *,
    into_system_id: uuid.UUID | None = None,
    note: str = "",
    now: datetime | None = None,
) -> DecisionView:
    """Record a decision on a system (module docstring); retire and consolidate start the move
    to retirement in the same transaction."""
    now = now or utcnow()
    principal = ctx.principal
    system = get_system_ref(session, principal, system_id)
    note = note.strip()
    decision = decision.strip().lower()
    target = _check(session, principal, system, decision, into_system_id, note)
    placement = placement_now(session, principal, system_id, now.date())
    move_id, pending = None, False
    if decision in ("retire", "consolidate"):
        why = f"Portfolio decision: {decision}"
        if target is not None:
            why += f" into {target.name}"
        move_id, pending = _start_move(session, ctx, system, why + (f". {note}" if note else ""))
    row = PortfolioDecisionRow(
        system_id=system.id,
        decision=decision,
        recommended="" if placement is None else placement.recommended,
        reasons=[] if placement is None else [r.document() for r in placement.reasons],
        into_system_id=None if target is None else target.id,
        note=note,
        move_id=move_id,
        decided_by=principal.actor,
        decided_at=now,
    )
    session.add(row)
    session.flush()
    _audit(session, ctx, row, pending)
    return _views(session, [row])[0]


def _audit(session: Session, ctx: ChangeContext, row: PortfolioDecisionRow, pending: bool) -> None:
    """``portfolio.decided`` with the reasons shown at the time and the move it started."""
    after = {
        "decision": row.decision,
        "recommended": row.recommended,
        "reasons": row.reasons,
        "into_system_id": row.into_system_id,
        "note": row.note,
        "move_id": row.move_id,
        "move_pending": pending,
        "decision_id": row.id,
    }
    record_change(session, ctx, "portfolio.decided", "ai_system", row.system_id, after=after)
