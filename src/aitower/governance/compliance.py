"""Compliance of the portfolio against the active policies, and previews of gates and drafts.

Everything here reads: facts of the principal's systems in bulk (``load_facts``), the enabled
policies (``active_policies``), then pure evaluation, so the whole portfolio costs a fixed
number of queries however many systems it has.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput, NotFound
from aitower.governance.evaluation import (
    Finding,
    GateResult,
    Outcome,
    PolicyStatus,
    evaluate_compliance,
    evaluate_gate,
    evaluate_policy,
    worst,
)
from aitower.governance.facts_loader import load_facts
from aitower.governance.policy import parse_policy
from aitower.governance.policy_service import active_policies
from aitower.governance.policy_terms import GATES
from aitower.inventory.system_facts import SystemFacts

OUTCOMES: tuple[str, ...] = ("pass", "warn", "block")


@dataclass(frozen=True, slots=True)
class SystemStanding:
    """One system's standing: its worst outcome, counts per outcome, and what fails."""

    id: uuid.UUID
    name: str
    unit: str
    stage: str
    tier: str | None
    outcome: Outcome
    passing: int
    warning: int
    blocking: int
    failing: tuple[Finding, ...]  # warn and block findings, blocks first


@dataclass(frozen=True, slots=True)
class PolicyTally:
    key: str
    name: str
    passing: int
    warning: int
    blocking: int

    @property
    def selected(self) -> int:
        return self.passing + self.warning + self.blocking


@dataclass(frozen=True, slots=True)
class PortfolioCompliance:
    systems: tuple[SystemStanding, ...]  # worst first, then by name
    policies: tuple[PolicyTally, ...]  # by key; every active policy, even if it selects none
    totals: dict[str, int]  # systems per worst outcome: {"pass", "warn", "block"}

    @property
    def system_count(self) -> int:
        return len(self.systems)


@dataclass(frozen=True, slots=True)
class SystemCompliance:
    standing: SystemStanding
    statuses: tuple[PolicyStatus, ...]


@dataclass(frozen=True, slots=True)
class PreviewRow:
    id: uuid.UUID
    name: str
    unit: str
    stage: str
    outcome: Outcome
    failing: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class PolicyPreview:
    key: str
    name: str
    gates: tuple[str, ...]
    examined: int  # systems the principal sees
    rows: tuple[PreviewRow, ...]  # systems selected, worst first
    totals: dict[str, int]
    approvals: tuple[str, ...]  # roles whose approval the policy asks at its gates


_RANK = {"block": 0, "warn": 1, "pass": 2}


def _failing(statuses: tuple[PolicyStatus, ...]) -> tuple[Finding, ...]:
    found = [f for s in statuses for f in s.findings if f.outcome != "pass"]
    return tuple(sorted(found, key=lambda f: _RANK[f.outcome]))


def _standing(facts: SystemFacts, statuses: tuple[PolicyStatus, ...]) -> SystemStanding:
    outcomes = [s.outcome for s in statuses]
    return SystemStanding(
        id=facts.id,
        name=facts.name,
        unit=facts.unit,
        stage=facts.stage,
        tier=facts.tier,
        outcome=worst(outcomes),
        passing=outcomes.count("pass"),
        warning=outcomes.count("warn"),
        blocking=outcomes.count("block"),
        failing=_failing(statuses),
    )


def portfolio_compliance(
    session: Session, principal: Principal, today: date
) -> PortfolioCompliance:
    """Every system the principal sees against every enabled policy in force for it."""
    policies = active_policies(session)
    facts = load_facts(session, principal, None, today)
    tallies = {p.key: {"pass": 0, "warn": 0, "block": 0} for p in policies}
    standings = []
    for system in facts.values():
        statuses = evaluate_compliance(policies, system, today=today)
        for status in statuses:
            tallies[status.policy_key][status.outcome] += 1
        standings.append(_standing(system, statuses))
    standings.sort(key=lambda s: (_RANK[s.outcome], s.name))
    totals: dict[str, int] = {o: sum(1 for s in standings if s.outcome == o) for o in OUTCOMES}
    return PortfolioCompliance(
        systems=tuple(standings),
        policies=tuple(
            PolicyTally(p.key, p.name, *(tallies[p.key][o] for o in OUTCOMES)) for p in policies
        ),
        totals=totals,
    )


def _facts_of(
    session: Session, principal: Principal, system_id: uuid.UUID, today: date
) -> SystemFacts:
    found = load_facts(session, principal, [system_id], today).get(system_id)
    if found is None:
        raise NotFound(f"no AI system {system_id}")
    return found


def system_compliance(
    session: Session, principal: Principal, system_id: uuid.UUID, today: date
) -> SystemCompliance:
    facts = _facts_of(session, principal, system_id, today)
    statuses = evaluate_compliance(active_policies(session), facts, today=today)
    return SystemCompliance(_standing(facts, statuses), statuses)


def preview_gate(
    session: Session, principal: Principal, system_id: uuid.UUID, gate: str, today: date
) -> GateResult:
    """What a move of the system to ``gate`` would need right now (no approvals given yet)."""
    if gate not in GATES:
        raise InvalidInput.on("gate", f"unknown gate {gate!r}; expected one of {', '.join(GATES)}")
    facts = _facts_of(session, principal, system_id, today)
    return evaluate_gate(active_policies(session), facts, gate, today=today)


def preview_policy(
    session: Session, principal: Principal, source: str, today: date
) -> PolicyPreview:
    """An unsaved policy against the principal's portfolio: whom it selects, and how they fare.

    Requirements are checked whatever stage each system is at; approvals are listed, not
    checked (they are asked when a move is requested).
    """
    policy, document = parse_policy(source)
    facts = load_facts(session, principal, None, today)
    rows = []
    for system in facts.values():
        if policy.selects(system):
            status = evaluate_policy(policy, system, today=today)
            failing = tuple(f for f in status.findings if f.outcome != "pass")
            rows.append(
                PreviewRow(
                    system.id, system.name, system.unit, system.stage, status.outcome, failing
                )
            )
    rows.sort(key=lambda r: (_RANK[r.outcome], r.name))
    return PolicyPreview(
        key=policy.key,
        name=policy.name,
        gates=tuple(document["gates"]),
        examined=len(facts),
        rows=tuple(rows),
        totals={o: sum(1 for r in rows if r.outcome == o) for o in OUTCOMES},
        approvals=tuple(sorted({str(r.role) for r in policy.requirements if r.is_approval})),
    )
