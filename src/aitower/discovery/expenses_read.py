"""Reading card and expense exports: one charge per row, by a column mapping. Pure (no database).

A layout names, for each field, the column headers it may have (the first present wins, case
aside): ``date``, ``merchant`` and ``amount`` are needed, ``currency``, ``cardholder``,
``department``, ``memo`` and ``category`` are read when present. The presets
(``LAYOUTS``, their sources in docs/discovery-expenses.md) are the exports of Expensify,
American Express, Brex and Ramp; ``csv`` reads columns named as the fields, and ``--map
FIELD=COLUMN`` overrides any of them.

A row that cannot be read (no merchant, a date or amount that is none) is counted as malformed
with its row number (the header is row 1, as a spreadsheet shows it), column and value, and
the rest of the file is read. A positive amount is a charge, a negative one a refund or credit
(``(12.00)`` too); they are netted where charges are summed. **Currency** follows spend's rule
(``spend.sources``): USD as it is, another currency only with its rate (``EUR=1.08``), else the
file is refused naming the currency, since a total in mixed currencies would be wrong.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

FIELDS = ("date", "merchant", "amount", "currency", "cardholder", "department", "memo",
          "category")  # fmt: skip
REQUIRED = ("date", "merchant", "amount")
SHOWN = 60  # characters of an offending value kept in a report
# What may follow a charge's date: a time of day, with seconds, AM/PM or a zone.
TIME_OF_DAY = re.compile(
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AP]M)?(?: ?(?:Z|UTC|[+-]\d{2}:?\d{2}))?)?",
    re.IGNORECASE,
)
LISTED = 200  # malformed rows listed (all are counted)
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class ExpenseLayout:
    name: str
    label: str
    columns: Mapping[str, tuple[str, ...]]  # field → accepted headers, the first found wins
    source: str  # where the columns come from (docs/discovery-expenses.md says how sure)


LAYOUTS: dict[str, ExpenseLayout] = {
    "csv": ExpenseLayout("csv", "Columns named as the fields", {f: (f,) for f in FIELDS}, ""),
    "expensify": ExpenseLayout(
        "expensify",
        "Expensify expense-level CSV export",
        {
            "date": ("Timestamp", "Date"),
            "merchant": ("Merchant",),
            "amount": ("Amount",),
            "currency": ("Currency", "Original Currency"),
            "cardholder": ("Email", "Submitter", "Employee"),
            "department": ("Department",),
            "memo": ("Comment", "Description"),
            "category": ("Category",),
        },
        "https://help.expensify.com/articles/expensify-classic/exports/Custom-Templates",
    ),
    "amex": ExpenseLayout(
        "amex",
        "American Express card activity download (CSV)",
        {
            "date": ("Date",),
            "merchant": ("Description",),
            "amount": ("Amount",),
            "cardholder": ("Card Member",),
            "department": ("Department", "Cost Center"),
            "memo": ("Extended Details",),
            "category": ("Category",),
        },
        "https://www.americanexpress.com/",
    ),
    "brex": ExpenseLayout(
        "brex",
        "Brex card transactions CSV export",
        {
            "date": ("Date", "Posted Date"),
            "merchant": ("Merchant", "Merchant Name"),
            "amount": ("Amount",),
            "currency": ("Currency",),
            "cardholder": ("Card Holder", "Cardholder", "User"),
            "department": ("Department",),
            "memo": ("Memo",),
            "category": ("Category",),
        },
        "https://docs.coupler.io/sources/category/finance-and-accounting/brex/data-overview",
    ),
    "ramp": ExpenseLayout(
        "ramp",
        "Ramp card-transactions template (transaction_time, amount, user, merchant_name)",
        {
            "date": ("transaction_time",),
            "amount": ("amount",),
            "cardholder": ("user",),
            "merchant": ("merchant_name",),
            "department": ("department",),
        },
        "https://support.ramp.com/hc/en-us/articles/4430474788883-Migrate-your-card-vendors",
    ),
}


class ExpenseFileError(ValueError):
    """The file as a whole cannot be read as said (a missing column, a currency without a
    rate): ``field`` names what to fix."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True, slots=True)
class Charge:
    row: int
    day: date
    merchant: str
    billed: float  # in ``currency``; negative: a refund or credit
    currency: str
    amount_usd: float
    cardholder: str
    department: str
    memo: str
    category: str


@dataclass(frozen=True, slots=True)
class MalformedRow:
    row: int
    column: str
    value: str  # at most ``SHOWN`` characters
    reason: str


@dataclass(slots=True)
class ExpenseRead:
    layout: str
    rows: int = 0
    charges: list[Charge] = field(default_factory=list)
    malformed: int = 0
    malformed_rows: list[MalformedRow] = field(default_factory=list)

    def bad(self, row: int, column: str, value: str, reason: str) -> None:
        self.malformed += 1
        if len(self.malformed_rows) < LISTED:
            self.malformed_rows.append(MalformedRow(row, column, value[:SHOWN], reason))


