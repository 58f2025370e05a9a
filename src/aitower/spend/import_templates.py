"""aitower's own spend templates (invoices, licence seats, training runs, people time): each
row checked and turned into one ledger record, every bad cell reported with its row. Pure.

Periods are written as their first and last day (both included); the ledger's ``day_end`` is
the day after the last. A licence's amount is ``amount`` when given, else seats × price per
seat; people time is hours × hourly rate. Who a row is for (``system``, ``unit``) is resolved
against the inventory by the service (``import_service``), which reports unknown names too.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa

from aitower.spend.import_read import Batches, ErrorLog, FileProblem, Progress
from aitower.spend.sources import TEMPLATE_SOURCE, TEMPLATES, ImportKind, SpendSource

MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True, slots=True)
class TemplateRecord:
    row: int
    source: SpendSource
    day_start: date
    day_end: date  # exclusive
    billed: float
    currency: str
    system: str  # as written: id or name; "" for none
    unit: str
    vendor: str
    service: str
    model: str
    description: str
    quantity: float | None
    seats: int | None
    seats_in_use: int | None


class _Row:
    """One row's cells, and the errors found in them."""

    def __init__(self, cells: dict[str, str], row: int, errors: ErrorLog) -> None:
        self.cells, self.row, self.errors, self.ok = cells, row, errors, True

    def text(self, name: str, required: bool = False, limit: int = 200) -> str:
        value = self.cells.get(name, "").strip()
        if required and not value:
            self.bad(name, value, "is required")
        elif len(value) > limit:
            self.bad(name, value, f"is longer than {limit} characters")
        return value

    def bad(self, name: str, value: str, reason: str) -> None:
        self.errors.add(self.row, name, value, reason)
        self.ok = False

    def day(self, name: str) -> date:
        value = self.text(name, required=True)
        try:
            return date.fromisoformat(value)
        except ValueError:
            if value:
                self.bad(name, value, "is not a date (YYYY-MM-DD)")
            return date.min

    def number(self, name: str, required: bool = False) -> float | None:
        value = self.text(name, required=required)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number < 0:
            self.bad(name, value, "is not a number of zero or more")
            return None
        return number

    def whole(self, name: str, required: bool = False) -> int | None:
        number = self.number(name, required)
        if number is not None and not number.is_integer():
            self.bad(name, self.cells.get(name, ""), "is not a whole number")
            return None
        return None if number is None else int(number)


def _period(row: _Row) -> tuple[date, date]:
    start, last = row.day("period_start"), row.day("period_end")
    if row.ok and last < start:
        row.bad("period_end", last.isoformat(), "is before period_start")
    elif row.ok and (last - start).days >= MAX_PERIOD_DAYS:
        row.bad("period_end", last.isoformat(), "is more than three years after period_start")
    return start, last + timedelta(days=1) if row.ok else last


def _licence_amount(row: _Row, seats: int | None) -> float | None:
    amount = row.number("amount")
    price = row.number("price_per_seat")
    if amount is None and price is None:
        row.bad("amount", "", "give amount, or price_per_seat")
        return None
    if amount is not None:
        return amount
    return None if seats is None or price is None else seats * price


def check_row(
    kind: ImportKind, cells: dict[str, str], row: int, errors: ErrorLog
) -> TemplateRecord | None:
    """One template row as a record; None (and its errors logged) when any cell is bad."""
    r = _Row(cells, row, errors)
    start, end = _period(r)
    vendor, service, model, description = r.text("vendor"), "", r.text("model"), ""
    quantity: float | None = None
    seats = seats_in_use = None
    amount: float | None = None
    if kind is ImportKind.invoice:
        vendor = r.text("vendor", required=True)
        service, amount = r.text("service"), r.number("amount", required=True)
        number = r.text("invoice_number")
        description = " · ".join(p for p in (number, r.text("description", limit=2000)) if p)
    elif kind is ImportKind.licence:
        vendor, service = r.text("vendor", required=True), r.text("product", required=True)
        seats, seats_in_use = r.whole("seats", required=True), r.whole("seats_in_use")
        if seats is not None and seats_in_use is not None and seats_in_use > seats:
            r.bad("seats_in_use", str(seats_in_use), "is more than the seats paid for")
        amount, quantity = _licence_amount(r, seats), None if seats is None else float(seats)
    elif kind is ImportKind.training:
        description = r.text("run", required=True)
        amount, quantity = r.number("amount", required=True), r.number("gpu_hours")
        service = "training"
    else:
        service = r.text("role", required=True)
        hours, rate = r.number("hours", required=True), r.number("hourly_rate", required=True)
        amount = None if hours is None or rate is None else hours * rate
        quantity, description = hours, r.text("description", limit=2000)
    currency = (r.text("currency") or "USD").upper()
    system, unit = r.text("system"), r.text("unit")
    if not r.ok or amount is None:
        return None
    return TemplateRecord(
        row, TEMPLATE_SOURCE[kind], start, end, amount, currency, system, unit, vendor,
        service, model, description, quantity, seats, seats_in_use,
    )  # fmt: skip


def read_template(
    batches: Batches, kind: ImportKind, on_progress: Progress | None = None
) -> list[TemplateRecord]:
    """Every row of a template file checked; bad cells go to ``batches.errors``."""
    known = {c.name for c in TEMPLATES[kind]}
    header = [h.strip() for h in batches.header]
    missing = [c.name for c in TEMPLATES[kind] if c.required and c.name not in header]
    if missing:
        raise FileProblem(
            "file", f"is not a {kind.label} template: it lacks the column(s) {', '.join(missing)}"
        )
    unknown = [h for h in header if h not in known]
    if unknown:
        raise FileProblem("file", f"has column(s) the template does not: {', '.join(unknown)}")
    records: list[TemplateRecord] = []
    first = 0
    for table in batches.read(list(batches.header), on_progress):
        for i, cells in enumerate(_rows(table)):
            found = check_row(kind, cells, batches.row_number(first + i), batches.errors)
            if found is not None:
                records.append(found)
        first += table.num_rows
    return records


def _rows(table: pa.Table) -> Iterator[dict[str, str]]:
    names = [n.strip() for n in table.column_names]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    for values in zip(*columns, strict=True):
        yield {n: "" if v is None else str(v) for n, v in zip(names, values, strict=True)}
