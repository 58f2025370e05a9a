"""Importing spend: read a file (no database, no lock held), then store it in one transaction.

``read_import`` streams the file, sums a cloud bill or checks a template's rows, and hashes it;
``store_import`` refuses a file seen before (409) or with any error (422, every error with its
row, column and value; nothing is stored), attributes each line to a system, writes the
records and the import, and records ``spend_import.create`` on the audit trail, all in the
caller's transaction. ``undo_import`` deletes an import's records (``spend_import.undo``).

Scope: cloud bills are organisation-wide (mapped by the organisation's rules), so only an
organisation-wide principal imports them; a unit-limited importer imports templates whose
rows name systems or units of theirs, and undoes only imports wholly inside them. Like the
other scope refusals of the app these are 422 naming the field (``kind``, ``import``): 403
means the role lacks the permission.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import IO, Any, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, FieldIssue, InvalidInput, NotFound
from aitower.inventory.tables import SystemRow
from aitower.spend.import_cloud import BillLine, read_bill
from aitower.spend.import_read import ErrorLog, FileProblem, Progress, RowError, open_file
from aitower.spend.import_templates import TemplateRecord, read_template
from aitower.spend.mappings import Match, Matcher, unmatched_detail
from aitower.spend.mappings_service import load_matcher
from aitower.spend.sources import CLOUD_FORMATS, ImportKind, SpendSource
from aitower.spend.tables import SpendImportRow, SpendRecordRow

HASH_BLOCK = 4 * 1024 * 1024
RECORDS = cast(Table, SpendRecordRow.__table__)


@dataclass(slots=True)
class ReadFile:
    """What ``read_import`` found in a file, before anything is stored."""

    kind: ImportKind
    file_name: str
    file_format: str
    sha256: str
    bytes_read: int
    rates: dict[str, float]
    rows_read: int = 0
    bill: list[BillLine] = field(default_factory=list)
    template: list[TemplateRecord] = field(default_factory=list)
    errors: ErrorLog = field(default_factory=ErrorLog)


class ImportRefused(InvalidInput):
    """A file with errors: nothing stored. ``errors`` lists the first 200, ``count`` all."""

    def __init__(self, read: ReadFile) -> None:
        self.errors: list[RowError] = sorted(read.errors.items, key=lambda e: e.row)
        self.count = read.errors.count
        self.rows_read = read.rows_read
        issues = [
            FieldIssue(
                f"rows[{e.row}].{e.column}" if e.row else (e.column or "file"),
                f"{e.reason} (value: {e.value!r})" if e.value else e.reason,
            )
            for e in self.errors
        ]
        shown = "" if self.count <= len(self.errors) else f" (the first {len(self.errors)} shown)"
        super().__init__(
            f"nothing was imported: {self.count} error(s) in {read.file_name}{shown}",
            issues=issues,
        )


def file_sha256(stream: IO[bytes]) -> tuple[str, int]:
    stream.seek(0)
    digest, size = hashlib.sha256(), 0
    while block := stream.read(HASH_BLOCK):
        digest.update(block)
        size += len(block)
    stream.seek(0)
    return digest.hexdigest(), size


def read_import(
    kind: ImportKind,
    stream: IO[bytes],
    file_name: str,
    rates: dict[str, float] | None = None,
    on_progress: Progress | None = None,
) -> ReadFile:
    """The file summed (a bill) or checked (a template); errors are in ``errors``."""
    sha, size = file_sha256(stream)
    read = ReadFile(kind, file_name[:300], "csv", sha, size, rates or {"USD": 1.0})
    if not kind.uploadable:
        read.errors.add(0, "kind", kind.value, "is recorded by `aitower discover expenses`")
        return read
    try:
        batches = open_file(stream, read.errors)
        read.file_format = batches.fmt
        if kind.is_cloud:
            read.bill = read_bill(batches, CLOUD_FORMATS[kind], read.rates, on_progress)
        else:
            read.template = read_template(batches, kind, on_progress)
        read.rows_read = batches.rows_read
    except FileProblem as exc:
        read.errors.add(0, exc.column, "", exc.reason)
    return read


def known_import(session: Session, sha256: str) -> uuid.UUID | None:
    found = select(SpendImportRow.id).where(SpendImportRow.sha256 == sha256)
    return session.execute(found).scalar()


@dataclass(frozen=True, slots=True)
class _Refs:
    systems: dict[str, uuid.UUID]  # by id text and by exact name
    system_units: dict[uuid.UUID, uuid.UUID]
    units: dict[str, uuid.UUID]  # by id text and by lower-case name


def _refs(session: Session) -> _Refs:
    systems: dict[str, uuid.UUID] = {}
    units_of: dict[uuid.UUID, uuid.UUID] = {}
    for sid, name, unit_id in session.execute(
        select(SystemRow.id, SystemRow.name, SystemRow.unit_id)
    ):
        systems[str(sid)] = sid
        systems.setdefault(name, sid)
        units_of[sid] = unit_id
    units: dict[str, uuid.UUID] = {}
    for uid, name in session.execute(select(BusinessUnitRow.id, BusinessUnitRow.name)):
        units[str(uid)] = uid
        units.setdefault(name.lower(), uid)
    return _Refs(systems, units_of, units)


def _cloud_records(read: ReadFile, matcher: Matcher, refs: _Refs) -> list[dict[str, Any]]:
    """One record per day, account, service, currency and match (and, unmatched, tags)."""
    vendor = CLOUD_FORMATS[read.kind].vendor
    sums: dict[tuple[Any, ...], list[Any]] = {}
    seen: dict[tuple[Any, ...], tuple[Match, str]] = {}  # lines share tags: match each once
    for line in read.bill:
        tagged = (line.account, line.resource_group, tuple(sorted(line.tags.items())))
        if tagged not in seen:
            match = matcher.match(line.tags, line.account, line.resource_group)
            detail = "" if match.system_id else unmatched_detail(line.tags, line.resource_group)
            seen[tagged] = (match, detail)
        match, detail = seen[tagged]
        key = (
            line.day, line.account, line.service, line.currency, match.system_id,
            match.matched_by, detail,
        )  # fmt: skip
        found = sums.setdefault(key, [0.0, line.row])
        found[0] += line.billed
        found[1] = min(found[1], line.row)
    return [
        ledger_record(
            SpendSource.cloud,
            day,
            day + timedelta(days=1),
            billed,
            currency,
            read.rates,
            system_id,
            refs.system_units.get(system_id) if system_id else None,
            vendor=vendor,
            service=service,
            account=account,
            matched_by=matched_by,
            description=detail,
            row_number=row,
        )
        for (day, account, service, currency, system_id, matched_by, detail), (
            billed,
            row,
        ) in sums.items()
    ]


def ledger_record(
    source: SpendSource,
    start: date,
    end: date,
    billed: float,
    currency: str,
    rates: dict[str, float],
    system_id: uuid.UUID | None,
    unit_id: uuid.UUID | None,
    **values: Any,
) -> dict[str, Any]:
    return {
        "id": uuid.UUID(bytes=os.urandom(16), version=4),
        "source": source.value,
        "day_start": start,
        "day_end": end,
        "amount": billed * rates[currency],
        "currency": currency,
        "billed_amount": billed,
        "system_id": system_id,
        "unit_id": unit_id,
        "quantity": None,
        "seats": None,
        "seats_in_use": None,
        "model": "",
        "account": "",
        "matched_by": "",
        "description": "",
        **values,
    }


def _template_records(read: ReadFile, refs: _Refs, principal: Principal) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    for r in read.template:
        who = _who(r, refs, principal, read.errors)
        if r.currency not in read.rates:
            read.errors.add(r.row, "currency", r.currency, "is not USD nor a currency given a rate")
            continue
        if who is None:
            continue
        system_id, unit_id = who
        made.append(
            ledger_record(
                r.source,
                r.day_start,
                r.day_end,
                r.billed,
                r.currency,
                read.rates,
                system_id,
                unit_id,
                vendor=r.vendor,
                service=r.service,
                model=r.model,
                description=r.description,
                quantity=r.quantity,
                seats=r.seats,
                seats_in_use=r.seats_in_use,
                row_number=r.row,
                matched_by="system" if system_id else ("unit" if unit_id else ""),
            )
        )
    return made


def _who(
    r: TemplateRecord, refs: _Refs, principal: Principal, errors: ErrorLog
) -> tuple[uuid.UUID | None, uuid.UUID | None] | None:
    """The row's system and unit; None after logging an error."""
    system_id = refs.systems.get(r.system) if r.system else None
    unit_id = refs.units.get(r.unit) or refs.units.get(r.unit.lower()) if r.unit else None
    if r.system and system_id is None:
        errors.add(r.row, "system", r.system, "is no AI system (give its id or exact name)")
        return None
    if r.unit and unit_id is None:
        errors.add(r.row, "unit", r.unit, "is no business unit")
        return None
    if system_id is not None:
        own_unit = refs.system_units[system_id]
        if unit_id is not None and unit_id != own_unit:
            errors.add(r.row, "unit", r.unit, "is not the unit of the system named")
            return None
        unit_id = own_unit
    if principal.unit_ids is not None and not principal.sees_unit(unit_id):
        column = "system" if r.system else "unit"
        errors.add(r.row, column, r.system or r.unit, "is outside your units")
        return None
    return system_id, unit_id