def resolve_columns(
    header: list[str], layout: ExpenseLayout, mapping: Mapping[str, str] | None
) -> dict[str, int]:
    """Each field's column index in ``header``; a required field, or a mapped column, missing
    is an ``ExpenseFileError`` naming it."""
    index = {h.strip().lower(): i for i, h in enumerate(header)}
    found: dict[str, int] = {}
    for name, column in (mapping or {}).items():
        if name not in FIELDS:
            raise ExpenseFileError("map", f"{name!r} is not one of {', '.join(FIELDS)}")
        if column.strip().lower() not in index:
            raise ExpenseFileError("map", f"the file has no column {column!r}")
        found[name] = index[column.strip().lower()]
    for name, names in layout.columns.items():
        at = next((index[n.lower()] for n in names if n.lower() in index), None)
        if name not in found and at is not None:
            found[name] = at
    for name in REQUIRED:
        if name not in found:
            wanted = " or ".join(repr(n) for n in layout.columns.get(name, (name,)))
            raise ExpenseFileError("map", f"no {name} column: expected {wanted} (--map {name}=…)")
    return found


def parse_day(text: str) -> date | None:
    """``2026-11-02``, ``2026-11-02T09:00:00Z``, ``11/02/2026`` or ``11/02/26`` (US order, as
    the card exports write it), a time of day after it allowed; None otherwise (a date with
    anything else after it is not taken at its first word)."""
    text = text.strip()
    try:
        if len(text) >= 10 and text[4] == "-":
            day, rest = date.fromisoformat(text[:10]), text[10:]
        else:
            first, _, rest = text.partition(" ")
            shape = "%m/%d/%Y" if len(first.rsplit("/", 1)[-1]) == 4 else "%m/%d/%y"
            day, rest = datetime.strptime(first, shape).date(), rest and " " + rest
    except (ValueError, IndexError):
        return None
    return day if TIME_OF_DAY.fullmatch(rest) else None


def parse_amount(text: str) -> float | None:
    """``1,234.50``, ``$20.00``, ``-20``, ``(20.00)`` (a credit); None otherwise."""
    text = text.strip().replace("$", "").replace(" ", "")
    sign = 1.0
    if text.startswith("(") and text.endswith(")"):
        text, sign = text[1:-1], -1.0
    if text.startswith("-"):
        text, sign = text[1:], -sign
    if "," in text:
        if not THOUSANDS.match(text):
            return None  # "12,50": a decimal comma is not guessed at
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None
    return sign * value if math.isfinite(value) and text else None


def _cell(cells: list[str], at: int | None) -> str:
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _charge(
    read: ExpenseRead, row: int, cells: list[str], at: dict[str, int], rates: Mapping[str, float]
) -> Charge | None:
    merchant, day_text = _cell(cells, at["merchant"]), _cell(cells, at["date"])
    amount_text = _cell(cells, at["amount"])
    if not merchant:
        read.bad(row, "merchant", "", "no merchant")
        return None
    day = parse_day(day_text)
    if day is None:
        read.bad(row, "date", day_text, "not a date (YYYY-MM-DD or MM/DD/YYYY)")
        return None
    billed = parse_amount(amount_text)
    if billed is None:
        read.bad(row, "amount", amount_text, "not an amount (1234.50, -20, (20.00))")
        return None
    currency = (_cell(cells, at.get("currency")) or "USD").upper()
    if currency not in rates:
        raise ExpenseFileError(
            "rates", f"row {row} is in {currency}: give its rate ({currency}=…) or nothing is read"
        )
    cardholder, department, memo, category = (
        _cell(cells, at.get(name)) for name in ("cardholder", "department", "memo", "category")
    )
    return Charge(row, day, merchant, billed, currency, billed * rates[currency], cardholder,
                  department, memo, category)  # fmt: skip


def _rows(stream: IO[bytes]) -> Generator[list[str]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    try:
        yield from csv.reader(text)
    except csv.Error as exc:
        raise ExpenseFileError("file", f"not a CSV file: {exc}") from None
    finally:
        text.detach()


def read_expenses(
    stream: IO[bytes],
    layout: str = "csv",
    mapping: Mapping[str, str] | None = None,
    rates: Mapping[str, float] | None = None,
    progress: Progress | None = None,
    total_bytes: int | None = None,
) -> ExpenseRead:
    """Every charge of the export, the malformed rows counted; ``ExpenseFileError`` when the
    file cannot be read as said (nothing of it is then used)."""
    if layout not in LAYOUTS:
        raise ExpenseFileError("format", f"must be one of {', '.join(LAYOUTS)}")
    known = {"USD": 1.0, **(rates or {})}
    read = ExpenseRead(layout)
    rows = _rows(stream)
    try:  # closed here, not when collected: the stream may be closed by then
        header = next(rows, None)
        if header is None:
            raise ExpenseFileError("file", "the file is empty")
        at = resolve_columns(header, LAYOUTS[layout], mapping)
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            read.rows += 1
            charge = _charge(read, number, cells, at, known)
            if charge is not None:
                read.charges.append(charge)
            if progress is not None and read.rows % 1000 == 0:
                progress(stream.tell(), total_bytes)
    finally:
        rows.close()
    if progress is not None:
        progress(total_bytes or stream.tell(), total_bytes)
    return read
