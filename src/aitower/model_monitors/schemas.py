"""API shapes of references, monitors and results (``extra="forbid"``: a typo is a 422)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aitower.core.moments import AwareMoment
from aitower.model_monitors.monitors import MonitorView
from aitower.model_monitors.references import ReferenceView
from aitower.model_monitors.results import PortfolioEntry, ResultPoint, ResultView
from aitower.model_monitors.spec import MonitorSpec, Schedule, rule_from_dict, rule_to_dict
from aitower.statistics.quality.fairness import DEFAULT_MIN_GROUP_SIZE, FOUR_FIFTHS

MODEL_ID = "3f2c7a1e-0000-4000-8000-00000000000a"


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    features: dict[str, Any] = Field(default_factory=dict)
    output: str | float | int | bool
    score: float | None = None
    label: str | float | int | bool | None = None
    sensitive: dict[str, Any] = Field(default_factory=dict)


class ReferenceIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "model_id": MODEL_ID,
                    "name": "Validation window, March",
                    "start": "2026-03-01T00:00:00Z",
                    "end": "2026-04-01T00:00:00Z",
                }
            ]
        },
    )
    model_id: uuid.UUID
    name: str = Field(max_length=200)
    start: AwareMoment | None = Field(default=None, description="A window of logged predictions")
    end: AwareMoment | None = None
    records: list[RecordIn] | None = Field(
        default=None, description="Or an uploaded dataset: one record per prediction"
    )


class ReferenceOut(BaseModel):
    id: uuid.UUID
    model_id: uuid.UUID
    system_id: uuid.UUID
    name: str
    kind: str
    window_start: datetime | None
    window_end: datetime | None
    rows: int
    labelled_rows: int
    features: list[str]
    has_calibration: bool
    performance: dict[str, float | None]
    created_at: datetime
    created_by: str

    @classmethod
    def of(cls, v: ReferenceView) -> ReferenceOut:
        return cls(
            id=v.id,
            model_id=v.model_id,
            system_id=v.system_id,
            name=v.name,
            kind=v.kind,
            window_start=v.window_start,
            window_end=v.window_end,
            rows=v.rows,
            labelled_rows=v.labelled_rows,
            features=list(v.features),
            has_calibration=v.has_calibration,
            performance=v.performance,
            created_at=v.created_at,
            created_by=v.created_by,
        )


class DriftRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["ks", "wasserstein", "psi", "jensenshannon", "chisquare", "ztest"] | None = None
    threshold: float | None = None


class MonitorIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "model_id": MODEL_ID,
                    "reference_id": "3f2c7a1e-0000-4000-8000-00000000000b",
                    "name": "Fraud daily",
                    "schedule": "daily",
                    "window_hours": 24,
                    "drift_rules": {"amount": {"method": "psi", "threshold": 0.2}},
                    "performance_limits": {"roc_auc": 0.7},
                    "sensitive": ["gender"],
                }
            ]
        },
    )
    model_id: uuid.UUID
    reference_id: uuid.UUID
    name: str = Field(max_length=200)
    schedule: Schedule = Schedule.daily
    window_hours: int = 24
    drift_share: float = 0.5
    drift_rules: dict[str, DriftRuleIn] = Field(default_factory=dict)
    performance_limits: dict[str, float] = Field(default_factory=dict)
    sensitive: list[str] = Field(default_factory=list)
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    fairness_floor: float = FOUR_FIFTHS
    estimate: bool = True
    enabled: bool = True

    def spec(self) -> MonitorSpec:
        return MonitorSpec(
            name=self.name,
            schedule=self.schedule,
            window_hours=self.window_hours,
            drift_share=self.drift_share,
            drift_rules={
                k: rule_from_dict(k, v.model_dump(exclude_none=True))
                for k, v in self.drift_rules.items()
            },
            performance_limits=self.performance_limits,
            sensitive=tuple(self.sensitive),
            min_group_size=self.min_group_size,
            fairness_floor=self.fairness_floor,
            estimate=self.estimate,
        )


class MonitorPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference_id: uuid.UUID | None = None
    name: str | None = Field(default=None, max_length=200)
    schedule: Schedule | None = None
    window_hours: int | None = None
    drift_share: float | None = None
    drift_rules: dict[str, DriftRuleIn] | None = None
    performance_limits: dict[str, float] | None = None
    sensitive: list[str] | None = None
    min_group_size: int | None = None
    fairness_floor: float | None = None
    estimate: bool | None = None
    enabled: bool | None = None

    def changes(self) -> dict[str, Any]:
        given = {k: v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}
        if "drift_rules" in given:
            given["drift_rules"] = {
                k: {kk: vv for kk, vv in v.items() if vv is not None}
                for k, v in given["drift_rules"].items()
            }
        return given


class MonitorOut(BaseModel):
    id: uuid.UUID
    model_id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    reference_id: uuid.UUID
    name: str
    schedule: str
    window_hours: int
    drift_share: float
    drift_rules: dict[str, dict[str, Any]]
    performance_limits: dict[str, float]
    sensitive: list[str]
    min_group_size: int
    fairness_floor: float
    estimate: bool
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None
    last_status: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, v: MonitorView) -> MonitorOut:
        s = v.spec
        return cls(
            id=v.id,
            model_id=v.model_id,
            system_id=v.system_id,
            system_name=v.system_name,
            reference_id=v.reference_id,
            name=s.name,
            schedule=s.schedule.value,
            window_hours=s.window_hours,
            drift_share=s.drift_share,
            drift_rules={k: rule_to_dict(r) for k, r in s.drift_rules.items()},
            performance_limits=dict(s.performance_limits),
            sensitive=list(s.sensitive),
            min_group_size=s.min_group_size,
            fairness_floor=s.fairness_floor,
            estimate=s.estimate,
            enabled=v.enabled,
            next_run_at=v.next_run_at,
            last_run_at=v.last_run_at,
            last_status=v.last_status,
            created_at=v.created_at,
            updated_at=v.updated_at,
        )


class ResultPointOut(BaseModel):
    id: uuid.UUID
    monitor_id: uuid.UUID
    model_id: uuid.UUID
    system_id: uuid.UUID
    run_at: datetime
    window_start: datetime
    window_end: datetime
    trigger: str
    status: str
    rows: int
    labelled_rows: int
    duration_ms: float
    summary: dict[str, float | None] = Field(
        description="Headline numbers; estimated_* are CBPE estimates, never measurements"
    )
    signals: list[dict[str, Any]]

    @classmethod
    def of(cls, p: ResultPoint) -> ResultPointOut:
        return cls(
            id=p.id,
            monitor_id=p.monitor_id,
            model_id=p.model_id,
            system_id=p.system_id,
            run_at=p.run_at,
            window_start=p.window_start,
            window_end=p.window_end,
            trigger=p.trigger,
            status=p.status,
            rows=p.rows,
            labelled_rows=p.labelled_rows,
            duration_ms=p.duration_ms,
            summary=p.summary,
            signals=p.signals,
        )


class ResultOut(ResultPointOut):
    feature_scores: dict[str, Any]
    detail: dict[str, Any]

    @classmethod
    def full(cls, v: ResultView) -> ResultOut:
        base = ResultPointOut.of(v.point).model_dump()
        return cls(**base, feature_scores=v.feature_scores, detail=v.detail)


class PortfolioOut(BaseModel):
    monitor_id: uuid.UUID
    monitor_name: str
    model_id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    enabled: bool
    latest: ResultPointOut | None
    worst_signal: dict[str, Any] | None

    @classmethod
    def of(cls, e: PortfolioEntry) -> PortfolioOut:
        return cls(
            monitor_id=e.monitor_id,
            monitor_name=e.monitor_name,
            model_id=e.model_id,
            system_id=e.system_id,
            system_name=e.system_name,
            enabled=e.enabled,
            latest=None if e.latest is None else ResultPointOut.of(e.latest),
            worst_signal=e.worst_signal,
        )
