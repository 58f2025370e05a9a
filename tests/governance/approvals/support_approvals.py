"""Helpers of the approval tests: a policy from YAML, users with clients, audit counts."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.governance import policy_service
from aitower.governance.policy import parse_policy
from aitower.governance.tables import PolicyRow, PolicyVersionRow
from support import CTX, login

HIGH_RISK_DEPLOY = """\
key: high-risk-deploy
name: High-risk systems need oversight
gates: [deployment]
applies_to: {tiers: [high]}
requirements:
  - document: human_oversight_plan
  - approval: {role: governance, count: 1}
  - approval: {role: ops_manager, count: 1}
"""


def add_policy(db: Database, source: str = HIGH_RISK_DEPLOY) -> None:
    """Through the policy service when it is there; else the rows it would write."""
    with db.writing() as session:
        create = getattr(policy_service, "create_policy", None)
        if create is not None:
            create(session, CTX, source, "test policy")
            return
        policy, document = parse_policy(source)
        row = PolicyRow(key=policy.key, name=policy.name, version=1, document=document)
        session.add(row)
        session.flush()
        session.add(
            PolicyVersionRow(
                policy_id=row.id, version=1, source=source, document=document, author="test"
            )
        )


def audit_count(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def audit_actions(db: Database, after_seq: int = 0) -> list[str]:
    with db.reading() as session:
        rows = session.execute(
            select(AuditEventRow.action)
            .where(AuditEventRow.seq > after_seq)
            .order_by(AuditEventRow.seq)
        ).scalars()
        return list(rows)


class As:
    """One logged-in user with a client of their own (own cookies), posting with CSRF."""

    def __init__(self, app: FastAPI, username: str) -> None:
        self.client = TestClient(app)
        self.username = username
        self.token = login(self.client, username)

    def post(self, path: str, body: dict[str, object] | None = None) -> Response:
        return self.client.post(path, json=body or {}, headers={"x-csrf-token": self.token})

    def get(self, path: str) -> Response:
        return self.client.get(path)

    def delete(self, path: str) -> Response:
        return self.client.delete(path, headers={"x-csrf-token": self.token})
