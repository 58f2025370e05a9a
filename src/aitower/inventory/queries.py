"""The inventory list and its export: filtered, scoped and sorted in the database.

A page is two indexed queries (count, then the page with unit and owner names joined) plus two
small ones for the page's tags and vendors; nothing loads the whole portfolio. Export streams
every matching record with a fixed number of bulk queries.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, aliased

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow, UserRow
from aitower.inventory.domain import SystemSpec, spec_document
from aitower.inventory.lifecycle import Stage
from aitower.inventory.records import chunks, environments_of, models_of, sources_of
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

UNASSESSED = "unassessed"


class SystemSort(StrEnum):
    name = "name"
    stage = "stage"
    tier = "tier"
    updated = "updated"


@dataclass(frozen=True, slots=True)
class SystemFilter:
    q: str | None = None
    kind: SystemKind | None = None
    stage: Stage | None = None
    # Any of these stages: the Overview's "in production" figure and the list it opens count
    # the same systems (``lifecycle.PRODUCTION_STAGES``).
    stages: frozenset[Stage] = frozenset()
    tier: str | None = None  # a RiskTier value or "unassessed"
    unit_id: uuid.UUID | None = None
    owner: str | None = None  # username: either owner
    tag: str | None = None
    vendor: str | None = None  # vendor name
    classification: Classification | None = None
    personal_data: bool | None = None


@dataclass(frozen=True, slots=True)
class SystemListItem:
    id: uuid.UUID
    name: str
    kind: SystemKind
    unit_id: uuid.UUID
    unit_name: str
    stage: Stage
    risk_tier: RiskTier | None
    accountable_owner: str | None
    technical_owner: str | None
    data_classification: Classification
    personal_data: bool
    vendors: tuple[str, ...]
    tags: tuple[str, ...]
    updated_at: datetime


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(principal: Principal | None, flt: SystemFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if principal is not None and principal.unit_ids is not None:
        found.append(SystemRow.unit_id.in_(principal.unit_ids))
    if flt.q:
        found.append(SystemRow.search_text.like(_like(flt.q), escape="\\"))
    if flt.kind is not None:
        found.append(SystemRow.kind == flt.kind.value)
    if flt.stage is not None:
        found.append(SystemRow.stage == flt.stage.value)
    if flt.stages:
        found.append(SystemRow.stage.in_(sorted(s.value for s in flt.stages)))
    if flt.tier == UNASSESSED:
        found.append(SystemRow.risk_tier.is_(None))
    elif flt.tier:
        found.append(SystemRow.risk_tier == flt.tier)
    if flt.unit_id is not None:
        found.append(SystemRow.unit_id == flt.unit_id)
    if flt.owner:
        owner = select(UserRow.id).where(UserRow.username == flt.owner.lower()).scalar_subquery()
        found.append(
            (SystemRow.accountable_owner_id == owner) | (SystemRow.technical_owner_id == owner)
        )
    if flt.tag:
        tagged = select(SystemTagRow.system_id).where(SystemTagRow.tag == flt.tag.lower())
        found.append(SystemRow.id.in_(tagged))
    if flt.vendor:
        linked = (
            select(SystemVendorRow.system_id)
            .join(VendorRow, VendorRow.id == SystemVendorRow.vendor_id)
            .where(func.lower(VendorRow.name) == flt.vendor.lower())
        )
        found.append(SystemRow.id.in_(linked))
    if flt.classification is not None:
        found.append(SystemRow.data_classification == flt.classification.value)
    if flt.personal_data is not None:
        found.append(SystemRow.personal_data.is_(flt.personal_data))
    return found


def _order(sort: SystemSort, descending: bool) -> list[Any]:
    if sort is SystemSort.stage:
        key: Any = case({s.value: s.order for s in Stage}, value=SystemRow.stage, else_=99)
    elif sort is SystemSort.tier:
        ranks = {t.value: i for i, t in enumerate(RiskTier)}
        key = case(ranks, value=SystemRow.risk_tier, else_=len(ranks))
    elif sort is SystemSort.updated:
        key = SystemRow.updated_at
    else:
        key = SystemRow.name
    first = key.desc() if descending else key.asc()
    return [first] if sort is SystemSort.name else [first, SystemRow.name]


def _names_by_system(
    session: Session, query: Select[uuid.UUID, str], ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    found: dict[uuid.UUID, list[str]] = defaultdict(list)
    for part in chunks(ids):
        for system_id, name in session.execute(query.where(query.selected_columns[0].in_(part))):
            found[system_id].append(name)
    return found


_TAGS = select(SystemTagRow.system_id, SystemTagRow.tag).order_by(SystemTagRow.tag)
_VENDORS = (
    select(SystemVendorRow.system_id, VendorRow.name)
    .join(VendorRow, VendorRow.id == SystemVendorRow.vendor_id)
    .order_by(VendorRow.name)
)
_SERVICES = select(TelemetryServiceRow.system_id, TelemetryServiceRow.service_name).order_by(
    TelemetryServiceRow.service_name
)


def _selected(principal: Principal | None, flt: SystemFilter) -> Select[SystemRow, str, str, str]:
    accountable, technical = aliased(UserRow), aliased(UserRow)
    return (
        select(
            SystemRow,
            BusinessUnitRow.name.label("unit_name"),
            accountable.username.label("accountable"),
            technical.username.label("technical"),
        )
        .join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
        .outerjoin(accountable, accountable.id == SystemRow.accountable_owner_id)
        .outerjoin(technical, technical.id == SystemRow.technical_owner_id)
        .where(*_conditions(principal, flt))
    )


def list_systems(
    session: Session,
    principal: Principal,
    flt: SystemFilter,
    *,
    sort: SystemSort = SystemSort.name,
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[SystemListItem], int]:
    """One page of the systems the principal may see, and how many match in all."""
    total = session.execute(
        select(func.count()).select_from(SystemRow).where(*_conditions(principal, flt))
    ).scalar_one()
    rows = session.execute(
        _selected(principal, flt).order_by(*_order(sort, descending)).limit(limit).offset(offset)
    ).all()
    ids = [r[0].id for r in rows]
    tags = _names_by_system(session, _TAGS, ids)
    vendors = _names_by_system(session, _VENDORS, ids)
    items = [
        SystemListItem(
            id=row.id,
            name=row.name,
            kind=SystemKind(row.kind),
            unit_id=row.unit_id,
            unit_name=unit,
            stage=Stage(row.stage),
            risk_tier=None if row.risk_tier is None else RiskTier(row.risk_tier),
            accountable_owner=accountable,
            technical_owner=technical,
            data_classification=Classification(row.data_classification),
            personal_data=row.personal_data,
            vendors=tuple(vendors.get(row.id, ())),
            tags=tuple(tags.get(row.id, ())),
            updated_at=row.updated_at,
        )
        for row, unit, accountable, technical in rows
    ]
    return items, int(total)


def export_systems(
    session: Session, principal: Principal, flt: SystemFilter
) -> list[dict[str, Any]]:
    """Every matching record as plain values (what import accepts), plus its risk tier."""
    rows = session.execute(_selected(principal, flt).order_by(SystemRow.name)).all()
    ids = [r[0].id for r in rows]
    tags = _names_by_system(session, _TAGS, ids)
    vendors = _names_by_system(session, _VENDORS, ids)
    services = _names_by_system(session, _SERVICES, ids)
    docs = []
    for row, unit, accountable, technical in rows:
        links = row.links or {}
        spec = SystemSpec(
            name=row.name,
            kind=SystemKind(row.kind),
            unit=unit,
            purpose=row.purpose,
            accountable_owner=accountable,
            technical_owner=technical,
            stage=Stage(row.stage),
            autonomy=Autonomy(row.autonomy),
            affected=tuple(Affected(a) for a in row.affected),
            models=models_of(row.models),
            vendors=tuple(vendors.get(row.id, ())),
            data_sources=sources_of(row.data_sources),
            environments=environments_of(row.environments),
            services=tuple(services.get(row.id, ())),
            docs_url=links.get("docs", ""),
            repository_url=links.get("repository", ""),
            tags=tuple(tags.get(row.id, ())),
            notes=row.notes,
        )
        doc = spec_document(spec)
        doc["risk_tier"] = row.risk_tier
        docs.append(doc)
    return docs


def stage_counts(session: Session, principal: Principal) -> dict[str, int]:
    """Systems per lifecycle stage in the principal's scope, in lifecycle order (zeros kept)."""
    query = select(SystemRow.stage, func.count()).group_by(SystemRow.stage)
    if principal.unit_ids is not None:
        query = query.where(SystemRow.unit_id.in_(principal.unit_ids))
    counts = {str(stage): int(n) for stage, n in session.execute(query).all()}
    return {stage.value: counts.get(stage.value, 0) for stage in Stage}
