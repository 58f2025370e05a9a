"""The EU AI Act classification: one case per tier, per Annex III area, the Art. 6(1) route,
the Art. 6(3) exemption and the profiling rule, the refusals, and a monotonicity property."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aitower.core.errors import InvalidInput
from aitower.inventory.vocabulary import RiskTier
from aitower.risk import eu_ai_act
from aitower.risk.eu_ai_act import QUESTIONS, SECTIONS, classify, template_answers, tier_rank

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
    "6": ["law_enforcement"],
    "7": ["migration_border"],
    "8": ["justice", "elections"],
}


def answers(*yes: str) -> dict[str, bool]:
    result = template_answers()
    for qid in yes:
        assert qid in result, qid
        result[qid] = True
    return result


def test_minimal_when_nothing_applies() -> None:
    result = classify(answers())
    assert result.tier is RiskTier.minimal
    assert result.articles == ()
    assert any("Art. 95" in o for o in result.obligations)


def test_limited_for_a_chatbot_with_its_art_50_duties() -> None:
    result = classify(answers("interacts_with_people", "generates_synthetic_content"))
    assert result.tier is RiskTier.limited
    assert result.articles == ("Art. 50(1)", "Art. 50(2)")
    assert any("Art. 50(1)" in o for o in result.obligations)
    assert any("Art. 50(2)" in o for o in result.obligations)
    assert not any("Art. 9" in o for o in result.obligations)


def test_high_for_credit_scoring_with_profiling_overriding_the_exemption() -> None:
    result = classify(answers("creditworthiness", "exemption_preparatory", "profiling"))
    assert result.tier is RiskTier.high
    assert "Annex III point 5(b)" in result.articles
    assert "Art. 6(3)" in result.articles
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
        "Art. 72",
    ):
        assert any(f"({article})" in o for o in result.obligations), article


def test_prohibited_wins_over_everything() -> None:
    result = classify(answers("p_social_scoring", "creditworthiness", "interacts_with_people"))
    assert result.tier is RiskTier.prohibited
    assert result.articles[0] == "Art. 5(1)(c)"
    assert result.obligations == ("Must not be placed on the market or put into service (Art. 5)",)


@pytest.mark.parametrize("qid", [q.id for q in eu_ai_act.PROHIBITED.questions])
def test_every_prohibited_practice_is_prohibited(qid: str) -> None:
    assert classify(answers(qid)).tier is RiskTier.prohibited


@pytest.mark.parametrize(
    ("point", "qid"), [(p, q) for p, ids in ANNEX_III_POINTS.items() for q in ids]
)
def test_every_annex_iii_use_case_is_high_risk(point: str, qid: str) -> None:
    result = classify(answers(qid))
    assert result.tier is RiskTier.high
    assert any(a.startswith(f"Annex III point {point}") for a in result.articles)


def test_every_annex_iii_area_has_a_question() -> None:
    asked = {q.article.removeprefix("Annex III point ")[0] for q in eu_ai_act.ANNEX_III.questions}
    assert asked == set(ANNEX_III_POINTS)
    assert {q for ids in ANNEX_III_POINTS.values() for q in ids} == {
        q.id for q in eu_ai_act.ANNEX_III.questions
    }


def test_annex_i_safety_component_is_high_risk_via_art_6_1() -> None:
    result = classify(answers("annex_i_safety_component", "exemption_narrow_procedural"))
    assert result.tier is RiskTier.high
    assert result.articles == ("Art. 6(1)",)
    assert any("Art. 43" in o for o in result.obligations)


@pytest.mark.parametrize("exemption", eu_ai_act.EXEMPTION_IDS)
def test_an_art_6_3_exemption_takes_an_annex_iii_system_out_of_high_risk(exemption: str) -> None:
    result = classify(answers("employment_recruitment", exemption))
    assert result.tier is RiskTier.minimal
    assert "Art. 6(3)" in result.articles
    assert any("the Art. 6(3) exemption applies" in r for r in result.reasons)
    assert any("Art. 6(4)" in o for o in result.obligations)


def test_exempted_system_with_a_transparency_case_is_limited() -> None:
    result = classify(
        answers("education_evaluation", "exemption_detects_patterns", "interacts_with_people")
    )
    assert result.tier is RiskTier.limited


def test_profiling_overrides_every_exemption() -> None:
    everything = answers("employment_decisions", *eu_ai_act.EXEMPTION_IDS, "profiling")
    assert classify(everything).tier is RiskTier.high


def test_high_risk_with_a_transparency_case_gets_both_sets_of_obligations() -> None:
    result = classify(answers("emergency_triage", "interacts_with_people"))
    assert result.tier is RiskTier.high
    assert any("Art. 14" in o for o in result.obligations)
    assert any("Art. 50(1)" in o for o in result.obligations)
    assert "Art. 50(1)" in result.articles


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


def test_art_6_3_questions_are_needed_only_with_an_annex_iii_case() -> None:
    exemption_ids = [q.id for q in eu_ai_act.EXEMPTIONS.questions]
    without = {k: v for k, v in answers().items() if k not in exemption_ids}
    assert classify(without).tier is RiskTier.minimal
    with pytest.raises(InvalidInput) as caught:
        classify({**without, "creditworthiness": True})
    assert {i.field for i in caught.value.issues} == {f"answers.{q}" for q in exemption_ids}


def test_question_ids_are_unique_and_every_question_cites_its_article() -> None:
    ids = [q.id for s in SECTIONS for q in s.questions]
    assert len(ids) == len(set(ids)) == len(QUESTIONS)
    assert all(q.article and q.text.endswith("?") and q.help for q in QUESTIONS.values())


def test_changed_answers_lists_only_differences() -> None:
    before, after = answers(), answers("deep_fakes")
    assert eu_ai_act.changed_answers(before, after) == {"deep_fakes": (False, True)}
    assert len(eu_ai_act.changed_answers(None, after)) == len(QUESTIONS)


ANSWER_SETS = st.fixed_dictionaries({qid: st.booleans() for qid in QUESTIONS})


@settings(max_examples=300, deadline=None)
@given(ANSWER_SETS, st.sampled_from(sorted(QUESTIONS)))
def test_one_more_yes_never_lowers_the_tier_except_an_exemption_without_profiling(
    base: dict[str, bool], flipped: str
) -> None:
    if base[flipped]:
        return
    before = classify(base).tier
    after = classify({**base, flipped: True}).tier
    if flipped in eu_ai_act.EXEMPTION_IDS and not base["profiling"]:
        # The only way down: an exemption taking an Annex III system out of high risk.
        assert tier_rank(after) >= tier_rank(before) or (
            before is RiskTier.high and after in (RiskTier.limited, RiskTier.minimal)
        )
    else:
        assert tier_rank(after) >= tier_rank(before)
