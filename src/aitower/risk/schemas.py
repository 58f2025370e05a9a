"""API shapes of risk. Inputs forbid unknown fields; answers stay a plain mapping so the domain
names the offending ``answers.<id>`` itself (pydantic would only say "not a boolean")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.inventory.vocabulary import RiskTier
from aitower.risk.eu_ai_act import SECTIONS, Classification
from aitower.risk.register import Level, RiskCategory, RiskStatus
from aitower.risk.service import Assessment, RiskView

Rating = Field(ge=1, le=5)


class QuestionOut(BaseModel):
    id: str
    text: str
    help: str
    article: str


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
                QuestionOut(id=q.id, text=q.text, help=q.help, article=q.article)
                for q in s.questions
            ],
        )
        for s in SECTIONS
    ]


class AnswersIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"answers": {"creditworthiness": True, "profiling": True}}]
        },
    )
    answers: dict[str, Any] = Field(
        description="Question id → true/false; see GET /ai-act/questionnaire", max_length=200
    )


class ClassificationOut(BaseModel):
    tier: RiskTier
    articles: list[str]
    reasons: list[str]
    obligations: list[str]

    @classmethod
    def of(cls, result: Classification) -> ClassificationOut:
        return cls(
            tier=result.tier,
            articles=list(result.articles),
            reasons=list(result.reasons),
            obligations=list(result.obligations),
        )


class AssessmentOut(ClassificationOut):
    id: uuid.UUID
    system_id: uuid.UUID
    version: int
    answers: dict[str, bool]
    assessed_by: str
    assessed_at: dt.datetime

    @classmethod
    def of_assessment(cls, a: Assessment) -> AssessmentOut:
        return cls(
            id=a.id,
            system_id=a.system_id,
            version=a.version,
            answers=dict(a.answers),
            tier=a.tier,
            articles=list(a.articles),
            reasons=list(a.reasons),
            obligations=list(a.obligations),
            assessed_by=a.assessed_by,
            assessed_at=a.assessed_at,
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
