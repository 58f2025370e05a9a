"""API shapes of alert rules, incidents and notification channels (inputs forbid extras)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.alerts.alert_domain import AlertState, Comparator, RuleSpec, Severity
from aitower.alerts.channel_domain import ChannelKind
from aitower.alerts.channels import ChannelView
from aitower.alerts.incidents import EventView, IncidentStatus, IncidentView
from aitower.alerts.metric_catalog import MetricInfo
from aitower.alerts.rules import RuleView
from aitower.alerts.serious import SeriousView
from aitower.alerts.serious_schemas import SeriousOut
from aitower.core.db.base import utcnow


class MetricOut(BaseModel):
    name: str
    title: str
    unit: str
    samples: str
    description: str

    @classmethod
    def of(cls, m: MetricInfo) -> MetricOut:
        return cls(
            name=m.name,
            title=m.title,
            unit=m.unit,
            samples=m.samples.value,
            description=m.description,
        )


class RuleIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Chatbot error rate",
                    "metric": "error_rate",
                    "system_id": "3f2c7a1e-0000-4000-8000-000000000001",
                    "comparator": ">",
                    "threshold": 0.05,
                    "window_minutes": 5,
                    "min_samples": 20,
                    "for_minutes": 2,
                    "severity": "high",
                }
            ]
        },
    )
    name: str = Field(max_length=200)
    metric: str = Field(max_length=40)
    system_id: uuid.UUID | None = Field(default=None, description="None: the whole portfolio")
    evaluation_name: str | None = Field(default=None, max_length=100)
    comparator: Comparator
    threshold: float
    window_minutes: int = 5
    min_samples: int = 1
    for_minutes: int = 0
    severity: Severity = Severity.medium
    description: str = Field(default="", max_length=4000)
    enabled: bool = True

    def spec(self) -> RuleSpec:
        return RuleSpec(
            name=self.name,
            metric=self.metric,
            comparator=self.comparator,
            threshold=self.threshold,
            window_minutes=self.window_minutes,
            min_samples=self.min_samples,
            for_minutes=self.for_minutes,
            severity=self.severity,
            system_id=None if self.system_id is None else str(self.system_id),
            evaluation_name=self.evaluation_name,
        )


class RulePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    metric: str | None = Field(default=None, max_length=40)
    system_id: uuid.UUID | None = None
    evaluation_name: str | None = Field(default=None, max_length=100)
    comparator: Comparator | None = None
    threshold: float | None = None
    window_minutes: int | None = None
    min_samples: int | None = None
    for_minutes: int | None = None
    severity: Severity | None = None
    description: str | None = Field(default=None, max_length=4000)
    enabled: bool | None = None

    def changes(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True)
        if "system_id" in given and given["system_id"] is not None:
            given["system_id"] = str(given["system_id"])
        nullable = {"system_id", "evaluation_name"}
        return {k: v for k, v in given.items() if v is not None or k in nullable}


class RuleOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    metric: str
    system_id: uuid.UUID | None
    system_name: str | None
    evaluation_name: str | None
    comparator: Comparator
    threshold: float
    window_minutes: int
    min_samples: int
    for_minutes: int
    severity: Severity
    enabled: bool
    state: AlertState
    state_since: dt.datetime | None
    last_value: float | None
    last_samples: int
    last_evaluated_at: dt.datetime | None

    @classmethod
    def of(cls, r: RuleView) -> RuleOut:
        s = r.spec
        return cls(
            id=r.id,
            name=s.name,
            description=r.description,
            metric=s.metric,
            system_id=None if s.system_id is None else uuid.UUID(s.system_id),
            system_name=r.system_name,
            evaluation_name=s.evaluation_name,
            comparator=s.comparator,
            threshold=s.threshold,
            window_minutes=s.window_minutes,
            min_samples=s.min_samples,
            for_minutes=s.for_minutes,
            severity=s.severity,
            enabled=r.enabled,
            state=r.state,
            state_since=r.since,
            last_value=r.last_value,
            last_samples=r.last_samples,
            last_evaluated_at=r.last_evaluated_at,
        )


class EventOut(BaseModel):
    id: uuid.UUID
    kind: str
    actor: str
    text: str
    data: dict[str, Any]
    at: dt.datetime

    @classmethod
    def of(cls, e: EventView) -> EventOut:
        return cls(id=e.id, kind=e.kind, actor=e.actor, text=e.text, data=e.data, at=e.at)


class IncidentOut(BaseModel):
    id: uuid.UUID
    title: str
    system_id: uuid.UUID | None
    system_name: str | None
    severity: str
    status: IncidentStatus
    owner: str | None
    rule_id: uuid.UUID | None
    opened_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    timeline: list[EventOut] | None = None
    serious: SeriousOut | None = Field(
        default=None, description="Its EU AI Act Art. 73 classification; null: not classified"
    )

    @classmethod
    def of(
        cls,
        i: IncidentView,
        events: list[EventView] | None = None,
        serious: SeriousView | None = None,
        now: dt.datetime | None = None,
    ) -> IncidentOut:
        return cls(
            id=i.id,
            title=i.title,
            system_id=i.system_id,
            system_name=i.system_name,
            severity=i.severity,
            status=i.status,
            owner=i.owner,
            rule_id=i.rule_id,
            opened_at=i.opened_at,
            acknowledged_at=i.acknowledged_at,
            resolved_at=i.resolved_at,
            timeline=None if events is None else [EventOut.of(e) for e in events],
            serious=None if serious is None else SeriousOut.of(serious, now or utcnow()),
        )


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(default="", max_length=10_000)


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner: str | None = Field(default=None, max_length=200, description="A username; null: none")


class ChannelIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "webhook",
                    "name": "On-call webhook",
                    "config": {"url": "https://hooks.example.com/aitower", "secret": "…32 chars…"},
                }
            ]
        },
    )
    kind: ChannelKind
    name: str = Field(max_length=200)
    config: dict[str, Any]
    enabled: bool = True


class ChannelPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    config: dict[str, Any] | None = None
    enabled: bool | None = None

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}


class ChannelOut(BaseModel):
    id: uuid.UUID
    kind: ChannelKind
    name: str
    enabled: bool
    config: dict[str, Any] = Field(description="Without secrets: secret_set / password_set")
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, c: ChannelView) -> ChannelOut:
        return cls(
            id=c.id,
            kind=c.kind,
            name=c.name,
            enabled=c.enabled,
            config=c.config,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class ChannelTestOut(BaseModel):
    ok: bool
    response_code: int | None
    error: str
