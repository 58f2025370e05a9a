"""The value demo: value models on the demo systems, three summarisers doing one job (the
journey consolidates them), the ops manager's earlier "scale"; twice-safe."""

from __future__ import annotations

from sqlalchemy import func, select

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, load_demo, load_demo_history
from aitower.core.demo.organisation import DemoPassword
from aitower.inventory.demo import add_demo_inventory
from aitower.portfolio import decisions
from aitower.portfolio.demo_value import CHATBOT, MEETINGS, MODELS, REPORTS, TICKETS, add_demo_value
from aitower.portfolio.tables import PortfolioDecisionRow, ValueModelRow
from aitower.portfolio.values import default_range
from aitower.spend.tables import SpendRecordRow

CONTRIBUTORS = (*FOUNDATION_CONTRIBUTORS, add_demo_inventory, add_demo_value)


def _counts(db: Database) -> tuple[int, int, int]:
    with db.reading() as session:
        return tuple(  # type: ignore[return-value]
            int(session.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (ValueModelRow, PortfolioDecisionRow, SpendRecordRow)
        )


def test_demo_value_story_and_twice_safe(db: Database) -> None:
    ctx = ChangeContext(system_principal("demo"))
    password = DemoPassword("demo-password-123", "env")
    demo = load_demo(db, ctx, password, contributors=CONTRIBUTORS)
    assert demo is not None
    load_demo_history(db, demo, scale=1.0)
    models, decided, invoices = _counts(db)
    assert models == len(MODELS) and decided == 1 and invoices == 3 * 13
    with db.reading() as session:
        start, end = default_range(utcnow().date())
        lines = {
            line.system.name: line
            for line in decisions.portfolio(session, ctx.principal, start, end)
        }
    assert lines[CHATBOT].in_force is not None and lines[CHATBOT].in_force.decision == "scale"
    assert lines[CHATBOT].in_force.decided_by != ctx.principal.actor  # the ops manager
    tickets, meetings, reports = lines[TICKETS], lines[MEETINGS], lines[REPORTS]
    assert tickets.value.roi is not None and tickets.value.roi > 5  # strongly positive
    assert meetings.value.roi is not None and meetings.value.roi < -0.5  # negative
    for line in (meetings, reports):
        assert line.placement is not None and line.placement.recommended == "retire"
        assert line.placement.into_system_name == TICKETS
    assert tickets.placement is not None and tickets.placement.recommended == "scale"
    again = load_demo(db, ctx, password, contributors=CONTRIBUTORS)
    assert again is not None
    load_demo_history(db, again, scale=1.0)
    assert _counts(db) == (models, decided, invoices)
