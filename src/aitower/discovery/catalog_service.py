"""The catalog as the organisation keeps it: shipped entries plus its own, and the sanction
decisions per service and unit. Each change is audited in the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.discovery.catalog import CatalogEntry, builtin_catalog, patterns_of
from aitower.discovery.sanction import SanctionStatus, resolve_sanction
from aitower.discovery.tables import DiscoverySanctionRow, DiscoveryServiceRow

Decisions = dict[str, dict[uuid.UUID | None, SanctionStatus]]


@dataclass(frozen=True, slots=True)
class ServiceView:
    entry: CatalogEntry
    builtin: bool
    sanction: SanctionStatus  # organisation-wide: its decision, else the default
    unit_sanctions: dict[uuid.UUID, SanctionStatus]


def _entry_of(row: DiscoveryServiceRow) -> CatalogEntry:
    return CatalogEntry.model_validate(
        {
            "id": row.service_id, "name": row.name, "vendor": row.vendor,
            "category": row.category, "hosts": row.hosts, "paths": row.paths,
            "model_from_path": row.model_from_path, "data_use": row.data_use,
            "trains_on_customer_data": row.trains_on_customer_data,
            "default_sanction": row.default_sanction, "source": row.source,
        }
    )  # fmt: skip


def organisation_entries(session: Session) -> list[CatalogEntry]:
    rows = session.execute(select(DiscoveryServiceRow).order_by(DiscoveryServiceRow.service_id))
    return [_entry_of(r) for r in rows.scalars()]


def all_entries(session: Session) -> dict[str, CatalogEntry]:
    """Every catalogued service by id: shipped first, the organisation's after."""
    found = builtin_catalog().by_id()
    found.update((e.id, e) for e in organisation_entries(session))
    return found


def entry(session: Session, service_id: str) -> CatalogEntry | None:
    return all_entries(session).get(service_id)


def all_patterns(session: Session) -> list[tuple[str, str, str]]:
    """``catalog_patterns()`` with the organisation's entries: what a log scan matches with."""
    return patterns_of(list(all_entries(session).values()))


def decisions(session: Session, service_ids: list[str] | None = None) -> Decisions:
    """Sanction decisions per service: {unit id or None (organisation): status}."""
    query = select(DiscoverySanctionRow.service_id, DiscoverySanctionRow.unit_id,
                   DiscoverySanctionRow.status)  # fmt: skip
    if service_ids is not None:
        query = query.where(DiscoverySanctionRow.service_id.in_(service_ids))
    found: Decisions = defaultdict(dict)
    for service_id, unit_id, status in session.execute(query):
        found[service_id][unit_id] = SanctionStatus(status)
    return found


def effective_sanction(
    session: Session, service_id: str, unit_id: uuid.UUID | None
) -> SanctionStatus | None:
    """The status that applies to ``unit_id`` (None: organisation-wide); None for a service
    the catalog does not hold and nobody decided on (an unregistered telemetry source)."""
    known = entry(session, service_id)
    made = decisions(session, [service_id]).get(service_id, {})
    if known is None and not made:
        return None
    default = known.default_sanction if known else SanctionStatus.under_review
    return resolve_sanction(default, made, unit_id)


def list_services(session: Session) -> list[ServiceView]:
    made = decisions(session)
    builtin_ids = {e.id for e in builtin_catalog().services}
    views = []
    for found in all_entries(session).values():
        own = made.get(found.id, {})
        views.append(
            ServiceView(
                found, found.id in builtin_ids, own.get(None, found.default_sanction),
                {u: s for u, s in own.items() if u is not None},
            )
        )  # fmt: skip
    return sorted(views, key=lambda v: (v.entry.category.value, v.entry.name.lower()))


def _org_wide(ctx: ChangeContext, field: str) -> None:
    if ctx.principal.unit_ids is not None:
        raise InvalidInput.on(
            field, "applies to the whole organisation: an organisation-wide role decides it"
        )


def add_service(session: Session, ctx: ChangeContext, values: dict[str, Any]) -> CatalogEntry:
    """Add the organisation's own entry (checked like a shipped one); ids are never reused."""
    _org_wide(ctx, "id")
    try:
        made = CatalogEntry.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "catalog entry"
        raise InvalidInput.on(field, first["msg"]) from None
    if entry(session, made.id) is not None:
        raise Conflict.on("id", f"the catalog already has a service {made.id!r}")
    row = DiscoveryServiceRow(
        id=uuid.uuid4(), service_id=made.id, name=made.name, vendor=made.vendor,
        category=made.category.value, hosts=list(made.hosts), paths=list(made.paths),
        model_from_path=made.model_from_path, data_use=made.data_use,
        trains_on_customer_data=made.trains_on_customer_data,
        default_sanction=made.default_sanction.value, source=made.source,
        created_by=ctx.principal.actor,
    )  # fmt: skip
    session.add(row)
    session.flush()
    record_change(session, ctx, "discovery_service.create", "discovery_service", made.id,
                  after=made.model_dump(mode="json"))  # fmt: skip
    return made


def unit_name(session: Session, unit_id: uuid.UUID | None) -> str:
    if unit_id is None:
        return ""
    return (
        session.execute(select(BusinessUnitRow.name).where(BusinessUnitRow.id == unit_id)).scalar()
        or ""
    )


def set_sanction(
    session: Session,
    ctx: ChangeContext,
    service_id: str,
    status: SanctionStatus,
    unit_id: uuid.UUID | None = None,
    reason: str = "",
    *,
    require_catalogued: bool = True,
) -> SanctionStatus:
    """Decide ``service_id``'s status for a unit (None: the organisation); returns it.

    A unit-limited principal decides for its own units only. ``blocked`` is a block: the
    policy decision needs its reason.
    """
    if require_catalogued and entry(session, service_id) is None:
        raise NotFound(f"no AI service {service_id!r} in the catalog")
    if unit_id is None:
        _org_wide(ctx, "unit")
    elif not ctx.principal.sees_unit(unit_id) or session.get(BusinessUnitRow, unit_id) is None:
        raise InvalidInput.on("unit", f"no business unit {unit_id} of yours")
    reason = reason.strip()
    if status is SanctionStatus.blocked and not reason:
        raise InvalidInput.on("reason", "a block is a policy decision: say why")
    unit_key = "" if unit_id is None else str(unit_id)
    row = session.execute(
        select(DiscoverySanctionRow)
        .where(
            DiscoverySanctionRow.service_id == service_id, DiscoverySanctionRow.unit_key == unit_key
        )
        .with_for_update()
    ).scalar()
    before = None if row is None else {"status": row.status, "reason": row.reason}
    if row is None:
        row = DiscoverySanctionRow(id=uuid.uuid4(), service_id=service_id, unit_key=unit_key,
                                   unit_id=unit_id, status=status.value, reason=reason[:2000],
                                   decided_by=ctx.principal.actor)  # fmt: skip
        session.add(row)
    else:
        row.status, row.reason, row.decided_by = status.value, reason[:2000], ctx.principal.actor
    session.flush()
    after = {"service_id": service_id, "unit_id": unit_id, "unit": unit_name(session, unit_id),
             "status": status.value, "reason": row.reason}  # fmt: skip
    action = "discovery.block" if status is SanctionStatus.blocked else "discovery.sanction"
    record_change(session, ctx, action, "discovery_sanction", row.id, before=before, after=after)
    return status
