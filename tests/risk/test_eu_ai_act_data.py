"""The EU AI Act as data: every question and obligation cites its article and point (checked by
hand against Regulation (EU) 2024/1689, OJ L, 2024/1689, 12.7.2024, and for the 2026 amendment
against the secondary sources named in eu_ai_act_obligations.yaml), the obligations each role
owes, the fundamental rights impact assessment (Art. 27(1)), general-purpose AI models
(Arts. 51-55) and the application dates (Art. 113, as published and as amended)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from aitower.risk import eu_ai_act_obligations as data
from aitower.risk.eu_ai_act import QUESTIONS, classify

# Each question → the article and point it comes from (reviewed against the text).
QUESTION_ARTICLES = {
    "role_provider": "Art. 3(3)",
    "role_deployer": "Art. 3(4)",
    "role_importer": "Art. 3(6)",
    "role_distributor": "Art. 3(7)",
    "role_product_manufacturer": "Art. 25(3)",
    "deployer_public_service": "Art. 27(1)",
    "p_manipulation": "Art. 5(1)(a)",
    "p_vulnerabilities": "Art. 5(1)(b)",
    "p_intimate_imagery": "Art. 5(1)(ba)",
    "p_csam": "Art. 5(1)(bb)",
    "p_social_scoring": "Art. 5(1)(c)",
    "p_crime_prediction": "Art. 5(1)(d)",
    "p_face_scraping": "Art. 5(1)(e)",
    "p_emotion_workplace": "Art. 5(1)(f)",
    "p_biometric_categorisation": "Art. 5(1)(g)",
    "p_realtime_rbi": "Art. 5(1)(h)",
    "rbi_victims": "Art. 5(1)(h)(i)",
    "rbi_threat": "Art. 5(1)(h)(ii)",
    "rbi_suspects": "Art. 5(1)(h)(iii)",
    "rbi_authorised": "Art. 5(3)",
    "annex_i_safety_component": "Art. 6(1)",
    "annex_i_section_b": "Art. 2(2), Annex I Section B",
    "biometric_remote_identification": "Annex III point 1(a)",
    "biometric_categorisation": "Annex III point 1(b)",
    "biometric_emotion_recognition": "Annex III point 1(c)",
    "critical_infrastructure": "Annex III point 2",
    "education_admission": "Annex III point 3(a)",
    "education_evaluation": "Annex III point 3(b)",
    "education_level": "Annex III point 3(c)",
    "education_proctoring": "Annex III point 3(d)",
    "employment_recruitment": "Annex III point 4(a)",
    "employment_decisions": "Annex III point 4(b)",
    "public_benefits": "Annex III point 5(a)",
    "creditworthiness": "Annex III point 5(b)",
    "insurance_pricing": "Annex III point 5(c)",
    "emergency_triage": "Annex III point 5(d)",
    "law_enforcement": "Annex III point 6",
    "law_enforcement_victim_risk": "Annex III point 6(a)",
    "law_enforcement_polygraph": "Annex III point 6(b)",
    "law_enforcement_evidence": "Annex III point 6(c)",
    "law_enforcement_offending_risk": "Annex III point 6(d)",
    "law_enforcement_profiling": "Annex III point 6(e)",
    "migration_border": "Annex III point 7",
    "migration_polygraph": "Annex III point 7(a)",
    "migration_risk": "Annex III point 7(b)",
    "migration_applications": "Annex III point 7(c)",
    "migration_identification": "Annex III point 7(d)",
    "justice": "Annex III point 8(a)",
    "elections": "Annex III point 8(b)",
    "exemption_no_significant_risk": "Art. 6(3), first subparagraph",
    "exemption_narrow_procedural": "Art. 6(3)(a)",
    "exemption_improves_human_result": "Art. 6(3)(b)",
    "exemption_detects_patterns": "Art. 6(3)(c)",
    "exemption_preparatory": "Art. 6(3)(d)",
    "profiling": "Art. 6(3), last subparagraph",
    "interacts_with_people": "Art. 50(1)",
    "generates_synthetic_content": "Art. 50(2)",
    "emotion_or_biometric_categorisation": "Art. 50(3)",
    "deep_fakes": "Art. 50(4)",
    "public_interest_text": "Art. 50(4)",
    "gpai_provider": "Art. 3(63), Art. 53",
    "gpai_high_impact": "Art. 51(1)(a)",
    "gpai_compute_over_threshold": "Art. 51(2)",
    "gpai_designated": "Art. 51(1)(b)",
    "gpai_open_source": "Art. 53(2)",
}
OBLIGATION_ARTICLES = {
    "prohibited.no_placing": "Art. 5(1)",
    "prohibited.no_use": "Art. 5(1)",
    "prohibited_new.no_placing": "Art. 5(1a)(a)",
    "prohibited_new.no_use": "Art. 5(1a)(b)",
    "rbi.authorisation": "Art. 5(3)",
    "rbi.safeguards": "Art. 5(2)",
    "rbi.notification": "Art. 5(4)",
    "rbi.national_law": "Art. 5(5)",
    "provider.requirements": "Art. 16(a)",
    "provider.risk_management": "Art. 9",
    "provider.data_governance": "Art. 10",
    "provider.technical_documentation": "Art. 11",
    "provider.record_keeping": "Art. 12",
    "provider.instructions": "Art. 13",
    "provider.human_oversight": "Art. 14",
    "provider.accuracy": "Art. 15",
    "provider.identification": "Art. 16(b)",
    "provider.qms": "Art. 17",
    "provider.documentation_keeping": "Art. 18",
    "provider.logs": "Art. 19",
    "provider.conformity_assessment": "Art. 43",
    "provider.declaration": "Art. 47",
    "provider.ce_marking": "Art. 48",
    "provider.registration": "Art. 49(1)",
    "provider.registration_secure": "Art. 49(4)",
    "provider.registration_national": "Art. 49(5)",
    "provider.corrective_actions": "Art. 20",
    "provider.accessibility": "Art. 16(l)",
    "provider.post_market_monitoring": "Art. 72",
    "provider.serious_incidents": "Art. 73",
    "product_manufacturer.provider": "Art. 25(3)",
    "section_b.sectoral": "Art. 2(2)",
    "deployer.instructions": "Art. 26(1)",
    "deployer.oversight": "Art. 26(2)",
    "deployer.input_data": "Art. 26(4)",
    "deployer.monitoring": "Art. 26(5)",
    "deployer.logs": "Art. 26(6)",
    "deployer.workers": "Art. 26(7)",
    "deployer.registration": "Art. 26(8)",
    "deployer.dpia": "Art. 26(9)",
    "deployer.inform_persons": "Art. 26(11)",
    "deployer.explanation": "Art. 86",
    "deployer.fria": "Art. 27",
    "importer.verify": "Art. 23(1)",
    "importer.nonconformity": "Art. 23(2)",
    "importer.identification": "Art. 23(3)",
    "importer.storage": "Art. 23(4)",
    "importer.keep_documents": "Art. 23(5)",
    "importer.cooperate": "Art. 23(6)",
    "distributor.verify": "Art. 24(1)",
    "distributor.nonconformity": "Art. 24(2)",
    "distributor.storage": "Art. 24(3)",
    "distributor.corrective_actions": "Art. 24(4)",
    "distributor.cooperate": "Art. 24(5)",
    "exempted.document": "Art. 6(4)",
    "exempted.register": "Art. 49(2)",
    "transparency.interaction": "Art. 50(1)",
    "transparency.marking": "Art. 50(2)",
    "transparency.emotion": "Art. 50(3)",
    "transparency.deep_fakes": "Art. 50(4)",
    "transparency.public_text": "Art. 50(4)",
    "ai_literacy": "Art. 4",
    "minimal.codes_of_conduct": "Art. 95",
    "gpai.technical_documentation": "Art. 53(1)(a)",
    "gpai.downstream_information": "Art. 53(1)(b)",
    "gpai.copyright_policy": "Art. 53(1)(c)",
    "gpai.training_summary": "Art. 53(1)(d)",
    "gpai.authorised_representative": "Art. 54",
    "gpai.notification": "Art. 52(1)",
    "gpai.evaluation": "Art. 55(1)(a)",
    "gpai.systemic_risks": "Art. 55(1)(b)",
    "gpai.serious_incidents": "Art. 55(1)(c)",
    "gpai.cybersecurity": "Art. 55(1)(d)",
}
ARTICLE = re.compile(
    r"^(Art\. \d+[a-z]?(\((\d+[a-z]?|[a-z]+|[ivx]+)\))*"
    r"(, (first|last) subparagraph| ?, Annex I Section B|, Art\. \d+)?"
    r"|Annex III point [1-8](\([a-e]\))?)$"
)
DAY = dt.date.fromisoformat


def answers(*yes: str) -> dict[str, bool]:
    result = dict.fromkeys(QUESTIONS, False)
    for qid in yes:
        assert qid in result, qid
        result[qid] = True
    return result


def duties(*yes: str) -> dict[str, data.Duty]:
    return {d.id: d for d in classify(answers(*yes)).duties}


def test_the_tables_cover_every_question_and_obligation() -> None:
    assert set(QUESTION_ARTICLES) == set(QUESTIONS)
    assert set(OBLIGATION_ARTICLES) == {o.id for o in data.catalog().obligations}


@pytest.mark.parametrize(("qid", "article"), sorted(QUESTION_ARTICLES.items()))
def test_each_question_cites_its_article_and_point(qid: str, article: str) -> None:
    assert QUESTIONS[qid].article == article
    assert ARTICLE.match(article), article


@pytest.mark.parametrize(("oid", "article"), sorted(OBLIGATION_ARTICLES.items()))
def test_each_obligation_cites_its_article_and_point(oid: str, article: str) -> None:
    found = {o.id: o for o in data.catalog().obligations}[oid]
    assert found.article == article
    assert ARTICLE.match(article), article
    assert found.text and found.roles and found.when


def test_sources_the_act_is_verified_the_amendment_is_not() -> None:
    catalog = data.catalog()
    assert catalog.sources["act"].verified
    assert catalog.sources["act"].url == "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
    assert all(not s.verified for k, s in catalog.sources.items() if k != "act")
    assert all(not a.source.verified for a in catalog.amendments)
    assert all(not t.amended_source.verified for t in catalog.tracks.values())
    amended_obligations = {o.id for o in catalog.obligations if not o.verified}
    assert amended_obligations == {"prohibited_new.no_placing", "prohibited_new.no_use"}


def test_the_data_refuses_an_unknown_fact() -> None:
    text = data.resources.files("aitower.risk").joinpath(data.DATA_FILE).read_text("utf-8")
    document = yaml.safe_load(text)
    document["obligations"][0]["when"] = ["high_risk_typo"]
    with pytest.raises(ValueError, match="high_risk_typo"):
        data.parse(document)


def test_crosswalks_find_obligations_by_article() -> None:
    assert [o.id for o in data.by_article("Art. 9")] == ["provider.risk_management"]
    assert {o.id for o in data.by_article("Art. 26")} == {
        "deployer.instructions",
        "deployer.oversight",
        "deployer.input_data",
        "deployer.monitoring",
        "deployer.logs",
        "deployer.workers",
        "deployer.registration",
        "deployer.dpia",
        "deployer.inform_persons",
    }
    assert [o.id for o in data.by_article("Art. 73")] == ["provider.serious_incidents"]


# --- Obligations for the organisation's role ---

PROVIDER_DUTIES = {
    "provider.qms": "Art. 17",
    "provider.conformity_assessment": "Art. 43",
    "provider.ce_marking": "Art. 48",
    "provider.registration": "Art. 49(1)",
    "provider.post_market_monitoring": "Art. 72",
    "provider.serious_incidents": "Art. 73",
}
DEPLOYER_DUTIES = {
    "deployer.instructions": "Art. 26(1)",
    "deployer.oversight": "Art. 26(2)",
    "deployer.input_data": "Art. 26(4)",
    "deployer.monitoring": "Art. 26(5)",
    "deployer.logs": "Art. 26(6)",
    "deployer.workers": "Art. 26(7)",
    "deployer.inform_persons": "Art. 26(11)",
    "deployer.explanation": "Art. 86",
}


def test_a_provider_of_an_annex_iii_system_owes_the_art_16_duties_not_the_deployers() -> None:
    found = duties("role_provider", "employment_recruitment")
    assert {k: found[k].article for k in PROVIDER_DUTIES} == PROVIDER_DUTIES
    assert not any(k.startswith(("deployer.", "importer.", "distributor.")) for k in found)


def test_a_deployer_owes_the_art_26_duties_and_the_right_to_explanation() -> None:
    found = duties("role_deployer", "employment_recruitment")
    assert {k: found[k].article for k in DEPLOYER_DUTIES} == DEPLOYER_DUTIES
    assert "under your control for at least six months" in found["deployer.logs"].text
    assert not any(k.startswith("provider.") for k in found)


def test_provider_and_deployer_owe_both_sets() -> None:
    found = duties("role_provider", "role_deployer", "creditworthiness")
    assert set(PROVIDER_DUTIES) | set(DEPLOYER_DUTIES) <= set(found)
    assert found["ai_literacy"].roles == ("provider", "deployer")


def test_an_importer_owes_art_23_and_a_distributor_art_24() -> None:
    importer = duties("role_importer", "creditworthiness")
    assert set(importer) == {
        "importer.verify",
        "importer.nonconformity",
        "importer.identification",
        "importer.storage",
        "importer.keep_documents",
        "importer.cooperate",
    }
    distributor = duties("role_distributor", "creditworthiness")
    assert {d.article for d in distributor.values()} == {
        "Art. 24(1)",
        "Art. 24(2)",
        "Art. 24(3)",
        "Art. 24(4)",
        "Art. 24(5)",
    }


def test_serious_incident_reporting_lists_the_art_73_deadlines() -> None:
    text = duties("role_provider", "creditworthiness")["provider.serious_incidents"].text
    assert "15 days after becoming aware (Art. 73(2))" in text
    assert (
        "2 days for a widespread infringement or a serious and irreversible disruption of "
        "critical infrastructure (Art. 73(3))" in text
    )
    assert "10 days in the event of death (Art. 73(4))" in text


# --- Fundamental rights impact assessment (Art. 27(1)) ---


@pytest.mark.parametrize(
    ("case", "yes", "due"),
    [
        ("private bank, credit scoring 5(b)", ("role_deployer", "creditworthiness"), True),
        ("private insurer, life insurance 5(c)", ("role_deployer", "insurance_pricing"), True),
        ("private employer, recruitment 4(a)", ("role_deployer", "employment_recruitment"), False),
        (
            "public body, recruitment 4(a)",
            ("role_deployer", "deployer_public_service", "employment_recruitment"),
            True,
        ),
        (
            "public body, emergency dispatch 5(d)",
            ("role_deployer", "deployer_public_service", "emergency_triage"),
            True,
        ),
        (
            "public body, critical infrastructure only (point 2 excepted)",
            ("role_deployer", "deployer_public_service", "critical_infrastructure"),
            False,
        ),
        ("provider only, credit scoring", ("role_provider", "creditworthiness"), False),
        (
            "public body, Annex I product (Art. 27 concerns Art. 6(2))",
            ("role_deployer", "deployer_public_service", "annex_i_safety_component"),
            False,
        ),
        (
            "exempted under Art. 6(3)",
            (
                "role_deployer",
                "creditworthiness",
                "exemption_no_significant_risk",
                "exemption_preparatory",
            ),
            False,
        ),
    ],
)
def test_fria_is_due_only_where_art_27_1_says(case: str, yes: tuple[str, ...], due: bool) -> None:
    assert ("deployer.fria" in duties(*yes)) is due, case


# --- General-purpose AI models (Arts. 51-55) ---


def test_a_gpai_model_provider_owes_art_53_and_54() -> None:
    result = classify(answers("gpai_provider"))
    assert result.gpai == "general_purpose" and result.roles == ("gpai_provider",)
    assert {d.article for d in result.duties} == {
        "Art. 53(1)(a)",
        "Art. 53(1)(b)",
        "Art. 53(1)(c)",
        "Art. 53(1)(d)",
        "Art. 54",
    }


def test_open_source_models_keep_only_copyright_and_training_summary_art_53_2() -> None:
    found = duties("gpai_provider", "gpai_open_source")
    assert set(found) == {"gpai.copyright_policy", "gpai.training_summary"}


@pytest.mark.parametrize(
    "reason", ["gpai_high_impact", "gpai_compute_over_threshold", "gpai_designated"]
)
def test_systemic_risk_by_capability_compute_presumption_or_designation(reason: str) -> None:
    # Art. 51(1)(a), 51(2) (presumed above 10^25 FLOP), 51(1)(b); open source does not exempt.
    result = classify(answers("gpai_provider", reason, "gpai_open_source"))
    assert result.gpai == "systemic_risk"
    articles = {d.article for d in result.duties}
    assert {
        "Art. 52(1)",
        "Art. 55(1)(a)",
        "Art. 55(1)(b)",
        "Art. 55(1)(c)",
        "Art. 55(1)(d)",
        "Art. 53(1)(a)",
        "Art. 53(1)(b)",
        "Art. 54",
    } <= articles


def test_systemic_questions_are_ignored_without_a_gpai_model() -> None:
    result = classify(answers("role_deployer", "gpai_compute_over_threshold"))
    assert result.gpai == "none" and not any(d.id.startswith("gpai.") for d in result.duties)


# --- Application dates (Art. 113), as published and as amended ---


@pytest.mark.parametrize(
    ("case", "yes", "duty", "original", "amended"),
    [
        # An Annex III system deployed by a bank: 2 August 2026 (Art. 113), 2 December 2027
        # (as amended, Council press release of 29 June 2026).
        (
            "bank deploys credit scoring",
            ("role_deployer", "creditworthiness"),
            "deployer.oversight",
            "2026-08-02",
            "2027-12-02",
        ),
        (
            "bank deploys credit scoring: FRIA",
            ("role_deployer", "creditworthiness"),
            "deployer.fria",
            "2026-08-02",
            "2027-12-02",
        ),
        (
            "Annex I product provider",
            ("role_provider", "annex_i_safety_component"),
            "provider.qms",
            "2027-08-02",
            "2028-08-02",
        ),
        (
            "Annex I and Annex III: the earlier, Annex III",
            ("role_provider", "annex_i_safety_component", "employment_recruitment"),
            "provider.qms",
            "2026-08-02",
            "2027-12-02",
        ),
        (
            "Section B product",
            ("role_provider", "annex_i_safety_component", "annex_i_section_b"),
            "section_b.sectoral",
            "2027-08-02",
            "2028-08-02",
        ),
        ("AI literacy", ("role_deployer",), "ai_literacy", "2025-02-02", "2025-02-02"),
        (
            "prohibited use",
            ("role_deployer", "p_emotion_workplace"),
            "prohibited.no_use",
            "2025-02-02",
            "2025-02-02",
        ),
        (
            "real-time RBI authorisation",
            ("role_deployer", "p_realtime_rbi", "rbi_threat", "rbi_authorised"),
            "rbi.authorisation",
            "2025-02-02",
            "2025-02-02",
        ),
        ("GPAI model", ("gpai_provider",), "gpai.copyright_policy", "2025-08-02", "2025-08-02"),
        (
            "chatbot provider, Art. 50(1)",
            ("role_provider", "interacts_with_people"),
            "transparency.interaction",
            "2026-08-02",
            "2026-08-02",
        ),
        (
            "exempted Annex III provider",
            (
                "role_provider",
                "education_level",
                "exemption_no_significant_risk",
                "exemption_narrow_procedural",
            ),
            "exempted.document",
            "2026-08-02",
            "2027-12-02",
        ),
        (
            "new prohibition",
            ("role_deployer", "p_csam"),
            "prohibited_new.no_use",
            None,
            "2026-12-02",
        ),
    ],
)
def test_application_dates_for_this_system(
    case: str, yes: tuple[str, ...], duty: str, original: str | None, amended: str
) -> None:
    found = duties(*yes)[duty]
    assert found.original == (None if original is None else DAY(original)), case
    assert found.amended == DAY(amended), case
    assert not found.amended_verified


def test_synthetic_content_marking_notes_the_amended_grace_period() -> None:
    marking = duties("role_provider", "generates_synthetic_content")["transparency.marking"]
    assert marking.original == marking.amended == DAY("2026-08-02")
    assert "2 December 2026" in marking.track.note and "Art. 111(4)" in marking.track.note
