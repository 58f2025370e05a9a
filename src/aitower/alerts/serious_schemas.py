"""API shapes of serious incidents (EU AI Act Art. 73) and of incidents entered by hand."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from aitower.alerts.alert_domain import Severity
from aitower.alerts.serious import SeriousView


class SeriousOut(BaseModel):
    serious: bool = Field(description="False: classified as not a serious incident")
    limbs: list[str] = Field(description="Points of Art. 3(49) met: a, b, c, d")
    death: bool
    widespread: bool = Field(description="A widespread infringement (Art. 3(61))")
    note: str
    classified_by: str
    classified_at: dt.datetime
    aware_at: dt.datetime = Field(description="When the organisation became aware (UTC)")
    aware_time_zone: str
    deadline_at: dt.datetime | None = Field(description="Report by (UTC); null: not serious")
    deadline_days: int | None
    deadline_article: str | None = Field(description="The paragraph setting it: 73(2), (3), (4)")
    reported_at: dt.datetime | None
    reported_by: str | None
    report_reference: str
    deadline_met: bool | None = Field(description="Null until reported")
    overdue: bool = Field(description="Not reported and past the deadline, now")

    @classmethod
    def of(cls, s: SeriousView, now: dt.datetime) -> SeriousOut:
        d = s.deadline
        return cls(
            serious=s.serious,
            limbs=[limb.value for limb in s.limbs],
            death=s.death,
            widespread=s.widespread,
            note=s.note,
            classified_by=s.classified_by,
            classified_at=s.classified_at,
            aware_at=s.aware_at,
            aware_time_zone=s.aware_time_zone,
            deadline_at=None if d is None else d.at,
            deadline_days=None if d is None else d.days,
            deadline_article=None if d is None else d.paragraph,
            reported_at=s.reported_at,
            reported_by=s.reported_by,
            report_reference=s.report_reference,
            deadline_met=s.deadline_met,
            overdue=d is not None and s.reported_at is None and now > d.at,
        )


class ClassifyIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "limbs": ["c"],
                    "widespread": True,
                    "aware_at": "2026-10-24T10:00:00",
                    "time_zone": "Europe/Berlin",
                    "note": "Loan refusals by nationality across three Member States",
                }
            ]
        },
    )
    limbs: list[str] = Field(
        default_factory=list, max_length=4, description="Points of Art. 3(49); empty: not serious"
    )
    death: bool = False
    widespread: bool = False
    note: str = Field(default="", max_length=10_000)
    aware_at: dt.datetime | None = Field(
        default=None,
        description="When you became aware: a wall-clock time in time_zone, or with an offset; "
        "default: now (the first time) or the moment recorded before",
    )
    time_zone: str | None = Field(
        default=None, max_length=64, description="IANA, e.g. Europe/Berlin"
    )


class ReportedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reported_at: dt.datetime | None = Field(default=None, description="Default: now")
    time_zone: str | None = Field(default=None, max_length=64)
    reference: str = Field(default="", max_length=10_000, description="The authority's reference")


class IncidentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "title": "Chatbot advised a customer to stop medication",
                    "severity": "critical",
                    "system_id": "00000000-0000-0000-0000-000000000000",
                    "text": "Reported by the customer service team on the phone.",
                }
            ]
        },
    )
    title: str = Field(max_length=300)
    severity: Severity
    system_id: uuid.UUID | None = None
    text: str = Field(default="", max_length=10_000, description="What happened")
