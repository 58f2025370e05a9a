"""Imports as readers see them: the list, one import's report, what no rule matched.

Every reader sees every import (its file, kind, who and when), but its amounts only as far as
they may: an organisation-wide reader sees all of them, a unit-limited reader only the cost of
her units (records of her units' systems or naming her units); unattributed cost, and the
tags and accounts behind it, are organisation-wide and shown only to organisation-wide readers.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.errors import NotFound
from aitower.inventory.tables import SystemRow
from aitower.spend.mappings import read_detail
from aitower.spend.sources import ImportKind
from aitower.spend.tables import SpendImportRow, SpendRecordRow

TOP = 10


@dataclass(frozen=True, slots=True)
class ImportView:
    id: uuid.UUID
    kind: str
    label: str
    file_name: str
    file_format: str
    created_at: datetime
    imported_by: str
    rows_read: int
    records_stored: int
    total: float  # what this reader may see
    unmapped: float | None  # None: not for this reader
    period_start: date | None
    period_end: date | None
    rates: str
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "file_name": self.file_name,
            "file_format": self.file_format,
            "created_at": self.created_at.isoformat(),
            "imported_by": self.imported_by,
            "rows_read": self.rows_read,
            "records_stored": self.records_stored,
            "total_amount": round(self.total, 6),
            "unmapped_amount": None if self.unmapped is None else round(self.unmapped, 6),
            "period_start": None if self.period_start is None else self.period_start.isoformat(),
            "period_end": None if self.period_end is None else self.period_end.isoformat(),
            "rates": self.rates,
            "sha256": self.sha256,
        }


def _visible(principal: Principal) -> Any:
    """The records a unit-limited principal may see (None: all)."""
    units = principal.unit_ids
    if units is None:
        return None
    r = SpendRecordRow
    systems = select(SystemRow.id).where(SystemRow.unit_id.in_(units))
    return or_(r.system_id.in_(systems), r.system_id.is_(None) & r.unit_id.in_(units))


def _view(row: SpendImportRow, principal: Principal, seen: dict[uuid.UUID, float]) -> ImportView:
    org = principal.unit_ids is None
    return ImportView(
        row.id, row.kind, ImportKind(row.kind).label, row.file_name, row.file_format,
        row.created_at, row.imported_by, row.rows_read, row.records_stored,
        row.total_amount if org else seen.get(row.id, 0.0),
        row.unmapped_amount if org else None, row.period_start, row.period_end, row.note,
        row.sha256,
    )  # fmt: skip


def _seen_totals(
    session: Session, principal: Principal, ids: list[uuid.UUID]
) -> dict[uuid.UUID, float]:
    where = _visible(principal)
    if where is None or not ids:
        return {}
    r = SpendRecordRow
    query = (
        select(r.import_id, func.sum(r.amount))
        .where(r.import_id.in_(ids), where)
        .group_by(r.import_id)
    )
    return {i: float(a or 0.0) for i, a in session.execute(query) if i is not None}


def list_imports(
    session: Session, principal: Principal, *, limit: int = 100, offset: int = 0
) -> tuple[list[ImportView], int]:
    """The newest imports first, and how many there are."""
    total = session.execute(select(func.count()).select_from(SpendImportRow)).scalar_one()
    query = (
        select(SpendImportRow)
        .order_by(SpendImportRow.created_at.desc(), SpendImportRow.id)
        .limit(limit)
        .offset(offset)
    )
    rows = list(session.execute(query).scalars())
    seen = _seen_totals(session, principal, [r.id for r in rows])
    return [_view(r, principal, seen) for r in rows], int(total)


@dataclass(slots=True)
class ImportDetail:
    view: ImportView
    systems: list[tuple[uuid.UUID | None, str, float]]  # id, name, amount (largest first)
    unmatched_accounts: list[tuple[str, float]] = field(default_factory=list)
    unmatched_tags: list[tuple[str, float]] = field(default_factory=list)


def get_import(session: Session, principal: Principal, import_id: uuid.UUID) -> ImportDetail:
    row = session.get(SpendImportRow, import_id)
    if row is None:
        raise NotFound(f"no spend import {import_id}")
    seen = _seen_totals(session, principal, [row.id])
    r = SpendRecordRow
    query = (
        select(r.system_id, SystemRow.name, func.sum(r.amount))
        .outerjoin(SystemRow, SystemRow.id == r.system_id)
        .where(r.import_id == import_id)
        .group_by(r.system_id, SystemRow.name)
    )
    where = _visible(principal)
    if where is not None:
        query = query.where(where)
    systems = [
        (sid, name or ("unattributed" if sid is None else "?"), float(amount or 0.0))
        for sid, name, amount in session.execute(query)
    ]
    systems.sort(key=lambda s: -s[2])
    detail = ImportDetail(_view(row, principal, seen), systems)
    if principal.unit_ids is None:
        detail.unmatched_accounts, detail.unmatched_tags = unmatched(session, import_id)
    return detail


def unmatched(
    session: Session, import_id: uuid.UUID | None = None
) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The largest unattributed cloud cost by account, and by tag ``key=value``."""
    r = SpendRecordRow
    query = select(r.account, r.description, func.sum(r.amount)).where(
        r.system_id.is_(None), r.unit_id.is_(None), r.source == "cloud"
    )
    if import_id is not None:
        query = query.where(r.import_id == import_id)
    accounts: dict[str, float] = defaultdict(float)
    tags: dict[str, float] = defaultdict(float)
    for account, detail, amount in session.execute(query.group_by(r.account, r.description)):
        accounts[account or "(none)"] += float(amount or 0.0)
        found, group = read_detail(detail)
        for key, value in found.items():
            tags[f"{key}={value}"] += float(amount or 0.0)
        if group:
            tags[f"resource group {group}"] += float(amount or 0.0)
    top_tags = sorted(tags.items(), key=lambda t: -t[1])[:TOP]
    top_accounts = sorted(accounts.items(), key=lambda t: -t[1])[:TOP]
    return top_accounts, top_tags