def store_import(session: Session, ctx: ChangeContext, read: ReadFile) -> SpendImportRow:
    """Store what ``read_import`` read, all of it or (ImportRefused, Conflict) nothing."""
    if read.kind.is_cloud and ctx.principal.unit_ids is not None:
        raise InvalidInput.on(
            "kind", "cloud bills are organisation-wide: an organisation-wide role imports them"
        )
    earlier = known_import(session, read.sha256)
    if earlier is not None:
        raise Conflict.on("file", f"this file was imported before (import {earlier})")
    if read.errors:
        raise ImportRefused(read)
    refs = _refs(session)
    if read.kind.is_cloud:
        records = _cloud_records(read, load_matcher(session, refs.systems), refs)
    else:
        records = _template_records(read, refs, ctx.principal)
        if read.errors:
            raise ImportRefused(read)
    return save_records(session, ctx, read, records)


def save_records(
    session: Session, ctx: ChangeContext, read: ReadFile, records: list[dict[str, Any]]
) -> SpendImportRow:
    """The import and its records (``ledger_record`` values), audited: the end of
    ``store_import``, and of discovery's expense scans (``import_expenses``)."""
    row = _import_row(read, ctx, records)
    session.add(row)
    session.flush()
    for part in range(0, len(records), 5000):
        chunk = [{**r, "import_id": row.id} for r in records[part : part + 5000]]
        session.execute(RECORDS.insert(), chunk)  # Core: no ORM bookkeeping per record
    record_change(
        session, ctx, "spend_import.create", "spend_import", row.id, after=import_document(row)
    )
    return row


