"""What the findings' read side answers: plain records, free of storage (the pages, the CLI,
the API and the risk draft read them)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from aitower.guardrails.titles import type_title


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """What a findings list is narrowed to; times are ``[since, until)``."""

    system_id: uuid.UUID | None = None
    finding_type: str | None = None
    category: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class TypeSummary:
    """One detection type's findings under a filter."""

    finding_type: str
    category: str
    count: int  # detections (the sum of occurrences)
    spans: int
    traces: int
    users: int
    values: int  # distinct keyed digests of the values
    systems: int
    first_seen: dt.datetime
    last_seen: dt.datetime

    @property
    def title(self) -> str:
        return type_title(self.finding_type)


@dataclass(frozen=True, slots=True)
class TraceHit:
    trace_id: str
    system_id: uuid.UUID | None
    count: int
    fields: tuple[str, ...]  # input | output | other
    user_id: str | None
    first_seen: dt.datetime


@dataclass(frozen=True, slots=True)
class UserHit:
    user_id: str
    count: int
    traces: int
    last_seen: dt.datetime


@dataclass(frozen=True, slots=True)
class TypeDetail:
    """One type: its summary, the traces and users it was seen in, and its count per day."""

    summary: TypeSummary
    traces: list[TraceHit]
    users: list[UserHit]
    days: list[tuple[dt.date, int]]
