"""API shapes of the executive summary and the report subscriptions. Inputs forbid unknown
fields."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aitower.portfolio.report_model import ExecutiveReport
from aitower.portfolio.report_subscriptions import SubscriptionSpec, SubscriptionView

EXAMPLE: dict[str, Any] = {
    "name": "Monthly portfolio report",
    "cadence": "monthly",
    "recipients": ["cfo@example.com", "ops@example.com"],
    "formats": ["pdf", "csv"],
    "unit_id": None,
}


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})
    name: str = Field(max_length=200)
    cadence: str = Field(max_length=10, description="weekly (Monday to Monday, UTC) or monthly")
    recipients: list[str] = Field(max_length=50, description="E-mail addresses")
    formats: list[str] = Field(max_length=3, description="Any of html, pdf, csv")
    unit_id: uuid.UUID | None = Field(
        default=None, description="One business unit; none: the whole portfolio (org-wide only)"
    )
    channel_id: uuid.UUID | None = Field(
        default=None,
        description="The e-mail notification channel (SMTP) to send through; none: the first "
        "enabled e-mail channel",
    )
    enabled: bool = True

    def spec(self) -> SubscriptionSpec:
        return SubscriptionSpec(
            self.name,
            self.cadence,
            self.recipients,
            self.formats,
            self.unit_id,
            self.channel_id,
            self.enabled,
        )


class SubscriptionOut(BaseModel):
    id: uuid.UUID
    name: str
    cadence: str
    recipients: list[str]
    formats: list[str]
    unit_id: uuid.UUID | None
    channel_id: uuid.UUID | None
    enabled: bool
    next_due: datetime
    last_sent_at: datetime | None
    last_period_start: date | None
    last_period_end: date | None
    last_error: str
    attempts: int
    created_by: str

    @classmethod
    def of(cls, v: SubscriptionView) -> SubscriptionOut:
        return cls(
            id=v.id,
            name=v.name,
            cadence=v.cadence,
            recipients=list(v.recipients),
            formats=list(v.formats),
            unit_id=v.unit_id,
            channel_id=v.channel_id,
            enabled=v.enabled,
            next_due=v.next_due,
            last_sent_at=v.last_sent_at,
            last_period_start=v.last_period_start,
            last_period_end=v.last_period_end,
            last_error=v.last_error,
            attempts=v.attempts,
            created_by=v.created_by,
        )


class SentOut(BaseModel):
    sent: bool
    period_start: date
    period_end: date


class SystemSummaryOut(BaseModel):
    system_id: uuid.UUID
    name: str
    unit: str
    risk_tier: str | None
    period_cost: float
    cost_12m: float
    value_12m: float | None = Field(description="None: no value model declared")
    roi: float | None = Field(description="(value − cost) ÷ cost over 12 months")
    payback_months: int | None
    requests_12m: int
    active_users: int
    open_risks: int
    highest_risk: str | None
    open_incidents: int
    decision: str | None


class MonthOut(BaseModel):
    month: date
    cost: float
    cost_by_source: dict[str, float]
    value: float
    requests: int
    active_users: int


class SummaryOut(BaseModel):
    """The executive dashboard's figures (USD), in the reader's units."""

    scope: str
    period_start: date
    period_end: date = Field(description="Excluded")
    period_cost: float
    quarter_cost: float
    cost_12m: float
    value_12m: float
    roi_12m: float | None
    unattributed_cost_12m: float
    open_incidents: int
    serious_incidents: int
    risks_by_level: dict[str, int]
    systems_by_tier: dict[str, int]
    months: list[MonthOut]
    systems: list[SystemSummaryOut]

    @classmethod
    def of(cls, r: ExecutiveReport) -> SummaryOut:
        return cls(
            scope=r.scope,
            period_start=r.period.start,
            period_end=r.period.end,
            period_cost=r.period_cost,
            quarter_cost=r.quarter_cost,
            cost_12m=r.cost,
            value_12m=r.value,
            roi_12m=r.roi,
            unattributed_cost_12m=r.unattributed_cost,
            open_incidents=r.open_incidents,
            serious_incidents=r.serious_incidents,
            risks_by_level=r.risks_by_level,
            systems_by_tier=r.systems_by_tier,
            months=[
                MonthOut(
                    month=m.month,
                    cost=m.cost,
                    cost_by_source=m.cost_by_source,
                    value=m.value,
                    requests=m.requests,
                    active_users=m.active_users,
                )
                for m in r.months
            ],
            systems=[
                SystemSummaryOut(
                    system_id=s.system_id,
                    name=s.name,
                    unit=s.unit,
                    risk_tier=s.risk_tier,
                    period_cost=s.period_cost,
                    cost_12m=s.cost,
                    value_12m=s.value,
                    roi=s.roi,
                    payback_months=s.payback_months,
                    requests_12m=s.requests,
                    active_users=s.active_users,
                    open_risks=s.open_risks,
                    highest_risk=s.highest_risk,
                    open_incidents=s.open_incidents,
                    decision=s.decision,
                )
                for s in r.systems
            ],
        )
