"""The risk pages through a logged-in browser session (forms, CSRF, PRG), both dialects."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aitower.core.access.roles import Role
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.risk import service
from aitower.risk.register import RiskFields
from risk.helpers import answers
from support import CTX, login, make_user, seed_units
from support_inventory import make_system


def _events(db: Database) -> int:
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())


def _radio(given: dict[str, bool]) -> dict[str, str]:
    return {f"answers.{k}": "yes" if v else "no" for k, v in given.items()}


def test_engineer_answers_the_questionnaire_in_the_risk_tab(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Loan scorer")
    token = login(client, make_user(db, Role.engineer))
    page = client.get(f"/systems/{system}/risk")
    assert page.status_code == 200
    assert 'data-testid="questionnaire"' in page.text and "not assessed" in page.text
    form = {
        "csrf_token": token,
        **_radio(answers("creditworthiness", "profiling", "exemption_preparatory")),
    }
    saved = client.post(f"/systems/{system}/risk/assessments", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("notice=assessed")
    shown = client.get(saved.headers["location"]).text
    assert 'data-testid="assessed-tier">high<' in shown
    assert "Annex III point 5(b)" in shown
    # The answers' role (deployer) gets the deployer's duties, with both application dates.
    assert 'data-duty="deployer.oversight"' in shown and 'data-duty="provider.qms"' not in shown
    assert 'data-testid="timeline"' in shown and "02 Dec 2027" in shown and "02 Aug 2026" in shown
    assert 'name="answers.creditworthiness" value="yes" checked' in shown
    again = client.post(f"/systems/{system}/risk/assessments", data=form, follow_redirects=False)
    assert again.headers["location"].endswith("notice=unchanged")


def test_incomplete_questionnaire_marks_the_missing_questions(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    token = login(client, make_user(db, Role.engineer))
    before = _events(db)
    form = {"csrf_token": token, **_radio(answers())}
    del form["answers.justice"]
    answer = client.post(f"/systems/{system}/risk/assessments", data=form)
    assert answer.status_code == 422
    assert 'data-field="answers.justice"' in answer.text
    assert 'name="answers.deep_fakes" value="no" checked' in answer.text  # kept as typed
    assert _events(db) == before


def test_stakeholder_sees_the_tab_without_forms(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    login(client, make_user(db, Role.stakeholder))
    page = client.get(f"/systems/{system}/risk")
    assert page.status_code == 200
    assert (
        'data-testid="questionnaire"' not in page.text and 'data-testid="add-risk"' not in page.text
    )
    other = make_system(db, units.other_unit_id)
    assert client.get(f"/systems/{other}/risk").status_code == 404


def test_add_and_edit_a_risk_through_the_forms(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Chat")
    token = login(client, make_user(db, Role.analyst))
    fields = {
        "csrf_token": token,
        "title": "Prompt injection",
        "category": "security",
        "likelihood": "4",
        "impact": "4",
        "residual_likelihood": "2",
        "residual_impact": "",
        "mitigations": "Input filtering",
        "owner": "",
        "status": "open",
        "next_review": "2020-01-01",
    }
    refused = client.post(f"/systems/{system}/risks", data={**fields, "residual_likelihood": "5"})
    assert refused.status_code == 422 and 'data-field="residual_likelihood"' in refused.text
    assert 'value="Prompt injection"' in refused.text
    added = client.post(f"/systems/{system}/risks", data=fields, follow_redirects=False)
    assert added.status_code == 303
    tab = client.get(f"/systems/{system}/risk").text
    assert "Prompt injection" in tab and "overdue" in tab
    with db.reading() as session:
        risk = service.list_risks(session, CTX.principal)[0][0]
    editor = client.get(f"/risks/{risk.id}")
    assert editor.status_code == 200 and 'data-testid="edit-risk"' in editor.text
    saved = client.post(
        f"/risks/{risk.id}",
        data={**fields, "status": "closed", "title": "Prompt injection (fixed)"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    with db.reading() as session:
        changed = service.get_risk(session, CTX.principal, risk.id)
    assert (changed.status, changed.title, changed.residual_score) == (
        "closed",
        "Prompt injection (fixed)",
        8,
    )
    bad = client.post(f"/risks/{risk.id}", data={**fields, "next_review": "soon"})
    assert bad.status_code == 422 and 'data-field="next_review"' in bad.text


def test_portfolio_page_with_heat_map_tiers_and_filters(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Scorer", risk_tier="high")
    past = dt.date.today() - dt.timedelta(days=5)
    with db.writing() as session:
        service.add_risk(
            session,
            CTX,
            system,
            service.NewRisk(
                RiskFields(
                    title="Stale data",
                    category="operational",
                    likelihood=5,
                    impact=4,
                    next_review=past,
                )
            ),
        )
        service.add_risk(
            session,
            CTX,
            system,
            service.NewRisk(
                RiskFields(title="Vendor lock-in", category="vendor", likelihood=2, impact=2)
            ),
        )
    login(client, make_user(db, Role.auditor))
    page = client.get("/risk")
    assert page.status_code == 200
    assert "<svg" in page.text and "Stale data" in page.text and "Vendor lock-in" in page.text
    assert 'data-testid="overdue"' in page.text
    filtered = client.get("/risk?category=vendor")
    top = filtered.text.split('data-testid="top-risks"')[1]
    assert "Vendor lock-in" in top and "Stale data" not in top
    assert client.get("/risk?category=weather").status_code == 422
    empty = client.get("/risk?min_residual=25").text.split('data-testid="top-risks"')[1]
    assert "No risks." in empty


def test_risk_forms_without_a_csrf_token_are_refused(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id)
    with db.writing() as session:
        risk = service.add_risk(
            session,
            CTX,
            system,
            service.NewRisk(RiskFields(title="t", category="bias", likelihood=2, impact=2)),
        )
    login(client, make_user(db, Role.admin))
    before = _events(db)
    risk_form = {"title": "x", "category": "bias", "likelihood": "1", "impact": "1"}
    for path, data in (
        (f"/systems/{system}/risk/assessments", _radio(answers())),
        (f"/systems/{system}/risks", risk_form),
        (f"/risks/{risk.id}", risk_form),
    ):
        for token in ({}, {"csrf_token": "0" * 64}):
            answer = client.post(path, data={**data, **token}, follow_redirects=False)
            assert answer.status_code == 403, path
    assert _events(db) == before


def test_portfolio_filters_by_system(client: TestClient, db: Database) -> None:
    units = seed_units(db)
    one, two = make_system(db, units.unit_id, "One"), make_system(db, units.unit_id, "Two")
    with db.writing() as session:
        for system, title in ((one, "Risk of one"), (two, "Risk of two")):
            service.add_risk(
                session,
                CTX,
                system,
                service.NewRisk(RiskFields(title=title, category="bias", likelihood=2, impact=2)),
            )
    login(client, make_user(db, Role.analyst))
    top = client.get(f"/risk?system={one}").text.split('data-testid="top-risks"')[1]
    assert "Risk of one" in top and "Risk of two" not in top
    assert client.get("/risk?system=nope").status_code == 422


def test_empty_portfolio_renders(client: TestClient, db: Database) -> None:
    seed_units(db)
    login(client, make_user(db, Role.stakeholder))
    page = client.get("/risk")
    assert page.status_code == 200 and "No data" in page.text
