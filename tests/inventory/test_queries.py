"""The inventory list: filters, sorting, paging and scope; export gives what import accepts."""

from __future__ import annotations

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.inventory import service
from aitower.inventory.lifecycle import Stage
from aitower.inventory.queries import SystemFilter, SystemSort, export_systems, list_systems
from aitower.inventory.vocabulary import Classification, RiskTier, SystemKind
from support import CTX, make_user, seed_units
from support_inventory import add_system, add_vendor, scoped


def names(db: Database, flt: SystemFilter, **kw: object) -> list[str]:
    with db.reading() as session:
        items, total = list_systems(session, CTX.principal, flt, **kw)  # type: ignore[arg-type]
    assert total >= len(items)
    return [i.name for i in items]


def test_filters(db: Database) -> None:
    seed_units(db)
    make_user(db, Role.engineer, username="ethan")
    add_vendor(db, "OpenAI")
    add_system(
        db,
        name="Alpha chatbot",
        purpose="Answers customers",
        tags=["chat"],
        vendors=["OpenAI"],
        technical_owner="ethan",
        data_sources=[{"name": "crm", "classification": "confidential", "personal_data": True}],
    )
    beta = add_system(db, name="Beta model", kind="ml_model", unit="marketing", stage="monitoring")
    with db.writing() as session:
        service.set_risk_tier(session, beta.id, RiskTier.high)
    assert names(db, SystemFilter(q="CUSTOMERS")) == ["Alpha chatbot"]
    assert names(db, SystemFilter(q="%")) == []
    assert names(db, SystemFilter(kind=SystemKind.ml_model)) == ["Beta model"]
    assert names(db, SystemFilter(stage=Stage.monitoring)) == ["Beta model"]
    assert names(db, SystemFilter(tier="unassessed")) == ["Alpha chatbot"]
    assert names(db, SystemFilter(tier="high")) == ["Beta model"]
    assert names(db, SystemFilter(owner="ethan")) == ["Alpha chatbot"]
    assert names(db, SystemFilter(tag="chat")) == ["Alpha chatbot"]
    assert names(db, SystemFilter(vendor="openai")) == ["Alpha chatbot"]
    assert names(db, SystemFilter(classification=Classification.confidential)) == ["Alpha chatbot"]
    assert names(db, SystemFilter(personal_data=False)) == ["Beta model"]
    assert names(db, SystemFilter(), sort=SystemSort.stage, descending=True) == [
        "Beta model",
        "Alpha chatbot",
    ]
    assert names(db, SystemFilter(), sort=SystemSort.tier) == ["Beta model", "Alpha chatbot"]


def test_paging_and_scope(db: Database) -> None:
    units = seed_units(db)
    for i in range(5):
        add_system(db, name=f"f{i}")
    add_system(db, name="m0", unit="marketing")
    with db.reading() as session:
        page, total = list_systems(session, CTX.principal, SystemFilter(), limit=2, offset=2)
        assert (total, [p.name for p in page]) == (6, ["f2", "f3"])
        mine, total = list_systems(session, scoped(units.unit_id).principal, SystemFilter())
        assert total == 5 and all(i.unit_name == "Finance" for i in mine)
        docs = export_systems(session, scoped(units.unit_id).principal, SystemFilter())
    assert len(docs) == 5
