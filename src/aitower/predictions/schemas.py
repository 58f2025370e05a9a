"""Request and answer shapes of the predictions API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.predictions import reading, service, store
from aitower.predictions.window import FeatureKind, Task

Value = float | str | bool | None
MAX_JSON_ROWS = 100_000


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelRefIn(_In):
    system: str = Field(
        description="The AI system: its id or exact name", examples=["Fraud detector"]
    )
    model: str = Field(max_length=200, examples=["fraud-gbm"])
    version: str = Field(max_length=100, examples=["3"])

    def key(self) -> service.ModelKey:
        return service.ModelKey(self.system, self.model, self.version)


class ModelIn(ModelRefIn):
    task: Task
    classes: list[str] = Field(
        default_factory=list, description="Classification: the classes, the positive one first"
    )
    features: dict[str, FeatureKind] | None = Field(
        default=None, description="Feature kinds; left out, the first log fixes them"
    )
    sensitive: list[str] = Field(default_factory=list, description="Sensitive attribute names")


class PredictionRowIn(_In):
    prediction_id: str = Field(examples=["tx-000123"])
    timestamp: str | float = Field(
        description="ISO 8601 (naive is UTC) or Unix seconds", examples=["2026-11-25T10:00:00Z"]
    )
    features: dict[str, Value] = Field(default_factory=dict, examples=[{"amount": 120.5}])
    output: str | float | bool = Field(description="The predicted class or value")
    score: float | dict[str, float] | None = Field(
        default=None,
        description="Probability of the positive class (binary) or {class: probability}",
    )
    sensitive: dict[str, Value] = Field(default_factory=dict, examples=[{"gender": "F"}])


class PredictionBatchIn(ModelRefIn):
    task: Task | None = Field(default=None, description="For a model this log registers")
    classes: list[str] | None = Field(default=None, description="For a model this log registers")
    rows: list[PredictionRowIn] = Field(min_length=1, max_length=MAX_JSON_ROWS)


class LabelRowIn(_In):
    prediction_id: str
    label: str | float | bool
    labelled_at: str | float | None = Field(
        default=None, description="When the truth was known; default: when received"
    )


class LabelBatchIn(ModelRefIn):
    rows: list[LabelRowIn] = Field(min_length=1, max_length=MAX_JSON_ROWS)


class LoggedOut(BaseModel):
    model_id: uuid.UUID
    registered: bool = Field(description="This log registered the model")
    stored: int
    duplicates: int = Field(description="Ids stored before (retries): skipped")
    duplicate_ids: list[str] = Field(description="The first few skipped ids")
    labels_joined: int = Field(description="Labels that had arrived before these predictions")

    @classmethod
    def of(cls, result: service.LogResult) -> LoggedOut:
        s = result.stored
        return cls(
            model_id=result.model.id,
            registered=result.registered,
            stored=s.stored,
            duplicates=s.duplicates,
            duplicate_ids=s.duplicate_ids,
            labels_joined=s.labels_joined,
        )


class LabelsOut(BaseModel):
    stored: int
    replaced: int = Field(description="Ids labelled before: the new label replaced the old")
    joined: int = Field(description="Labels whose prediction is stored")
    unknown: int = Field(description="Labels for ids not logged (yet): kept, joined later")
    unknown_ids: list[str] = Field(description="The first few unknown ids")

    @classmethod
    def of(cls, result: store.StoredLabels) -> LabelsOut:
        return cls(
            stored=result.stored,
            replaced=result.replaced,
            joined=result.joined,
            unknown=result.unknown,
            unknown_ids=result.unknown_ids,
        )


class ModelOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    system: str
    name: str
    version: str
    task: Task
    classes: list[str]
    features: dict[str, FeatureKind]
    sensitive: list[str]
    created_at: datetime
    predictions: int
    labelled: int
    label_coverage: float | None
    last_prediction_at: datetime | None

    @classmethod
    def of(cls, summary: service.ModelSummary) -> ModelOut:
        m = summary.model
        return cls(
            id=m.id,
            system_id=m.system_id,
            system=summary.system_name,
            name=m.name,
            version=m.version,
            task=m.task,
            classes=list(m.classes),
            features=dict(m.features),
            sensitive=list(m.sensitive),
            created_at=summary.created_at,
            predictions=summary.predictions,
            labelled=summary.labelled,
            label_coverage=summary.label_coverage,
            last_prediction_at=summary.last_prediction_at,
        )


class CoveragePointOut(BaseModel):
    start: datetime
    predictions: int
    labelled: int
    labelled_share: float | None
    median_delay_s: float | None
    p90_delay_s: float | None

    @classmethod
    def of(cls, point: reading.CoveragePoint) -> CoveragePointOut:
        return cls(**{name: getattr(point, name) for name in cls.model_fields})


def rows_of(items: list[Any]) -> list[dict[str, Any]]:
    return [item.model_dump() for item in items]
