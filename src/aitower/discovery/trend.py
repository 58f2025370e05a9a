"""Shadow AI over time: new unsanctioned findings per unit per week, and the alert-rule metric
``discovery_new_unsanctioned`` read from the same findings.

"Unsanctioned" is judged by today's decisions (a service sanctioned since no longer counts in
past weeks either): the trend shows how much unapproved use there is to deal with. Weeks are
ISO weeks starting Monday (UTC) and are labelled by their Monday.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal, system_principal
from aitower.discovery.findings import FindingFilter, all_findings
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.tables import DiscoveryFindingRow


@dataclass(frozen=True, slots=True)
class UnitTrend:
    unit_id: uuid.UUID | None
    unit: str  # "" for findings of no unit (telemetry sources, logs without a department)
    counts: list[int]  # one per week, oldest first


@dataclass(frozen=True, slots=True)
class Trend:
    weeks: list[date]  # each week's Monday
    units: list[UnitTrend]


def week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_trend(session: Session, principal: Principal, today: date, weeks: int = 12) -> Trend:
    """New unsanctioned findings per unit in each of the last ``weeks`` weeks up to today's."""
    last = week_of(today)
    mondays = [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    start = datetime.combine(mondays[0], time(), tzinfo=UTC)
    counts: dict[uuid.UUID | None, list[int]] = defaultdict(lambda: [0] * weeks)
    names: dict[uuid.UUID | None, str] = {}
    for f in all_findings(session, principal, FindingFilter(sanctioned=False)):
        if f.first_seen < start:
            continue
        index = (week_of(f.first_seen.date()) - mondays[0]).days // 7
        if index < weeks:
            counts[f.unit_id][index] += 1
            names[f.unit_id] = f.unit
    units = [UnitTrend(u, names[u], c) for u, c in counts.items()]
    units.sort(key=lambda t: (-sum(t.counts), t.unit))
    return Trend(mondays, units)


def new_unsanctioned(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """Findings first seen in ``[start, end)`` of services not sanctioned for their unit, and
    every finding first seen then (the rule's samples). Unregistered telemetry sources count:
    they are unsanctioned by definition."""
    unsanctioned = seen = 0
    for f in all_findings(session, system_principal("alerts"), FindingFilter()):
        if start <= f.first_seen < end:
            seen += 1
            unsanctioned += f.sanction is not SanctionStatus.sanctioned
    return unsanctioned, seen


def open_counts(session: Session) -> dict[str, int]:
    """Stored findings per status (for /metrics and the overview)."""
    found: dict[str, int] = defaultdict(int)
    for (status,) in session.execute(select(DiscoveryFindingRow.status)):
        found[status] += 1
    return dict(found)
