"""Properties of evaluation that users rely on, checked over generated systems and policies."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aitower.governance.evaluation import evaluate_gate
from aitower.governance.facts import ApprovalState, Approver
from aitower.governance.policy import Policy, Requirement, default_pack, parse_policy
from aitower.governance.policy_terms import DOCUMENT_KINDS, FIELD_NAMES
from aitower.inventory.system_facts import SystemFacts
from governance.policies.support_policies import TODAY, facts, policy, vendor

RANK = {"pass": 0, "warn": 1, "block": 2}
ROLES = ("governance", "ops_manager", "security")
GATE = "deployment"

severities = st.sampled_from(["block", "warn"])
requirement_docs = st.one_of(
    st.builds(lambda f, s: {"field": f, "severity": s}, st.sampled_from(FIELD_NAMES), severities),
    st.builds(
        lambda d, s: {"document": d, "severity": s}, st.sampled_from(DOCUMENT_KINDS), severities
    ),
    st.builds(lambda s: {"questionnaire": "done", "severity": s}, severities),
    st.builds(
        lambda r, n: {"approval": {"role": r, "count": n}},
        st.sampled_from(ROLES),
        st.integers(1, 2),
    ),
    st.builds(
        lambda c, s: {"vendor": c, "severity": s},
        st.sampled_from(["dpa_signed", "attestation_valid", "no_training_on_customer_data"]),
        severities,
    ),
    st.builds(
        lambda m, s: {"risk": {"max_open_score": m}, "severity": s}, st.integers(1, 25), severities
    ),
    st.builds(lambda t: {"tier_not": [t]}, st.sampled_from(["prohibited", "high", "unassessed"])),
)
selectors = st.fixed_dictionaries(
    {},
    optional={
        "tiers": st.lists(
            st.sampled_from(["high", "limited", "minimal", "unassessed"]), min_size=1, max_size=2
        ),
        "kinds": st.lists(st.sampled_from(["ml_model", "llm_app", "copilot"]), min_size=1),
        "personal_data": st.booleans(),
    },
)


@st.composite
def policies(draw: st.DrawFn, key: str | None = None) -> Policy:
    doc: dict[str, Any] = {
        "key": key or f"p-{draw(st.integers(0, 10_000))}",
        "applies_to": draw(selectors),
        "gates": [GATE],
        "requirements": draw(st.lists(requirement_docs, min_size=1, max_size=4)),
    }
    return policy(doc)


@st.composite
def policy_sets(draw: st.DrawFn) -> list[Policy]:
    count = draw(st.integers(0, 4))
    return [draw(policies(key=f"policy-{i}")) for i in range(count)]


@st.composite
def systems(draw: st.DrawFn) -> SystemFacts:
    return facts(
        kind=draw(st.sampled_from(["ml_model", "llm_app", "copilot"])),
        tier=draw(st.sampled_from(["high", "limited", "minimal", None])),
        personal_data=draw(st.booleans()),
        fields_set=frozenset(draw(st.lists(st.sampled_from(FIELD_NAMES)))),
        documents=frozenset(draw(st.lists(st.sampled_from(DOCUMENT_KINDS)))),
        questionnaire_done=draw(st.booleans()),
        vendors=tuple(
            vendor(
                f"V{i}",
                dpa_signed=draw(st.booleans()),
                trains_on_customer_data=draw(st.sampled_from([True, False, None])),
            )
            for i in range(draw(st.integers(0, 2)))
        ),
        open_risk_scores=tuple(draw(st.lists(st.integers(1, 25), max_size=3))),
    )


PEOPLE = [
    Approver(uuid.UUID(int=i + 1), f"person-{i}", frozenset(roles))
    for i, roles in enumerate(
        [
            ("governance",),
            ("ops_manager",),
            ("security",),
            ("governance", "ops_manager"),
            ("governance", "security"),
            ("ops_manager", "security"),
        ]
    )
]


@st.composite
def approval_states(draw: st.DrawFn) -> ApprovalState:
    people = draw(st.lists(st.sampled_from(PEOPLE), max_size=5))
    requester = draw(st.sampled_from([None, *[p.user_id for p in PEOPLE]]))
    return ApprovalState(requester, tuple(people))


def verdict(ps: list[Policy], system: SystemFacts, state: ApprovalState | None = None) -> int:
    return RANK[evaluate_gate(ps, system, GATE, today=TODAY, approvals=state).verdict]


def _satisfied_by(system: SystemFacts) -> Requirement:
    """A requirement the system meets, whatever it is."""
    return (
        Requirement("questionnaire")
        if system.questionnaire_done
        else Requirement("tier_not", tiers=frozenset({"no-such-tier"}))
    )


@given(policy_sets(), systems(), approval_states())
@settings(max_examples=150, deadline=None)
def test_adding_a_satisfied_requirement_never_raises_the_verdict(
    ps: list[Policy], system: SystemFacts, state: ApprovalState
) -> None:
    if not ps:
        return
    first = ps[0]
    extended = replace(first, requirements=(*first.requirements, _satisfied_by(system)))
    assert verdict([extended, *ps[1:]], system, state) == verdict(ps, system, state)


@given(policy_sets(), systems(), approval_states())
@settings(max_examples=150, deadline=None)
def test_a_requesters_approval_never_counts(
    ps: list[Policy], system: SystemFacts, state: ApprovalState
) -> None:
    requester = PEOPLE[3]
    with_own = ApprovalState(requester.user_id, (*state.approvers, requester))
    without = ApprovalState(requester.user_id, tuple(a for a in state.approvers if a != requester))
    assert evaluate_gate(ps, system, GATE, today=TODAY, approvals=with_own) == evaluate_gate(
        ps, system, GATE, today=TODAY, approvals=without
    )


@given(policy_sets(), systems(), approval_states(), st.sampled_from(PEOPLE))
@settings(max_examples=150, deadline=None)
def test_adding_an_approver_never_raises_the_verdict(
    ps: list[Policy], system: SystemFacts, state: ApprovalState, extra: Approver
) -> None:
    more = ApprovalState(state.requester_id, (*state.approvers, extra))
    assert verdict(ps, system, more) <= verdict(ps, system, state)


@given(policy_sets(), systems(), approval_states(), st.integers(0, 3))
@settings(max_examples=150, deadline=None)
def test_removing_a_policy_never_raises_the_verdict(
    ps: list[Policy], system: SystemFacts, state: ApprovalState, index: int
) -> None:
    if not ps:
        return
    fewer = [p for i, p in enumerate(ps) if i != index % len(ps)]
    assert verdict(fewer, system, state) <= verdict(ps, system, state)


@given(policy_sets(), systems(), approval_states(), st.randoms(use_true_random=False))
@settings(max_examples=150, deadline=None)
def test_evaluation_is_independent_of_policy_and_approver_order(
    ps: list[Policy], system: SystemFacts, state: ApprovalState, rnd: random.Random
) -> None:
    shuffled = list(ps)
    rnd.shuffle(shuffled)
    people = list(state.approvers)
    rnd.shuffle(people)
    again = ApprovalState(state.requester_id, tuple(people))
    assert evaluate_gate(ps, system, GATE, today=TODAY, approvals=state) == evaluate_gate(
        shuffled, system, GATE, today=TODAY, approvals=again
    )


def test_default_pack_over_ten_thousand_systems() -> None:
    pack = [parse_policy(source)[0] for source in default_pack().values()]
    rnd = random.Random(7)
    verdicts = {"pass": 0, "warn": 0, "block": 0}
    for i in range(10_000):
        system = facts(
            id=uuid.UUID(int=i),
            name=f"system-{i}",
            kind=rnd.choice(["ml_model", "llm_app", "agent", "third_party_tool", "copilot"]),
            tier=rnd.choice(["prohibited", "high", "limited", "minimal", None]),
            stage=rnd.choice(["planning", "development", "deployment"]),
            personal_data=rnd.random() < 0.4,
            documents=frozenset(rnd.sample(DOCUMENT_KINDS, rnd.randint(0, 5))),
            fields_set=frozenset(rnd.sample(FIELD_NAMES, rnd.randint(0, 6))),
            questionnaire_done=rnd.random() < 0.7,
            vendors=(vendor(dpa_signed=rnd.random() < 0.7),) if rnd.random() < 0.5 else (),
        )
        verdicts[evaluate_gate(pack, system, "deployment", today=TODAY).verdict] += 1
    assert sum(verdicts.values()) == 10_000
    assert verdicts["block"] > 0
