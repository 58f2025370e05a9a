"""Cost per day from every source: LLM usage from telemetry's rollups plus the spend ledger.

The one reader the rest of spend and the portfolio build on (cost over time, drivers, budgets,
ROI, the executive report), so every page adds cost up the same way:

- **LLM usage** is the priced cost telemetry summed at ingest (``telemetry_rollup_day``: a span
  belongs to the UTC day it starts in). Calls without a price add nothing here:
  their tokens are counted as unpriced by telemetry, never as zero cost.
- **The ledger** (``spend_records``): a record over several days is spread evenly over them,
  and only the days inside the asked range are counted.

Amounts are USD. ``system_id`` is None for cost no system claims (an unclaimed telemetry service,
a bill line no mapping matched). LLM lines name their vendor from the model (``spend.vendors``:
the rollups keep the model, not the provider). The database sums rollups per UTC day and ledger
records per period before Python sees them, so a year of a large portfolio is a few tens of
thousands of rows (``bench/spend_report.py``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from aitower.spend.sources import UNSANCTIONED, UNSANCTIONED_SPEND, SpendSource
from aitower.spend.tables import SpendRecordRow
from aitower.spend.vendors import vendor_of
from aitower.telemetry.aggregate import system_id as system_of_key
from aitower.telemetry.tables import DayRollupRow

LLM = "llm"  # the source of LLM usage cost (the ledger's sources are in SpendRecordRow.source)


@dataclass(frozen=True, slots=True)
class CostLine:
    """Cost of one day, one system (None: unattributed), one source, vendor and model."""

    day: date
    system_id: uuid.UUID | None
    # "llm" or a ledger source: cloud, invoice, licence, training, people, expense, or
    # unsanctioned_expense (``report_source``)
    source: str
    vendor: str
    model: str
    amount: float
    unit_id: uuid.UUID | None = None  # a ledger record's unit (LLM lines: their system's)


@dataclass(frozen=True, slots=True)
class LlmUsage:
    """LLM calls, tokens and priced cost of one system and model over a range."""

    system_id: uuid.UUID | None
    model: str
    calls: int
    tokens: int
    cost: float


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def day_of(session: Session, column: Any) -> Any:
    """The UTC day of a timestamp column as ``YYYY-MM-DD`` text, in the database's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)  # SQLite keeps naive UTC as ISO text


def report_source() -> ColumnElement[str]:
    """A ledger record's source as reports group it: an expense for an AI service its unit had
    not sanctioned is ``unsanctioned_expense`` (``import_expenses``), the rest their source.
    Literal SQL, not bound values: PostgreSQL matches the GROUP BY to the SELECT by its text."""
    s = SpendRecordRow
    flagged = and_(
        s.source == literal_column(f"'{SpendSource.expense.value}'"),
        s.matched_by == literal_column(f"'{UNSANCTIONED}'"),
    )
    return case((flagged, literal_column(f"'{UNSANCTIONED_SPEND}'")), else_=s.source)


def _system_keys(system_ids: Collection[uuid.UUID]) -> list[str]:
    return [str(s) for s in system_ids]


def llm_lines(
    session: Session, start: date, end: date, system_ids: Collection[uuid.UUID] | None = None
) -> list[CostLine]:
    """LLM usage cost per day, system and model in [start, end) from the day rollups,
    summed per UTC day by the database."""
    r = DayRollupRow
    day = day_of(session, r.bucket_start)
    query = (
        select(day, r.system_key, r.model, func.sum(r.cost))
        .where(r.bucket_start >= _midnight(start), r.bucket_start < _midnight(end), r.cost > 0)
        .group_by(day, r.system_key, r.model)
    )
    if system_ids is not None:
        query = query.where(r.system_key.in_(_system_keys(system_ids)))
    return [
        CostLine(date.fromisoformat(d), system_of_key(k), LLM, vendor_of(m), m, float(c or 0.0))
        for d, k, m, c in session.execute(query)
    ]


def llm_usage(
    session: Session, start: date, end: date, system_ids: Collection[uuid.UUID] | None = None
) -> list[LlmUsage]:
    """LLM calls, tokens and cost per system and model in [start, end) (the drivers' input)."""
    r = DayRollupRow
    query = (
        select(
            r.system_key,
            r.model,
            func.sum(r.llm_calls),
            func.sum(r.input_tokens + r.output_tokens),
            func.sum(r.cost),
        )
        .where(r.bucket_start >= _midnight(start), r.bucket_start < _midnight(end), r.model != "")
        .group_by(r.system_key, r.model)
    )
    if system_ids is not None:
        query = query.where(r.system_key.in_(_system_keys(system_ids)))
    return [
        LlmUsage(system_of_key(k), m, int(n or 0), int(t or 0), float(c or 0.0))
        for k, m, n, t, c in session.execute(query)
    ]


def ledger_lines(
    session: Session,
    start: date,
    end: date,
    system_ids: Collection[uuid.UUID] | None = None,
    unit_ids: Collection[uuid.UUID] | None = None,
) -> list[CostLine]:
    """Ledger cost per day in [start, end), each record spread evenly over its days.

    With ``system_ids``, the records of those systems; ``unit_ids`` adds the records of those
    units that no system claims (a unit's own licence). Records alike in everything but their
    account and service are summed by the database first.
    """
    s = SpendRecordRow
    keys = (s.day_start, s.day_end, s.system_id, s.unit_id, report_source(), s.vendor, s.model)
    query = (
        select(*keys, func.sum(s.amount))
        .where(s.day_start < end, s.day_end > start)
        .group_by(*keys)
    )
    if system_ids is not None:
        mine: ColumnElement[bool] = s.system_id.in_(list(system_ids))
        if unit_ids:
            mine = or_(mine, and_(s.system_id.is_(None), s.unit_id.in_(list(unit_ids))))
        query = query.where(mine)
    lines: list[CostLine] = []
    for first, last, system, unit, source, vendor, model, amount in session.execute(query):
        days = max((last - first).days, 1)
        per_day = float(amount) / days
        day = max(first, start)
        stop = min(last, end)
        while day < stop:
            lines.append(CostLine(day, system, source, vendor, model, per_day, unit))
            day += timedelta(days=1)
    return lines


def daily_costs(
    session: Session,
    start: date,
    end: date,
    system_ids: Collection[uuid.UUID] | None = None,
    unit_ids: Collection[uuid.UUID] | None = None,
) -> list[CostLine]:
    """Every cost per day in [start, end): LLM usage and the ledger (module docstring);
    ``unit_ids`` as in ``ledger_lines``."""
    return llm_lines(session, start, end, system_ids) + ledger_lines(
        session, start, end, system_ids, unit_ids
    )


def total_by_system(lines: Iterable[CostLine]) -> dict[uuid.UUID | None, float]:
    totals: dict[uuid.UUID | None, float] = defaultdict(float)
    for line in lines:
        totals[line.system_id] += line.amount
    return dict(totals)
