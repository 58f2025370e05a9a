"""Cost per day from every source: LLM usage from telemetry's rollups plus the spend ledger.

The one reader the rest of spend and the portfolio build on (cost over time, drivers, budgets,
ROI, the executive report), so every page adds cost up the same way:

- **LLM usage** is the priced cost telemetry summed at ingest (``telemetry_rollup_6h``; a span
  belongs to the UTC day its six-hour bucket starts in). Calls without a price add nothing here:
  their tokens are counted as unpriced by telemetry, never as zero cost.
- **The ledger** (``spend_records``): a record over several days is spread evenly over them,
  and only the days inside the asked range are counted.

Amounts are USD. ``system_id`` is None for cost no system claims (an unclaimed telemetry service,
a bill line no mapping matched).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.spend.tables import SpendRecordRow
from aitower.telemetry.aggregate import system_id as system_of_key
from aitower.telemetry.tables import SixHourRollupRow

LLM = "llm"  # the source of LLM usage cost (the ledger's sources are in SpendRecordRow.source)


@dataclass(frozen=True, slots=True)
class CostLine:
    """Cost of one day, one system (None: unattributed), one source, vendor and model."""

    day: date
    system_id: uuid.UUID | None
    source: str  # "llm" or a ledger source: cloud, invoice, licence, training, people, expense
    vendor: str
    model: str
    amount: float


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def llm_lines(
    session: Session, start: date, end: date, system_ids: Collection[uuid.UUID] | None = None
) -> list[CostLine]:
    """LLM usage cost per day, system and model in [start, end) from the six-hour rollups."""
    r = SixHourRollupRow
    query = (
        select(r.bucket_start, r.system_key, r.model, func.sum(r.cost))
        .where(r.bucket_start >= _midnight(start), r.bucket_start < _midnight(end), r.cost > 0)
        .group_by(r.bucket_start, r.system_key, r.model)
    )
    if system_ids is not None:
        query = query.where(r.system_key.in_([str(s) for s in system_ids]))
    sums: dict[tuple[date, uuid.UUID | None, str], float] = defaultdict(float)
    for bucket, key, model, cost in session.execute(query):
        sums[(bucket.date(), system_of_key(key), model)] += float(cost or 0.0)
    return [CostLine(d, s, LLM, "", m, a) for (d, s, m), a in sums.items()]


def ledger_lines(
    session: Session, start: date, end: date, system_ids: Collection[uuid.UUID] | None = None
) -> list[CostLine]:
    """Ledger cost per day in [start, end), each record spread evenly over its days."""
    s = SpendRecordRow
    query = select(
        s.day_start, s.day_end, s.system_id, s.source, s.vendor, s.model, s.amount
    ).where(s.day_start < end, s.day_end > start)
    if system_ids is not None:
        query = query.where(s.system_id.in_(list(system_ids)))
    lines: list[CostLine] = []
    for first, last, system, source, vendor, model, amount in session.execute(query):
        days = max((last - first).days, 1)
        per_day = float(amount) / days
        day = max(first, start)
        stop = min(last, end)
        while day < stop:
            lines.append(CostLine(day, system, source, vendor, model, per_day))
            day += timedelta(days=1)
    return lines


def daily_costs(
    session: Session, start: date, end: date, system_ids: Collection[uuid.UUID] | None = None
) -> list[CostLine]:
    """Every cost per day in [start, end): LLM usage and the ledger (module docstring)."""
    return llm_lines(session, start, end, system_ids) + ledger_lines(
        session, start, end, system_ids
    )


def total_by_system(lines: Iterable[CostLine]) -> dict[uuid.UUID | None, float]:
    totals: dict[uuid.UUID | None, float] = defaultdict(float)
    for line in lines:
        totals[line.system_id] += line.amount
    return dict(totals)
