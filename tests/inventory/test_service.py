"""Registering, changing and reading systems through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory import service
from aitower.inventory.lifecycle import Stage
from aitower.inventory.vocabulary import RiskTier
from support import CTX, make_user, seed_units
from support_inventory import TODAY, add_system, add_vendor, audit_count, scoped


def test_create_resolves_references_and_audits(db: Database) -> None:
    seed_units(db)
    owner = make_user(db, Role.engineer, username="ethan")
    add_vendor(db, "OpenAI")
    before = audit_count(db)
    made = add_system(
        db,
        name="Support bot",
        accountable_owner="ethan",
        vendors=["openai"],
        services=["support-bot"],
        tags=["chat"],
        data_sources=[{"name": "crm", "classification": "confidential", "personal_data": True}],
    )
    assert audit_count(db) == before + 1
    assert made.stage is Stage.planning
    assert made.unit_name == "Finance"
    assert made.accountable_owner is not None and made.accountable_owner.username == owner
    assert made.vendors == ("OpenAI",)
    assert made.personal_data
    with db.reading() as session:
        assert service.get_system(session, CTX.principal, made.id) == made
        assert service.system_for_service(session, "support-bot") == made.id
        assert service.system_ids_by_name(session, ["Support bot", "nope"]) == {
            "Support bot": made.id
        }


def test_onboarding_keeps_the_given_stage(db: Database) -> None:
    seed_units(db)
    assert add_system(db, stage="monitoring").stage is Stage.monitoring


def test_refused_input_names_every_field_and_writes_nothing(db: Database) -> None:
    seed_units(db)
    before = audit_count(db)
    with pytest.raises(InvalidInput) as caught:
        add_system(db, unit="nowhere", accountable_owner="ghost", vendors=["Nobody"])
    assert {i.field for i in caught.value.issues} == {"unit", "accountable_owner", "vendors[0]"}
    assert audit_count(db) == before


def test_duplicate_name_and_claimed_service_are_refused(db: Database) -> None:
    seed_units(db)
    add_system(db, name="Bot", services=["bot"])
    with pytest.raises(Conflict) as caught:
        add_system(db, name="Bot")
    assert caught.value.issues[0].field == "name"
    with pytest.raises(InvalidInput) as refused:
        add_system(db, name="Other", services=["ok", "bot"])
    assert refused.value.issues[0].field == "services[1]"


def test_unit_scoped_principals_register_and_see_only_their_units(db: Database) -> None:
    units = seed_units(db)
    ctx = scoped(units.unit_id)
    with pytest.raises(InvalidInput) as caught:
        add_system(db, ctx, unit="marketing")
    assert caught.value.issues[0].field == "unit"
    theirs = add_system(db, ctx, unit="finance")
    other = add_system(db, unit="marketing")
    with db.reading() as session:
        assert service.get_system(session, ctx.principal, theirs.id).id == theirs.id
        with pytest.raises(NotFound):
            service.get_system(session, ctx.principal, other.id)
    with db.writing() as session, pytest.raises(NotFound):
        service.update_system(session, ctx, other.id, {"purpose": "x"})


def test_update_is_partial_checks_the_whole_and_never_moves_the_stage(db: Database) -> None:
    seed_units(db)
    made = add_system(db, purpose="old", tags=["a"], services=["svc"])
    with db.writing() as session:
        changed = service.update_system(session, CTX, made.id, {"purpose": "new", "tags": ["b"]})
    assert (changed.purpose, changed.tags, changed.services) == ("new", ("b",), ("svc",))
    before = audit_count(db)
    with db.writing() as session, pytest.raises(InvalidInput) as caught:
        service.update_system(session, CTX, made.id, {"stage": "monitoring"})
    assert caught.value.issues[0].field == "stage"
    with db.writing() as session, pytest.raises(InvalidInput):
        service.update_system(session, CTX, made.id, {"links": {"docs": "nope"}})
    assert audit_count(db) == before


def test_governance_facts_in_bulk(db: Database) -> None:
    units = seed_units(db)
    add_vendor(db, "OpenAI", trains_on_customer_data=True, data_residency="US")
    a = add_system(db, vendors=["OpenAI"], tags=["x"], purpose="p", services=["s"])
    b = add_system(db, unit="marketing")
    with db.writing() as session:
        service.set_risk_tier(session, a.id, RiskTier.high)
    with db.reading() as session:
        every = service.governance_facts(session, None, None, TODAY)
        scoped_facts = service.governance_facts(
            session, scoped(units.unit_id).principal, None, TODAY
        )
        only_b = service.governance_facts(session, None, [b.id], TODAY)
    assert set(every) == {a.id, b.id}
    assert set(scoped_facts) == {a.id}
    assert set(only_b) == {b.id}
    facts = every[a.id]
    assert facts.tier == "high" and facts.unit == "Finance" and facts.tags == {"x"}
    assert facts.fields_set == {"purpose", "vendors", "tags", "telemetry_services"}
    assert facts.vendors[0].name == "OpenAI" and facts.vendors[0].risk_rating == "high"
    assert every[b.id].vendors == ()
