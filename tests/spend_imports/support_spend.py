"""Helpers for the spend import tests: a small organisation, imports through the service."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from aitower.core.audit.service import ChangeContext
from aitower.core.audit.tables import AuditEventRow
from aitower.core.db.engine import Database
from aitower.spend import import_service
from aitower.spend.sources import ImportKind
from aitower.spend.tables import SpendImportRow, SpendRecordRow
from support import CTX, seed_units
from support_inventory import make_system


@dataclass(frozen=True)
class Org:
    finance: uuid.UUID
    marketing: uuid.UUID
    helpdesk: uuid.UUID  # a Finance system
    campaigns: uuid.UUID  # a Marketing system


def make_org(db: Database) -> Org:
    units = seed_units(db)
    return Org(
        units.unit_id,
        units.other_unit_id,
        make_system(db, units.unit_id, "Helpdesk bot"),
        make_system(db, units.other_unit_id, "Campaign writer"),
    )


def store(
    db: Database,
    kind: ImportKind,
    data: bytes,
    name: str = "bill.csv",
    ctx: ChangeContext = CTX,
    **rates: float,
) -> SpendImportRow:
    read = import_service.read_import(kind, io.BytesIO(data), name, {"USD": 1.0, **rates})
    with db.writing() as session:
        row = import_service.store_import(session, ctx, read)
        session.expunge(row)
    return row


def counts(db: Database) -> tuple[int, int, int]:
    """(imports, records, audit events)."""
    with db.reading() as session:
        return tuple(  # type: ignore[return-value]
            int(session.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (SpendImportRow, SpendRecordRow, AuditEventRow)
        )


def records(db: Database) -> list[SpendRecordRow]:
    with db.reading() as session:
        found = list(session.execute(select(SpendRecordRow)).scalars())
        for r in found:
            session.expunge(r)
    return found
