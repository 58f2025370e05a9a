"""The inventory's part of governance's ``SystemFacts``, gathered in bulk.

Policies are evaluated over the whole portfolio, so this is a fixed number of queries
(systems with their units, tags, vendor links, vendors and their usage, services) whatever the
number of systems; never one query per system.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.inventory.records import chunks
from aitower.inventory.system_facts import SystemFacts, VendorFacts
from aitower.inventory.tables import (
    SystemRow,
    SystemTagRow,
    SystemVendorRow,
    TelemetryServiceRow,
    VendorRow,
)
from aitower.inventory.vendors import rating_of, usage_of

_COLUMNS = (
    SystemRow.id,
    SystemRow.name,
    SystemRow.kind,
    SystemRow.unit_id,
    BusinessUnitRow.name.label("unit_name"),
    SystemRow.stage,
    SystemRow.risk_tier,
    SystemRow.data_classification,
    SystemRow.personal_data,
    SystemRow.special_category_data,
    SystemRow.purpose,
    SystemRow.accountable_owner_id,
    SystemRow.technical_owner_id,
    SystemRow.models,
    SystemRow.data_sources,
    SystemRow.affected,
    SystemRow.environments,
    SystemRow.links,
    SystemRow.notes,
)


def _scoped(
    query: Select[Any], principal: Principal | None, ids: Collection[uuid.UUID] | None
) -> Select[Any]:
    if principal is not None and principal.unit_ids is not None:
        query = query.where(SystemRow.unit_id.in_(principal.unit_ids))
    if ids is not None:
        query = query.where(SystemRow.id.in_(list(ids)))
    return query


def _links(
    session: Session, table: Any, column: Any, ids: list[uuid.UUID] | None
) -> dict[uuid.UUID, list[Any]]:
    """Link rows grouped by system (all of them when ``ids`` is None: one scan, no IN list)."""
    found: dict[uuid.UUID, list[Any]] = defaultdict(list)
    parts = [None] if ids is None else list(chunks(ids))
    for part in parts:
        query = select(table.system_id, column)
        if part is not None:
            query = query.where(table.system_id.in_(part))
        for system_id, value in session.execute(query):
            found[system_id].append(value)
    return found


def _fields_set(row: Any, tags: bool, vendors: bool, services: bool) -> frozenset[str]:
    links = row.links or {}
    present = {
        "purpose": bool(row.purpose),
        "accountable_owner": row.accountable_owner_id is not None,
        "technical_owner": row.technical_owner_id is not None,
        "models": bool(row.models),
        "vendors": vendors,
        "data_sources": bool(row.data_sources),
        "affected": bool(row.affected),
        "environments": bool(row.environments),
        "telemetry_services": services,
        "links.docs": bool(links.get("docs")),
        "links.repository": bool(links.get("repository")),
        "notes": bool(row.notes),
        "tags": tags,
    }
    return frozenset(k for k, v in present.items() if v)


def _vendor_facts(session: Session, today: date) -> dict[uuid.UUID, VendorFacts]:
    usage = usage_of(session, None)
    return {
        row.id: VendorFacts(
            name=row.name,
            vendor_type=row.vendor_type,
            dpa_signed=row.dpa_signed,
            soc2_until=row.soc2_until,
            iso27001_until=row.iso27001_until,
            trains_on_customer_data=row.trains_on_customer_data,
            data_residency=row.data_residency,
            risk_rating=rating_of(row, usage.get(row.id), today).level.value,
        )
        for row in session.execute(select(VendorRow)).scalars()
    }


def governance_facts(
    session: Session,
    principal: Principal | None,
    system_ids: Collection[uuid.UUID] | None,
    today: date,
) -> dict[uuid.UUID, SystemFacts]:
    """Facts of the given systems (None: all) the principal may see (None: no scope)."""
    query = select(*_COLUMNS).join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
    rows = session.execute(_scoped(query, principal, system_ids)).all()
    if not rows:
        return {}
    ids = None if system_ids is None and principal is None else [r[0] for r in rows]
    tags = _links(session, SystemTagRow, SystemTagRow.tag, ids)
    vendor_links = _links(session, SystemVendorRow, SystemVendorRow.vendor_id, ids)
    services = _links(session, TelemetryServiceRow, TelemetryServiceRow.service_name, ids)
    vendors = _vendor_facts(session, today) if vendor_links else {}
    facts = {}
    for row in rows:
        system_vendors = sorted(
            (vendors[v] for v in vendor_links.get(row.id, ()) if v in vendors),
            key=lambda v: v.name,
        )
        facts[row.id] = SystemFacts(
            id=row.id,
            name=row.name,
            kind=row.kind,
            unit_id=row.unit_id,
            unit=row.unit_name,
            stage=row.stage,
            tier=row.risk_tier,
            tags=frozenset(tags.get(row.id, ())),
            data_classification=row.data_classification,
            personal_data=row.personal_data,
            special_category_data=row.special_category_data,
            fields_set=_fields_set(
                row, bool(tags.get(row.id)), bool(system_vendors), bool(services.get(row.id))
            ),
            vendors=tuple(system_vendors),
        )
    return facts
