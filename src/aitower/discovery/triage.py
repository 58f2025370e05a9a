"""Triage of a finding: register it as a system, sanction it, block it, dismiss it, assign it.

Each step changes the finding and records its audit event in the caller's transaction; the
sanction and the block also record the decision for the service and the finding's unit
(``catalog_service.set_sanction``), so later scans judge the service by it. An unregistered
telemetry source gets its stored finding on its first triage step.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.tables import UserRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.discovery import catalog_service
from aitower.discovery.catalog import Category
from aitower.discovery.findings import (
    Context,
    FindingKind,
    FindingStatus,
    FindingView,
    get_finding,
    reasons_document,
    unregistered_source,
    view_of,
)
from aitower.discovery.sanction import SanctionStatus
from aitower.discovery.tables import DiscoveryFindingRow
from aitower.inventory import service as inventory
from aitower.inventory.tables import VendorRow

# Which decisions each status still allows: a new finding any; a sanctioned service may
# still be blocked and a blocked one sanctioned again; registered and dismissed ones are done.
ALLOWED = {
    FindingStatus.new: {FindingStatus.registered, FindingStatus.sanctioned,
                        FindingStatus.blocked, FindingStatus.dismissed},
    FindingStatus.sanctioned: {FindingStatus.blocked, FindingStatus.registered},
    FindingStatus.blocked: {FindingStatus.sanctioned},
    FindingStatus.registered: set(),
    FindingStatus.dismissed: set(),
}  # fmt: skip
SYSTEM_KINDS = {
    Category.model_api: "llm_app",
    Category.coding_assistant: "copilot",
}


def _document(row: DiscoveryFindingRow) -> dict[str, Any]:
    return {
        "kind": row.kind, "service_id": row.service_id, "unit_id": row.unit_id,
        "user": row.user_name, "status": row.status, "owner": row.owner,
        "due_date": row.due_date, "reason": row.reason, "system_id": row.system_id,
        "risk_score": row.risk_score,
    }  # fmt: skip


def _row(session: Session, ctx: ChangeContext, finding_id: uuid.UUID) -> DiscoveryFindingRow:
    """The stored finding, locked; an unregistered telemetry source is stored now."""
    get_finding(session, ctx.principal, finding_id)  # NotFound when missing or not visible
    row = session.get(DiscoveryFindingRow, finding_id, with_for_update=True)
    if row is not None:
        return row
    source = unregistered_source(session, finding_id)
    if source is None:
        raise NotFound(f"no discovery finding {finding_id}")
    score = Context(session).score(source.service_name, None, 0, unregistered=True)
    row = DiscoveryFindingRow(
        id=finding_id, kind=FindingKind.telemetry.value, service_id=source.service_name,
        unit_id=None, user_name="", department="", model=", ".join(source.models)[:200],
        requests=source.llm_calls or source.spans, bytes_sent=0, first_seen=source.first_seen,
        last_seen=source.last_seen, risk_score=score.score, risk_reasons=reasons_document(score),
        status=FindingStatus.new.value, owner="", due_date=None, reason="",
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def _move(row: DiscoveryFindingRow, to: FindingStatus) -> None:
    now = FindingStatus(row.status)
    if to not in ALLOWED[now]:
        raise Conflict.on("status", f"a finding that is {now.value} cannot become {to.value}")
    row.status = to.value


def _finish(session: Session, ctx: ChangeContext, row: DiscoveryFindingRow, action: str,
            before: dict[str, Any]) -> FindingView:  # fmt: skip
    view = view_of(Context(session), row)
    row.risk_score, row.risk_reasons = view.risk_score, view.risk_reasons
    session.flush()
    record_change(session, ctx, f"discovery_finding.{action}", "discovery_finding", row.id,
                  before=before, after=_document(row))  # fmt: skip
    return view


def _reason(reason: str, required: bool) -> str:
    reason = reason.strip()
    if required and not reason:
        raise InvalidInput.on("reason", "required: say why")
    if len(reason) > 2000:
        raise InvalidInput.on("reason", "2000 characters at most")
    return reason


def dismiss(
    session: Session, ctx: ChangeContext, finding_id: uuid.UUID, reason: str
) -> FindingView:
    text = _reason(reason, required=True)
    row = _row(session, ctx, finding_id)
    before = _document(row)
    _move(row, FindingStatus.dismissed)
    row.reason = text
    return _finish(session, ctx, row, "dismiss", before)


def _decide(session: Session, ctx: ChangeContext, finding_id: uuid.UUID, status: SanctionStatus,
            reason: str) -> FindingView:  # fmt: skip
    text = _reason(reason, required=status is SanctionStatus.blocked)
    row = _row(session, ctx, finding_id)
    telemetry = row.kind == FindingKind.telemetry.value
    if telemetry and status is SanctionStatus.sanctioned:
        raise InvalidInput.on(
            "action", "an unregistered telemetry source is registered, not sanctioned"
        )
    before = _document(row)
    to = FindingStatus.blocked if status is SanctionStatus.blocked else FindingStatus.sanctioned
    _move(row, to)
    row.reason = text
    catalog_service.set_sanction(session, ctx, row.service_id, status, row.unit_id, text,
                                 require_catalogued=not telemetry)  # fmt: skip
    return _finish(
        session, ctx, row, to.value if to is FindingStatus.blocked else "sanction", before
    )


def sanction(
    session: Session, ctx: ChangeContext, finding_id: uuid.UUID, reason: str = ""
) -> FindingView:
    """Sanction the service for the finding's unit (the organisation when it has none)."""
    return _decide(session, ctx, finding_id, SanctionStatus.sanctioned, reason)


