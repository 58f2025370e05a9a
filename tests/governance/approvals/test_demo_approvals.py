"""The approvals demo: made as the demo's people, through the services, and twice-safe."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, DemoPassword, load_demo
from aitower.core.demo.organisation import DemoOrganisation
from aitower.governance.demo_approvals import add_demo_approvals
from aitower.governance.demo_policies import add_demo_policies
from aitower.governance.tables import ApprovalRequestRow, DecisionRow, LifecycleEventRow
from aitower.inventory.demo import add_demo_inventory
from aitower.inventory.tables import SystemRow
from aitower.risk.demo import add_demo_risk


def _high_risk(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Stands in for an assessment: the two systems the demo needs blocked are high-risk."""
    for name in ("Credit scoring model", "Healthcare triage assistant"):
        row = session.execute(select(SystemRow).where(SystemRow.name == name)).scalar_one()
        row.risk_tier = "high"


def _counts(db: Database) -> tuple[int, int, int]:
    with db.reading() as session:
        return tuple(  # type: ignore[return-value]
            int(session.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (ApprovalRequestRow, DecisionRow, LifecycleEventRow)
        )


def test_demo_approvals_are_made_by_people_and_once(db: Database) -> None:
    ctx = ChangeContext(system_principal("demo"))
    contributors = [
        *FOUNDATION_CONTRIBUTORS,
        add_demo_inventory,
        add_demo_risk,
        _high_risk,
        add_demo_policies,
        add_demo_approvals,
    ]
    password = DemoPassword("a demo password 123", "stdin")
    load_demo(db, ctx, password, contributors=contributors)
    first = _counts(db)
    assert first[0] >= 1 and first[2] >= 1
    with db.reading() as session:
        statuses = dict(
            session.execute(
                select(ApprovalRequestRow.status, func.count()).group_by(ApprovalRequestRow.status)
            ).all()
        )
        actors = set(
            session.execute(
                select(AuditEventRow.actor).where(AuditEventRow.action.like("approval.%"))
            ).scalars()
        )
    assert statuses == {"pending": 2, "rejected": 1}, statuses
    assert "user:gabriel.okafor" in actors
    assert first[1] == 2  # gabriel rejected the first attempt and approved the second
    assert first[2] == 3  # the marketing generator: admitted, to planning, back to development
    load_demo(db, ctx, password, contributors=contributors)
    assert _counts(db) == first
