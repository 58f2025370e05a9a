"""Use cases of vendors: register, change, list (renewals due), read with rating and dependents.

Vendors are organisation-wide (no business unit). A vendor's rating depends on how it is used
(for personal data? still in use after its contract ended?), so it is computed when read, from
the record and one grouped look at the systems linked to it; it is never stale.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow, UserRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory.lifecycle import Stage
from aitower.inventory.records import Person, chunks
from aitower.inventory.tables import SystemRow, SystemVendorRow, VendorRow
from aitower.inventory.vendor_domain import VendorSpec, check_vendor, vendor_document
from aitower.inventory.vendor_rating import VendorRating, VendorTerms, rate_vendor
from aitower.inventory.vocabulary import RiskTier, VendorType

HIGH_RISK_TIERS = frozenset({RiskTier.high.value, RiskTier.prohibited.value})


@dataclass(slots=True)
class Usage:
    """How the portfolio depends on one vendor (every unit, whoever asks: it is a count)."""

    systems: int = 0
    high_risk: int = 0
    personal_data: bool = False
    in_use: bool = False
    units: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class DependentSystem:
    id: uuid.UUID
    name: str
    unit_name: str
    stage: Stage
    risk_tier: RiskTier | None


@dataclass(frozen=True, slots=True)
class VendorSummary:
    id: uuid.UUID
    name: str
    vendor_type: VendorType
    renewal_date: date | None
    contract_end: date | None
    systems: int
    high_risk_systems: int
    rating: VendorRating


@dataclass(frozen=True, slots=True)
class VendorDetail:
    id: uuid.UUID
    spec: VendorSpec
    contract_owner: Person | None
    rating: VendorRating
    systems: int
    high_risk_systems: int
    units: tuple[str, ...]
    dependents: tuple[DependentSystem, ...]  # only those in the reader's units
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str:
        return self.spec.name


def usage_of(session: Session, vendor_ids: Collection[uuid.UUID] | None) -> dict[uuid.UUID, Usage]:
    """Usage of the given vendors (None: all), from one query over their system links."""
    query = (
        select(
            SystemVendorRow.vendor_id,
            SystemRow.personal_data,
            SystemRow.risk_tier,
            SystemRow.stage,
            BusinessUnitRow.name,
        )
        .join(SystemRow, SystemRow.id == SystemVendorRow.system_id)
        .join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
    )
    if vendor_ids is not None:
        query = query.where(SystemVendorRow.vendor_id.in_(list(vendor_ids)))
    found: dict[uuid.UUID, Usage] = {}
    for vendor_id, personal, tier, stage, unit in session.execute(query):
        usage = found.setdefault(vendor_id, Usage())
        usage.systems += 1
        usage.high_risk += tier in HIGH_RISK_TIERS
        usage.personal_data |= bool(personal)
        usage.in_use |= stage != Stage.retired.value
        usage.units.add(unit)
    return found


def spec_of(row: VendorRow, owner: str | None) -> VendorSpec:
    return VendorSpec(
        name=row.name,
        vendor_type=VendorType(row.vendor_type),
        website=row.website,
        contract_start=row.contract_start,
        contract_end=row.contract_end,
        renewal_date=row.renewal_date,
        annual_value=row.annual_value,
        contract_owner=owner,
        soc2_until=row.soc2_until,
        iso27001_until=row.iso27001_until,
        dpa_signed=row.dpa_signed,
        data_residency=row.data_residency,
        retention_days=row.retention_days,
        trains_on_customer_data=row.trains_on_customer_data,
        notes=row.notes,
    )


def rating_of(row: VendorRow, usage: Usage | None, today: date) -> VendorRating:
    usage = usage or Usage()
    terms = VendorTerms(
        dpa_signed=row.dpa_signed,
        soc2_until=row.soc2_until,
        iso27001_until=row.iso27001_until,
        trains_on_customer_data=row.trains_on_customer_data,
        data_residency=row.data_residency,
        contract_end=row.contract_end,
        in_use=usage.in_use,
    )
    return rate_vendor(terms, today, processes_personal_data=usage.personal_data)


def _filtered(query: Select[Any], q: str | None, within: int | None, today: date) -> Select[Any]:
    if q:
        text = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(func.lower(VendorRow.name).like(f"%{text}%", escape="\\"))
    if within is not None:
        query = query.where(
            VendorRow.renewal_date >= today,
            VendorRow.renewal_date <= today + timedelta(days=within),
        )
    return query


def list_vendors(
    session: Session,
    *,
    today: date,
    q: str | None = None,
    renewal_within_days: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[VendorSummary], int]:
    """Vendors by name (renewals first by date when filtering on them), with their rating."""
    total = session.execute(
        _filtered(select(func.count()).select_from(VendorRow), q, renewal_within_days, today)
    ).scalar_one()
    order = (
        (VendorRow.renewal_date, VendorRow.name)
        if renewal_within_days is not None
        else (VendorRow.name,)
    )
    rows = list(
        session.execute(
            _filtered(select(VendorRow), q, renewal_within_days, today)
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        ).scalars()
    )
    usage = usage_of(session, [r.id for r in rows])
    items = []
    for row in rows:
        used = usage.get(row.id, Usage())
        items.append(
            VendorSummary(
                id=row.id,
                name=row.name,
                vendor_type=VendorType(row.vendor_type),
                renewal_date=row.renewal_date,
                contract_end=row.contract_end,
                systems=used.systems,
                high_risk_systems=used.high_risk,
                rating=rating_of(row, used, today),
            )
        )
    return items, int(total)


def _owner(session: Session, user_id: uuid.UUID | None) -> Person | None:
    if user_id is None:
        return None
    found = session.execute(
        select(UserRow.username, UserRow.display_name).where(UserRow.id == user_id)
    ).first()
    return None if found is None else Person(found[0], found[1])


def _dependents(
    session: Session, principal: Principal, vendor_id: uuid.UUID
) -> list[DependentSystem]:
    query = (
        select(
            SystemRow.id, SystemRow.name, BusinessUnitRow.name, SystemRow.stage, SystemRow.risk_tier
        )
        .join(SystemVendorRow, SystemVendorRow.system_id == SystemRow.id)
        .join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
        .where(SystemVendorRow.vendor_id == vendor_id)
        .order_by(SystemRow.name)
    )
    if principal.unit_ids is not None:
        query = query.where(SystemRow.unit_id.in_(principal.unit_ids))
    return [
        DependentSystem(i, n, u, Stage(s), None if t is None else RiskTier(t))
        for i, n, u, s, t in session.execute(query)
    ]


def _detail(session: Session, principal: Principal, row: VendorRow, today: date) -> VendorDetail:
    owner = _owner(session, row.contract_owner_id)
    usage = usage_of(session, [row.id]).get(row.id, Usage())
    return VendorDetail(
        id=row.id,
        spec=spec_of(row, None if owner is None else owner.username),
        contract_owner=owner,
        rating=rating_of(row, usage, today),
        systems=usage.systems,
        high_risk_systems=usage.high_risk,
        units=tuple(sorted(usage.units)),
        dependents=tuple(_dependents(session, principal, row.id)),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def vendor_row(session: Session, ref: uuid.UUID | str, *, lock: bool = False) -> VendorRow:
    """A vendor by id or by name (case-insensitive)."""
    if isinstance(ref, uuid.UUID):
        row = session.get(VendorRow, ref, with_for_update=lock)
    else:
        row = session.execute(
            select(VendorRow).where(func.lower(VendorRow.name) == ref.strip().lower())
        ).scalar()
    if row is None:
        raise NotFound(f"no vendor {str(ref)!r}")
    return row


def get_vendor(
    session: Session, principal: Principal, ref: uuid.UUID | str, today: date
) -> VendorDetail:
    return _detail(session, principal, vendor_row(session, ref), today)


def owner_ids(session: Session, usernames: Collection[str]) -> dict[str, uuid.UUID]:
    found: dict[str, uuid.UUID] = {}
    for part in chunks(sorted(set(usernames))):
        found.update(
            (k, v)
            for k, v in session.execute(
                select(UserRow.username, UserRow.id).where(UserRow.username.in_(part))
            )
        )
    return found


def vendor_columns(spec: VendorSpec, owners: Mapping[str, uuid.UUID]) -> dict[str, Any]:
    """VendorRow values of a checked vendor; an unknown contract owner is refused."""
    owner_id = None
    if spec.contract_owner is not None:
        owner_id = owners.get(spec.contract_owner)
        if owner_id is None:
            raise InvalidInput.on("contract_owner", f"no user {spec.contract_owner!r}")
    doc = {k: getattr(spec, k) for k in vendor_document(spec) if k != "contract_owner"}
    doc["vendor_type"] = spec.vendor_type.value
    doc["contract_owner_id"] = owner_id
    return doc


def _name_taken(session: Session, name: str, vendor_id: uuid.UUID | None) -> None:
    other = session.execute(
        select(VendorRow.id).where(func.lower(VendorRow.name) == name.lower())
    ).scalar()
    if other is not None and other != vendor_id:
        raise Conflict.on("name", f"a vendor named {name!r} already exists")


def _audit(spec: VendorSpec) -> dict[str, Any]:
    return vendor_document(spec)


def create_vendor(
    session: Session, ctx: ChangeContext, values: Mapping[str, Any], today: date
) -> VendorDetail:
    spec = check_vendor(values)
    columns = vendor_columns(spec, owner_ids(session, [spec.contract_owner or ""]))
    _name_taken(session, spec.name, None)
    row = VendorRow(**columns)
    session.add(row)
    session.flush()
    record_change(session, ctx, "vendor.create", "vendor", row.id, after=_audit(spec))
    return _detail(session, ctx.principal, row, today)


def update_vendor(
    session: Session,
    ctx: ChangeContext,
    vendor_id: uuid.UUID,
    changes: Mapping[str, Any],
    today: date,
) -> VendorDetail:
    """Change some fields; the merged vendor is checked whole."""
    row = vendor_row(session, vendor_id, lock=True)
    owner = _owner(session, row.contract_owner_id)
    before = spec_of(row, None if owner is None else owner.username)
    spec = check_vendor({**vendor_document(before), **changes})
    columns = vendor_columns(spec, owner_ids(session, [spec.contract_owner or ""]))
    _name_taken(session, spec.name, row.id)
    for key, value in columns.items():
        setattr(row, key, value)
    session.flush()
    record_change(
        session, ctx, "vendor.update", "vendor", row.id, before=_audit(before), after=_audit(spec)
    )
    return _detail(session, ctx.principal, row, today)


def all_vendor_specs(session: Session) -> list[VendorSpec]:
    """Every vendor as its record (export), owners as usernames, in one query."""
    rows = session.execute(
        select(VendorRow, UserRow.username)
        .outerjoin(UserRow, UserRow.id == VendorRow.contract_owner_id)
        .order_by(VendorRow.name)
    )
    return [spec_of(row, owner) for row, owner in rows]


def vendor_ids_by_name(session: Session, names: Collection[str]) -> dict[str, uuid.UUID]:
    """Ids of the named vendors, keyed by the names as stored (for links from a system)."""
    if not names:
        return {}
    query = select(VendorRow.name, VendorRow.id).where(
        func.lower(VendorRow.name).in_([n.lower() for n in names])
    )
    return {row[0]: row[1] for row in session.execute(query)}
