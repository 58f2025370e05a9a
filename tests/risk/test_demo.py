"""The risk demo contributor: assesses the inventory's demo systems, fills registers, twice-safe."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, load_demo
from aitower.core.demo.organisation import DemoOrganisation, DemoPassword
from aitower.inventory.tables import SystemRow
from aitower.risk import service
from aitower.risk.demo import add_demo_risk
from aitower.risk.tables import RiskRow

NAMES = (
    "Customer Support Chatbot",
    "Knowledge Assistant",
    "Marketing Content Generator",
    "Sales Forecasting Model",
    "Fraud Detection Model",
    "Credit Scoring Model",
    "Healthcare Triage Assistant",  # no Coding Copilot: a missing system is skipped
)


def _inventory(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
    """Stands in for the inventory's contributor: the named systems, once."""
    existing = set(session.execute(select(SystemRow.name)).scalars())
    unit = next(iter(demo.units.values()))
    for name in NAMES:
        if name not in existing:
            session.add(
                SystemRow(
                    id=uuid.uuid4(),
                    name=name,
                    search_text="",
                    kind="llm_app",
                    unit_id=unit.id,
                    stage="deployment",
                    autonomy="human_in_the_loop",
                    affected=[],
                    models=[],
                    data_sources=[],
                    data_classification="internal",
                    environments=[],
                    links={},
                )
            )
    session.flush()


def test_demo_assesses_and_adds_risks_once(db: Database) -> None:
    ctx = ChangeContext(system_principal("demo"))
    contributors = [*FOUNDATION_CONTRIBUTORS, _inventory, add_demo_risk]
    first = load_demo(
        db, ctx, DemoPassword("a demo password 123", "stdin"), contributors=contributors
    )
    assert first is not None
    with db.reading() as session:
        ids = dict(session.execute(select(SystemRow.name, SystemRow.id)).all())
        current = service.current_assessments(session, None)
        risks = session.execute(select(func.count()).select_from(RiskRow)).scalar_one()
        overdue = service.overdue_reviews(session, ctx.principal, utcnow().date())
    tiers = {name: current[i].tier.value for name, i in ids.items() if i in current}
    assert tiers == {
        "Credit Scoring Model": "high",
        "Healthcare Triage Assistant": "high",
        "Customer Support Chatbot": "limited",
        "Knowledge Assistant": "limited",
        "Marketing Content Generator": "limited",
        "Fraud Detection Model": "minimal",
    }
    assert risks >= 2 * len(NAMES) and len(overdue) >= 2
    second = load_demo(
        db, ctx, DemoPassword("a demo password 123", "stdin"), contributors=contributors
    )
    assert second is not None and not second.changed


def test_demo_on_the_inventory_demo(db: Database) -> None:
    from aitower.inventory.demo import add_demo_inventory

    ctx = ChangeContext(system_principal("demo"))
    contributors = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_risk]
    password = DemoPassword("a demo password 123", "stdin")
    demo = load_demo(db, ctx, password, contributors=contributors)
    assert demo is not None
    assert sum(1 for kind, _ in demo.created if kind == "EU AI Act assessments") == 7
    with db.reading() as session:
        assert len(service.overdue_reviews(session, ctx.principal, utcnow().date())) >= 2
    again = load_demo(db, ctx, password, contributors=contributors)
    assert again is not None and not again.changed
