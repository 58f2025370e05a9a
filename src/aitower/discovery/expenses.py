"""``record_expense_file``: a card or expense export read, matched to the catalog, and stored
as discovery findings and spend ledger records in the caller's transaction (the CLI, the API
and the Discovery pages all call it).

The export is read first (``expenses_read``; a file that cannot be read as said, or a currency
without a rate, stores nothing); each charge's merchant is matched to a catalogued service
(``expenses_match``); the matched charges are summed per service and cardholder
(``expenses_summary``) into findings of kind ``expense`` through ``scans.record_scan`` (the same
file twice is refused there, 409), and stored charge by charge in spend
(``spend.import_expenses``), each marked unsanctioned when its service was not sanctioned for
its unit. A charge's unit is the unit its department names (name or slug, case aside), else
the unit given for the file, else none, as ``log_findings`` resolves a log's departments.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session

from aitower.core.access import service as access
from aitower.core.audit.service import ChangeContext
from aitower.core.errors import InvalidInput
from aitower.discovery import catalog_service
from aitower.discovery.catalog import CatalogEntry
from aitower.discovery.expenses_match import MerchantMatcher
from aitower.discovery.expenses_read import (
    ExpenseFileError,
    ExpenseRead,
    MalformedRow,
    Progress,
    read_expenses,
)
from aitower.discovery.expenses_summary import ExpenseSummary, ExpenseUse, summarise
from aitower.discovery.findings import Context
from aitower.discovery.log_findings import file_sha256
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.scans import FindingInput, ScanInput, ScanView, record_scan
from aitower.spend.import_expenses import ExpenseCharge, ExpenseFile, store_expenses

Units = dict[str, tuple[str, uuid.UUID]]  # name, slug or id (lower case) → (name, id)


@dataclass(frozen=True, slots=True)
class ServiceSpend:
    service_id: str
    name: str
    charges: int
    cardholders: int
    amount_usd: float
    unsanctioned_usd: float


@dataclass(frozen=True, slots=True)
class ExpenseResult:
    scan: ScanView
    import_id: uuid.UUID | None  # the spend import (None: no charge matched, nothing to add)
    rows: int
    services: list[ServiceSpend]  # the largest amount first
    amount_usd: float  # matched charges, refunds netted
    unsanctioned_usd: float
    unmatched_charges: int
    unmatched_usd: float
    top_unmatched: list[tuple[str, float]]
    malformed: int
    malformed_rows: list[MalformedRow]


def matcher_of(entries: Mapping[str, CatalogEntry]) -> MerchantMatcher:
    return MerchantMatcher((e.id, m) for e in entries.values() for m in e.merchants)


def _units(session: Session) -> Units:
    found: Units = {}
    for unit in access.list_units(session):
        for key in (unit.name, unit.slug, str(unit.id)):
            found[key.lower()] = (unit.name, unit.id)
    return found


def _default_unit(units: Units, unit: str | None) -> tuple[str, uuid.UUID] | None:
    if unit is None or not unit.strip():
        return None
    found = units.get(unit.strip().lower())
    if found is None:
        raise InvalidInput.on("unit", f"no business unit {unit!r}")
    return found


def _read(path: Path, layout: str, mapping: Mapping[str, str] | None,
          rates: Mapping[str, float], progress: Progress | None) -> ExpenseRead:  # fmt: skip
    try:
        with path.open("rb") as stream:
            return read_expenses(stream, layout, mapping, rates, progress, path.stat().st_size)
    except ExpenseFileError as exc:
        raise InvalidInput.on(exc.field, exc.reason) from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _finding(use: ExpenseUse, unit: tuple[str, uuid.UUID] | None) -> FindingInput:
    return FindingInput(
        service_id=use.service_id, user=use.cardholder[:200], department=use.department[:200],
        unit=None if unit is None else unit[1], requests=use.charges, bytes_sent=0,
        first_seen=_midnight(use.first_day), last_seen=_midnight(use.last_day),
        amount_usd=use.amount_usd,
    )  # fmt: skip


def record_expense_file(
    session: Session,
    ctx: ChangeContext,
    path: Path,
    file_name: str,
    layout: str = "csv",
    mapping: Mapping[str, str] | None = None,
    rates: Mapping[str, float] | None = None,
    unit: str | None = None,
    progress: Progress | None = None,
) -> ExpenseResult:
    """Read, match and store an export (module docstring); all or nothing, audited."""
    known_rates = {"USD": 1.0, **(rates or {})}
    units = _units(session)
    fallback = _default_unit(units, unit)
    read = _read(path, layout, mapping, known_rates, progress)
    entries = catalog_service.all_entries(session)
    summary = summarise(read.charges, matcher_of(entries))
    sha256 = file_sha256(path)
    findings = tuple(_finding(u, units.get(u.department.strip().lower()) or fallback)
                     for u in summary.uses)  # fmt: skip
    scan = record_scan(
        session, ctx, ScanInput("expense", file_name, sha256, read.rows, len(summary.matched),
                                read.malformed, findings),
    )  # fmt: skip
    charges = _charges(session, summary, entries, units, fallback)
    stored = None
    if charges:
        file = ExpenseFile(file_name, sha256, path.stat().st_size, read.rows, known_rates)
        stored = store_expenses(session, ctx, file, charges).id
    return _result(scan, stored, read, summary, charges, entries)


def _charges(
    session: Session, summary: ExpenseSummary, entries: Mapping[str, CatalogEntry],
    units: Units, fallback: tuple[str, uuid.UUID] | None,
) -> list[ExpenseCharge]:  # fmt: skip
    view = Context(session)
    made = []
    for m in summary.matched:
        c, entry = m.charge, entries[m.service_id]
        unit = units.get(c.department.strip().lower()) or fallback
        unit_id = None if unit is None else unit[1]
        status = view.sanction(m.service_id, unit_id)
        who = c.cardholder or "an unnamed cardholder"
        made.append(
            ExpenseCharge(
                c.row, c.day, c.billed, c.currency, entry.vendor, entry.name, unit_id,
                f"{who} · {c.merchant}"[:2000], status is not SanctionStatus.sanctioned,
            )
        )  # fmt: skip
    return made


def _result(
    scan: ScanView, import_id: uuid.UUID | None, read: ExpenseRead, summary: ExpenseSummary,
    charges: list[ExpenseCharge], entries: Mapping[str, CatalogEntry],
) -> ExpenseResult:  # fmt: skip
    flagged: dict[str, float] = {}
    for m, c in zip(summary.matched, charges, strict=True):
        if c.unsanctioned:
            flagged[m.service_id] = flagged.get(m.service_id, 0.0) + m.charge.amount_usd
    per: dict[str, list[ExpenseUse]] = {}
    for use in summary.uses:
        per.setdefault(use.service_id, []).append(use)
    services = [
        ServiceSpend(sid, entries[sid].name, sum(u.charges for u in uses), len(uses),
                     round(sum(u.amount_usd for u in uses), 6), round(flagged.get(sid, 0.0), 6))
        for sid, uses in per.items()
    ]  # fmt: skip
    services.sort(key=lambda s: (-s.amount_usd, s.service_id))
    return ExpenseResult(
        scan, import_id, read.rows, services, round(sum(s.amount_usd for s in services), 6),
        round(sum(flagged.values()), 6), summary.unmatched_charges, summary.unmatched_usd,
        summary.top_unmatched, read.malformed, read.malformed_rows,
    )  # fmt: skip
