"""Judged evidence at a gate: a bias evaluation, performance evaluation or live monitoring is
met only by a linked object that passes now, recently enough and above the policy's bar."""

from __future__ import annotations

import pytest

from aitower.core.errors import InvalidInput
from aitower.governance.evaluation import GateResult, evaluate_gate
from governance.policies.support_policies import TODAY, facts, fair_monitor, policy

BIAS = {"applies_to": {"tiers": ["high"]}, "requirements": [{"document": "bias_evaluation"}]}


def _gate(requirement: dict[str, object], **fact_changes: object) -> GateResult:
    doc = {"applies_to": {"tiers": ["high"]}, "requirements": [requirement]}
    return evaluate_gate([policy(doc)], facts(**fact_changes), "deployment", today=TODAY)


def test_a_failing_fairness_result_blocks_and_says_its_figures() -> None:
    gate = _gate(
        {"document": "bias_evaluation"}, judgements=(fair_monitor(passed=False, ratio=0.07),)
    )
    assert gate.verdict == "block"
    (finding,) = gate.findings
    assert "monitor 'credit daily' fails" in finding.message
    assert "0.07" in finding.message


def test_a_passing_fairness_result_passes_and_names_what_proves_it() -> None:
    gate = _gate({"document": "bias_evaluation"}, judgements=(fair_monitor(passed=True),))
    assert gate.verdict == "pass"
    assert "proven by monitor 'credit daily'" in gate.findings[0].message
    assert "2026-11-24" in gate.findings[0].message  # the day of the result judged


def test_one_passing_object_is_enough_beside_a_failing_one() -> None:
    both = (fair_monitor(passed=False, ratio=0.5), fair_monitor(passed=True))
    assert _gate({"document": "bias_evaluation"}, judgements=both).verdict == "pass"


def test_a_document_or_link_of_a_judged_kind_does_not_pass() -> None:
    gate = _gate({"document": "bias_evaluation"}, documents=frozenset({"bias_evaluation"}))
    assert gate.verdict == "block"
    message = gate.findings[0].message
    assert "link a fairness monitor" in message
    assert "attached document does not count" in message


@pytest.mark.parametrize(("days_old", "verdict"), [(30, "pass"), (31, "block")])
def test_a_result_older_than_the_default_30_days_is_stale(days_old: int, verdict: str) -> None:
    judged = (fair_monitor(passed=True, days_old=days_old),)
    gate = _gate({"document": "bias_evaluation"}, judgements=judged)
    assert gate.verdict == verdict
    if verdict == "block":
        assert "older than 30 days" in gate.findings[0].message


def test_the_policy_sets_its_own_age_and_bar() -> None:
    judged = (fair_monitor(passed=True, ratio=0.85, days_old=5),)
    assert _gate({"document": "bias_evaluation", "max_age_days": 3}, judgements=judged).verdict == (
        "block"
    )
    higher = _gate({"document": "bias_evaluation", "at_least": 0.9}, judgements=judged)
    assert higher.verdict == "block"
    assert "0.85 is below the policy's 0.9" in higher.findings[0].message
    assert _gate({"document": "bias_evaluation", "at_least": 0.8}, judgements=judged).verdict == (
        "pass"
    )


def test_a_verdict_for_another_kind_does_not_count() -> None:
    monitoring = (fair_monitor(passed=True, kind="monitoring"),)
    assert _gate({"document": "bias_evaluation"}, judgements=monitoring).verdict == "block"


def test_the_judged_options_are_refused_on_other_documents() -> None:
    with pytest.raises(InvalidInput) as refused:
        policy({"requirements": [{"document": "impact_assessment", "max_age_days": 10}]})
    assert refused.value.issues[0].field == "requirements[0].max_age_days"
    with pytest.raises(InvalidInput) as bad:
        policy({"requirements": [{"document": "bias_evaluation", "at_least": "high"}]})
    assert bad.value.issues[0].field == "requirements[0].at_least"
