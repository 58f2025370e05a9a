"""API shapes of the review queue. Inputs forbid unknown fields."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from aitower.review.domain import Precision, RouteSettings, SystemQuality
from aitower.review.item_detail import ItemDetail
from aitower.review.quality import QualityReport
from aitower.review.route_settings import RouteView
from aitower.review.service import ItemView


class FlagIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"trace_id": "4bf92f3577b34da6a3ce929d0e0e4736", "reason": "cites a wrong rate"}
            ]
        },
    )
    trace_id: str = Field(max_length=64)
    reason: str = Field(max_length=1000, description="Why the trace needs a person's look")
    assigned_role: str | None = Field(
        default=None, max_length=32, description="Whose queue; default the route's quality role"
    )


class VerdictIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"verdict": "leak", "notes": "IBAN of a customer"}]},
    )
    verdict: str = Field(
        max_length=32,
        description="correct, hallucination, policy_violation, leak or false_alarm",
    )
    notes: str = Field(default="", max_length=4000)


class ItemOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    trace_id: str
    span_id: str | None
    source: str = Field(description="flagged, low_score, finding or sample")
    reason: str
    finding_type: str = Field(description='The detector type of a finding item, else ""')
    assigned_role: str
    assignee: uuid.UUID | None
    assignee_name: str | None
    status: str = Field(description="open or done")
    verdict: str | None
    notes: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, v: ItemView) -> ItemOut:
        return cls.model_validate(v, from_attributes=True)


class FindingOut(BaseModel):
    span_id: str
    finding_type: str
    category: str
    field: str
    occurrences: int
    confidence: float
    reason: str


class DocumentOut(BaseModel):
    span_id: str
    field: str
    doc_id: str
    text: str
    score: float | None


class ItemDetailOut(BaseModel):
    item: ItemOut
    trace_found: bool = Field(description="False once retention purged the trace")
    findings: list[FindingOut]
    documents: list[DocumentOut]
    groundedness_score: float | None

    @classmethod
    def of(cls, d: ItemDetail) -> ItemDetailOut:
        return cls(
            item=ItemOut.of(d.item),
            trace_found=d.trace is not None,
            findings=[FindingOut.model_validate(f, from_attributes=True) for f in d.findings],
            documents=[DocumentOut.model_validate(x, from_attributes=True) for x in d.documents],
            groundedness_score=None if d.groundedness is None else d.groundedness.score,
        )


class SystemQualityOut(BaseModel):
    system_id: uuid.UUID
    system_name: str
    n: int = Field(description="Judged items")
    counts: dict[str, int] = Field(description="Items per verdict")
    correct_share: float | None
    hallucination_rate: float | None
    policy_violation_rate: float | None
    leak_rate: float | None
    false_alarm_rate: float | None

    @classmethod
    def of(cls, name: str, q: SystemQuality) -> SystemQualityOut:
        return cls(
            system_id=uuid.UUID(q.system_id),
            system_name=name,
            n=q.n,
            counts=q.counts,
            correct_share=q.correct_share,
            hallucination_rate=q.hallucination_rate,
            policy_violation_rate=q.policy_violation_rate,
            leak_rate=q.leak_rate,
            false_alarm_rate=q.false_alarm_rate,
        )


class PrecisionOut(BaseModel):
    finding_type: str
    true: int = Field(description="Findings confirmed (leak or policy_violation)")
    false: int = Field(description="Findings judged false alarms")
    n: int
    precision: float | None

    @classmethod
    def of(cls, p: Precision) -> PrecisionOut:
        return cls(
            finding_type=p.finding_type, true=p.true, false=p.false, n=p.n, precision=p.precision
        )


class QualityOut(BaseModel):
    since: datetime | None
    until: datetime | None
    systems: list[SystemQualityOut]
    detector_precision: list[PrecisionOut]

    @classmethod
    def of(cls, r: QualityReport) -> QualityOut:
        return cls(
            since=r.since,
            until=r.until,
            systems=[SystemQualityOut.of(name, q) for name, q in r.systems],
            detector_precision=[PrecisionOut.of(p) for p in r.precision],
        )


class RouteIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "enabled": True,
                    "sample_rate": 0.02,
                    "low_score_below": 0.5,
                    "score_name": "helpfulness",
                    "finding_categories": ["personal_data", "secret"],
                    "finding_role": "security",
                    "quality_role": "prompt_engineer",
                }
            ]
        },
    )
    enabled: bool = False
    sample_rate: float = Field(default=0.0, description="Share of traces sampled, 0 to 1")
    low_score_below: float | None = Field(
        default=None, description="Scores below this go to review; null: none"
    )
    score_name: str = Field(default="", max_length=100, description='"": any score name')
    finding_types: list[str] = Field(default_factory=list, max_length=50)
    finding_categories: list[str] = Field(
        default_factory=lambda: ["personal_data", "secret", "injection"], max_length=3
    )
    finding_role: str = Field(default="security", max_length=32)
    quality_role: str = Field(default="prompt_engineer", max_length=32)

    def settings(self) -> RouteSettings:
        return RouteSettings(
            enabled=self.enabled,
            sample_rate=self.sample_rate,
            low_score_below=self.low_score_below,
            score_name=self.score_name,
            finding_types=tuple(self.finding_types),
            finding_categories=tuple(self.finding_categories),
            finding_role=self.finding_role,
            quality_role=self.quality_role,
        )


class RouteOut(RouteIn):
    model_config = ConfigDict(extra="forbid")
    system_id: uuid.UUID
    watermark: datetime | None = Field(description="Routing has looked at traffic up to here")
    updated_at: datetime | None
    updated_by: str

    @classmethod
    def of(cls, v: RouteView) -> RouteOut:
        s = v.settings
        return cls(
            system_id=v.system.id,
            enabled=s.enabled,
            sample_rate=s.sample_rate,
            low_score_below=s.low_score_below,
            score_name=s.score_name,
            finding_types=list(s.finding_types),
            finding_categories=list(s.finding_categories),
            finding_role=s.finding_role,
            quality_role=s.quality_role,
            watermark=v.watermark,
            updated_at=v.updated_at,
            updated_by=v.updated_by,
        )
