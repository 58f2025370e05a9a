"""Use cases of a system's value model: read it, declare (or replace) it, withdraw it.

Who may: reading follows the system's visibility (a system outside one's units is NotFound);
declaring needs ``value.declare`` (checked by the routes) and, for a unit-scoped principal such
as the business stakeholder, a system of her units (others: NotFound, never disclosed). Every
change is audited (``value_model.declared`` with before and after, ``value_model.withdrawn``)
in the transaction that makes it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory.service import SystemRef, get_system_ref
from aitower.portfolio.tables import ValueModelRow
from aitower.portfolio.value_domain import check_model

MAX_ASSUMPTIONS = 4000


@dataclass(frozen=True, slots=True)
class ValueModelFields:
    """What a business owner declares (``value_domain.check_model`` checks it)."""

    use_driver: str = "requests"
    hours_saved_per_use: float | None = 0.0
    loaded_hourly_rate: float | None = 0.0
    declared_uses_per_month: float | None = None
    eligible_users: int | None = None
    declared_adoption_percent: float | None = None
    revenue_per_month: float | None = 0.0
    cost_avoided_per_month: float | None = 0.0
    one_off_investment: float | None = 0.0
    value_since: date | None = None
    assumptions: str = ""


@dataclass(frozen=True, slots=True)
class ValueModelView:
    system_id: uuid.UUID
    system_name: str
    use_driver: str
    hours_saved_per_use: float
    loaded_hourly_rate: float
    declared_uses_per_month: float | None
    eligible_users: int | None
    declared_adoption_percent: float | None
    revenue_per_month: float
    cost_avoided_per_month: float
    one_off_investment: float
    value_since: date | None
    assumptions: str
    declared_by: str
    updated_at: datetime | None


def _view(row: ValueModelRow, system: SystemRef) -> ValueModelView:
    return ValueModelView(
        system.id,
        system.name,
        row.use_driver,
        row.hours_saved_per_use,
        row.loaded_hourly_rate,
        row.declared_uses_per_month,
        row.eligible_users,
        row.declared_adoption_percent,
        row.revenue_per_month,
        row.cost_avoided_per_month,
        row.one_off_investment,
        row.value_since,
        row.assumptions,
        row.declared_by,
        row.updated_at,
    )


def _document(row: ValueModelRow) -> dict[str, Any]:
    return {
        "use_driver": row.use_driver,
        "hours_saved_per_use": row.hours_saved_per_use,
        "loaded_hourly_rate": row.loaded_hourly_rate,
        "declared_uses_per_month": row.declared_uses_per_month,
        "eligible_users": row.eligible_users,
        "declared_adoption_percent": row.declared_adoption_percent,
        "revenue_per_month": row.revenue_per_month,
        "cost_avoided_per_month": row.cost_avoided_per_month,
        "one_off_investment": row.one_off_investment,
        "value_since": row.value_since,
        "assumptions": row.assumptions,
        "declared_by": row.declared_by,
    }


def get_value_model(
    session: Session, principal: Principal, system_id: uuid.UUID
) -> ValueModelView | None:
    """The system's declared model, None when none was declared (NotFound: no such system in
    the principal's units)."""
    system = get_system_ref(session, principal, system_id)
    row = session.get(ValueModelRow, system_id)
    return None if row is None else _view(row, system)


def declare_value_model(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, fields: ValueModelFields
) -> ValueModelView:
    """Declare or replace the system's value model (audited ``value_model.declared``)."""
    system = get_system_ref(session, ctx.principal, system_id)
    model = check_model(
        use_driver=fields.use_driver,
        hours_saved_per_use=fields.hours_saved_per_use,
        loaded_hourly_rate=fields.loaded_hourly_rate,
        declared_uses_per_month=fields.declared_uses_per_month,
        eligible_users=fields.eligible_users,
        declared_adoption_percent=fields.declared_adoption_percent,
        revenue_per_month=fields.revenue_per_month,
        cost_avoided_per_month=fields.cost_avoided_per_month,
        one_off_investment=fields.one_off_investment,
    )
    assumptions = fields.assumptions.strip()
    if len(assumptions) > MAX_ASSUMPTIONS:
        raise InvalidInput.on("assumptions", f"must be at most {MAX_ASSUMPTIONS} characters")
    row = session.get(ValueModelRow, system_id, with_for_update=True)
    before = None if row is None else _document(row)
    if row is None:
        row = ValueModelRow(system_id=system_id)
        session.add(row)
    row.use_driver = model.use_driver
    row.hours_saved_per_use = model.hours_saved_per_use
    row.loaded_hourly_rate = model.loaded_hourly_rate
    row.declared_uses_per_month = model.declared_uses_per_month
    row.eligible_users = model.eligible_users
    row.declared_adoption_percent = model.declared_adoption_percent
    row.revenue_per_month = model.revenue_per_month
    row.cost_avoided_per_month = model.cost_avoided_per_month
    row.one_off_investment = model.one_off_investment
    row.value_since = fields.value_since
    row.assumptions = assumptions
    row.declared_by = ctx.principal.actor
    session.flush()
    record_change(
        session,
        ctx,
        "value_model.declared",
        "ai_system",
        system_id,
        before=before,
        after=_document(row),
    )
    return _view(row, system)


def withdraw_value_model(session: Session, ctx: ChangeContext, system_id: uuid.UUID) -> None:
    """Remove the system's value model (audited ``value_model.withdrawn``); NotFound when none
    was declared."""
    get_system_ref(session, ctx.principal, system_id)
    row = session.get(ValueModelRow, system_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no value model for system {system_id}")
    before = _document(row)
    session.delete(row)
    session.flush()
    record_change(
        session, ctx, "value_model.withdrawn", "ai_system", system_id, before=before, after=None
    )
