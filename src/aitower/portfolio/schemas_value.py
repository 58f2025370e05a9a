"""API shapes of value models, ROI and portfolio decisions. Inputs forbid unknown fields."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.portfolio.decision_rules import Placement
from aitower.portfolio.decisions import DecisionView, PortfolioLine
from aitower.portfolio.value_service import ValueModelFields, ValueModelView
from aitower.portfolio.values import SystemMonth, SystemValue


class ValueModelIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "use_driver": "requests",
                    "hours_saved_per_use": 0.25,
                    "loaded_hourly_rate": 60,
                    "eligible_users": 120,
                    "revenue_per_month": 0,
                    "cost_avoided_per_month": 1500,
                    "assumptions": "An agent saves 15 minutes per answered ticket.",
                }
            ]
        },
    )
    use_driver: str = Field(
        default="requests", max_length=20, description="requests, sessions or active_users"
    )
    hours_saved_per_use: float | None = Field(default=0.0, description="Hours saved per use")
    loaded_hourly_rate: float | None = Field(default=0.0, description="USD per hour, loaded")
    declared_uses_per_month: float | None = Field(
        default=None, description="Uses per month when telemetry measures none"
    )
    eligible_users: int | None = Field(default=None, description="People who could use it")
    declared_adoption_percent: float | None = Field(
        default=None, description="0..100, when active users are not measured"
    )
    revenue_per_month: float | None = Field(default=0.0, description="USD attributed")
    cost_avoided_per_month: float | None = Field(default=0.0, description="USD")
    one_off_investment: float | None = Field(default=0.0, description="USD, for payback")
    value_since: date | None = Field(default=None, description="When it began to deliver")
    assumptions: str = Field(default="", max_length=4000)

    def fields(self) -> ValueModelFields:
        return ValueModelFields(**self.model_dump())


class ValueModelOut(BaseModel):
    system_id: uuid.UUID
    system_name: str
    use_driver: str
    hours_saved_per_use: float
    loaded_hourly_rate: float
    declared_uses_per_month: float | None
    eligible_users: int | None
    declared_adoption_percent: float | None
    revenue_per_month: float
    cost_avoided_per_month: float
    one_off_investment: float
    value_since: date | None
    assumptions: str
    declared_by: str
    updated_at: datetime | None

    @classmethod
    def of(cls, v: ValueModelView) -> ValueModelOut:
        return cls.model_validate(v, from_attributes=True)


class MonthOut(BaseModel):
    month: date
    cost: float
    value: float
    roi: float | None
    requests: int
    sessions: int
    active_users: int
    uses: float | None = Field(description="Uses counted (None without a value model)")
    uses_basis: str | None = Field(description="measured, declared or none")
    adoption: float | None
    adoption_basis: str | None
    time_value: float | None
    revenue: float | None
    cost_avoided: float | None

    @classmethod
    def of(cls, m: SystemMonth, roi: float | None) -> MonthOut:
        v = m.value
        return cls(
            month=m.month,
            cost=m.cost,
            value=m.value_total,
            roi=roi,
            requests=m.usage.requests,
            sessions=m.usage.sessions,
            active_users=m.usage.active_users,
            uses=None if v is None else v.uses,
            uses_basis=None if v is None else v.uses_basis,
            adoption=None if v is None else v.adoption,
            adoption_basis=None if v is None else v.adoption_basis,
            time_value=None if v is None else v.time_value,
            revenue=None if v is None else v.revenue,
            cost_avoided=None if v is None else v.cost_avoided,
        )


class SystemValueOut(BaseModel):
    system_id: uuid.UUID
    system_name: str
    unit_name: str
    stage: str
    has_value_model: bool
    declared_by: str | None
    cost: float
    value: float
    roi: float | None = Field(description="(value − cost) ÷ cost over the range")
    roi_trend: float | None = Field(description="Slope of monthly ROI, per month")
    payback_months: int | None
    active_users: int | None = Field(description="In the last month with telemetry")
    bases: list[str] = Field(description="Where uses came from: measured and/or declared")
    months: list[MonthOut] | None = None

    @classmethod
    def of(cls, v: SystemValue, with_months: bool = False) -> SystemValueOut:
        latest = v.latest
        months = None
        if with_months:
            months = [MonthOut.of(m, r) for m, r in zip(v.months, v.monthly_roi, strict=True)]
        return cls(
            system_id=v.system.id,
            system_name=v.system.name,
            unit_name=v.system.unit_name,
            stage=v.system.stage.value,
            has_value_model=v.model is not None,
            declared_by=v.declared_by,
            cost=v.cost,
            value=v.value,
            roi=v.roi,
            roi_trend=v.roi_trend,
            payback_months=v.payback_months,
            active_users=None if latest is None else latest.usage.active_users,
            bases=sorted(v.bases),
            months=months,
        )


class ValueReportOut(BaseModel):
    start: date
    end: date = Field(description="Exclusive")
    systems: list[SystemValueOut]


class DecisionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"decision": "retire", "note": "Replaced by the hub"}]},
    )
    decision: str = Field(max_length=12, description="scale, keep, fix, retire or consolidate")
    into_system_id: uuid.UUID | None = Field(
        default=None, description="The system kept (consolidate only)"
    )
    note: str = Field(default="", max_length=4000)


class DecisionOut(BaseModel):
    id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    decision: str
    recommended: str
    reasons: list[dict[str, Any]]
    into_system_id: uuid.UUID | None
    into_system_name: str | None
    note: str
    move_id: uuid.UUID | None
    move_pending: bool
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, d: DecisionView) -> DecisionOut:
        return cls.model_validate(d, from_attributes=True)


class PlacementOut(BaseModel):
    recommended: str
    reasons: list[dict[str, Any]]
    into_system_id: uuid.UUID | None

    @classmethod
    def of(cls, p: Placement) -> PlacementOut:
        return cls(
            recommended=p.recommended,
            reasons=[r.document() for r in p.reasons],
            into_system_id=p.into_system_id,
        )


class PortfolioLineOut(BaseModel):
    system: SystemValueOut
    recommendation: PlacementOut | None = Field(description="None for a retired system")
    in_force: DecisionOut | None

    @classmethod
    def of(cls, line: PortfolioLine) -> PortfolioLineOut:
        return cls(
            system=SystemValueOut.of(line.value),
            recommendation=None if line.placement is None else PlacementOut.of(line.placement),
            in_force=None if line.in_force is None else DecisionOut.of(line.in_force),
        )
