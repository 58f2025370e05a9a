"""The demo's moves and approvals, made through the services as the demo's people, so the
audit trail names them: a blocked deployment awaiting the ops manager, a rejected earlier
attempt, a request pending on the triage assistant, and a completed lifecycle history.

Idempotent: a system that already has a request (or lifecycle events) is left as it is.
Runs after the inventory, risk and policy contributors (it needs their systems and policies).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.authn import user_principal
from aitower.core.access.roles import Role
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext
from aitower.core.demo.organisation import DemoOrganisation
from aitower.core.errors import DomainError, NotFound
from aitower.governance import approvals, evidence, moves
from aitower.governance.approval_rules import needed_roles
from aitower.governance.history import passes
from aitower.governance.tables import ApprovalRequestRow, LifecycleEventRow
from aitower.inventory.service import get_system_ref
from aitower.inventory.tables import SystemRow

CREDIT = "Credit scoring model"
TRIAGE = "Healthcare triage assistant"
MARKETING = "Marketing content generator"


def _as(session: Session, demo: DemoOrganisation, role: Role) -> ChangeContext | None:
    user = demo.users.get(role)
    row = None if user is None else session.get(UserRow, user.id)
    return None if row is None else ChangeContext(user_principal(row))


def _has_requests(session: Session, system_id: uuid.UUID) -> bool:
    found = session.execute(
        select(ApprovalRequestRow.id).where(ApprovalRequestRow.system_id == system_id)
    ).first()
    return found is not None


def _requester(session: Session, demo: DemoOrganisation, system_id: uuid.UUID) -> ChangeContext:
    """Ethan (the engineer) when his units include the system; else the admin asks."""
    ethan = _as(session, demo, Role.engineer)
    if ethan is not None and ethan.principal.sees_unit(
        get_system_ref(session, _admin(session, demo).principal, system_id).unit_id
    ):
        return ethan
    return _admin(session, demo)


def _admin(session: Session, demo: DemoOrganisation) -> ChangeContext:
    ctx = _as(session, demo, Role.admin)
    if ctx is None:
        raise NotFound("the demo admin is missing")
    return ctx


def _would_pass(session: Session, system_id: uuid.UUID) -> bool:
    return passes(moves.evaluate(session, system_id, "deployment", requester_id=None))


def _credit(session: Session, demo: DemoOrganisation, system_id: uuid.UUID) -> None:
    """A rejected first attempt, then a pending one approved by governance, ops awaited."""
    asker = _requester(session, demo, system_id)
    gabriel = _as(session, demo, Role.governance)
    if _would_pass(session, system_id):
        return  # not high-risk here (no tier or policy): no request to show
    first = moves.request_move(
        session, asker, system_id, "deployment", "Model validated on the 2025 holdout set"
    )
    if first.request is None or gabriel is None:
        return  # the gate passed (no high-risk policy or tier): nothing to approve
    if "governance" not in needed_roles(first.request.required):
        approvals.withdraw(session, asker, first.request.id, "Not high-risk after all")
        return  # the tier is not high: no sign-off to show
    approvals.decide(
        session,
        gabriel,
        first.request.id,
        "reject",
        "No bias evaluation yet; resubmit with it and the human-oversight plan.",
    )
    evidence.attach(
        session,
        asker,
        system_id,
        kind="impact_assessment",
        title="Credit scoring AI impact assessment v1",
        uri="https://docs.example.com/ai/credit-scoring/impact-assessment.pdf",
    )
    second = moves.request_move(
        session, asker, system_id, "deployment", "Impact assessment done; go-live planned for Q3"
    )
    if second.request is not None:
        approvals.decide(
            session,
            gabriel,
            second.request.id,
            "approve",
            "Assessment reviewed; fine by me once the plan and bias evaluation are attached.",
        )
    demo.note("approval requests", CREDIT)


def _triage(session: Session, demo: DemoOrganisation, system_id: uuid.UUID) -> None:
    asker = _requester(session, demo, system_id)
    if _would_pass(session, system_id):
        return  # a demo must not deploy a system no policy holds back
    moves.request_move(
        session, asker, system_id, "deployment", "Pilot with the health line team next month"
    )
    demo.note("approval requests", TRIAGE)


def _marketing(session: Session, demo: DemoOrganisation, system_id: uuid.UUID) -> None:
    """Admitted, sent back to planning for a legal review, then moved to development again."""
    olivia = _as(session, demo, Role.ops_manager)
    if olivia is None:
        return
    moves.request_intake(session, olivia, system_id, "Registered by Marketing; admit it")
    moves.request_move(session, olivia, system_id, "planning", "Legal review of generated copy")
    moves.request_move(session, olivia, system_id, "development", "Legal review done")
    demo.note("lifecycle moves", MARKETING)


def _systems(session: Session) -> dict[str, uuid.UUID]:
    """The demo systems by our names, matched case-insensitively (demos spell them variously)."""
    wanted = {name.lower(): name for name in (CREDIT, TRIAGE, MARKETING)}
    rows = session.execute(
        select(SystemRow.name, SystemRow.id).where(func.lower(SystemRow.name).in_(list(wanted)))
    )
    return {wanted[name.lower()]: system_id for name, system_id in rows}


def add_demo_approvals(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Add the demo's requests, decisions and moves that are missing (``ctx`` is unused: each
    step acts as the demo person who would take it)."""
    del ctx
    found = _systems(session)
    steps = ((CREDIT, _credit), (TRIAGE, _triage))
    for name, step in steps:
        if name in found and not _has_requests(session, found[name]):
            step(session, demo, found[name])
    marketing = found.get(MARKETING)
    if marketing is not None:
        moved = session.execute(
            select(LifecycleEventRow.id).where(LifecycleEventRow.system_id == marketing)
        ).first()
        if moved is None and not _has_requests(session, marketing):
            try:
                _marketing(session, demo, marketing)
            except DomainError:
                return  # a gate blocked a step: the demo stays as far as it got
