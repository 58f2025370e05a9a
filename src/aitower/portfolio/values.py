"""Each system's cost, value, ROI and payback per month: the figures the value pages, the
decisions, the executive dashboard and its reports all show (one reader, so they agree).

Cost is ``spend.costs`` (LLM usage + the ledger); the value model is the declared one
(``value_models``) applied month by month to what telemetry measured that month (requests and
day rollups; active users and sessions from the per-day key rollups), through
``value_domain``. Months are calendar months in UTC. A month that ends before the model's
``value_since`` counts no value (the system was not delivering yet); its cost still counts.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import InvalidInput
from aitower.inventory.service import SystemRef, visible_systems
from aitower.portfolio.tables import ValueModelRow
from aitower.portfolio.value_domain import (
    MonthValue,
    Usage,
    UseDriver,
    ValueModel,
    month_value,
    monthly_roi,
    payback_months,
    roi,
    trend_slope,
)
from aitower.spend.costs import daily_costs
from aitower.telemetry.tables import DayRollupRow, KeyRollupRow


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, end: date) -> list[date]:
    """Month starts from ``first``'s month up to (not including) ``end``'s month start, plus
    ``end``'s month when ``end`` is not itself a month start (a month in progress)."""
    months, month = [], month_start(first)
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return months


DEFAULT_MONTHS = 12


def default_range(today: date, months: int = DEFAULT_MONTHS) -> tuple[date, date]:
    """The ``months`` whole months before ``today``'s month: [start, end) as dates."""
    end = month_start(today)
    return add_months(end, -months), end


def month_range(last_month: date, months: int) -> tuple[date, date]:
    """[start, end) of the ``months`` months ending with ``last_month`` (included)."""
    end = add_months(month_start(last_month), 1)
    return add_months(end, -months), end


MAX_MONTHS = 36


def range_of(months: int | None, until: str | None, today: date) -> tuple[date, date]:
    """The range a reader asked for: ``months`` (1..36, default 12) ending with the month
    ``until`` (``YYYY-MM``, default the last whole month). Bad input names its field."""
    count = DEFAULT_MONTHS if months is None else months
    if not 1 <= count <= MAX_MONTHS:
        raise InvalidInput.on("months", f"must be from 1 to {MAX_MONTHS}")
    if not until:
        return add_months(month_start(today), -count), month_start(today)
    try:
        last = datetime.strptime(until.strip(), "%Y-%m").date()
    except ValueError:
        raise InvalidInput.on("until", "expected a month, YYYY-MM") from None
    return month_range(last, count)


