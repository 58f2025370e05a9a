"""API shapes of systems and vendors. Inputs forbid unknown fields; the domain checks values.

Nested entries are kept loose here (plain strings) so that the domain, not pydantic, names a bad
value the one way the whole inventory does: ``models[0].provider``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.inventory.importing import ImportReport
from aitower.inventory.lifecycle import Stage
from aitower.inventory.queries import SystemListItem
from aitower.inventory.records import Person, SystemDetail
from aitower.inventory.vendors import VendorDetail, VendorSummary
from aitower.inventory.vocabulary import Autonomy, RiskTier, SystemKind, VendorType

STRICT = ConfigDict(extra="forbid")


class TierFilter(StrEnum):
    prohibited = "prohibited"
    high = "high"
    limited = "limited"
    minimal = "minimal"
    unassessed = "unassessed"


class ModelIn(BaseModel):
    model_config = STRICT
    provider: str = Field(default="", max_length=100)
    name: str = Field(default="", max_length=200)
    version: str = Field(default="", max_length=100)
    hosting: str = Field(default="third_party", description="internal or third_party")


class DataSourceIn(BaseModel):
    model_config = STRICT
    name: str = Field(default="", max_length=200)
    classification: str = Field(default="", description="public|internal|confidential|restricted")
    personal_data: bool = False
    special_category: bool = False


class EnvironmentIn(BaseModel):
    model_config = STRICT
    name: str = Field(default="", max_length=64)
    endpoint: str = Field(default="", max_length=500)


class LinksIn(BaseModel):
    model_config = STRICT
    docs: str = Field(default="", max_length=500)
    repository: str = Field(default="", max_length=500)


class _SystemFields(BaseModel):
    model_config = STRICT
    purpose: str = Field(default="", max_length=4000)
    accountable_owner: str | None = Field(default=None, description="Username")
    technical_owner: str | None = Field(default=None, description="Username")
    autonomy: Autonomy = Autonomy.human_in_the_loop
    affected: list[str] = Field(default_factory=list, max_length=10)
    models: list[ModelIn] = Field(default_factory=list, max_length=100)
    vendors: list[str] = Field(default_factory=list, max_length=100, description="Vendor names")
    data_sources: list[DataSourceIn] = Field(default_factory=list, max_length=100)
    environments: list[EnvironmentIn] = Field(default_factory=list, max_length=100)
    services: list[str] = Field(
        default_factory=list, max_length=100, description="Telemetry service.name values"
    )
    links: LinksIn = Field(default_factory=LinksIn)
    tags: list[str] = Field(default_factory=list, max_length=100)
    notes: str = Field(default="", max_length=10_000)


class SystemIn(_SystemFields):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Customer support chatbot",
                    "kind": "llm_app",
                    "unit": "customer-support",
                    "purpose": "Answers customer questions in the help centre",
                    "accountable_owner": "olivia.chen",
                    "technical_owner": "ethan.ramirez",
                    "stage": "monitoring",
                    "models": [{"provider": "openai", "name": "gpt-4o", "version": "2024-08-06"}],
                    "vendors": ["OpenAI"],
                    "services": ["support-chatbot"],
                    "tags": ["customer-facing"],
                }
            ]
        },
    )
    name: str = Field(max_length=200)
    kind: SystemKind
    unit: str = Field(max_length=120, description="Business unit name, slug or id")
    stage: Stage | None = Field(
        default=None, description="Omit for planning; give it to onboard a running system"
    )


class SystemPatch(BaseModel):
    """Only the fields given change; stage moves through governance, tier through risk."""

    model_config = STRICT
    name: str | None = Field(default=None, max_length=200)
    kind: SystemKind | None = None
    unit: str | None = Field(default=None, max_length=120)
    purpose: str | None = Field(default=None, max_length=4000)
    accountable_owner: str | None = None
    technical_owner: str | None = None
    autonomy: Autonomy | None = None
    affected: list[str] | None = Field(default=None, max_length=10)
    models: list[ModelIn] | None = Field(default=None, max_length=100)
    vendors: list[str] | None = Field(default=None, max_length=100)
    data_sources: list[DataSourceIn] | None = Field(default=None, max_length=100)
    environments: list[EnvironmentIn] | None = Field(default=None, max_length=100)
    services: list[str] | None = Field(default=None, max_length=100)
    links: LinksIn | None = None
    tags: list[str] | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=10_000)

    def changes(self) -> dict[str, Any]:
        given = self.model_dump(mode="json", exclude_unset=True)
        for required in ("name", "kind", "unit", "autonomy"):
            if required in given and given[required] is None:
                given[required] = ""  # the domain says "is required"
        return given


class PersonOut(BaseModel):
    username: str
    display_name: str

    @classmethod
    def of(cls, person: Person | None) -> PersonOut | None:
        return (
            None
            if person is None
            else cls(username=person.username, display_name=person.display_name)
        )


class SystemOut(BaseModel):
    id: uuid.UUID
    name: str
    purpose: str
    kind: SystemKind
    unit_id: uuid.UUID
    unit: str
    stage: Stage
    risk_tier: RiskTier | None
    accountable_owner: PersonOut | None
    technical_owner: PersonOut | None
    autonomy: Autonomy
    affected: list[str]
    models: list[dict[str, str]]
    vendors: list[str]
    data_sources: list[dict[str, Any]]
    data_classification: str
    personal_data: bool
    special_category_data: bool
    environments: list[dict[str, str]]
    services: list[str]
    links: dict[str, str]
    tags: list[str]
    notes: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, s: SystemDetail) -> SystemOut:
        from aitower.inventory.domain import spec_document

        doc = spec_document(s.to_spec())
        return cls(
            id=s.id,
            name=s.name,
            purpose=s.purpose,
            kind=s.kind,
            unit_id=s.unit_id,
            unit=s.unit_name,
            stage=s.stage,
            risk_tier=s.risk_tier,
            accountable_owner=PersonOut.of(s.accountable_owner),
            technical_owner=PersonOut.of(s.technical_owner),
            autonomy=s.autonomy,
            affected=doc["affected"],
            models=doc["models"],
            vendors=list(s.vendors),
            data_sources=doc["data_sources"],
            data_classification=s.data_classification.value,
            personal_data=s.personal_data,
            special_category_data=s.special_category_data,
            environments=doc["environments"],
            services=list(s.services),
            links=doc["links"],
            tags=list(s.tags),
            notes=s.notes,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )


class SystemListOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: SystemKind
    unit_id: uuid.UUID
    unit: str
    stage: Stage
    risk_tier: RiskTier | None
    accountable_owner: str | None
    technical_owner: str | None
    data_classification: str
    personal_data: bool
    vendors: list[str]
    tags: list[str]
    updated_at: datetime

    @classmethod
    def of(cls, i: SystemListItem) -> SystemListOut:
        return cls(
            id=i.id,
            name=i.name,
            kind=i.kind,
            unit_id=i.unit_id,
            unit=i.unit_name,
            stage=i.stage,
            risk_tier=i.risk_tier,
            accountable_owner=i.accountable_owner,
            technical_owner=i.technical_owner,
            data_classification=i.data_classification.value,
            personal_data=i.personal_data,
            vendors=list(i.vendors),
            tags=list(i.tags),
            updated_at=i.updated_at,
        )


class RowIssueOut(BaseModel):
    row: int = Field(description="Record number from 1 (the line after a CSV header); 0: the file")
    field: str
    reason: str
    name: str = Field("", description="The row's system (or vendor) name, when it has one")
    value: str = Field("", description="The refused value as written (shortened past 120)")


class ImportReportOut(BaseModel):
    subject: str
    mode: str
    dry_run: bool
    written: bool
    rows: int
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    errors: list[RowIssueOut]

    @classmethod
    def of(cls, r: ImportReport) -> ImportReportOut:
        return cls(
            subject=r.subject,
            mode=r.mode.value,
            dry_run=r.dry_run,
            written=r.written,
            rows=r.rows,
            created=r.created,
            updated=r.updated,
            unchanged=r.unchanged,
            errors=[
                RowIssueOut(row=e.row, field=e.field, reason=e.reason, name=e.name, value=e.value)
                for e in r.errors
            ],
        )


class VendorIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "OpenAI",
                    "vendor_type": "model_provider",
                    "website": "https://openai.com",
                    "renewal_date": "2027-01-31",
                    "soc2_until": "2027-03-31",
                    "dpa_signed": True,
                    "data_residency": "US",
                    "trains_on_customer_data": False,
                }
            ]
        },
    )
    name: str = Field(max_length=200)
    vendor_type: VendorType
    website: str = Field(default="", max_length=500)
    contract_start: date | None = None
    contract_end: date | None = None
    renewal_date: date | None = None
    annual_value: float | None = Field(default=None, ge=0)
    contract_owner: str | None = Field(default=None, description="Username")
    soc2_until: date | None = None
    iso27001_until: date | None = None
    dpa_signed: bool = False
    data_residency: str = Field(default="", max_length=64)
    retention_days: int | None = Field(default=None, ge=0)
    trains_on_customer_data: bool | None = Field(default=None, description="null: unknown")
    notes: str = Field(default="", max_length=10_000)


class VendorPatch(BaseModel):
    model_config = STRICT
    name: str | None = Field(default=None, max_length=200)
    vendor_type: VendorType | None = None
    website: str | None = Field(default=None, max_length=500)
    contract_start: date | None = None
    contract_end: date | None = None
    renewal_date: date | None = None
    annual_value: float | None = Field(default=None, ge=0)
    contract_owner: str | None = None
    soc2_until: date | None = None
    iso27001_until: date | None = None
    dpa_signed: bool | None = None
    data_residency: str | None = Field(default=None, max_length=64)
    retention_days: int | None = Field(default=None, ge=0)
    trains_on_customer_data: bool | None = None
    notes: str | None = Field(default=None, max_length=10_000)

    def changes(self) -> dict[str, Any]:
        given = self.model_dump(mode="json", exclude_unset=True)
        for required in ("name", "vendor_type"):
            if required in given and given[required] is None:
                given[required] = ""
        return given


class RatingOut(BaseModel):
    level: str
    reasons: list[str]


class DependentOut(BaseModel):
    id: uuid.UUID
    name: str
    unit: str
    stage: Stage
    risk_tier: RiskTier | None


class VendorSummaryOut(BaseModel):
    id: uuid.UUID
    name: str
    vendor_type: VendorType
    renewal_date: date | None
    contract_end: date | None
    systems: int
    high_risk_systems: int
    rating: RatingOut

    @classmethod
    def of(cls, v: VendorSummary) -> VendorSummaryOut:
        return cls(
            id=v.id,
            name=v.name,
            vendor_type=v.vendor_type,
            renewal_date=v.renewal_date,
            contract_end=v.contract_end,
            systems=v.systems,
            high_risk_systems=v.high_risk_systems,
            rating=RatingOut(level=v.rating.level.value, reasons=list(v.rating.reasons)),
        )


class VendorOut(VendorIn):
    model_config = ConfigDict(extra="ignore")
    id: uuid.UUID
    rating: RatingOut
    systems: int
    high_risk_systems: int
    units: list[str]
    dependents: list[DependentOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, v: VendorDetail) -> VendorOut:
        from aitower.inventory.vendor_domain import vendor_document

        return cls(
            **vendor_document(v.spec),
            id=v.id,
            rating=RatingOut(level=v.rating.level.value, reasons=list(v.rating.reasons)),
            systems=v.systems,
            high_risk_systems=v.high_risk_systems,
            units=list(v.units),
            dependents=[
                DependentOut(
                    id=d.id, name=d.name, unit=d.unit_name, stage=d.stage, risk_tier=d.risk_tier
                )
                for d in v.dependents
            ],
            created_at=v.created_at,
            updated_at=v.updated_at,
        )
