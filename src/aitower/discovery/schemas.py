"""The API's shapes of discovery: catalog entries, findings, triage requests, scans, the trend."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from aitower.discovery.catalog_service import ServiceView
from aitower.discovery.findings import FindingView
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.scans import FindingInput, ScanInput, ScanView
from aitower.discovery.trend import Trend

STRICT = ConfigDict(extra="forbid")


class ServiceOut(BaseModel):
    id: str
    name: str
    vendor: str
    category: str
    hosts: list[str]
    paths: list[str]
    model_from_path: str | None
    data_use: str
    trains_on_customer_data: bool | None
    default_sanction: str
    source: str
    builtin: bool
    sanction: str  # organisation-wide
    unit_sanctions: dict[str, str]  # unit id → status

    @classmethod
    def of(cls, v: ServiceView) -> ServiceOut:
        doc = v.entry.model_dump(mode="json")
        units = {str(u): s.value for u, s in v.unit_sanctions.items()}
        return cls(**doc, builtin=v.builtin, sanction=v.sanction.value, unit_sanctions=units)


class ServiceIn(BaseModel):
    model_config = STRICT
    id: str = Field(max_length=64, examples=["acme-summariser"])
    name: str = Field(max_length=200)
    vendor: str = Field(max_length=200)
    category: str = Field(max_length=32, examples=["writing_assistant"])
    hosts: list[str] = Field(max_length=50, examples=[["summarise.example.com"]])
    paths: list[str] = Field(default_factory=list, max_length=50)
    model_from_path: str | None = Field(default=None, max_length=300)
    data_use: str = Field(default="", max_length=2000)
    trains_on_customer_data: bool | None = None
    default_sanction: str = "under_review"
    source: str = Field(max_length=500, examples=["https://example.com/terms"])


class SanctionIn(BaseModel):
    model_config = STRICT
    status: SanctionStatus
    unit_id: uuid.UUID | None = Field(default=None, description="None: organisation-wide")
    reason: str = Field(default="", max_length=2000)


class SanctionOut(BaseModel):
    service_id: str
    unit_id: uuid.UUID | None
    status: SanctionStatus


class FindingOut(BaseModel):
    id: uuid.UUID
    kind: str
    service_id: str
    service_name: str
    vendor: str
    category: str
    unit_id: uuid.UUID | None
    unit: str
    user: str
    department: str
    model: str
    requests: int
    bytes_sent: int
    first_seen: datetime
    last_seen: datetime
    risk_score: int
    risk_reasons: list[dict[str, Any]]
    status: str
    sanction: str | None
    owner: str
    due_date: date | None
    reason: str
    system_id: uuid.UUID | None
    scan_id: uuid.UUID | None
    stored: bool
    amount_usd: float = 0.0  # expense findings: USD charged, refunds netted

    @classmethod
    def of(cls, v: FindingView) -> FindingOut:
        return cls(
            id=v.id, kind=v.kind.value, service_id=v.service_id, service_name=v.service_name,
            vendor=v.vendor, category=v.category, unit_id=v.unit_id, unit=v.unit, user=v.user,
            department=v.department, model=v.model, requests=v.requests,
            bytes_sent=v.bytes_sent, first_seen=v.first_seen, last_seen=v.last_seen,
            risk_score=v.risk_score, risk_reasons=v.risk_reasons, status=v.status.value,
            sanction=None if v.sanction is None else v.sanction.value, owner=v.owner,
            due_date=v.due_date, reason=v.reason, system_id=v.system_id, scan_id=v.scan_id,
            stored=v.stored, amount_usd=v.amount_usd,
        )  # fmt: skip


class ReasonIn(BaseModel):
    model_config = STRICT
    reason: str = Field(default="", max_length=2000)


class DismissIn(BaseModel):
    model_config = STRICT
    reason: str = Field(max_length=2000, description="Required: why this is not a problem")


class AssignIn(BaseModel):
    model_config = STRICT
    owner: str = Field(default="", max_length=200, description="A username; empty: nobody")
    due_date: date | None = None


class RegisterIn(BaseModel):
    """What to change of the prefilled system record (empty: keep the prefill)."""

    model_config = STRICT
    name: str = Field(default="", max_length=200)
    unit: str = Field(default="", max_length=120, description="Required when the finding has none")
    kind: str = Field(default="", max_length=32)
    purpose: str = Field(default="", max_length=4000)
    accountable_owner: str = Field(default="", max_length=64)
    technical_owner: str = Field(default="", max_length=64)


class FindingInputIn(BaseModel):
    model_config = STRICT
    service_id: str = Field(max_length=64)
    user: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=200)
    unit: str | None = Field(default=None, max_length=120)
    model: str = Field(default="", max_length=200)
    requests: int = Field(ge=0)
    bytes_sent: int = Field(default=0, ge=0)
    first_seen: AwareDatetime
    last_seen: AwareDatetime


class ScanIn(BaseModel):
    model_config = STRICT
    source_kind: str = Field(max_length=16, examples=["log"])
    file_name: str = Field(max_length=300)
    sha256: str = Field(max_length=64)
    lines: int = Field(default=0, ge=0)
    matched: int = Field(default=0, ge=0)
    malformed: int = Field(default=0, ge=0)
    findings: list[FindingInputIn] = Field(default_factory=list, max_length=100_000)

    def to_input(self) -> ScanInput:
        found = [FindingInput(**f.model_dump()) for f in self.findings]
        return ScanInput(self.source_kind, self.file_name, self.sha256, self.lines, self.matched,
                         self.malformed, found)  # fmt: skip


class ScanOut(BaseModel):
    id: uuid.UUID
    source_kind: str
    file_name: str
    sha256: str
    lines: int
    matched: int
    malformed: int
    findings_new: int
    findings_merged: int
    catalog_version: str
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, v: ScanView) -> ScanOut:
        return cls(**{name: getattr(v, name) for name in cls.model_fields})


class UnitTrendOut(BaseModel):
    unit_id: uuid.UUID | None
    unit: str
    counts: list[int]


class TrendOut(BaseModel):
    weeks: list[date]
    units: list[UnitTrendOut]

    @classmethod
    def of(cls, t: Trend) -> TrendOut:
        units = [UnitTrendOut(unit_id=u.unit_id, unit=u.unit, counts=u.counts) for u in t.units]
        return cls(weeks=t.weeks, units=units)
