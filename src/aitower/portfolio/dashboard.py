"""The executive report of a reader's portfolio for one period: cost, value, ROI, adoption,
risk and incidents (``report_model`` says what each figure is).

Cost, value, ROI and payback per system are ``values.system_values`` over the trailing twelve
months, cost by source and the period's cost ``spend.costs.daily_costs`` (the reader
``system_values`` itself builds on, so the totals agree); risks come from the risk register,
tiers from the inventory, incidents from alerting, each through its slice's service and in the
reader's units. A unit-scoped reader never sees cost no system claims.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.alerts.incidents import IncidentFilter, IncidentStatus, list_incidents
from aitower.core.access.principal import Principal
from aitower.core.access.service import get_unit
from aitower.core.errors import NotFound
from aitower.inventory.service import SystemRef, visible_systems
from aitower.portfolio.report_model import (
    RISK_LEVELS,
    TREND_MONTHS,
    ExecutiveReport,
    MonthFigures,
    Period,
    SystemLine,
    period_containing,
    previous_period,
)
from aitower.portfolio.tables import PortfolioDecisionRow
from aitower.portfolio.values import SystemValue, add_months, month_start, system_values
from aitower.risk import register
from aitower.risk.service_risks import open_risk_scores
from aitower.spend.costs import CostLine, daily_costs

NOT_ASSESSED = "not assessed"
INCIDENTS_READ = 1000  # unresolved incidents read per status; a portfolio has far fewer


def _scope(
    session: Session, principal: Principal, unit_id: uuid.UUID | None
) -> tuple[list[SystemRef], str]:
    systems = visible_systems(session, principal)
    if unit_id is None:
        return systems, "Whole portfolio" if principal.unit_ids is None else "Your units"
    if principal.unit_ids is not None and unit_id not in principal.unit_ids:
        raise NotFound(f"no business unit {unit_id}")  # another unit is not disclosed
    return [s for s in systems if s.unit_id == unit_id], get_unit(session, unit_id).name


def _latest_decisions(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    d = PortfolioDecisionRow
    latest = (
        select(d.system_id, func.max(d.decided_at).label("at"))
        .where(d.system_id.in_(list(ids)))
        .group_by(d.system_id)
        .subquery()
    )
    rows = session.execute(
        select(d.system_id, d.decision).join(
            latest, (latest.c.system_id == d.system_id) & (latest.c.at == d.decided_at)
        )
    )
    return {system_id: str(decision) for system_id, decision in rows}


def _incidents(
    session: Session, principal: Principal, ids: set[uuid.UUID], whole: bool
) -> tuple[dict[uuid.UUID, int], int, int]:
    """Unresolved incidents per system, in total, and the unresolved serious ones."""
    per_system: dict[uuid.UUID, int] = defaultdict(int)
    total = 0
    for status in (IncidentStatus.open, IncidentStatus.acknowledged):
        found, _ = list_incidents(
            session, principal, IncidentFilter(status=status.value), limit=INCIDENTS_READ, offset=0
        )
        for incident in found:
            if incident.system_id in ids:
                per_system[incident.system_id] += 1
            if incident.system_id in ids or (whole and incident.system_id is None):
                total += 1
    serious, _ = list_incidents(
        session, principal, IncidentFilter(serious=True), limit=INCIDENTS_READ, offset=0
    )
    open_serious = sum(
        1
        for i in serious
        if i.status is not IncidentStatus.resolved
        and (i.system_id in ids or (whole and i.system_id is None))
    )
    return per_system, total, open_serious


def _risk_levels(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    scores = open_risk_scores(session, ids) if ids else {}
    return {sid: [register.level(s).value for s in found] for sid, found in scores.items()}


def _month_figures(
    months: Sequence[date], lines: Sequence[CostLine], values: Sequence[SystemValue]
) -> tuple[MonthFigures, ...]:
    by_source: dict[date, dict[str, float]] = {m: defaultdict(float) for m in months}
    for line in lines:
        month = month_start(line.day)
        if month in by_source:
            by_source[month][line.source] += line.amount
    value: dict[date, float] = defaultdict(float)
    requests: dict[date, int] = defaultdict(int)
    users: dict[date, int] = defaultdict(int)
    for system in values:
        for m in system.months:
            value[m.month] += m.value_total
            requests[m.month] += m.usage.requests
            users[m.month] += m.usage.active_users
    return tuple(
        MonthFigures(m, dict(by_source[m]), value[m], requests[m], users[m]) for m in months
    )


def _system_line(
    system: SystemValue,
    period_cost: float,
    risks: list[str],
    incidents: int,
    decision: str | None,
) -> SystemLine:
    ref = system.system
    ordered = [level for level in RISK_LEVELS if level in risks]
    return SystemLine(
        system_id=ref.id,
        name=ref.name,
        unit=ref.unit_name,
        risk_tier=None if ref.risk_tier is None else ref.risk_tier.value,
        period_cost=period_cost,
        cost=system.cost,
        value=None if system.model is None else system.value,
        roi=system.roi,
        payback_months=system.payback_months,
        requests=sum(m.usage.requests for m in system.months),
        active_users=system.months[-1].usage.active_users if system.months else 0,
        open_risks=len(risks),
        highest_risk=ordered[0] if ordered else None,
        open_incidents=incidents,
        decision=decision,
    )


def _period_costs(
    lines: Sequence[CostLine], period: Period, trend_start: date
) -> tuple[dict[uuid.UUID | None, float], float, float]:
    """The period's cost per system (None: unclaimed), the previous period's total, and the
    unclaimed cost over the trend."""
    before = previous_period(period)
    period_cost: dict[uuid.UUID | None, float] = defaultdict(float)
    unattributed = previous = 0.0
    for line in lines:
        if period.start <= line.day < period.end:
            period_cost[line.system_id] += line.amount
        if before.start <= line.day < before.end:
            previous += line.amount
        if line.system_id is None and line.day >= trend_start:
            unattributed += line.amount
    return period_cost, previous, unattributed


def build_report(
    session: Session,
    principal: Principal,
    period: Period,
    made_at: datetime,
    *,
    unit_id: uuid.UUID | None = None,
    title: str = "AI portfolio report",
) -> ExecutiveReport:
    """The report of ``period`` for what ``principal`` sees (of one unit, if given)."""
    systems, scope = _scope(session, principal, unit_id)
    ids = [s.id for s in systems]
    whole = principal.unit_ids is None and unit_id is None
    last_day = period.end - timedelta(days=1)
    trend_start = add_months(month_start(last_day), 1 - TREND_MONTHS)
    earliest = min(trend_start, previous_period(period).start)
    values = system_values(session, principal, trend_start, period.end, ids)
    lines = daily_costs(session, earliest, period.end, None if whole else ids)
    period_cost, previous_cost, unattributed_trend = _period_costs(lines, period, trend_start)
    risks = _risk_levels(session, ids)
    incidents, open_total, serious = _incidents(session, principal, set(ids), whole)
    decisions = _latest_decisions(session, ids)
    tiers: dict[str, int] = defaultdict(int)
    for s in systems:
        tiers[NOT_ASSESSED if s.risk_tier is None else s.risk_tier.value] += 1
    months = [add_months(trend_start, i) for i in range(TREND_MONTHS)]
    trend_lines = [line for line in lines if line.day >= trend_start]
    return ExecutiveReport(
        title=title,
        scope=scope,
        period=period,
        made_at=made_at,
        systems=tuple(
            _system_line(
                v,
                period_cost.get(v.system.id, 0.0),
                risks.get(v.system.id, []),
                incidents.get(v.system.id, 0),
                decisions.get(v.system.id),
            )
            for v in values
        ),
        months=_month_figures(months, trend_lines, values),
        unattributed_period_cost=period_cost.get(None, 0.0),
        unattributed_cost=unattributed_trend,
        previous_period_cost=previous_cost,
        risks_by_level={
            level: sum(r.count(level) for r in risks.values()) for level in RISK_LEVELS
        },
        systems_by_tier=dict(tiers),
        open_incidents=open_total,
        serious_incidents=serious,
    )


def dashboard_report(
    session: Session, principal: Principal, today: date, now: datetime
) -> ExecutiveReport:
    """The dashboard: this month so far, with the twelve months up to it."""
    month = period_containing("monthly", today)
    so_far = Period("monthly", month.start, today + timedelta(days=1))
    return build_report(session, principal, so_far, now, title="AI portfolio")
