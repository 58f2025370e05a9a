"""Whole system records with their references as names, for one system or thousands at once.

One system costs a handful of small queries; an import of 10,000 rows records a before and
after of each changed system on the audit trail (#14, finding 7), so the records are loaded in
bulk: one query per table and chunk of ids, not per system.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from aitower.core.access.tables import BusinessUnitRow, UserRow
from aitower.inventory.lifecycle import Stage
from aitower.inventory.records import (
    Person,
    SystemDetail,
    chunks,
    environments_of,
    models_of,
    sources_of,
)
from aitower.inventory.tables import (
    SystemRow,
    SystemTagRow,
    SystemVendorRow,
    TelemetryServiceRow,
    VendorRow,
)
from aitower.inventory.vocabulary import (
    Affected,
    Autonomy,
    Classification,
    RiskTier,
    SystemKind,
)

Linked = dict[uuid.UUID, list[str]]
LinkTable = type[SystemTagRow] | type[SystemVendorRow] | type[TelemetryServiceRow]


def load_details(session: Session, rows: Sequence[SystemRow]) -> dict[uuid.UUID, SystemDetail]:
    """Each row's record, by id; links and names are read for all rows together."""
    ids = [r.id for r in rows]
    units = _names(session, BusinessUnitRow, {r.unit_id for r in rows})
    people = _people(session, {o for r in rows for o in _owners(r) if o is not None})
    tags = _linked(session, ids, select(SystemTagRow.system_id, SystemTagRow.tag), SystemTagRow)
    vendors = _linked(
        session,
        ids,
        select(SystemVendorRow.system_id, VendorRow.name).join(
            VendorRow, SystemVendorRow.vendor_id == VendorRow.id
        ),
        SystemVendorRow,
    )
    services = _linked(
        session,
        ids,
        select(TelemetryServiceRow.system_id, TelemetryServiceRow.service_name),
        TelemetryServiceRow,
    )
    return {
        r.id: _detail(r, units[r.unit_id], people, tags[r.id], vendors[r.id], services[r.id])
        for r in rows
    }


def _owners(row: SystemRow) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    return row.accountable_owner_id, row.technical_owner_id


def _names(
    session: Session, table: type[BusinessUnitRow], ids: set[uuid.UUID]
) -> dict[uuid.UUID, str]:
    found: dict[uuid.UUID, str] = {}
    for part in chunks(list(ids)):
        found.update(session.execute(select(table.id, table.name).where(table.id.in_(part))).all())
    return found


def _people(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, Person]:
    found: dict[uuid.UUID, Person] = {}
    for part in chunks(list(ids)):
        query = select(UserRow.id, UserRow.username, UserRow.display_name).where(
            UserRow.id.in_(part)
        )
        found.update((uid, Person(name, display)) for uid, name, display in session.execute(query))
    return found


def _linked(
    session: Session, ids: list[uuid.UUID], query: Select[uuid.UUID, str], table: LinkTable
) -> Linked:
    """``{system id: sorted values}`` of one link table (every id present, maybe empty)."""
    found: Linked = defaultdict(list)
    for part in chunks(ids):
        for system_id, value in session.execute(query.where(table.system_id.in_(part))):
            found[system_id].append(value)
    for values in found.values():
        values.sort()
    return found


def _detail(
    row: SystemRow,
    unit_name: str,
    people: dict[uuid.UUID, Person],
    tags: list[str],
    vendors: list[str],
    services: list[str],
) -> SystemDetail:
    links = row.links or {}
    return SystemDetail(
        id=row.id,
        name=row.name,
        purpose=row.purpose,
        kind=SystemKind(row.kind),
        unit_id=row.unit_id,
        unit_name=unit_name,
        stage=Stage(row.stage),
        risk_tier=None if row.risk_tier is None else RiskTier(row.risk_tier),
        accountable_owner=None
        if row.accountable_owner_id is None
        else people.get(row.accountable_owner_id),
        technical_owner=None
        if row.technical_owner_id is None
        else people.get(row.technical_owner_id),
        autonomy=Autonomy(row.autonomy),
        affected=tuple(Affected(a) for a in row.affected),
        models=models_of(row.models),
        vendors=tuple(vendors),
        data_sources=sources_of(row.data_sources),
        data_classification=Classification(row.data_classification),
        personal_data=row.personal_data,
        special_category_data=row.special_category_data,
        environments=environments_of(row.environments),
        services=tuple(services),
        docs_url=links.get("docs", ""),
        repository_url=links.get("repository", ""),
        tags=tuple(tags),
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
