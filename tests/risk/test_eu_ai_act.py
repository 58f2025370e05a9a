"""The EU AI Act classification: one case per tier, per Annex III point, the Art. 6(1) route and
its Section B, the Art. 6(3) derogation and the profiling rule, the Art. 5(1)(h) exceptions, the
five corrections of issue #15, the refusals, and a monotonicity property.

The legal rules are checked against Regulation (EU) 2024/1689 (OJ L, 2024/1689, 12.7.2024):
each test names the article it holds the code to."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aitower.core.errors import InvalidInput
from aitower.inventory.vocabulary import RiskTier
from aitower.risk import eu_ai_act
from aitower.risk.eu_ai_act import QUESTIONS, SECTIONS, classify, tier_rank
from aitower.risk.eu_ai_act_questions import annex_iii_point

# Annex III: 8 areas and every numbered point (25 points), by area.
ANNEX_III_POINTS = {
    "1": [
        "biometric_remote_identification",
        "biometric_categorisation",
        "biometric_emotion_recognition",
    ],
    "2": ["critical_infrastructure"],
    "3": ["education_admission", "education_evaluation", "education_level", "education_proctoring"],
    "4": ["employment_recruitment", "employment_decisions"],
    "5": ["public_benefits", "creditworthiness", "insurance_pricing", "emergency_triage"],
    "6": [
        "law_enforcement_victim_risk",
        "law_enforcement_polygraph",
        "law_enforcement_evidence",
        "law_enforcement_offending_risk",
        "law_enforcement_profiling",
    ],
    "7": [
        "migration_polygraph",
        "migration_risk",
        "migration_applications",
        "migration_identification",
    ],
    "8": ["justice", "elections"],
}
AREA_OF = {"6": "law_enforcement", "7": "migration_border"}


def answers(*yes: str, role: str = "role_deployer") -> dict[str, bool]:
    result = dict.fromkeys(QUESTIONS, False)
    for qid in (role, *yes):
        assert qid in result, qid
        result[qid] = True
    return result


def ids(result: eu_ai_act.Classification) -> set[str]:
    return {d.id for d in result.duties}


def test_minimal_when_nothing_applies() -> None:
    result = classify(answers())
    assert result.tier is RiskTier.minimal
    assert result.articles == ()
    assert any("Art. 95" in o for o in result.obligations)


def test_limited_for_a_chatbot_gives_the_art_50_duty_to_its_provider_only() -> None:
    # Art. 50(1) and (2) bind the provider; a deployer of a chatbot owes neither.
    chatbot = ("interacts_with_people", "generates_synthetic_content")
    provider = classify(answers(*chatbot, role="role_provider"))
    assert provider.tier is RiskTier.limited
    assert provider.articles == ("Art. 50(1)", "Art. 50(2)")
    assert {"transparency.interaction", "transparency.marking"} <= ids(provider)
    deployer = classify(answers(*chatbot))
    assert deployer.tier is RiskTier.limited
    assert not ids(deployer) & {"transparency.interaction", "transparency.marking"}
    assert not any("Art. 9" in o for o in provider.obligations)


def test_high_for_credit_scoring_with_profiling_overriding_the_derogation() -> None:
    result = classify(
        answers(
            "creditworthiness",
            "exemption_no_significant_risk",
            "exemption_preparatory",
            "profiling",
            role="role_provider",
        )
    )
    assert result.tier is RiskTier.high
    assert "Annex III point 5(b)" in result.articles and "Art. 6(3)" in result.articles
    reason = next(r for r in result.reasons if "5(b)" in r)
    assert reason.startswith("High risk: creditworthiness evaluation of natural persons")
    assert "does not apply because the system profiles natural persons" in reason
    for article in (
        "Art. 9",
        "Art. 10",
        "Art. 11",
        "Art. 12",
        "Art. 13",
        "Art. 14",
        "Art. 15",
        "Art. 17",
        "Art. 43",
        "Art. 48",
        "Art. 49(1)",
        "Art. 72",
        "Art. 73",
    ):
        assert any(f"({article})" in o for o in result.obligations), article


def test_prohibited_wins_over_everything() -> None:
    result = classify(answers("p_social_scoring", "creditworthiness", "interacts_with_people"))
    assert result.tier is RiskTier.prohibited
    assert result.articles[0] == "Art. 5(1)(c)"
    assert ids(result) == {"prohibited.no_use"}


@pytest.mark.parametrize("qid", [q.id for q in eu_ai_act.PROHIBITED.questions])
def test_every_prohibited_practice_is_prohibited(qid: str) -> None:
    assert classify(answers(qid)).tier is RiskTier.prohibited


@pytest.mark.parametrize(
    ("point", "qid"), [(p, q) for p, qids in ANNEX_III_POINTS.items() for q in qids]
)
def test_every_annex_iii_point_is_high_risk(point: str, qid: str) -> None:
    area = AREA_OF.get(point)
    result = classify(answers(qid, *(() if area is None else (area,))))
    assert result.tier is RiskTier.high
    assert any(a.startswith(f"Annex III point {point}") for a in result.articles)


def test_annex_iii_has_8_areas_and_25_numbered_points_each_a_question() -> None:
    # Annex III: 1(a)-(c), 2, 3(a)-(d), 4(a)-(b), 5(a)-(d), 6(a)-(e), 7(a)-(d), 8(a)-(b).
    points = [annex_iii_point(q) for q in eu_ai_act.ANNEX_III_POINTS]
    assert len(points) == 25 == len(set(points))
    assert {p[0] for p in points} == set("12345678")
    assert points == [
        "1(a)",
        "1(b)",
        "1(c)",
        "2",
        "3(a)",
        "3(b)",
        "3(c)",
        "3(d)",
        "4(a)",
        "4(b)",
        "5(a)",
        "5(b)",
        "5(c)",
        "5(d)",
        "6(a)",
        "6(b)",
        "6(c)",
        "6(d)",
        "6(e)",
        "7(a)",
        "7(b)",
        "7(c)",
        "7(d)",
        "8(a)",
        "8(b)",
    ]
    assert {q for qids in ANNEX_III_POINTS.values() for q in qids} == {
        q.id for q in eu_ai_act.ANNEX_III_POINTS
    }


def test_annex_iii_point_7a_polygraphs_in_migration_is_asked() -> None:
    question = QUESTIONS["migration_polygraph"]
    assert question.article == "Annex III point 7(a)" and "polygraph" in question.text
    assert question.needed_when == ("migration_border",)


def test_points_6_and_7_only_count_when_their_area_applies() -> None:
    # The sub-points are asked after the area question; left "yes" under a "no" area they do
    # not count (and are not required).
    assert classify(answers("law_enforcement_polygraph")).tier is RiskTier.minimal
    area_only = answers("law_enforcement")
    assert classify(area_only).tier is RiskTier.minimal
    with pytest.raises(InvalidInput) as caught:
        classify({k: v for k, v in area_only.items() if k != "law_enforcement_profiling"})
    assert [i.field for i in caught.value.issues] == ["answers.law_enforcement_profiling"]


def test_annex_i_section_a_is_high_risk_via_art_6_1_with_provider_duties() -> None:
    result = classify(answers("annex_i_safety_component", role="role_provider"))
    assert result.tier is RiskTier.high
    assert result.articles == ("Art. 6(1)",)
    assert any("Art. 43" in o for o in result.obligations)


def test_annex_i_section_b_gets_only_the_sectoral_route_art_2_2() -> None:
    # Art. 2(2): for Section B products only Art. 6(1), Arts. 102-109 and 112 apply.
    result = classify(
        answers("annex_i_safety_component", "annex_i_section_b", role="role_provider")
    )
    assert result.tier is RiskTier.high
    assert "Art. 2(2)" in result.articles
    assert "section_b.sectoral" in ids(result)
    assert not ids(result) & {"provider.qms", "provider.conformity_assessment"}


def test_product_manufacturer_is_the_provider_for_annex_i_section_a_art_25_3() -> None:
    result = classify(answers("annex_i_safety_component", role="role_product_manufacturer"))
    assert result.roles == ("product_manufacturer", "provider")
    assert {"product_manufacturer.provider", "provider.qms", "provider.ce_marking"} <= ids(result)


def test_the_derogation_needs_the_no_significant_risk_test_and_a_condition() -> None:
    # Art. 6(3): first subparagraph (no significant risk) AND one of (a)-(d).
    for condition in eu_ai_act.EXEMPTION_IDS:
        without_test = classify(answers("employment_recruitment", condition))
        assert without_test.tier is RiskTier.high, condition
        assert any("significant risk of harm" in r for r in without_test.reasons)
        both = classify(
            answers("employment_recruitment", condition, "exemption_no_significant_risk")
        )
        assert both.tier is RiskTier.minimal, condition
        assert any("the Art. 6(3) derogation applies" in r for r in both.reasons)
    test_only = classify(answers("employment_recruitment", "exemption_no_significant_risk"))
    assert test_only.tier is RiskTier.high
    assert any("none of its conditions (a)–(d)" in r for r in test_only.reasons)


def test_an_exempted_provider_documents_and_registers_art_6_4_and_49_2() -> None:
    result = classify(
        answers(
            "employment_recruitment",
            "exemption_narrow_procedural",
            "exemption_no_significant_risk",
            role="role_provider",
        )
    )
    assert {"exempted.document", "exempted.register"} <= ids(result)


def test_exempted_system_with_a_transparency_case_is_limited() -> None:
    result = classify(
        answers(
            "education_evaluation",
            "exemption_detects_patterns",
            "exemption_no_significant_risk",
            "interacts_with_people",
        )
    )
    assert result.tier is RiskTier.limited


def test_profiling_overrides_every_condition() -> None:
    everything = answers(
        "employment_decisions",
        "exemption_no_significant_risk",
        *eu_ai_act.EXEMPTION_IDS,
        "profiling",
    )
    assert classify(everything).tier is RiskTier.high


def test_high_risk_with_a_transparency_case_gets_both_sets_of_duties() -> None:
    result = classify(answers("emergency_triage", "interacts_with_people", role="role_provider"))
    assert result.tier is RiskTier.high
    assert any("Art. 14" in o for o in result.obligations)
    assert any("Art. 50(1)" in o for o in result.obligations)
    assert "Art. 50(1)" in result.articles


# --- Art. 5(1)(h): the exceptions and the authorisation regime ---


@pytest.mark.parametrize("objective", eu_ai_act.RBI_OBJECTIVE_IDS)
def test_real_time_rbi_under_an_exception_with_authorisation_is_high_risk(objective: str) -> None:
    result = classify(
        answers("p_realtime_rbi", objective, "rbi_authorised", "deployer_public_service")
    )
    assert result.tier is RiskTier.high
    assert "Annex III point 1(a)" in result.articles and "Art. 5(3)" in result.articles
    assert {"rbi.authorisation", "rbi.safeguards", "rbi.notification", "rbi.national_law"} <= ids(
        result
    )
    # Art. 5(2): a FRIA (Art. 27) and registration; law enforcement registers in the secure
    # non-public section (Art. 49(4)).
    assert "deployer.fria" in ids(result)


@pytest.mark.parametrize(
    "given",
    [
        ("p_realtime_rbi",),  # no objective
        ("p_realtime_rbi", "rbi_authorised"),  # authorised, but no objective
        ("p_realtime_rbi", "rbi_victims"),  # objective, but no prior authorisation
    ],
)
def test_real_time_rbi_without_objective_or_authorisation_is_prohibited(
    given: tuple[str, ...],
) -> None:
    result = classify(answers(*given))
    assert result.tier is RiskTier.prohibited
    assert "Art. 5(1)(h)" in result.articles


# --- The five corrections of issue #15 ---


def test_fix_1_art_5_1_a_covers_harm_to_another_person_or_group() -> None:
    text = QUESTIONS["p_manipulation"].text
    assert "that person, another person or a group of persons" in text


def test_fix_2_art_5_1_c_states_both_limbs_of_the_treatment() -> None:
    text = QUESTIONS["p_social_scoring"].text
    assert "social contexts unrelated to those where the data was generated or collected" in text
    assert "unjustified or disproportionate to their social behaviour or its gravity" in text


def test_fix_3_art_6_3_c_keeps_the_acts_wording() -> None:
    text = QUESTIONS["exemption_detects_patterns"].text
    assert "decision-making patterns or deviations from prior decision-making patterns" in text
    assert (
        "not meant to replace or influence the previously completed human assessment without "
        "proper human review" in text
    )
    assert "does not review" not in text


def test_fix_4_a_prohibited_system_must_also_not_be_used() -> None:
    # Art. 5(1): "the placing on the market, the putting into service or the use".
    as_deployer = classify(answers("p_face_scraping"))
    assert ids(as_deployer) == {"prohibited.no_use"}
    assert any("Must not be used" in o for o in as_deployer.obligations)
    as_provider = classify(answers("p_face_scraping", "role_provider"))
    assert ids(as_provider) == {"prohibited.no_placing", "prohibited.no_use"}


def test_fix_5_registration_follows_art_49_by_route_and_point() -> None:
    def registrations(*yes: str) -> set[str]:
        duties = ids(classify(answers(*yes, role="role_provider")))
        return {d for d in duties if d.startswith("provider.registration")}

    # Annex I products: no Art. 49 registration (Art. 49(1) concerns Annex III systems).
    assert registrations("annex_i_safety_component") == set()
    # Annex III point 2: national level (Art. 49(5)).
    assert registrations("critical_infrastructure") == {"provider.registration_national"}
    # Points 6 and 7: secure non-public section (Art. 49(4)).
    assert registrations("law_enforcement", "law_enforcement_evidence") == {
        "provider.registration_secure"
    }
    assert registrations("migration_border", "migration_risk") == {"provider.registration_secure"}
    # Point 1 in law enforcement: secure; point 1 elsewhere: the public database.
    assert registrations(
        "law_enforcement", "biometric_remote_identification", "law_enforcement_profiling"
    ) == {"provider.registration_secure"}
    assert registrations("biometric_remote_identification") == {"provider.registration"}
    # Other points: the EU database (Art. 49(1)).
    assert registrations("creditworthiness") == {"provider.registration"}


# --- New prohibitions of the 2026 amendment (secondary sources) ---


@pytest.mark.parametrize("qid", ["p_intimate_imagery", "p_csam"])
def test_new_prohibitions_are_marked_unverified_and_dated_2_december_2026(qid: str) -> None:
    assert not QUESTIONS[qid].verified
    result = classify(answers(qid, "role_provider"))
    assert result.tier is RiskTier.prohibited
    assert any("not verified" in r for r in result.reasons)
    duties = {d.id: d for d in result.duties}
    assert set(duties) == {"prohibited_new.no_placing", "prohibited_new.no_use"}
    assert duties["prohibited_new.no_use"].original is None  # not in the Act as published
    assert str(duties["prohibited_new.no_use"].amended) == "2026-12-02"


# --- Refusals and completeness ---


def test_unknown_question_is_refused_by_id() -> None:
    with pytest.raises(InvalidInput) as caught:
        classify({**answers(), "made_up": True})
    assert [i.field for i in caught.value.issues] == ["answers.made_up"]


@pytest.mark.parametrize("value", [1, "yes", None, 0.0])
def test_an_answer_that_is_not_a_boolean_is_refused(value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        classify({**answers(), "deep_fakes": value})
    assert [i.field for i in caught.value.issues] == ["answers.deep_fakes"]


def test_missing_answers_are_reported_by_id() -> None:
    given_ = answers()
    del given_["p_manipulation"], given_["justice"]
    with pytest.raises(InvalidInput) as caught:
        classify(given_)
    assert {i.field for i in caught.value.issues} == {"answers.p_manipulation", "answers.justice"}


def test_a_role_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        classify(dict.fromkeys(QUESTIONS, False))
    assert [i.field for i in caught.value.issues] == ["answers.role_provider"]
    assert classify(answers("gpai_provider", role="gpai_provider")).roles == ("gpai_provider",)


def test_art_6_3_questions_are_needed_only_with_an_annex_iii_case() -> None:
    exemption_ids = [q.id for q in eu_ai_act.EXEMPTIONS.questions]
    without = {k: v for k, v in answers().items() if k not in exemption_ids}
    assert classify(without).tier is RiskTier.minimal
    with pytest.raises(InvalidInput) as caught:
        classify({**without, "creditworthiness": True})
    assert {i.field for i in caught.value.issues} == {f"answers.{q}" for q in exemption_ids}


def test_question_ids_are_unique_and_every_question_cites_its_article() -> None:
    qids = [q.id for s in SECTIONS for q in s.questions]
    assert len(qids) == len(set(qids)) == len(QUESTIONS)
    assert all(q.article and q.text.endswith("?") and q.help for q in QUESTIONS.values())
    assert all(set(q.needed_when) <= set(QUESTIONS) for q in QUESTIONS.values())


def test_changed_answers_lists_only_differences() -> None:
    before, after = answers(), answers("deep_fakes")
    assert eu_ai_act.changed_answers(before, after) == {"deep_fakes": (False, True)}
    assert len(eu_ai_act.changed_answers(None, after)) == len(QUESTIONS)


ANSWER_SETS = st.fixed_dictionaries({qid: st.booleans() for qid in QUESTIONS})
# The only answers that may lower a tier: the Art. 6(3) derogation (high → limited/minimal)
# and the Art. 5(1)(h) exceptions and authorisation (prohibited → high).
LOWERING = {*eu_ai_act.EXEMPTION_IDS, eu_ai_act.EXEMPTION_TEST_ID}
RBI_LOWERING = {*eu_ai_act.RBI_OBJECTIVE_IDS, "rbi_authorised"}


@settings(max_examples=300, deadline=None)
@given(ANSWER_SETS, st.sampled_from(sorted(QUESTIONS)))
def test_one_more_yes_never_lowers_the_tier_except_a_derogation_or_an_exception(
    base: dict[str, bool], flipped: str
) -> None:
    base = {**base, "role_deployer": True}
    if base[flipped]:
        return
    before = classify(base).tier
    after = classify({**base, flipped: True}).tier
    if flipped in LOWERING and not base["profiling"]:
        assert tier_rank(after) >= tier_rank(before) or (
            before is RiskTier.high and after in (RiskTier.limited, RiskTier.minimal)
        )
    elif flipped in RBI_LOWERING and base["p_realtime_rbi"]:
        assert tier_rank(after) >= tier_rank(before) or (
            before is RiskTier.prohibited and after is RiskTier.high
        )
    else:
        assert tier_rank(after) >= tier_rank(before)