NO_VALUE = MonthValue(0.0, "none", 1.0, "none", 0.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class SystemMonth:
    month: date
    cost: float
    usage: Usage
    value: MonthValue | None  # None: no value model declared

    @property
    def value_total(self) -> float:
        return 0.0 if self.value is None else self.value.total


@dataclass(frozen=True, slots=True)
class SystemValue:
    system: SystemRef
    model: ValueModel | None
    declared_by: str | None
    months: tuple[SystemMonth, ...]
    value_since: date | None = None

    @property
    def monthly_roi(self) -> list[float | None]:
        """Each month's own ROI (None: no cost that month, or no value model)."""
        if self.model is None:
            return [None] * len(self.months)
        return monthly_roi([m.value_total for m in self.months], [m.cost for m in self.months])

    @property
    def roi_trend(self) -> float | None:
        """Slope of the monthly ROI per month (``value_domain.trend_slope``)."""
        return trend_slope(self.monthly_roi)

    @property
    def adoption_trend(self) -> float | None:
        """Slope of the monthly active users per month, over months with any telemetry."""
        return trend_slope(
            [float(m.usage.active_users) if m.usage != Usage() else None for m in self.months]
        )

    @property
    def latest(self) -> SystemMonth | None:
        """The last month with telemetry, else the last month."""
        with_usage = [m for m in self.months if m.usage != Usage()]
        if with_usage:
            return with_usage[-1]
        return self.months[-1] if self.months else None

    @property
    def bases(self) -> frozenset[str]:
        """Where the uses came from over the range: measured and/or declared."""
        return frozenset(
            m.value.uses_basis
            for m in self.months
            if m.value is not None and m.value.uses_basis != "none"
        )

    @property
    def cost(self) -> float:
        return sum(m.cost for m in self.months)

    @property
    def value(self) -> float:
        return sum(m.value_total for m in self.months)

    @property
    def roi(self) -> float | None:
        return None if self.model is None else roi(self.value, self.cost)

    @property
    def payback_months(self) -> int | None:
        if self.model is None:
            return None
        return payback_months(
            [m.value_total for m in self.months],
            [m.cost for m in self.months],
            self.model.one_off_investment,
        )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def model_of(row: ValueModelRow) -> ValueModel:
    driver: UseDriver = "active_users"
    if row.use_driver == "requests":
        driver = "requests"
    elif row.use_driver == "sessions":
        driver = "sessions"
    return ValueModel(
        use_driver=driver,
        hours_saved_per_use=row.hours_saved_per_use,
        loaded_hourly_rate=row.loaded_hourly_rate,
        declared_uses_per_month=row.declared_uses_per_month,
        eligible_users=row.eligible_users,
        declared_adoption_percent=row.declared_adoption_percent,
        revenue_per_month=row.revenue_per_month,
        cost_avoided_per_month=row.cost_avoided_per_month,
        one_off_investment=row.one_off_investment,
    )


def monthly_usage(
    session: Session, system_ids: Collection[uuid.UUID], start: date, end: date
) -> dict[tuple[uuid.UUID, date], Usage]:
    """Requests, sessions and distinct active users per system and month in [start, end)."""
    keys = [str(s) for s in system_ids]
    if not keys:
        return {}
    r = DayRollupRow
    requests: dict[tuple[uuid.UUID, date], int] = defaultdict(int)
    rows = session.execute(
        select(r.bucket_start, r.system_key, func.sum(r.requests))
        .where(r.bucket_start >= _midnight(start), r.bucket_start < _midnight(end))
        .where(r.system_key.in_(keys))
        .group_by(r.bucket_start, r.system_key)
    )
    for bucket, key, count in rows:
        requests[(uuid.UUID(key), month_start(bucket.date()))] += int(count or 0)
    distinct = _distinct_keys(session, keys, start, end)
    found: dict[tuple[uuid.UUID, date], Usage] = {}
    for sid, month in set(requests) | {(s, m) for (s, m, _) in distinct}:
        found[(sid, month)] = Usage(
            requests=requests.get((sid, month), 0),
            sessions=distinct.get((sid, month, "session"), 0),
            active_users=distinct.get((sid, month, "user"), 0),
        )
    return found


def _distinct_keys(
    session: Session, keys: list[str], start: date, end: date
) -> dict[tuple[uuid.UUID, date, str], int]:
    """Distinct users and sessions per system and month: one counting query per month, so the
    database counts (a year of a busy system's per-day keys is millions of rows)."""
    k = KeyRollupRow
    counts: dict[tuple[uuid.UUID, date, str], int] = {}
    for month in months_between(start, end):
        stop = min(add_months(month, 1), end)
        rows = session.execute(
            select(k.system_key, k.key_kind, func.count(func.distinct(k.key)))
            .where(k.day >= max(month, start), k.day < stop, k.system_key.in_(keys))
            .group_by(k.system_key, k.key_kind)
        )
        for key, kind, count in rows:
            counts[(uuid.UUID(key), month, kind)] = int(count)
    return counts


def system_values(
    session: Session,
    principal: Principal,
    start: date,
    end: date,
    system_ids: Sequence[uuid.UUID] | None = None,
) -> list[SystemValue]:
    """Cost, value and their months for each system the principal sees, in [start, end)."""
    systems = [
        s for s in visible_systems(session, principal) if system_ids is None or s.id in system_ids
    ]
    ids = [s.id for s in systems]
    months = months_between(start, end)
    costs: dict[tuple[uuid.UUID | None, date], float] = defaultdict(float)
    for line in daily_costs(session, start, end, ids):
        costs[(line.system_id, month_start(line.day))] += line.amount
    usage = monthly_usage(session, ids, start, end)
    rows = {
        row.system_id: row
        for row in session.execute(
            select(ValueModelRow).where(ValueModelRow.system_id.in_(ids))
        ).scalars()
    }
    found = []
    for system in systems:
        row = rows.get(system.id)
        model = None if row is None else model_of(row)
        since = None if row is None else row.value_since
        series = []
        for month in months:
            used = usage.get((system.id, month), Usage())
            value = _value_of(model, used, month, since)
            series.append(SystemMonth(month, costs.get((system.id, month), 0.0), used, value))
        declared_by = None if row is None else row.declared_by
        found.append(SystemValue(system, model, declared_by, tuple(series), since))
    return found


def _value_of(
    model: ValueModel | None, used: Usage, month: date, since: date | None
) -> MonthValue | None:
    if model is None:
        return None
    if since is not None and add_months(month, 1) - timedelta(days=1) < since:
        return NO_VALUE
    return month_value(model, used)
