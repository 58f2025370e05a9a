"""Cost over time: cost lines summed per period (day, month, quarter) and per group (pure).

The report's rows are the groups (systems, units, vendors, models or sources), its columns
the periods of ``[start, end)``; every period of the range is a column, with 0 where nothing
was spent, so a chart's bars line up and a CSV has one cell per period. Groups come largest
first; a report keeps its ``TOP`` largest groups and adds the rest up as "Other groups", so a
portfolio of hundreds of systems still draws a readable chart (the CSV keeps every group).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from aitower.core.spreadsheet import inert

TOP = 8
REST = "Other groups"


class Grain(StrEnum):
    daily = "daily"
    monthly = "monthly"
    quarterly = "quarterly"


class GroupBy(StrEnum):
    system = "system"
    unit = "unit"
    vendor = "vendor"
    model = "model"
    source = "source"


def period_start(day: date, grain: Grain) -> date:
    """The first day of the period ``day`` falls in."""
    if grain is Grain.daily:
        return day
    if grain is Grain.monthly:
        return day.replace(day=1)
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_period(start: date, grain: Grain) -> date:
    """The first day of the period after the one starting on ``start``."""
    if grain is Grain.daily:
        return start + timedelta(days=1)
    months = 1 if grain is Grain.monthly else 3
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def periods(start: date, end: date, grain: Grain) -> list[date]:
    """The starts of the periods that overlap ``[start, end)``, in order."""
    found: list[date] = []
    current = period_start(start, grain)
    while current < end:
        found.append(current)
        current = next_period(current, grain)
    return found


def period_label(start: date, grain: Grain) -> str:
    if grain is Grain.daily:
        return start.isoformat()
    if grain is Grain.monthly:
        return start.strftime("%Y-%m")
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class GroupRow:
    key: str  # the system's or unit's id, the vendor, model or source
    label: str
    amounts: tuple[float, ...]  # one per period

    @property
    def total(self) -> float:
        return sum(self.amounts)


@dataclass(frozen=True, slots=True)
class CostReport:
    start: date
    end: date  # exclusive
    grain: Grain
    group_by: GroupBy
    periods: tuple[date, ...]
    groups: tuple[GroupRow, ...]  # largest total first

    @property
    def labels(self) -> list[str]:
        return [period_label(p, self.grain) for p in self.periods]

    @property
    def totals(self) -> list[float]:
        return [sum(g.amounts[i] for g in self.groups) for i in range(len(self.periods))]

    @property
    def total(self) -> float:
        return sum(g.total for g in self.groups)

    def top(self, count: int = TOP) -> list[GroupRow]:
        """The ``count`` largest groups, the rest summed into one row (for charts)."""
        if len(self.groups) <= count:
            return list(self.groups)
        kept, rest = self.groups[: count - 1], self.groups[count - 1 :]
        summed = tuple(sum(g.amounts[i] for g in rest) for i in range(len(self.periods)))
        return [*kept, GroupRow("", f"{REST} ({len(rest)})", summed)]


def build_report(
    cells: Iterable[tuple[date, str, float]],
    labels: dict[str, str],
    start: date,
    end: date,
    grain: Grain,
    group_by: GroupBy,
) -> CostReport:
    """Sum ``(day or period start, group key, amount)`` cells into a report over
    ``[start, end)``; cells of periods outside the range are ignored (the caller reads only
    the range: a month's cell dated its first day counts even when the range starts later).
    ``labels`` names the keys (a key without a label is shown as itself)."""
    columns = periods(start, end, grain)
    index = {p: i for i, p in enumerate(columns)}
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(columns))
    for day, key, amount in cells:
        column = index.get(period_start(day, grain))
        if column is not None:
            sums[key][column] += amount
    rows = [GroupRow(k, labels.get(k, k) or "—", tuple(v)) for k, v in sums.items()]
    rows.sort(key=lambda g: (-g.total, g.label))
    return CostReport(start, end, grain, group_by, tuple(columns), tuple(rows))


def report_csv(report: CostReport) -> str:
    """The report as CSV: a row per group and period (``period,group,key,amount_usd``), every
    group kept; amounts to the cent's hundredth."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", report.group_by.value, "key", "amount_usd"])
    labels = report.labels
    for group in report.groups:
        for label, amount in zip(labels, group.amounts, strict=True):
            writer.writerow([label, inert(group.label), group.key, f"{amount:.4f}"])
    return out.getvalue()
