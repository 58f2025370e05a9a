"""API shapes of policies, compliance and gate previews. Inputs forbid unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.core.errors import FieldIssue
from aitower.core.web.pagination import Page
from aitower.governance.compliance import (
    PolicyPreview,
    PolicyTally,
    PreviewRow,
    SystemCompliance,
    SystemStanding,
)
from aitower.governance.evaluation import ApprovalNeed, Finding, GateResult, PolicyStatus
from aitower.governance.policy_service import PolicyDetail, PolicySummary, PolicyVersion

MAX_SOURCE = 100_000
PREVIEW_ROWS = 200  # the preview lists the worst systems first; totals count them all
EXAMPLE = (
    "key: high-risk-oversight\nname: High-risk systems need human oversight\n"
    "applies_to: {tiers: [high]}\ngates: [deployment]\n"
    "requirements:\n  - document: human_oversight_plan\n  - approval: {role: governance}\n"
)


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"source": EXAMPLE}]})
    source: str = Field(min_length=1, max_length=MAX_SOURCE, description="The policy as YAML")


class PolicyIn(SourceIn):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"source": EXAMPLE, "comment": "first version"}]},
    )
    comment: str = Field(default="", max_length=500, description="Why this version")


class PolicyOut(BaseModel):
    key: str
    name: str
    description: str
    enabled: bool
    version: int
    gates: list[str]
    requirement_count: int
    updated_at: datetime

    @classmethod
    def of(cls, summary: PolicySummary) -> PolicyOut:
        return cls(
            **{**{f: getattr(summary, f) for f in cls.model_fields}, "gates": list(summary.gates)}
        )


class VersionOut(BaseModel):
    version: int
    source: str
    document: dict[str, Any]
    author: str
    comment: str
    created_at: datetime

    @classmethod
    def of(cls, version: PolicyVersion) -> VersionOut:
        return cls(**{f: getattr(version, f) for f in cls.model_fields})


class PolicyDetailOut(PolicyOut):
    source: str
    document: dict[str, Any]
    versions: list[VersionOut]

    @classmethod
    def of_detail(cls, detail: PolicyDetail) -> PolicyDetailOut:
        base = PolicyOut.of(detail.summary).model_dump()
        current = next(v for v in detail.versions if v.version == detail.summary.version)
        return cls(
            **base,
            source=detail.source,
            document=current.document,
            versions=[VersionOut.of(v) for v in detail.versions],
        )


class IssueOut(BaseModel):
    field: str
    reason: str


class ValidationOut(BaseModel):
    valid: bool
    errors: list[IssueOut]
    document: dict[str, Any] | None

    @classmethod
    def of(cls, document: dict[str, Any] | None, issues: list[FieldIssue]) -> ValidationOut:
        errors = [IssueOut(field=i.field, reason=i.reason) for i in issues]
        return cls(valid=not errors, errors=errors, document=document)


class FindingOut(BaseModel):
    policy_key: str
    policy_name: str
    requirement: str
    severity: str
    outcome: str
    message: str

    @classmethod
    def of(cls, finding: Finding) -> FindingOut:
        return cls(**{f: getattr(finding, f) for f in cls.model_fields})


class ApprovalNeedOut(BaseModel):
    policy_key: str
    role: str
    needed: int
    have: int
    approvers: list[str]

    @classmethod
    def of(cls, need: ApprovalNeed) -> ApprovalNeedOut:
        return cls(
            policy_key=need.policy_key,
            role=need.role,
            needed=need.needed,
            have=need.have,
            approvers=list(need.approvers),
        )


class GateOut(BaseModel):
    gate: str
    verdict: str
    only_approvals_missing: bool
    findings: list[FindingOut]
    approvals: list[ApprovalNeedOut]

    @classmethod
    def of(cls, result: GateResult) -> GateOut:
        return cls(
            gate=result.gate,
            verdict=result.verdict,
            only_approvals_missing=result.only_approvals_missing,
            findings=[FindingOut.of(f) for f in result.findings],
            approvals=[ApprovalNeedOut.of(a) for a in result.approvals],
        )


class StandingOut(BaseModel):
    id: uuid.UUID
    name: str
    unit: str
    stage: str
    tier: str | None
    outcome: str
    passing: int
    warning: int
    blocking: int
    failing: list[FindingOut]

    @classmethod
    def of(cls, standing: SystemStanding) -> StandingOut:
        fields = {f: getattr(standing, f) for f in cls.model_fields if f != "failing"}
        return cls(**fields, failing=[FindingOut.of(f) for f in standing.failing])


class TallyOut(BaseModel):
    key: str
    name: str
    passing: int
    warning: int
    blocking: int

    @classmethod
    def of(cls, tally: PolicyTally) -> TallyOut:
        return cls(**{f: getattr(tally, f) for f in cls.model_fields})


class ComplianceOut(BaseModel):
    totals: dict[str, int]
    policies: list[TallyOut]
    systems: Page[StandingOut]


class PolicyStatusOut(BaseModel):
    policy_key: str
    policy_name: str
    outcome: str
    findings: list[FindingOut]

    @classmethod
    def of(cls, status: PolicyStatus) -> PolicyStatusOut:
        return cls(
            policy_key=status.policy_key,
            policy_name=status.policy_name,
            outcome=status.outcome,
            findings=[FindingOut.of(f) for f in status.findings],
        )


class SystemComplianceOut(BaseModel):
    system: StandingOut
    policies: list[PolicyStatusOut]

    @classmethod
    def of(cls, found: SystemCompliance) -> SystemComplianceOut:
        return cls(
            system=StandingOut.of(found.standing),
            policies=[PolicyStatusOut.of(s) for s in found.statuses],
        )


class PreviewRowOut(BaseModel):
    id: uuid.UUID
    name: str
    unit: str
    stage: str
    outcome: str
    failing: list[FindingOut]

    @classmethod
    def of(cls, row: PreviewRow) -> PreviewRowOut:
        fields = {f: getattr(row, f) for f in cls.model_fields if f != "failing"}
        return cls(**fields, failing=[FindingOut.of(f) for f in row.failing])


class PreviewOut(BaseModel):
    key: str
    name: str
    gates: list[str]
    examined: int
    selected: int
    totals: dict[str, int]
    approvals: list[str]
    systems: list[PreviewRowOut]

    @classmethod
    def of(cls, preview: PolicyPreview) -> PreviewOut:
        return cls(
            key=preview.key,
            name=preview.name,
            gates=list(preview.gates),
            examined=preview.examined,
            selected=len(preview.rows),
            totals=preview.totals,
            approvals=list(preview.approvals),
            systems=[PreviewRowOut.of(r) for r in preview.rows[:PREVIEW_ROWS]],
        )
