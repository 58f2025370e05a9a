"""Use cases of the inventory: register, change, list and read AI systems; stage and tier setters.

Stage and risk tier are not edited directly: governance moves a system through its lifecycle
(``set_stage``) and the EU AI Act assessment sets its tier (``set_risk_tier``); each caller
records the audit event that explains the change, in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.errors import NotFound
from aitower.inventory.lifecycle import Stage
from aitower.inventory.tables import SystemRow
from aitower.inventory.vocabulary import RiskTier


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