def block(session: Session, ctx: ChangeContext, finding_id: uuid.UUID, reason: str) -> FindingView:
    """Block the service for the finding's unit: a policy decision, with its reason."""
    return _decide(session, ctx, finding_id, SanctionStatus.blocked, reason)


def assign(session: Session, ctx: ChangeContext, finding_id: uuid.UUID, owner: str,
           due_date: date | None) -> FindingView:  # fmt: skip
    owner = owner.strip()
    if (
        owner
        and session.execute(select(UserRow.id).where(UserRow.username == owner)).scalar() is None
    ):
        raise InvalidInput.on("owner", f"no user {owner!r}")
    row = _row(session, ctx, finding_id)
    before = _document(row)
    row.owner, row.due_date = owner, due_date
    return _finish(session, ctx, row, "assign", before)


def registration_values(
    session: Session, row: DiscoveryFindingRow, overrides: dict[str, Any]
) -> dict[str, Any]:
    """The system record a finding prefills: the service's name and vendor (when the vendor is
    registered), the unit, the model when known, the telemetry service name it claims."""
    known = catalog_service.entry(session, row.service_id)
    values: dict[str, Any] = {
        "name": known.name if known else row.service_id,
        "kind": SYSTEM_KINDS.get(known.category, "third_party_tool") if known else "llm_app",
        "unit": str(row.unit_id) if row.unit_id else "",
        "purpose": f"Found in use by discovery ({row.kind})",
    }
    if known is not None:
        vendor = session.execute(
            select(VendorRow.name).where(VendorRow.name.ilike(known.vendor))
        ).scalar()
        if vendor is not None:
            values["vendors"] = [vendor]
    models = [m.strip() for m in row.model.split(",") if m.strip()]
    if models:
        provider = known.vendor if known else "unknown"
        values["models"] = [{"provider": provider, "name": m} for m in models[:20]]
    if row.kind == FindingKind.telemetry.value:
        values["services"] = [row.service_id]  # the system claims the source's telemetry
    values.update({k: v for k, v in overrides.items() if v not in (None, "")})
    return values


def register(session: Session, ctx: ChangeContext, finding_id: uuid.UUID,
             overrides: dict[str, Any] | None = None) -> FindingView:  # fmt: skip
    """Register the finding as an AI system through inventory, prefilled, and link the two."""
    row = _row(session, ctx, finding_id)
    before = _document(row)
    _move(row, FindingStatus.registered)
    made = inventory.create_system(session, ctx, registration_values(session, row, overrides or {}))
    row.system_id = made.id
    return _finish(session, ctx, row, "register", before)


def registration_prefill(session: Session, finding: FindingView) -> dict[str, Any]:
    """What the register form shows before anyone types: ``registration_values`` of the stored
    finding, or of an unregistered telemetry source not stored yet (an unsaved row that only
    carries what the prefill reads)."""
    row = session.get(DiscoveryFindingRow, finding.id)
    if row is None:
        row = DiscoveryFindingRow(kind=finding.kind.value, service_id=finding.service_id,
                                  unit_id=finding.unit_id, model=finding.model)  # fmt: skip
    return registration_values(session, row, {})
