"""The cost report's reading: cost summed per period and group by the database.

``costs.daily_costs`` hands out a line per day, system, source, vendor and model, which every
consumer can re-group; for a year of a large portfolio that is tens of thousands of lines, too
many to build in Python within the report's budget (200 ms). The report asks the database for
just what it shows: LLM usage from the day rollups summed per day or month and per system
or model (a vendor is its models'); ledger records of one day (cloud bills, as imports store
them) summed per period and group in SQL; records over several days (invoices, licences, a
handful) spread per day in Python as ``costs.ledger_lines`` does. The sums agree with
``daily_costs`` (``tests/spend/test_over_time_query.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from aitower.spend.costs import LLM, day_of, report_source
from aitower.spend.costs import _midnight as midnight
from aitower.spend.over_time import Grain, GroupBy, period_start
from aitower.spend.over_time_scope import CostScope
from aitower.spend.tables import SpendRecordRow
from aitower.spend.vendors import vendor_of
from aitower.telemetry.aggregate import system_id as system_of_key
from aitower.telemetry.tables import DayRollupRow

Cell = tuple[date, str, float]


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _month_of_timestamp(session: Session, column: Any) -> Any:
    if _postgres(session):
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.substr(column, 1, 7)


def _period_of_date(session: Session, column: Any, grain: Grain) -> Any:
    if grain is Grain.daily:
        return column
    return func.to_char(column, "YYYY-MM") if _postgres(session) else func.substr(column, 1, 7)


def _single_day(session: Session) -> ColumnElement[bool]:
    s = SpendRecordRow
    if _postgres(session):
        return (s.day_end - s.day_start) == 1
    return (func.julianday(s.day_end) - func.julianday(s.day_start)) == 1


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    text = str(value)
    return date.fromisoformat(text if len(text) == 10 else f"{text}-01")


def _llm_key(group_by: GroupBy, scope: CostScope, key: str, model: str) -> str:
    if group_by is GroupBy.system:
        ident = system_of_key(key)
        return "" if ident is None else str(ident)
    if group_by is GroupBy.unit:
        ident = system_of_key(key)
        ref = scope.systems.get(ident) if ident is not None else None
        return "" if ref is None else str(ref.unit_id)
    if group_by is GroupBy.vendor:
        return vendor_of(model)
    return model if group_by is GroupBy.model else LLM


def llm_cells(
    session: Session, scope: CostScope, start: date, end: date, grain: Grain, group_by: GroupBy
) -> list[Cell]:
    r = DayRollupRow
    period = day_of(session, r.bucket_start) if grain is Grain.daily else _month_of_timestamp(
        session, r.bucket_start
    )  # fmt: skip
    keys: list[Any] = []
    if group_by in (GroupBy.system, GroupBy.unit):
        keys.append(r.system_key)
    elif group_by in (GroupBy.vendor, GroupBy.model):
        keys.append(r.model)
    query = (
        select(period, *keys, func.sum(r.cost))
        .where(r.bucket_start >= midnight(start), r.bucket_start < midnight(end), r.cost > 0)
        .group_by(period, *keys)
    )
    if scope.system_ids is not None:
        query = query.where(r.system_key.in_([str(s) for s in scope.system_ids]))
    cells: list[Cell] = []
    for row in session.execute(query):
        key = row[1] if keys else ""
        system_key = key if group_by in (GroupBy.system, GroupBy.unit) else ""
        model = key if group_by in (GroupBy.vendor, GroupBy.model) else ""
        cells.append((_as_date(row[0]), _llm_key(group_by, scope, system_key, model), row[-1]))
    return cells


def _ledger_keys(group_by: GroupBy) -> list[Any]:
    s = SpendRecordRow
    keys: dict[GroupBy, list[Any]] = {
        GroupBy.system: [s.system_id],
        GroupBy.unit: [s.system_id, s.unit_id],
        GroupBy.vendor: [s.vendor],
        GroupBy.model: [s.model],
        GroupBy.source: [report_source()],
    }
    return keys[group_by]


def _ledger_key(group_by: GroupBy, scope: CostScope, values: tuple[Any, ...]) -> str:
    if group_by is GroupBy.system:
        return "" if values[0] is None else str(values[0])
    if group_by is GroupBy.unit:
        ref = scope.systems.get(values[0]) if values[0] is not None else None
        unit = ref.unit_id if ref is not None else values[1]
        return "" if unit is None else str(unit)
    return str(values[0] or "")


def _scoped(query: Any, scope: CostScope) -> Any:
    s = SpendRecordRow
    if scope.system_ids is None:
        return query
    mine: ColumnElement[bool] = s.system_id.in_(scope.system_ids)
    if scope.unit_ids:
        mine = or_(mine, and_(s.system_id.is_(None), s.unit_id.in_(list(scope.unit_ids))))
    return query.where(mine)


def ledger_cells(
    session: Session, scope: CostScope, start: date, end: date, grain: Grain, group_by: GroupBy
) -> list[Cell]:
    s = SpendRecordRow
    keys = _ledger_keys(group_by)
    period = _period_of_date(session, s.day_start, grain)
    # One-day records summed inside the aggregate, not filtered by WHERE: PostgreSQL guesses
    # such an expression's selectivity at 0.5 %, plans a sort for 200 rows and spills 44,000 to
    # disk (a year of daily cloud bills took 105 ms instead of 30).
    one_day = func.sum(case((_single_day(session), s.amount)))
    single = _scoped(
        select(period, *keys, one_day)
        .where(s.day_start >= start, s.day_start < end)
        .group_by(period, *keys),
        scope,
    )
    cells = [
        (_as_date(row[0]), _ledger_key(group_by, scope, tuple(row[1:-1])), float(row[-1]))
        for row in session.execute(single)
        if row[-1] is not None
    ]
    longer = _scoped(
        select(s.day_start, s.day_end, *keys, func.sum(s.amount))
        .where(~_single_day(session), s.day_start < end, s.day_end > start)
        .group_by(s.day_start, s.day_end, *keys),
        scope,
    )
    for first, last, *values, amount in session.execute(longer):
        key = _ledger_key(group_by, scope, tuple(values))
        cells.extend(_spread(first, last, start, end, key, float(amount), grain))
    return cells


def _spread(
    first: date, last: date, start: date, end: date, key: str, amount: float, grain: Grain
) -> Iterable[Cell]:
    """A record's even share per day in [start, end), summed per period."""
    per_day = amount / max((last - first).days, 1)
    sums: dict[date, float] = {}
    day, stop = max(first, start), min(last, end)
    while day < stop:
        p = period_start(day, grain)
        sums[p] = sums.get(p, 0.0) + per_day
        day += timedelta(days=1)
    return [(p, key, v) for p, v in sums.items()]


def report_cells(
    session: Session, scope: CostScope, start: date, end: date, grain: Grain, group_by: GroupBy
) -> list[Cell]:
    """Every cost of the scope in ``[start, end)`` as (period start, group key, amount)."""
    return llm_cells(session, scope, start, end, grain, group_by) + ledger_cells(
        session, scope, start, end, grain, group_by
    )
