"""Test helpers that put AI systems and vendors in the inventory, through its services."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from aitower.core.access.principal import Principal, PrincipalKind
from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext, count_events
from aitower.core.db.engine import Database
from aitower.inventory import service, vendors
from aitower.inventory.records import SystemDetail
from aitower.inventory.vocabulary import RiskTier
from support import CTX

TODAY = date(2026, 6, 1)


def make_system(
    db: Database,
    unit_id: uuid.UUID,
    name: str | None = None,
    *,
    kind: str = "llm_app",
    stage: str = "development",
    risk_tier: str | None = None,
) -> uuid.UUID:
    """A minimal system registered through the inventory service (tier set as risk would)."""
    doc = {
        "name": name or f"system-{uuid.uuid4().hex[:8]}",
        "kind": kind,
        "unit": str(unit_id),
        "stage": stage,
    }
    with db.writing() as session:
        made = service.create_system(session, CTX, doc)
        if risk_tier is not None:
            service.set_risk_tier(session, made.id, RiskTier(risk_tier))
    return made.id


def scoped(unit_id: uuid.UUID, role: Role = Role.engineer) -> ChangeContext:
    """A user-like context that sees one business unit only."""
    return ChangeContext(Principal(PrincipalKind.user, None, "scoped", role, frozenset({unit_id})))


def add_vendor(db: Database, name: str = "OpenAI", **values: Any) -> uuid.UUID:
    with db.writing() as session:
        made = vendors.create_vendor(
            session, CTX, {"name": name, "vendor_type": "model_provider", **values}, TODAY
        )
    return made.id


def add_system(db: Database, ctx: ChangeContext = CTX, **values: Any) -> SystemDetail:
    doc = {"name": f"sys-{uuid.uuid4().hex[:6]}", "kind": "llm_app", "unit": "finance", **values}
    with db.writing() as session:
        return service.create_system(session, ctx, doc)


def audit_count(db: Database) -> int:
    with db.reading() as session:
        return count_events(session)