def _import_row(
    read: ReadFile, ctx: ChangeContext, records: list[dict[str, Any]]
) -> SpendImportRow:
    total = sum(r["amount"] for r in records)
    unmapped = sum(r["amount"] for r in records if r["system_id"] is None and r["unit_id"] is None)
    return SpendImportRow(
        id=uuid.uuid4(),
        kind=read.kind.value,
        file_name=read.file_name,
        file_format=read.file_format,
        sha256=read.sha256,
        bytes_read=read.bytes_read,
        rows_read=read.rows_read,
        records_stored=len(records),
        unmapped_amount=round(unmapped, 6),
        total_amount=round(total, 6),
        period_start=min((r["day_start"] for r in records), default=None),
        period_end=max((r["day_end"] for r in records), default=None),
        imported_by=ctx.principal.actor,
        note=", ".join(f"{k}={v:g}" for k, v in sorted(read.rates.items()) if k != "USD"),
    )


def import_document(row: SpendImportRow) -> dict[str, Any]:
    """An import as the audit trail records it."""
    return {
        "kind": row.kind,
        "file_name": row.file_name,
        "file_format": row.file_format,
        "sha256": row.sha256,
        "rows_read": row.rows_read,
        "records_stored": row.records_stored,
        "total_amount": row.total_amount,
        "unmapped_amount": row.unmapped_amount,
        "period_start": None if row.period_start is None else row.period_start.isoformat(),
        "period_end": None if row.period_end is None else row.period_end.isoformat(),
        "rates": row.note,
    }


def undo_import(session: Session, ctx: ChangeContext, import_id: uuid.UUID) -> SpendImportRow:
    """Delete an import and its records; audited with what it had stored."""
    row = session.get(SpendImportRow, import_id)
    if row is None:
        raise NotFound(f"no spend import {import_id}")
    units = ctx.principal.unit_ids
    if units is not None:
        r = SpendRecordRow
        outside = select(func.count()).where(
            r.import_id == import_id, (r.unit_id.is_(None)) | (r.unit_id.not_in(units))
        )
        if session.execute(outside).scalar_one():
            raise InvalidInput.on("import", "holds cost outside your units")
    before = import_document(row)
    session.execute(delete(SpendRecordRow).where(SpendRecordRow.import_id == import_id))
    session.delete(row)
    record_change(session, ctx, "spend_import.undo", "spend_import", import_id, before=before)
    return row


def by_system(session: Session, import_id: uuid.UUID) -> dict[uuid.UUID | None, float]:
    totals: dict[uuid.UUID | None, float] = defaultdict(float)
    query = (
        select(SpendRecordRow.system_id, func.sum(SpendRecordRow.amount))
        .where(SpendRecordRow.import_id == import_id)
        .group_by(SpendRecordRow.system_id)
    )
    for system_id, amount in session.execute(query):
        totals[system_id] += float(amount or 0.0)
    return dict(totals)
