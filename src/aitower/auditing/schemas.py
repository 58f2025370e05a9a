"""The API's shapes of the audit journey: the documents of ``documents.py``, typed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AsOfOut(_Out):
    at: str = Field(description="The moment, UTC", examples=["2026-03-31T23:59:59.999999Z"])
    seq: int = Field(description="The last audit event at or before it (0: none yet)")
    hash: str | None = Field(description="That event's hash: the chain head to record")


class SystemAsOfOut(_Out):
    id: str
    name: str
    unit: str | None
    risk_tier: str | None
    stage: str | None
    removed: bool
    registered_at: str | None
    registered_by: str | None
    tier_since: str | None
    stage_since: str | None
    last_changed_at: str | None
    last_seq: int
    attributes: dict[str, Any] = Field(description="The record as its last change recorded it")


class InventoryAsOfOut(_Out):
    as_of: AsOfOut
    systems: list[SystemAsOfOut]


class DecisionOut(_Out):
    request_id: str
    system_id: str | None
    system_name: str | None
    move: str = Field(examples=["development → deployment"])
    decision: str = Field(examples=["approve"])
    by: str = Field(examples=["user:gina"])
    role: str = Field(examples=["governance"])
    reason: str
    at: str
    seq: int


class RequestOut(_Out):
    id: str
    system_id: str | None
    kind: str
    move: str
    from_stage: str | None
    target_stage: str | None
    requested_by: str
    requested_at: str
    reason: str
    status: str = Field(description="As it stood: pending, completed, rejected, withdrawn, expired")
    closed_at: str | None
    expires_at: str | None


class ApprovalsAsOfOut(_Out):
    as_of: AsOfOut
    decisions: list[DecisionOut]
    requests: list[RequestOut]


class PolicyAsOfOut(_Out):
    key: str
    name: str
    version: int
    enabled: bool
    saved_by: str
    saved_at: str
    comment: str
    source: str = Field(description="The YAML of the version in force, as written")


class PoliciesAsOfOut(_Out):
    as_of: AsOfOut
    policies: list[PolicyAsOfOut]


class EvidenceOut(_Out):
    id: str
    system_id: str
    system: str
    kind: str
    title: str
    uri: str
    added_by: str
    added_at: str
    details: dict[str, Any] | None = None


class EvidenceAsOfOut(_Out):
    as_of: AsOfOut
    evidence: list[EvidenceOut]
