"""Facts loading and compliance over a stored portfolio, scoped by business unit (both dialects)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from aitower.core.access.principal import Principal, PrincipalKind, cli_principal
from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.core.errors import InvalidInput, NotFound
from aitower.governance import compliance
from aitower.governance import policy_service as ps
from aitower.governance.facts_loader import load_facts
from aitower.governance.tables import EvidenceRow
from aitower.risk.tables import RiskRow
from support import CTX, seed_units
from support_inventory import make_system

TODAY = date(2026, 11, 25)
ADMIN = cli_principal("test")

DOCS_POLICY = """key: high-docs
name: High-risk systems need an oversight plan
applies_to: {tiers: [high]}
gates: [deployment]
requirements:
  - document: human_oversight_plan
  - approval: {role: governance}
"""
RISK_POLICY = """key: risk-cap
name: No big open risks
gates: [continuous]
requirements:
  - risk: {max_open_score: 12}
    severity: warn
"""


def _scoped(unit_id: uuid.UUID) -> Principal:
    return Principal(PrincipalKind.user, uuid.uuid4(), "eng", Role.engineer, frozenset({unit_id}))


@pytest.fixture
def portfolio(db: Database) -> dict[str, uuid.UUID]:
    units = seed_units(db)
    ids = {
        "documented": make_system(
            db, units.unit_id, "Documented", stage="deployment", risk_tier="high"
        ),
        "missing": make_system(db, units.unit_id, "Missing", stage="monitoring", risk_tier="high"),
        "early": make_system(db, units.unit_id, "Early", stage="development", risk_tier="high"),
        "other": make_system(
            db, units.other_unit_id, "Other unit", stage="deployment", risk_tier="minimal"
        ),
    }
    with db.writing() as session:
        session.add(
            EvidenceRow(
                system_id=ids["documented"],
                kind="human_oversight_plan",
                title="Plan",
                added_by="test",
            )
        )
        session.add(
            RiskRow(
                system_id=ids["other"],
                title="Biased outcomes",
                category="fairness",
                likelihood=4,
                impact=4,
                residual_likelihood=4,
                residual_impact=4,
                status="open",
            )
        )
        ps.create_policy(session, CTX, DOCS_POLICY)
        ps.create_policy(session, CTX, RISK_POLICY)
    return ids


def test_load_facts_adds_documents_and_risks(db: Database, portfolio: dict[str, uuid.UUID]) -> None:
    with db.reading() as session:
        facts = load_facts(session, None, None, TODAY)
        scoped = load_facts(session, _scoped(facts[portfolio["other"]].unit_id), None, TODAY)
        one = load_facts(session, None, [portfolio["documented"]], TODAY)
    assert facts[portfolio["documented"]].documents == frozenset({"human_oversight_plan"})
    assert facts[portfolio["other"]].open_risk_scores == (16,)
    assert not facts[portfolio["missing"]].questionnaire_done
    assert set(scoped) == {portfolio["other"]}
    assert set(one) == {portfolio["documented"]}


def test_portfolio_compliance(db: Database, portfolio: dict[str, uuid.UUID]) -> None:
    with db.reading() as session:
        result = compliance.portfolio_compliance(session, ADMIN, TODAY)
    by_name = {s.name: s for s in result.systems}
    assert by_name["Documented"].outcome == "pass"
    assert by_name["Missing"].outcome == "block"
    assert by_name["Missing"].failing[0].message == (
        "Blocked: high-risk systems need a human-oversight plan; none is attached."
    )
    assert by_name["Early"].outcome == "pass"  # has not reached deployment yet
    assert by_name["Other unit"].outcome == "warn"
    assert result.totals == {"pass": 2, "warn": 1, "block": 1}
    tallies = {t.key: t for t in result.policies}
    assert (tallies["high-docs"].passing, tallies["high-docs"].blocking) == (1, 1)
    assert tallies["risk-cap"].warning == 1 and tallies["risk-cap"].selected == 4
    assert result.systems[0].name == "Missing"  # worst first


def test_compliance_is_scoped_to_the_principals_units(
    db: Database, portfolio: dict[str, uuid.UUID]
) -> None:
    with db.reading() as session:
        unit_id = load_facts(session, None, [portfolio["other"]], TODAY)[portfolio["other"]].unit_id
        result = compliance.portfolio_compliance(session, _scoped(unit_id), TODAY)
        assert [s.name for s in result.systems] == ["Other unit"]
        with pytest.raises(NotFound):
            compliance.system_compliance(session, _scoped(unit_id), portfolio["missing"], TODAY)


def test_system_compliance_and_gate_preview(db: Database, portfolio: dict[str, uuid.UUID]) -> None:
    with db.reading() as session:
        detail = compliance.system_compliance(session, ADMIN, portfolio["missing"], TODAY)
        gate = compliance.preview_gate(session, ADMIN, portfolio["early"], "deployment", TODAY)
        with pytest.raises(InvalidInput) as caught:
            compliance.preview_gate(session, ADMIN, portfolio["early"], "launch", TODAY)
    assert [s.policy_key for s in detail.statuses] == ["high-docs", "risk-cap"]
    assert gate.verdict == "block"
    assert [f.requirement for f in gate.blocking] == [
        "document: human_oversight_plan",
        "approval: governance x1",
    ]
    assert caught.value.issues[0].field == "gate"


def test_preview_of_an_unsaved_policy(db: Database, portfolio: dict[str, uuid.UUID]) -> None:
    draft = DOCS_POLICY.replace("key: high-docs", "key: draft")
    with db.reading() as session:
        preview = compliance.preview_policy(session, ADMIN, draft, TODAY)
    assert preview.examined == 4
    assert {r.name: r.outcome for r in preview.rows} == {
        "Documented": "pass",
        "Missing": "block",
        "Early": "block",
    }
    assert preview.approvals == ("governance",)
    assert preview.totals == {"pass": 1, "warn": 0, "block": 2}
