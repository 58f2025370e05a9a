"""A history lived at fixed moments, through the real services, for the audit journey's tests.

The clock is held at each moment (time_machine), so every audit event carries the time written
here and the tests can ask for the organisation before, between and after them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from aitower.core.access.authn import user_principal
from aitower.core.access.roles import Role
from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.governance import approvals, evidence, moves, policy_service
from aitower.inventory import service as inventory
from aitower.risk import service as risk
from support import CTX, make_user, seed_units

REGISTERED = datetime(2026, 3, 2, 9, tzinfo=UTC)
LIMITED = datetime(2026, 3, 4, 10, tzinfo=UTC)  # assessed limited, moved to development
HIGH = datetime(2026, 3, 10, 11, tzinfo=UTC)  # purpose edited, assessed high, policy v1, request
APPROVED = datetime(2026, 3, 12, 14, tzinfo=UTC)  # plan attached, two approvals, deployed
SECOND = datetime(2026, 3, 15, 8, tzinfo=UTC)  # a second system registered
POLICY_V2 = datetime(2026, 3, 20, 16, tzinfo=UTC)

POLICY = """\
key: high-risk-deploy
name: High-risk systems need oversight
gates: [deployment]
applies_to: {tiers: [high]}
requirements:
  - document: human_oversight_plan
  - approval: {role: governance, count: 1}
  - approval: {role: ops_manager, count: 1}
"""
POLICY_STRICTER = POLICY.replace("need oversight", "need oversight and a second look")


@dataclass(frozen=True)
class History:
    credit: uuid.UUID
    chatbot: uuid.UUID
    request: uuid.UUID
    governance: str  # usernames of the approvers
    ops: str


def _as(db: Database, username: str) -> ChangeContext:
    with db.reading() as session:
        row = session.execute(select(UserRow).where(UserRow.username == username)).scalar_one()
        return ChangeContext(user_principal(row))


def _answers(*yes: str) -> dict[str, bool]:
    from aitower.risk.eu_ai_act import template_answers

    result = template_answers()
    for qid in yes:
        result[qid] = True
    return result


def live_history(db: Database) -> History:
    """The credit model's path to production, as the journeys tell it, on a fixed calendar."""
    with time_machine.travel(REGISTERED, tick=False):
        seed_units(db)
        gina = make_user(db, Role.governance, username="gina")
        olivia = make_user(db, Role.ops_manager, username="olivia")
        doc = {"name": "Credit scoring", "kind": "ml_model", "unit": "finance"}
        with db.writing() as session:
            credit = inventory.create_system(session, CTX, {**doc, "purpose": "Consumer loans"}).id
    with time_machine.travel(LIMITED, tick=False), db.writing() as session:
        risk.assess(session, CTX, credit, _answers("interacts_with_people"))
        moves.request_move(session, CTX, credit, "development", "Prototype approved")
    with time_machine.travel(HIGH, tick=False), db.writing() as session:
        inventory.update_system(session, CTX, credit, {"purpose": "Consumer and SME loans"})
        risk.assess(session, CTX, credit, _answers("creditworthiness", "profiling"))
        policy_service.create_policy(session, CTX, POLICY, "oversight for high risk")
        outcome = moves.request_move(session, CTX, credit, "deployment", "Go live in Q2")
        assert outcome.request is not None
        request = outcome.request.id
    with time_machine.travel(APPROVED, tick=False):
        with db.writing() as session:
            evidence.attach(
                session,
                CTX,
                credit,
                kind="human_oversight_plan",
                title="Oversight plan v1",
                uri="https://docs.example.com/credit/oversight.pdf",
            )
        with db.writing() as session:
            approvals.decide(session, _as(db, gina), request, "approve", "Plan is sound")
        with db.writing() as session:
            approvals.decide(session, _as(db, olivia), request, "approve")
    with time_machine.travel(SECOND, tick=False), db.writing() as session:
        chatbot = inventory.create_system(
            session, CTX, {**doc, "name": "Chatbot", "kind": "llm_app"}
        ).id
    with time_machine.travel(POLICY_V2, tick=False), db.writing() as session:
        policy_service.update_policy(session, CTX, "high-risk-deploy", POLICY_STRICTER, "stricter")
    return History(credit, chatbot, request, gina, olivia)
