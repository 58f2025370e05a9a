"""Risk use cases on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, func, select

from aitower.core.access.roles import Role
from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory.tables import SystemRow
from aitower.inventory.vocabulary import RiskTier
from aitower.risk import service
from aitower.risk.register import RiskFields
from risk.helpers import answers, unit_principal
from support import CTX, make_user, seed_units
from support_inventory import make_system

TODAY = dt.date(2026, 11, 25)


def _events(db: Database, action: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEventRow)
    if action:
        query = query.where(AuditEventRow.action == action)
    with db.reading() as session:
        return int(session.execute(query).scalar_one())


def _tier(db: Database, system_id: object) -> str | None:
    with db.reading() as session:
        return session.execute(
            select(SystemRow.risk_tier).where(SystemRow.id == system_id)
        ).scalar_one()


def _risk(title: str = "Leaks PII", **kw: object) -> service.NewRisk:
    base: dict[str, object] = {"title": title, "category": "privacy", "likelihood": 4, "impact": 5}
    owner = kw.pop("owner", None)
    return service.NewRisk(RiskFields(**{**base, **kw}), owner=owner)  # type: ignore[arg-type]


def test_assess_versions_retiers_and_audits(db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Credit Scoring")
    with db.writing() as session:
        first = service.assess(
            session, CTX, system, answers("creditworthiness", "profiling", "exemption_preparatory")
        )
    assert (first.version, first.tier) == (1, RiskTier.high)
    assert _tier(db, system) == "high"
    with db.writing() as session:
        second = service.assess(session, CTX, system, answers())
    assert (second.version, second.tier) == (2, RiskTier.minimal)
    assert _tier(db, system) == "minimal"
    with db.reading() as session:
        event_row = (
            session.execute(
                select(AuditEventRow)
                .where(AuditEventRow.action == "risk.assessed")
                .order_by(AuditEventRow.seq.desc())
            )
            .scalars()
            .first()
        )
        versions = service.list_assessments(session, CTX.principal, system)
        current = service.current_assessment(session, CTX.principal, system)
    assert event_row is not None and event_row.object_id == str(system)
    assert event_row.before is not None and event_row.after is not None
    assert event_row.before["tier"] == "high" and event_row.after["tier"] == "minimal"
    assert event_row.after["answers"] == {
        "creditworthiness": False,
        "profiling": False,
        "exemption_preparatory": False,
    }
    assert [v.version for v in versions] == [2, 1]
    assert current == second


def test_identical_answers_create_no_new_version(db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    with db.writing() as session:
        service.assess(session, CTX, system, answers("interacts_with_people"))
    before = _events(db)
    with db.writing() as session:
        again = service.assess(session, CTX, system, answers("interacts_with_people"))
    assert again.version == 1
    assert _events(db) == before


def test_refused_answers_write_nothing(db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    before = _events(db)
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        service.assess(session, CTX, system, {**answers(), "bogus": True})
    assert caught.value.issues[0].field == "answers.bogus"
    assert _events(db) == before
    assert _tier(db, system) is None
    with db.reading() as session:
        assert service.current_assessment(session, CTX.principal, system) is None


def test_other_units_systems_are_not_found(db: Database) -> None:
    units = seed_units(db)
    theirs = make_system(db, units.other_unit_id)
    mine = unit_principal(units.unit_id)
    with pytest.raises(NotFound), db.writing() as session:
        service.assess(session, ChangeContext(mine), theirs, answers())
    with pytest.raises(NotFound), db.reading() as session:
        service.current_assessment(session, mine, theirs)
    with pytest.raises(NotFound), db.writing() as session:
        service.add_risk(session, ChangeContext(mine), theirs, _risk())


def test_bulk_reads_are_a_fixed_number_of_queries(db: Database) -> None:
    units = seed_units(db)
    systems = [make_system(db, units.unit_id) for _ in range(4)]
    with db.writing() as session:
        service.assess(session, CTX, systems[0], answers())
        service.assess(session, CTX, systems[1], answers("deep_fakes"))
        service.assess(session, CTX, systems[1], answers("deep_fakes", "creditworthiness"))
        service.add_risk(session, CTX, systems[0], _risk(residual_impact=2))
        service.add_risk(session, CTX, systems[0], _risk("Closed", status="closed"))
        service.add_risk(session, CTX, systems[2], _risk(likelihood=1, impact=1))
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.reading() as session:
        done = service.questionnaire_done(session, systems)
        done_all = service.questionnaire_done(session, None)
        current = service.current_assessments(session, systems)
        scores = service.open_risk_scores(session, systems)
        scores_all = service.open_risk_scores(session, None)
        matrix = service.heat_map(session, CTX.principal)
        overdue = service.overdue_reviews(session, CTX.principal, TODAY)
    assert len(statements) <= 8
    assert done == done_all == {systems[0], systems[1]}
    assert current[systems[1]].version == 2 and current[systems[1]].tier is RiskTier.high
    assert scores == scores_all == {systems[0]: (8,), systems[2]: (1,)}
    assert matrix[3][1] == 1 and matrix[0][0] == 1 and sum(map(sum, matrix)) == 2
    assert overdue == []


def test_add_and_update_risk_with_audit(db: Database) -> None:
    units = seed_units(db)
    owner = make_user(db, Role.analyst)
    system = make_system(db, units.unit_id, "Chatbot")
    with db.writing() as session:
        risk = service.add_risk(session, CTX, system, _risk(owner=owner, next_review=TODAY))
    assert (risk.inherent_score, risk.residual_score, risk.level.value) == (20, 20, "critical")
    assert risk.owner == owner and risk.system_name == "Chatbot"
    assert _events(db, "risk.created") == 1
    with db.writing() as session:
        changed = service.update_risk(
            session, CTX, risk.id, {"residual_likelihood": 2, "status": "mitigating", "owner": None}
        )
    assert (changed.residual_score, changed.residual_level.value, changed.owner) == (
        10,
        "high",
        None,
    )
    assert _events(db, "risk.updated") == 1
    before = _events(db)
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        service.update_risk(session, CTX, risk.id, {"residual_impact": 5, "impact": 3})
    assert caught.value.issues[0].field == "residual_impact"
    with pytest.raises(InvalidInput) as caught, db.writing() as session:
        service.update_risk(session, CTX, risk.id, {"owner": "nobody"})
    assert caught.value.issues[0].field == "owner"
    assert _events(db) == before


def test_list_filters_sorts_and_scopes(db: Database) -> None:
    units = seed_units(db)
    a = make_system(db, units.unit_id, "A")
    b = make_system(db, units.other_unit_id, "B")
    past = TODAY - dt.timedelta(days=3)
    with db.writing() as session:
        service.add_risk(session, CTX, a, _risk("low", likelihood=1, impact=2, category="bias"))
        service.add_risk(session, CTX, a, _risk("top", next_review=past))
        service.add_risk(
            session, CTX, b, _risk("other unit", likelihood=3, impact=3, next_review=past)
        )
        service.add_risk(
            session, CTX, b, _risk("closed", likelihood=2, status="closed", next_review=past)
        )
    with db.reading() as session:
        everything, total = service.list_risks(session, CTX.principal)
        assert total == 4 and everything[0].title == "top"
        mine, _ = service.list_risks(session, unit_principal(units.unit_id))
        assert {r.title for r in mine} == {"low", "top"}
        overdue, _ = service.list_risks(
            session, CTX.principal, service.RiskFilter(overdue=True, today=TODAY)
        )
        assert [r.title for r in overdue] == ["top", "other unit"]
        assert [
            r.title for r in service.overdue_reviews(session, unit_principal(units.unit_id), TODAY)
        ] == ["top"]
        high, _ = service.list_risks(session, CTX.principal, service.RiskFilter(min_residual=9))
        assert [r.title for r in high] == ["top", "closed", "other unit"]
        bias, _ = service.list_risks(session, CTX.principal, service.RiskFilter(category="bias"))
        assert [r.title for r in bias] == ["low"]
        unit_b, _ = service.list_risks(
            session, CTX.principal, service.RiskFilter(unit_id=units.other_unit_id, status="open")
        )
        assert [r.title for r in unit_b] == ["other unit"]
        matrix = service.heat_map(session, unit_principal(units.unit_id), residual=False)
        assert sum(map(sum, matrix)) == 2
        counts = service.tier_counts(session, CTX.principal)
        assert counts["not assessed"] == 2 and next(iter(counts)) == "prohibited"
