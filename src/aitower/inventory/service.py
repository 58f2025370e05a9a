"""Use cases of the inventory: register, change, list and read AI systems; stage and tier setters.

Stage and risk tier are not edited directly: governance moves a system through its lifecycle
(``set_stage``) and the EU AI Act assessment sets its tier (``set_risk_tier``); each caller
records the audit event that explains the change, in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory.details import load_details
from aitower.inventory.domain import SystemSpec, check_system, spec_document
from aitower.inventory.facts import governance_facts
from aitower.inventory.lifecycle import Stage
from aitower.inventory.records import (
    SystemDetail,
    chunks,
    load_lookups,
    resolve,
)
from aitower.inventory.tables import (
    SystemRow,
    SystemTagRow,
    SystemVendorRow,
    TelemetryServiceRow,
)
from aitower.inventory.vocabulary import (
    RiskTier,
)

__all__ = [
    "SystemDetail",
    "SystemRef",
    "create_system",
    "get_system",
    "get_system_ref",
    "governance_facts",
    "set_risk_tier",
    "set_stage",
    "system_for_service",
    "system_ids_by_name",
    "update_system",
    "visible_details",
    "visible_systems",
]


@dataclass(frozen=True, slots=True)
class SystemRef:
    """The few facts other slices need to scope, title and route a system."""

    id: uuid.UUID
    name: str
    kind: str
    unit_id: uuid.UUID
    unit_name: str
    stage: Stage
    risk_tier: RiskTier | None


def _ref(row: SystemRow, unit_name: str) -> SystemRef:
    tier = None if row.risk_tier is None else RiskTier(row.risk_tier)
    return SystemRef(row.id, row.name, row.kind, row.unit_id, unit_name, Stage(row.stage), tier)


def get_system_ref(session: Session, principal: Principal, system_id: uuid.UUID) -> SystemRef:
    """The system, if it exists and the principal's units include it (else NotFound, not 403:
    a system outside one's units is not disclosed)."""
    found = session.execute(
        select(SystemRow, BusinessUnitRow.name)
        .join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
        .where(SystemRow.id == system_id)
    ).first()
    if found is None or not principal.sees_unit(found[0].unit_id):
        raise NotFound(f"no AI system {system_id}")
    return _ref(found[0], found[1])


