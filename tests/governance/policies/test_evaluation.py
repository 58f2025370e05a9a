"""Evaluating gates and compliance: selectors, each requirement type, verdicts and messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from aitower.governance.evaluation import GateResult, evaluate_compliance, evaluate_gate
from aitower.governance.facts import ApprovalState
from aitower.governance.policy import default_pack, parse_policy
from governance.policies.support_policies import (
    TODAY,
    approver,
    facts,
    fair_monitor,
    policy,
    vendor,
)


def _one(doc: dict[str, object], system: object, gate: str = "deployment") -> GateResult:
    return evaluate_gate([policy(doc)], system, gate, today=TODAY)  # type: ignore[arg-type]


# --- selectors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applies_to", "selected", "unselected"),
    [
        ({"tiers": ["high"]}, {"tier": "high"}, {"tier": "minimal"}),
        ({"tiers": ["unassessed"]}, {"tier": None}, {"tier": "high"}),
        ({"kinds": ["copilot", "agent"]}, {"kind": "agent"}, {"kind": "ml_model"}),
        ({"units": ["Finance"]}, {"unit": "Finance"}, {"unit": "HR"}),
        ({"tags": ["a", "b"]}, {"tags": frozenset({"b", "z"})}, {"tags": frozenset({"z"})}),
        ({"stages": ["planning"]}, {"stage": "planning"}, {"stage": "development"}),
        (
            {"data_classification_at_least": "confidential"},
            {"data_classification": "restricted"},
            {"data_classification": "internal"},
        ),
        ({"personal_data": True}, {"personal_data": True}, {"personal_data": False}),
        ({"special_category_data": False}, {}, {"special_category_data": True}),
        (
            {"vendors": {"types": ["saas_tool"], "risk_rating_at_least": "high"}},
            {
                "vendors": (
                    vendor("A"),
                    vendor("B", vendor_type="saas_tool", risk_rating="critical"),
                )
            },
            {"vendors": (vendor("B", vendor_type="saas_tool", risk_rating="medium"),)},
        ),
        (
            {"vendors": {"trains_on_customer_data": True}},
            {"vendors": (vendor(trains_on_customer_data=None),)},
            {"vendors": (vendor(trains_on_customer_data=False),)},
        ),
        ({"tiers": ["high"], "kinds": ["ml_model"]}, {}, {"kind": "agent"}),
    ],
)
def test_selectors(
    applies_to: dict[str, object], selected: dict[str, object], unselected: dict[str, object]
) -> None:
    chosen = policy({"applies_to": applies_to, "requirements": [{"questionnaire": "done"}]})
    assert chosen.selects(facts(**selected))
    assert not chosen.selects(facts(**unselected))


def test_no_selector_selects_every_system() -> None:
    chosen = policy({"requirements": [{"questionnaire": "done"}]})
    assert chosen.selects(facts(tier=None, kind="copilot"))


# --- requirement types ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requirement", "passing", "failing", "message"),
    [
        (
            {"field": "technical_owner", "severity": "warn"},
            {"fields_set": frozenset({"technical_owner"})},
            {},
            "Warning: the technical owner is not set.",
        ),
        (
            {"document": "human_oversight_plan"},
            {"documents": frozenset({"human_oversight_plan"})},
            {"documents": frozenset({"model_card"})},
            "Blocked: high-risk systems need a human-oversight plan; none is attached.",
        ),
        (
            {"questionnaire": "done"},
            {"questionnaire_done": True},
            {},
            "Blocked: the EU AI Act questionnaire is not done.",
        ),
        (
            {"vendor": "dpa_signed"},
            {"vendors": (vendor(),), "personal_data": True},
            {"vendors": (vendor(dpa_signed=False),), "personal_data": True},
            "Blocked: vendor Acme AI has no signed DPA, and this system processes personal data.",
        ),
        (
            {"vendor": "attestation_valid"},
            {"vendors": (vendor(soc2_until=TODAY),)},
            {"vendors": (vendor(soc2_until=date(2020, 1, 1)),)},
            "Blocked: vendor Acme AI has no valid SOC 2 or ISO/IEC 27001 attestation.",
        ),
        (
            {"vendor": "no_training_on_customer_data", "severity": "warn"},
            {"vendors": (vendor(trains_on_customer_data=False),)},
            {"vendors": (vendor(trains_on_customer_data=True),)},
            "Warning: vendor Acme AI trains on customer data.",
        ),
        (
            {"vendor": {"risk_rating_at_most": "medium"}},
            {"vendors": (vendor(risk_rating="low"),)},
            {"vendors": (vendor(risk_rating="high"),)},
            "Blocked: vendor Acme AI is rated high risk (at most medium allowed).",
        ),
        (
            {"risk": {"max_open_score": 12}},
            {"open_risk_scores": (12, 4)},
            {"open_risk_scores": (16, 3)},
            "Blocked: an open risk has residual score 16 (limit 12).",
        ),
        (
            {"tier_not": ["prohibited", "unassessed"]},
            {"tier": "high"},
            {"tier": None},
            "Blocked: systems not yet assessed may not move to deployment.",
        ),
    ],
)
def test_requirement_pass_and_fail(
    requirement: dict[str, object],
    passing: dict[str, object],
    failing: dict[str, object],
    message: str,
) -> None:
    doc = {"applies_to": {"kinds": ["ml_model"]}, "requirements": [requirement]}
    doc = doc if "document" not in requirement else {**doc, "applies_to": {"tiers": ["high"]}}
    good = _one(doc, facts(**passing))
    assert good.verdict == "pass" and good.findings[0].outcome == "pass"
    assert good.findings[0].message.startswith("Passed: ")
    bad = _one(doc, facts(**failing))
    assert bad.verdict == requirement.get("severity", "block")
    assert bad.findings[0].message == message


def test_vendor_requirement_passes_without_vendors() -> None:
    assert _one({"requirements": [{"vendor": "dpa_signed"}]}, facts()).verdict == "pass"


def test_silent_vendor_counts_as_training() -> None:
    result = _one(
        {"requirements": [{"vendor": "no_training_on_customer_data"}]},
        facts(vendors=(vendor(trains_on_customer_data=None),)),
    )
    assert "has not said whether it trains" in result.findings[0].message


def test_several_open_risks_are_summarised() -> None:
    result = _one(
        {"requirements": [{"risk": {"max_open_score": 10}}]}, facts(open_risk_scores=(20, 16, 4))
    )
    assert result.findings[0].message == (
        "Blocked: 2 open risks have residual scores above 10 (highest 20)."
    )


def test_custom_message_replaces_the_sentence() -> None:
    result = _one(
        {"requirements": [{"questionnaire": "done", "message": "answer it first."}]}, facts()
    )
    assert result.findings[0].message == "Blocked: answer it first."


def test_approval_message_and_counting() -> None:
    doc = {"requirements": [{"approval": {"role": "governance", "count": 1}}]}
    pending = _one(doc, facts())
    assert pending.verdict == "block"
    assert pending.findings[0].message == "Blocked: needs 1 approval from governance (0 so far)."
    assert pending.only_approvals_missing
    given = evaluate_gate(
        [policy(doc)],
        facts(),
        "deployment",
        today=TODAY,
        approvals=ApprovalState(None, (approver("gina", "governance"),)),
    )
    assert given.verdict == "pass"
    assert given.approvals[0].approvers == ("gina",)
    assert given.approvals[0].have == 1 and given.approvals[0].needed == 1


def test_verdict_is_the_worst_failing_severity() -> None:
    warn_only = {
        "requirements": [{"questionnaire": "done", "severity": "warn"}, {"field": "notes"}]
    }
    result = _one(warn_only, facts(fields_set=frozenset({"notes"})))
    assert result.verdict == "warn"
    assert not result.blocking and len(result.warnings) == 1
    result = _one(warn_only, facts())
    assert result.verdict == "block"
    assert not result.only_approvals_missing


def test_gate_no_policy_applies_to_passes() -> None:
    result = _one({"requirements": [{"questionnaire": "done"}]}, facts(), gate="monitoring")
    assert result.verdict == "pass" and result.findings == () and result.approvals == ()


def test_gate_result_document_round_trips() -> None:
    doc = {"requirements": [{"approval": {"role": "governance"}}, {"questionnaire": "done"}]}
    result = evaluate_gate(
        [policy(doc)],
        facts(),
        "deployment",
        today=TODAY,
        approvals=ApprovalState(None, (approver("gina", "governance"),)),
    )
    assert GateResult.from_document(result.to_document()) == result


def test_approval_needs_merge_by_role_taking_the_largest_count() -> None:
    a = policy({"key": "a-pol", "requirements": [{"approval": {"role": "governance"}}]})
    b = policy({"key": "b-pol", "requirements": [{"approval": {"role": "governance", "count": 2}}]})
    result = evaluate_gate(
        [a, b],
        facts(),
        "deployment",
        today=TODAY,
        approvals=ApprovalState(None, (approver("gina", "governance"),)),
    )
    assert [(n.policy_key, n.role, n.needed, n.have) for n in result.approvals] == [
        ("b-pol", "governance", 2, 1)
    ]
    assert [f.outcome for f in result.findings] == ["pass", "block"]


# --- compliance ---------------------------------------------------------------------------------


def test_compliance_checks_policies_of_reached_stages_without_approvals() -> None:
    deploy = policy(
        {
            "key": "deploy",
            "requirements": [{"questionnaire": "done"}, {"approval": {"role": "security"}}],
        }
    )
    retire = policy(
        {
            "key": "retire",
            "gates": ["retirement"],
            "requirements": [{"document": "decommission_plan"}],
        }
    )
    always = policy(
        {
            "key": "always",
            "gates": ["continuous"],
            "requirements": [{"field": "notes", "severity": "warn"}],
        }
    )
    intake = policy(
        {
            "key": "intake",
            "gates": ["intake"],
            "requirements": [{"questionnaire": "done", "severity": "warn"}],
        }
    )
    policies = [retire, always, deploy, intake]
    in_development = evaluate_compliance(policies, facts(stage="development"), today=TODAY)
    assert [s.policy_key for s in in_development] == ["always", "intake"]
    in_monitoring = evaluate_compliance(policies, facts(stage="monitoring"), today=TODAY)
    assert [(s.policy_key, s.outcome) for s in in_monitoring] == [
        ("always", "warn"),
        ("deploy", "block"),
        ("intake", "warn"),
    ]
    deploy_status = in_monitoring[1]
    assert [f.requirement for f in deploy_status.findings] == ["questionnaire: done"]


def test_prohibited_systems_are_blocked_by_the_pack() -> None:
    pack = [parse_policy(s)[0] for s in default_pack().values()]
    system = facts(tier="prohibited", stage="planning")
    result = evaluate_gate(pack, system, "development", today=TODAY)
    assert result.verdict == "block"
    assert any(f.policy_key == "prohibited-never-built" for f in result.blocking)


def test_high_risk_deployment_by_the_pack_lists_what_is_missing() -> None:
    pack = [parse_policy(s)[0] for s in default_pack().values()]
    result = evaluate_gate(pack, facts(), "deployment", today=TODAY)
    messages = [f.message for f in result.blocking]
    assert "Blocked: high-risk systems need a human-oversight plan; none is attached." in messages
    assert {n.role for n in result.approvals} == {"governance", "ops_manager"}
    documented = facts(
        documents=frozenset(
            {
                "impact_assessment",
                "human_oversight_plan",
                "bias_evaluation",
                "technical_documentation",
            }
        ),
        questionnaire_done=True,
        fields_set=frozenset({"accountable_owner", "technical_owner"}),
    )
    # A bias evaluation is judged: the attached document alone does not pass the gate.
    claimed = evaluate_gate(pack, documented, "deployment", today=TODAY)
    assert [f.requirement for f in claimed.blocking if not f.is_approval] == [
        "document: bias_evaluation"
    ]
    complete = replace(documented, judgements=(fair_monitor(passed=True),))
    waiting = evaluate_gate(pack, complete, "deployment", today=TODAY)
    assert waiting.verdict == "block" and waiting.only_approvals_missing
    approved = evaluate_gate(
        pack,
        complete,
        "deployment",
        today=TODAY,
        approvals=ApprovalState(
            None, (approver("gina", "governance"), approver("otto", "ops_manager"))
        ),
    )
    assert approved.verdict == "pass"
