"""Judging a system against policies: at a gate (a move) or continuously (compliance).

Pure: facts and policies in, findings out. Each finding says in plain language what is missing,
so an engineer reading a blocked move knows what to attach or whom to ask. The verdict is the
worst failing severity: block, else warn, else pass; a gate no policy applies to passes.

Approval requirements of all policies at one gate are merged by role (the largest count asked
wins) and filled by distinct people (``matching``), so one person never counts twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

from aitower.governance.facts import ApprovalState
from aitower.governance.matching import assign_approvers
from aitower.governance.messages import failure_detail, pass_detail
from aitower.governance.policy import Policy, Requirement
from aitower.inventory.lifecycle import Stage
from aitower.inventory.system_facts import SystemFacts

Outcome = Literal["pass", "warn", "block"]
Severity = Literal["block", "warn"]
_RANK: dict[str, int] = {"pass": 0, "warn": 1, "block": 2}
_PREFIX: dict[str, str] = {"pass": "Passed", "warn": "Warning", "block": "Blocked"}


@dataclass(frozen=True, slots=True)
class Finding:
    policy_key: str
    policy_name: str
    requirement: str
    severity: Severity
    outcome: Outcome
    message: str

    @property
    def is_approval(self) -> bool:
        return self.requirement.startswith("approval:")


@dataclass(frozen=True, slots=True)
class ApprovalNeed:
    policy_key: str
    role: str
    needed: int
    have: int
    approvers: tuple[str, ...]  # names of the approvers counted for this need

    @property
    def met(self) -> bool:
        return self.have >= self.needed


@dataclass(frozen=True, slots=True)
class GateResult:
    gate: str
    verdict: Outcome
    findings: tuple[Finding, ...]
    approvals: tuple[ApprovalNeed, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome == "block")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.outcome == "warn")

    @property
    def only_approvals_missing(self) -> bool:
        """Every block finding is an approval: the move waits for people, not for evidence."""
        return all(f.is_approval for f in self.blocking)

    def to_document(self) -> dict[str, Any]:
        return {
            "gate": self.gate,
            "verdict": self.verdict,
            "findings": [
                {
                    "policy_key": f.policy_key,
                    "policy_name": f.policy_name,
                    "requirement": f.requirement,
                    "severity": f.severity,
                    "outcome": f.outcome,
                    "message": f.message,
                }
                for f in self.findings
            ],
            "approvals": [
                {
                    "policy_key": a.policy_key,
                    "role": a.role,
                    "needed": a.needed,
                    "have": a.have,
                    "approvers": list(a.approvers),
                }
                for a in self.approvals
            ],
        }

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> GateResult:
        return cls(
            gate=str(doc["gate"]),
            verdict=cast(Outcome, doc["verdict"]),
            findings=tuple(Finding(**f) for f in doc.get("findings", ())),
            approvals=tuple(
                ApprovalNeed(**{**a, "approvers": tuple(a["approvers"])})
                for a in doc.get("approvals", ())
            ),
        )


@dataclass(frozen=True, slots=True)
class PolicyStatus:
    policy_key: str
    policy_name: str
    outcome: Outcome
    findings: tuple[Finding, ...]


def worst(outcomes: Sequence[str]) -> Outcome:
    """The most severe of the outcomes (pass when there are none)."""
    return cast(Outcome, max(outcomes, key=_RANK.__getitem__, default="pass"))


def _finding(
    policy: Policy, req: Requirement, failed_detail: str | None, passed_detail: str
) -> Finding:
    severity = cast(Severity, req.severity)
    outcome: Outcome = "pass" if failed_detail is None else severity
    detail = passed_detail if failed_detail is None else req.message or failed_detail
    return Finding(
        policy.key, policy.name, req.label, severity, outcome, f"{_PREFIX[outcome]}: {detail}"
    )


def _check(
    policy: Policy,
    req: Requirement,
    system: SystemFacts,
    gate: str,
    today: date,
    have: Mapping[str, int],
) -> Finding:
    if req.is_approval:
        got = have.get(str(req.role), 0)
        plural = "" if req.count == 1 else "s"
        failed = (
            None
            if got >= req.count
            else (f"needs {req.count} approval{plural} from {req.role} ({got} so far).")
        )
        return _finding(policy, req, failed, f"approved by {req.role}.")
    failed = failure_detail(policy, req, system, gate, today)
    passed = "" if failed is not None else pass_detail(req, policy, system, today)
    return _finding(policy, req, failed, passed)


def _unique_sorted(policies: Sequence[Policy]) -> list[Policy]:
    by_key: dict[str, Policy] = {}
    for policy in policies:
        by_key.setdefault(policy.key, policy)
    return [by_key[k] for k in sorted(by_key)]


def _approval_needs(
    applicable: Sequence[Policy], approvals: ApprovalState | None
) -> tuple[tuple[ApprovalNeed, ...], dict[str, int]]:
    asked: dict[str, tuple[int, str]] = {}
    for policy in applicable:
        for req in policy.requirements:
            if req.is_approval and req.count > asked.get(str(req.role), (0, ""))[0]:
                asked[str(req.role)] = (req.count, policy.key)
    counted = assign_approvers(
        {role: n for role, (n, _) in asked.items()},
        approvals.approvers if approvals else (),
        approvals.requester_id if approvals else None,
    )
    needs = tuple(
        ApprovalNeed(key, role, n, len(counted[role]), tuple(a.name for a in counted[role]))
        for role, (n, key) in sorted(asked.items())
    )
    return needs, {need.role: need.have for need in needs}


def evaluate_gate(
    policies: Sequence[Policy],
    system: SystemFacts,
    gate: str,
    *,
    today: date,
    approvals: ApprovalState | None = None,
) -> GateResult:
    """What a move of ``system`` to ``gate`` (a stage, 'intake' or 'continuous') meets and lacks.

    ``approvals`` None: none given yet (a preview or a fresh request).
    """
    applicable = [p for p in _unique_sorted(policies) if gate in p.gates and p.selects(system)]
    needs, have = _approval_needs(applicable, approvals)
    findings = tuple(
        _check(policy, req, system, gate, today, have)
        for policy in applicable
        for req in policy.requirements
    )
    return GateResult(gate, worst([f.outcome for f in findings]), findings, needs)


def _in_force(policy: Policy, system: SystemFacts) -> bool:
    """Continuous and intake gates always; a stage gate once the system has reached it."""
    reached = Stage(system.stage).order
    return any(
        gate in ("continuous", "intake")
        or (gate in Stage.__members__ and Stage(gate).order <= reached)
        for gate in policy.gates
    )


def evaluate_policy(policy: Policy, system: SystemFacts, *, today: date) -> PolicyStatus:
    """One policy's non-approval requirements against the system, whatever its stage (the
    editor's preview of an unsaved policy)."""
    findings = tuple(
        _check(policy, req, system, "continuous", today, {})
        for req in policy.requirements
        if not req.is_approval
    )
    return PolicyStatus(policy.key, policy.name, worst([f.outcome for f in findings]), findings)


def evaluate_compliance(
    policies: Sequence[Policy], system: SystemFacts, *, today: date
) -> tuple[PolicyStatus, ...]:
    """How the system stands today against every policy in force for it, by policy key.

    Approvals are not asked again: they were given at the gate the system passed.
    """
    statuses: list[PolicyStatus] = []
    for policy in _unique_sorted(policies):
        if _in_force(policy, system) and policy.selects(system):
            statuses.append(evaluate_policy(policy, system, today=today))
    return tuple(statuses)
