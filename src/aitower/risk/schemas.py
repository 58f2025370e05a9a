"""API shapes of risk. Inputs forbid unknown fields; answers stay a plain mapping so the domain
names the offending ``answers.<id>`` itself (pydantic would only say "not a boolean")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.inventory.vocabulary import RiskTier
from aitower.risk.eu_ai_act import SECTIONS, Classification, review
from aitower.risk.eu_ai_act_obligations import Duty
from aitower.risk.register import Level, RiskCategory, RiskStatus
from aitower.risk.service import Assessment, RiskView

Rating = Field(ge=1, le=5)


class QuestionOut(BaseModel):
    id: str
    text: str
    help: str
    article: str
    needed_when: list[str] = Field(
        description="Asked only when one of these was answered true; otherwise counts as false"
    )
    verified: bool = Field(description="False: the source is secondary (the 2026 amendment)")


class SectionOut(BaseModel):
    key: str
    title: str
    intro: str
    questions: list[QuestionOut]


def questionnaire() -> list[SectionOut]:
    return [
        SectionOut(
            key=s.key,
            title=s.title,
            intro=s.intro,
            questions=[
                QuestionOut(
                    id=q.id,
                    text=q.text,
                    help=q.help,
                    article=q.article,
                    needed_when=list(q.needed_when),
                    verified=q.verified,
                )
                for q in s.questions
            ],
        )
        for s in SECTIONS
    ]


class AnswersIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "answers": {
                        "role_deployer": True,
                        "creditworthiness": True,
                        "profiling": True,
                    }
                }
            ]
        },
    )
    answers: dict[str, Any] = Field(
        description="Question id → true/false; see GET /ai-act/questionnaire", max_length=200
    )


class DutyOut(BaseModel):
    """One obligation for this system and role, with its application dates."""

    id: str
    article: str
    text: str
    roles: list[str]
    applies_from_original: dt.date | None = Field(
        description="Under Regulation (EU) 2024/1689 as published; null: not in it"
    )
    applies_from_amended: dt.date | None = Field(description="Under the 2026 amendment")
    amended_date_verified: bool = Field(
        description="False: the amended date comes from secondary sources only"
    )
    verified: bool
    source: str

    @classmethod
    def of(cls, duty: Duty) -> DutyOut:
        return cls(
            id=duty.id,
            article=duty.article,
            text=duty.text,
            roles=list(duty.roles),
            applies_from_original=duty.original,
            applies_from_amended=duty.amended,
            amended_date_verified=duty.amended_verified,
            verified=duty.obligation.verified,
            source=duty.obligation.source.url,
        )


class ClassificationOut(BaseModel):
    tier: RiskTier
    articles: list[str]
    reasons: list[str]
    obligations: list[str]
    roles: list[str] = Field(default=[], description="provider, deployer, importer, ...")
    gpai: str = Field(default="none", description="none, general_purpose or systemic_risk")
    duties: list[DutyOut] = Field(default=[], description="The obligations for those roles")

    @classmethod
    def of(cls, result: Classification) -> ClassificationOut:
        return cls(
            tier=result.tier,
            articles=list(result.articles),
            reasons=list(result.reasons),
            obligations=list(result.obligations),
            roles=list(result.roles),
            gpai=result.gpai,
            duties=[DutyOut.of(d) for d in result.duties],
        )


class AssessmentOut(ClassificationOut):
    id: uuid.UUID
    system_id: uuid.UUID
    version: int
    answers: dict[str, bool]
    assessed_by: str
    assessed_at: dt.datetime
    reanswer_needed: list[str] = Field(
        default=[],
        description="Questions added since this version was stored: answer them again to get "
        "roles, duties and dates (tier, reasons and obligations are as stored)",
    )

    @classmethod
    def of_assessment(cls, a: Assessment) -> AssessmentOut:
        """Tier, reasons and obligations as stored; roles and duties under today's rules."""
        current = review(a.answers)
        found = current.classification
        return cls(
            id=a.id,
            system_id=a.system_id,
            version=a.version,
            answers=dict(a.answers),
            tier=a.tier,
            articles=list(a.articles),
            reasons=list(a.reasons),
            obligations=list(a.obligations),
            roles=[] if found is None else list(found.roles),
            gpai="none" if found is None else found.gpai,
            duties=[] if found is None else [DutyOut.of(d) for d in found.duties],
            assessed_by=a.assessed_by,
            assessed_at=a.assessed_at,
            reanswer_needed=list(current.missing),
        )


class RiskIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Hallucinated policy answers",
                    "category": "hallucination",
                    "likelihood": 4,
                    "impact": 3,
                    "residual_likelihood": 2,
                    "mitigations": "Retrieval grounding; answers cite sources",
                    "owner": "priya.nair",
                    "next_review": "2027-01-15",
                }
            ]
        },
    )
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    category: RiskCategory
    likelihood: int = Rating
    impact: int = Rating
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)
    mitigations: str = Field(default="", max_length=5000)
    owner: str | None = Field(default=None, max_length=64, description="A username")
    status: RiskStatus = RiskStatus.open
    next_review: dt.date | None = None


class RiskPatch(BaseModel):
    """Only the fields sent change; ``owner: null`` removes the owner."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    category: RiskCategory | None = None
    likelihood: int | None = Field(default=None, ge=1, le=5)
    impact: int | None = Field(default=None, ge=1, le=5)
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)
    mitigations: str | None = Field(default=None, max_length=5000)
    owner: str | None = Field(default=None, max_length=64)
    status: RiskStatus | None = None
    next_review: dt.date | None = None

    def changes(self) -> dict[str, Any]:
        """The fields that were sent; null is a value only for owner and next_review."""
        sent = self.model_dump(exclude_unset=True, mode="python")
        nullable = {"owner", "next_review"}
        return {
            k: (v.value if isinstance(v, RiskCategory | RiskStatus) else v)
            for k, v in sent.items()
            if v is not None or k in nullable
        }


class RiskOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    title: str
    description: str
    category: RiskCategory
    likelihood: int
    impact: int
    inherent_score: int
    level: Level
    residual_likelihood: int
    residual_impact: int
    residual_score: int
    residual_level: Level
    mitigations: str
    owner: str | None
    status: RiskStatus
    next_review: dt.date | None
    overdue: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, risk: RiskView, today: dt.date) -> RiskOut:
        names = set(cls.model_fields) - {"overdue"}
        return cls(**{n: getattr(risk, n) for n in names}, overdue=risk.overdue(today))


class HeatMapOut(BaseModel):
    residual: bool
    likelihood_by_impact: list[list[int]] = Field(
        description="Counts of not-closed risks, [likelihood-1][impact-1]"
    )
