"""The demo inventory: the eight systems and realistic vendors, loaded once, idempotent."""

from __future__ import annotations

from aitower.core.access.principal import system_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.loader import FOUNDATION_CONTRIBUTORS, DemoPassword, load_demo
from aitower.inventory import queries, service, vendors
from aitower.inventory.demo import add_demo_inventory


def test_demo_inventory_is_complete_and_idempotent(db: Database) -> None:
    ctx = ChangeContext(system_principal("demo"))
    password = DemoPassword("a demo password", "stdin")
    contributors = [*FOUNDATION_CONTRIBUTORS, add_demo_inventory]
    first = load_demo(db, ctx, password, contributors=contributors)
    assert first is not None
    assert sum(1 for kind, _ in first.created if kind == "AI systems") == 8
    assert sum(1 for kind, _ in first.created if kind == "vendors") == 7
    second = load_demo(db, ctx, password, contributors=contributors)
    assert second is not None and not second.changed
    today = utcnow().date()
    with db.reading() as session:
        items, total = queries.list_systems(session, ctx.principal, queries.SystemFilter())
        assert total == 8
        chatbot = service.system_for_service(session, "support-chatbot")
        assert chatbot is not None
        detail = service.get_system(session, ctx.principal, chatbot)
        assert detail.accountable_owner is not None
        assert detail.accountable_owner.username == "olivia.chen"
        ratings = {
            v.name: v.rating.level.value for v in vendors.list_vendors(session, today=today)[0]
        }
        due = vendors.list_vendors(session, today=today, renewal_within_days=60)[0]
    assert ratings["Northwind Analytics"] == "critical"  # personal data, no DPA, trains on data
    assert ratings["Zendesk"] == "high"  # expired SOC 2
    assert [v.name for v in due] == ["OpenAI"]
    triage = next(i for i in items if i.name == "Healthcare triage assistant")
    assert triage.data_classification.value == "restricted"
