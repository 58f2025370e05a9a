"""The executive report as plain data, its reporting periods and its CSV (pure).

One model feeds every rendering: the dashboard page (``/value``), the printable HTML, the PDF
(the same HTML through WeasyPrint) and the CSV, so the four never disagree.

Periods are UTC calendar periods: a **week** runs Monday 00:00 to the next Monday, a **month**
from its first day to the next month's. A subscription is due at the end of a period and then
reports *that* period (the one just ended); ``next_due`` moves to the end of the next one.

Figures:

- *cost* of a period: every cost of the period (``spend.costs.daily_costs``), per system and in
  total; the portfolio total also holds cost no system claims (organisation-wide readers only).
- *value, ROI and payback* per system: over the trailing twelve months up to the period's end,
  exactly as ``portfolio.values.system_values`` gives them (ROI = (value − cost) ÷ cost).
- *adoption*: requests and active users per month (active users summed over systems: one
  person using two systems counts twice).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

Cadence = Literal["weekly", "monthly"]
CADENCES: tuple[Cadence, ...] = ("weekly", "monthly")
Format = Literal["html", "pdf", "csv"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "csv")
TREND_MONTHS = 12
RISK_LEVELS = ("critical", "high", "medium", "low")
CSV_COLUMNS = (
    "system_id",
    "system",
    "unit",
    "period_cost_usd",
    "cost_12m_usd",
    "value_12m_usd",
    "roi",
    "payback_months",
    "requests_12m",
    "active_users_last_month",
    "risk_tier",
    "open_risks",
    "highest_risk",
    "open_incidents",
    "decision",
)


@dataclass(frozen=True, slots=True)
class Period:
    """``[start, end)`` in UTC days."""

    cadence: Cadence
    start: date
    end: date

    @property
    def label(self) -> str:
        if self.cadence == "monthly":
            return self.start.strftime("%B %Y")
        last = self.end - timedelta(days=1)
        return f"week of {self.start.isoformat()} to {last.isoformat()}"


def _add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def period_containing(cadence: Cadence, day: date) -> Period:
    """The week (Monday first) or calendar month that holds ``day``."""
    if cadence == "weekly":
        start = day - timedelta(days=day.weekday())
        return Period(cadence, start, start + timedelta(days=7))
    start = day.replace(day=1)
    return Period(cadence, start, _add_months(start, 1))


def period_ended_by(cadence: Cadence, now: datetime) -> Period:
    """The latest whole period that has ended at ``now`` (the one a report is sent for)."""
    today = now.astimezone(UTC).date()
    current = period_containing(cadence, today)
    return period_containing(cadence, current.start - timedelta(days=1))


def previous_period(period: Period) -> Period:
    return period_containing(period.cadence, period.start - timedelta(days=1))


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def first_due(cadence: Cadence, now: datetime) -> datetime:
    """When a new subscription is first sent: the end of the period in progress."""
    return midnight(period_containing(cadence, now.astimezone(UTC).date()).end)


def due_after(period: Period) -> datetime:
    """When the report after ``period``'s is due: the end of the period that follows it."""
    return midnight(period_containing(period.cadence, period.end).end)


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """The portfolio's month: cost by source, value, requests and active users."""

    month: date
    cost_by_source: dict[str, float]
    value: float
    requests: int
    active_users: int

    @property
    def cost(self) -> float:
        return sum(self.cost_by_source.values())


@dataclass(frozen=True, slots=True)
class SystemLine:
    """One system's row of the report."""

    system_id: uuid.UUID
    name: str
    unit: str
    risk_tier: str | None
    period_cost: float
    cost: float  # trailing twelve months
    value: float | None  # None: no value model declared
    roi: float | None
    payback_months: int | None
    requests: int  # trailing twelve months
    active_users: int  # in the last month of the trend
    open_risks: int
    highest_risk: str | None  # critical | high | medium | low
    open_incidents: int
    decision: str | None


@dataclass(frozen=True, slots=True)
class ExecutiveReport:
    """Everything the dashboard and the report show, for one reader's scope and one period."""

    title: str
    scope: str  # "Whole portfolio" or a unit's name
    period: Period
    made_at: datetime
    systems: tuple[SystemLine, ...]
    months: tuple[MonthFigures, ...]  # the trend, oldest first, the period's end month last
    unattributed_period_cost: float
    unattributed_cost: float  # trailing twelve months, cost no system claims
    previous_period_cost: float
    risks_by_level: dict[str, int]
    systems_by_tier: dict[str, int]
    open_incidents: int
    serious_incidents: int
    budget_breaches: tuple[str, ...] = field(default=())

    @property
    def period_cost(self) -> float:
        return sum(s.period_cost for s in self.systems) + self.unattributed_period_cost

    @property
    def cost(self) -> float:
        return sum(s.cost for s in self.systems) + self.unattributed_cost

    @property
    def value(self) -> float:
        return sum(s.value or 0.0 for s in self.systems)

    @property
    def roi(self) -> float | None:
        """The portfolio's (value − cost) ÷ cost over the trend, None without cost."""
        cost = self.cost
        return None if cost <= 0 else (self.value - cost) / cost

    @property
    def quarter_cost(self) -> float:
        """Cost of the trend's months in the quarter of its last month (quarter to date)."""
        if not self.months:
            return 0.0
        last = self.months[-1].month
        quarter = (last.year, (last.month - 1) // 3)
        return sum(
            m.cost for m in self.months if (m.month.year, (m.month.month - 1) // 3) == quarter
        )

    @property
    def period_change(self) -> float | None:
        """The period's cost against the previous period's, as a fraction (0.1: +10 %)."""
        before = self.previous_period_cost
        return None if before <= 0 else (self.period_cost - before) / before

    @property
    def sources(self) -> list[str]:
        return sorted({s for m in self.months for s in m.cost_by_source})

    def top_by_cost(self, count: int = 5) -> list[SystemLine]:
        ranked = sorted(self.systems, key=lambda s: (-s.cost, s.name))
        return [s for s in ranked if s.cost > 0][:count]

    def top_by_roi(self, count: int = 5) -> list[SystemLine]:
        ranked = [s for s in self.systems if s.roi is not None]
        return sorted(ranked, key=lambda s: (-(s.roi or 0.0), s.name))[:count]


def _number(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def csv_rows(report: ExecutiveReport) -> list[list[str]]:
    """One row per system, ``CSV_COLUMNS`` first; amounts in USD with cents, ROI a ratio."""
    rows = [list(CSV_COLUMNS)]
    for s in report.systems:
        rows.append(
            [
                str(s.system_id),
                s.name,
                s.unit,
                _number(s.period_cost),
                _number(s.cost),
                _number(s.value),
                _number(s.roi, 4),
                "" if s.payback_months is None else str(s.payback_months),
                str(s.requests),
                str(s.active_users),
                s.risk_tier or "",
                str(s.open_risks),
                s.highest_risk or "",
                str(s.open_incidents),
                s.decision or "",
            ]
        )
    return rows


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _numeric(text) else text
    )


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(report: ExecutiveReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv_rows(report):
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


def check_recipients(values: Sequence[str]) -> list[str]:
    """Distinct, trimmed addresses in the given order; raises ``ValueError`` naming a bad one."""
    found: list[str] = []
    for raw in values:
        address = raw.strip()
        local, at, domain = address.partition("@")
        if not at or not local or "." not in domain or any(c.isspace() for c in address):
            raise ValueError(f"not an e-mail address: {address[:100]!r}")
        if address.lower() not in {a.lower() for a in found}:
            found.append(address)
    return found
