"""Assessments stored before the questionnaire grew (roles, Art. 5(1)(h) exceptions, Annex III
points 6 and 7, the Art. 6(3) test, GPAI): they still display, on both dialects, with their
stored tier and obligations, and ask for the new answers instead of failing."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from aitower.core.access.roles import Role
from aitower.core.db.engine import Database
from aitower.inventory.tables import SystemRow
from aitower.risk import eu_ai_act
from aitower.risk.tables import AssessmentRow
from support import login, make_key, make_user, seed_units
from support_inventory import make_system

# The 37 question ids of the questionnaire before issue #15, as a credit model answered them.
OLD_IDS = [
    "p_manipulation",
    "p_vulnerabilities",
    "p_social_scoring",
    "p_crime_prediction",
    "p_face_scraping",
    "p_emotion_workplace",
    "p_biometric_categorisation",
    "p_realtime_rbi",
    "annex_i_safety_component",
    "biometric_remote_identification",
    "biometric_categorisation",
    "biometric_emotion_recognition",
    "critical_infrastructure",
    "education_admission",
    "education_evaluation",
    "education_level",
    "education_proctoring",
    "employment_recruitment",
    "employment_decisions",
    "public_benefits",
    "creditworthiness",
    "insurance_pricing",
    "emergency_triage",
    "law_enforcement",
    "migration_border",
    "justice",
    "elections",
    "exemption_narrow_procedural",
    "exemption_improves_human_result",
    "exemption_detects_patterns",
    "exemption_preparatory",
    "profiling",
    "interacts_with_people",
    "generates_synthetic_content",
    "emotion_or_biometric_categorisation",
    "deep_fakes",
    "public_interest_text",
]
OLD_ANSWERS = {
    **dict.fromkeys(OLD_IDS, False),
    "creditworthiness": True,
    "profiling": True,
    "exemption_preparatory": True,
}
OLD_RESULT = {
    "articles": ["Annex III point 5(b)", "Art. 6(3)"],
    "reasons": [
        "High risk: creditworthiness evaluation of natural persons (Annex III point 5(b))."
    ],
    "obligations": ["Human oversight (Art. 14)", "Registration in the EU database (Art. 49)"],
}
NEW_SINCE = {
    "role_provider",
    "role_deployer",
    "role_importer",
    "role_distributor",
    "role_product_manufacturer",
    "p_intimate_imagery",
    "p_csam",
    "exemption_no_significant_risk",
    "gpai_provider",
}


def test_the_old_ids_are_all_still_questions() -> None:
    assert len(OLD_IDS) == 37 and set(OLD_IDS) <= set(eu_ai_act.QUESTIONS)


def test_review_of_an_old_answer_set_names_what_is_missing_without_raising() -> None:
    found = eu_ai_act.review(OLD_ANSWERS)
    assert found.classification is None
    assert set(found.missing) == NEW_SINCE
    # An old "yes" to the whole law-enforcement area now needs its five points.
    area = eu_ai_act.review({**OLD_ANSWERS, "law_enforcement": True})
    assert {q for q in area.missing if q.startswith("law_enforcement_")} == {
        "law_enforcement_victim_risk",
        "law_enforcement_polygraph",
        "law_enforcement_evidence",
        "law_enforcement_offending_risk",
        "law_enforcement_profiling",
    }
    # Ids no longer asked, or a role-less complete set, never raise either.
    assert eu_ai_act.review({"gone_question": True}).unknown == ("gone_question",)
    roleless = {**dict.fromkeys(eu_ai_act.QUESTIONS, False)}
    assert eu_ai_act.review(roleless).missing == ("role_provider",)


def _store_old(db: Database, system_id: uuid.UUID) -> None:
    with db.writing() as session:
        session.add(
            AssessmentRow(
                system_id=system_id,
                version=1,
                answers=OLD_ANSWERS,
                tier="high",
                result=OLD_RESULT,
                assessed_by="before-15",
            )
        )
        session.get_one(SystemRow, system_id).risk_tier = "high"


def test_an_old_assessment_displays_and_asks_for_the_new_answers(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Old credit model")
    _store_old(db, system)
    login(client, make_user(db, Role.engineer))
    page = client.get(f"/systems/{system}/risk")
    assert page.status_code == 200, page.text
    assert 'data-testid="assessed-tier">high<' in page.text
    assert 'data-testid="reanswer-needed"' in page.text
    assert "Human oversight (Art. 14)" in page.text  # the obligations as stored
    assert 'data-testid="duties"' not in page.text
    assert page.text.count('data-testid="new-question"') == len(NEW_SINCE)
    assert 'name="answers.creditworthiness" value="yes" checked' in page.text


def test_the_api_returns_an_old_assessment_with_what_needs_answering(
    client: TestClient, db: Database
) -> None:
    units = seed_units(db)
    system = make_system(db, units.unit_id, "Old credit model")
    _store_old(db, system)
    auth = {"Authorization": f"Bearer {make_key(db, Role.engineer)}"}
    current = client.get(f"/api/v1/systems/{system}/assessment", headers=auth)
    assert current.status_code == 200, current.text
    body = current.json()
    assert (body["tier"], body["obligations"]) == ("high", OLD_RESULT["obligations"])
    assert set(body["reanswer_needed"]) == NEW_SINCE and body["duties"] == []
    # Answering the new questions completes it as version 2, with the deployer's duties.
    completed = {**OLD_ANSWERS, **dict.fromkeys(NEW_SINCE, False), "role_deployer": True}
    completed["deployer_public_service"] = False  # asked once the role is deployer
    again = client.post(
        f"/api/v1/systems/{system}/assessments", json={"answers": completed}, headers=auth
    )
    assert again.status_code == 200, again.text
    assert (again.json()["version"], again.json()["tier"]) == (2, "high")
    assert again.json()["reanswer_needed"] == []
    assert "deployer.fria" in {d["id"] for d in again.json()["duties"]}
