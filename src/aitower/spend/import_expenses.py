"""AI charges from card and expense exports as ledger records (source ``expense``).

Discovery reads the export and matches each charge's merchant to an AI service; what it found
is stored here as one spend import (kind ``expense``: listed with the other imports, undone as
a whole) with one record per charge, in the caller's transaction and with its audit event.
One record per charge, not per month: a card charge is a one-day cost, exports are small, and
each record keeps its row number, cardholder and merchant for whoever checks a statement. A
refund is a record with a negative amount, so sums net it.

``matched_by`` says whether the service was sanctioned for the record's unit when it was
recorded (``sources.UNSANCTIONED`` when not), which the cost report shows as unsanctioned
spend; a later sanction does not rewrite past records.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.errors import Conflict, InvalidInput
from aitower.spend.import_service import ReadFile, known_import, ledger_record, save_records
from aitower.spend.sources import UNSANCTIONED, ImportKind, SpendSource
from aitower.spend.tables import SpendImportRow

SANCTIONED = "sanctioned"


@dataclass(frozen=True, slots=True)
class ExpenseCharge:
    """One charge to an AI service, as the export billed it."""

    row: int
    day: date
    billed: float  # in ``currency``; negative: a refund
    currency: str
    vendor: str
    service: str
    unit_id: uuid.UUID | None
    description: str  # names the cardholder and the merchant
    unsanctioned: bool


@dataclass(frozen=True, slots=True)
class ExpenseFile:
    file_name: str
    sha256: str
    bytes_read: int
    rows_read: int
    rates: dict[str, float]


def store_expenses(
    session: Session, ctx: ChangeContext, file: ExpenseFile, charges: Sequence[ExpenseCharge]
) -> SpendImportRow:
    """Store the charges as one import (all or nothing, audited ``spend_import.create``)."""
    earlier = known_import(session, file.sha256)
    if earlier is not None:
        raise Conflict.on("file", f"this file was imported before (import {earlier})")
    units = ctx.principal.unit_ids
    if units is not None and any(not ctx.principal.sees_unit(c.unit_id) for c in charges):
        raise InvalidInput.on("unit", "charges of units outside yours (or of no unit)")
    for c in charges:
        if c.currency not in file.rates:
            raise InvalidInput.on(f"rows[{c.row}].currency", f"no rate for {c.currency}")
    read = ReadFile(ImportKind.expense, file.file_name[:300], "csv", file.sha256,
                    file.bytes_read, file.rates, rows_read=file.rows_read)  # fmt: skip
    records = [
        ledger_record(
            SpendSource.expense, c.day, c.day + timedelta(days=1), c.billed, c.currency,
            file.rates, None, c.unit_id, vendor=c.vendor[:200], service=c.service[:200],
            description=c.description, row_number=c.row,
            matched_by=UNSANCTIONED if c.unsanctioned else SANCTIONED,
        )
        for c in charges
    ]  # fmt: skip
    return save_records(session, ctx, read, records)