def _row_for_update(session: Session, system_id: uuid.UUID) -> SystemRow:
    row = session.get(SystemRow, system_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no AI system {system_id}")
    return row


def set_stage(session: Session, system_id: uuid.UUID, stage: Stage) -> None:
    """Governance's completed move; the caller checks the gate and audits the move."""
    _row_for_update(session, system_id).stage = stage.value


def set_risk_tier(session: Session, system_id: uuid.UUID, tier: RiskTier | None) -> None:
    """The tier an EU AI Act assessment yielded; the caller audits the assessment."""
    _row_for_update(session, system_id).risk_tier = None if tier is None else tier.value


# --- the whole record -----------------------------------------------------------------------


def _detail(session: Session, row: SystemRow) -> SystemDetail:
    return load_details(session, [row])[row.id]


def get_system(session: Session, principal: Principal, system_id: uuid.UUID) -> SystemDetail:
    """The whole record, if the principal's units include it (else NotFound)."""
    row = session.get(SystemRow, system_id)
    if row is None or not principal.sees_unit(row.unit_id):
        raise NotFound(f"no AI system {system_id}")
    return _detail(session, row)


def audit_document(detail: SystemDetail) -> dict[str, Any]:
    doc = spec_document(detail.to_spec())
    doc["unit_id"] = detail.unit_id
    return doc


def write_links(
    session: Session,
    links: Mapping[uuid.UUID, tuple[SystemSpec, tuple[uuid.UUID, ...]]],
    *,
    replace: bool,
) -> None:
    """Tags, vendor links and telemetry services of many systems, in bulk inserts."""
    ids = list(links)
    if replace:
        for table in (SystemTagRow, SystemVendorRow, TelemetryServiceRow):
            for part in chunks(ids):
                session.execute(delete(table).where(table.system_id.in_(part)))
    tags = [{"system_id": i, "tag": t} for i, (spec, _) in links.items() for t in spec.tags]
    vendors = [{"system_id": i, "vendor_id": v} for i, (_, vs) in links.items() for v in vs]
    services = [
        {"system_id": i, "service_name": name}
        for i, (spec, _) in links.items()
        for name in spec.services
    ]
    for table, values in (
        (SystemTagRow, tags),
        (SystemVendorRow, vendors),
        (TelemetryServiceRow, services),
    ):
        if values:
            session.execute(insert(table), values)


def _name_taken(session: Session, name: str, system_id: uuid.UUID | None) -> None:
    other = session.execute(select(SystemRow.id).where(SystemRow.name == name)).scalar()
    if other is not None and other != system_id:
        raise Conflict.on("name", f"an AI system named {name!r} already exists")


def create_system(session: Session, ctx: ChangeContext, values: Mapping[str, Any]) -> SystemDetail:
    """Register a system; it starts in ``planning`` unless a running one is onboarded with its
    current ``stage``. Owners, vendors and the unit must exist; the unit must be the caller's."""
    spec = check_system(values)
    resolved = resolve(spec, load_lookups(session, [spec]), ctx.principal, None)
    _name_taken(session, spec.name, None)
    row = SystemRow(
        id=uuid.uuid4(),
        stage=(spec.stage or Stage.planning).value,
        risk_tier=None,
        **resolved.columns,
    )
    session.add(row)
    try:
        session.flush()
        write_links(session, {row.id: (spec, resolved.vendor_ids)}, replace=False)
    except IntegrityError:
        # Another writer registered the same name or service between our check and insert.
        raise Conflict.on("name", "registered by someone else meanwhile; reload") from None
    detail = _detail(session, row)
    record_change(session, ctx, "system.create", "ai_system", row.id, after=audit_document(detail))
    return detail


def update_system(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, changes: Mapping[str, Any]
) -> SystemDetail:
    """Change some fields; the merged record is checked whole. Stage is not changed here."""
    row = session.get(SystemRow, system_id, with_for_update=True)
    if row is None or not ctx.principal.sees_unit(row.unit_id):
        raise NotFound(f"no AI system {system_id}")
    before = _detail(session, row)
    if changes.get("stage") not in (None, before.stage.value):
        raise InvalidInput.on("stage", "changes only through a lifecycle move (governance)")
    merged = {**spec_document(before.to_spec()), **changes, "stage": None}
    spec = check_system(merged)
    resolved = resolve(spec, load_lookups(session, [spec]), ctx.principal, row.id)
    _name_taken(session, spec.name, row.id)
    for key, value in resolved.columns.items():
        setattr(row, key, value)
    write_links(session, {row.id: (spec, resolved.vendor_ids)}, replace=True)
    session.flush()
    after = _detail(session, row)
    record_change(
        session,
        ctx,
        "system.update",
        "ai_system",
        row.id,
        before=audit_document(before),
        after=audit_document(after),
    )
    return after


# --- look-ups for other slices --------------------------------------------------------------


def _pairs(session: Session, key: Any, value: Any, wanted: Collection[Any]) -> dict[Any, Any]:
    """``{key: value}`` of the rows whose ``key`` is wanted, in IN lists of bounded size."""
    found: dict[Any, Any] = {}
    for part in chunks(list(set(wanted))):
        found.update((k, v) for k, v in session.execute(select(key, value).where(key.in_(part))))
    return found


def system_ids_by_name(session: Session, names: Collection[str]) -> dict[str, uuid.UUID]:
    """Ids of the named systems that exist (unknown names are left out)."""
    return _pairs(session, SystemRow.name, SystemRow.id, names)


def system_for_service(session: Session, service_name: str) -> uuid.UUID | None:
    """The system that claimed a telemetry ``service.name``, if any."""
    return session.execute(
        select(TelemetryServiceRow.system_id).where(
            TelemetryServiceRow.service_name == service_name
        )
    ).scalar()


def systems_for_services(session: Session, service_names: Collection[str]) -> dict[str, uuid.UUID]:
    """The systems that claimed these telemetry ``service.name``s (unclaimed names are absent)."""
    key, value = TelemetryServiceRow.service_name, TelemetryServiceRow.system_id
    return _pairs(session, key, value, service_names)


def service_claims(session: Session) -> dict[str, uuid.UUID]:
    """Every claimed telemetry ``service.name`` and its system (telemetry compares them with
    where it filed each service's history, to move it when a claim changes)."""
    key, value = TelemetryServiceRow.service_name, TelemetryServiceRow.system_id
    return {row.service_name: row.system_id for row in session.execute(select(key, value))}


def visible_systems(session: Session, principal: Principal) -> list[SystemRef]:
    """Every system in the principal's units (all for org-wide actors), by name: the
    portfolio other slices scope their figures to."""
    query = (
        select(SystemRow, BusinessUnitRow.name)
        .join(BusinessUnitRow, BusinessUnitRow.id == SystemRow.unit_id)
        .order_by(SystemRow.name)
    )
    if principal.unit_ids is not None:
        query = query.where(SystemRow.unit_id.in_(principal.unit_ids))
    return [_ref(row, unit) for row, unit in session.execute(query)]


def systems_by_reference(session: Session, refs: Collection[str]) -> dict[str, uuid.UUID]:
    """Resolve ``aitower.system`` resource values: a system's id or its exact name."""
    if not refs:
        return {}
    ids: dict[str, uuid.UUID] = {}
    for ref in refs:
        try:
            ids[ref] = uuid.UUID(ref)
        except ValueError:
            continue
    known = set(
        session.execute(select(SystemRow.id).where(SystemRow.id.in_(list(ids.values())))).scalars()
    )
    found = {ref: system_id for ref, system_id in ids.items() if system_id in known}
    found.update(system_ids_by_name(session, [ref for ref in refs if ref not in ids]))
    return found


def system_names(session: Session, system_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of the given systems (unknown ids are left out)."""
    return _pairs(session, SystemRow.id, SystemRow.name, system_ids)


def system_units(session: Session, system_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """The business unit of each given system (unknown ids are left out): what an ingest key
    limited to some units may write into."""
    return _pairs(session, SystemRow.id, SystemRow.unit_id, system_ids)


def visible_details(
    session: Session, principal: Principal, *, leave_out: Collection[Stage] = ()
) -> list[SystemDetail]:
    """Whole records of every system the principal sees, by name, without the stages left
    out: for slices that compare the portfolio's systems with each other (discovery's
    duplicates), loaded in bulk (``details.load_details``), not one system at a time."""
    query = select(SystemRow).order_by(SystemRow.name)
    if principal.unit_ids is not None:
        query = query.where(SystemRow.unit_id.in_(principal.unit_ids))
    if leave_out:
        query = query.where(SystemRow.stage.not_in([s.value for s in leave_out]))
    rows = list(session.execute(query).scalars())
    details = load_details(session, rows)
    return [details[row.id] for row in rows]
