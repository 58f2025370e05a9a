"""Budgets: add, change, remove and list them, each change audited with the budget's before
and after; who may keep which budget.

A budget's scope must be one the principal sees: a system of her units, one of her units. A
vendor's or a model's budget spans every unit, so only organisation-wide principals keep them
(and see them). A refused budget writes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.access.tables import BusinessUnitRow
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory.tables import SystemRow
from aitower.spend.budget_rules import BudgetPeriod, BudgetSpec, ScopeKind
from aitower.spend.tables import BudgetRow


@dataclass(frozen=True, slots=True)
class Budget:
    id: uuid.UUID
    spec: BudgetSpec
    scope_label: str  # the system's or unit's name, the vendor or model
    unit_id: uuid.UUID | None  # the unit whose readers see it (None: organisation-wide only)
    created_by: str


def _spec(row: BudgetRow) -> BudgetSpec:
    return BudgetSpec(
        row.name,
        ScopeKind(row.scope_kind),
        row.scope_value,
        BudgetPeriod(row.period),
        row.amount,
        row.starts_on,
        row.soft_percent,
        row.hard_percent,
        row.owner,
        row.note,
    )


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _place(session: Session, kind: ScopeKind, value: str) -> tuple[str, uuid.UUID | None] | None:
    """The scope's label and unit, or None when it names no system or unit."""
    if kind in (ScopeKind.vendor, ScopeKind.model):
        return value, None
    ident = _uuid(value)
    if ident is None:
        return None
    if kind is ScopeKind.system:
        row = session.get(SystemRow, ident)
        return None if row is None else (row.name, row.unit_id)
    unit = session.get(BusinessUnitRow, ident)
    return None if unit is None else (unit.name, unit.id)


def _budget(session: Session, row: BudgetRow) -> Budget:
    spec = _spec(row)
    place = _place(session, spec.scope_kind, spec.scope_value)
    label, unit = place if place is not None else (f"removed {spec.scope_kind.value}", None)
    return Budget(row.id, spec, label, unit, row.created_by)


def _visible(principal: Principal, budget: Budget) -> bool:
    if principal.unit_ids is None:
        return True
    return budget.unit_id is not None and principal.sees_unit(budget.unit_id)


def list_budgets(session: Session, principal: Principal) -> list[Budget]:
    """The budgets the principal sees, by name."""
    rows = session.execute(select(BudgetRow).order_by(BudgetRow.name, BudgetRow.id)).scalars()
    return [b for b in (_budget(session, r) for r in rows) if _visible(principal, b)]


def get_budget(session: Session, principal: Principal, budget_id: uuid.UUID) -> Budget:
    row = session.get(BudgetRow, budget_id)
    budget = None if row is None else _budget(session, row)
    if budget is None or not _visible(principal, budget):
        raise NotFound(f"no budget {budget_id}")
    return budget


def _check_scope(session: Session, principal: Principal, spec: BudgetSpec) -> BudgetSpec:
    kind = spec.scope_kind
    if kind in (ScopeKind.vendor, ScopeKind.model):
        if principal.unit_ids is not None:
            raise InvalidInput.on(
                "scope_kind", f"a {kind.value} budget spans every unit: keep one for a system"
            )
        return spec
    place = _place(session, kind, spec.scope_value)
    if place is None or not principal.sees_unit(place[1]):
        raise InvalidInput.on("scope_value", f"no {kind.value} {spec.scope_value}")
    return replace(spec, scope_value=str(uuid.UUID(spec.scope_value)))


def create_budget(session: Session, ctx: ChangeContext, spec: BudgetSpec) -> Budget:
    spec = _check_scope(session, ctx.principal, spec)
    row = BudgetRow(**_columns(spec), created_by=ctx.principal.actor)
    session.add(row)
    session.flush()
    record_change(session, ctx, "budget.create", "budget", row.id, after=spec.as_dict())
    return _budget(session, row)


def update_budget(
    session: Session, ctx: ChangeContext, budget_id: uuid.UUID, spec: BudgetSpec
) -> Budget:
    before = get_budget(session, ctx.principal, budget_id)
    spec = _check_scope(session, ctx.principal, spec)
    row = session.get(BudgetRow, budget_id, with_for_update=True)
    assert row is not None  # get_budget found it
    for name, value in _columns(spec).items():
        setattr(row, name, value)
    session.flush()
    record_change(
        session, ctx, "budget.update", "budget", budget_id,
        before=before.spec.as_dict(), after=spec.as_dict(),
    )  # fmt: skip
    return _budget(session, row)


def delete_budget(session: Session, ctx: ChangeContext, budget_id: uuid.UUID) -> None:
    before = get_budget(session, ctx.principal, budget_id)
    row = session.get(BudgetRow, budget_id, with_for_update=True)
    session.delete(row)
    record_change(session, ctx, "budget.delete", "budget", budget_id, before=before.spec.as_dict())


def _columns(spec: BudgetSpec) -> dict[str, object]:
    return {
        "name": spec.name,
        "scope_kind": spec.scope_kind.value,
        "scope_value": spec.scope_value,
        "period": spec.period.value,
        "amount": spec.amount,
        "soft_percent": spec.soft_percent,
        "hard_percent": spec.hard_percent,
        "starts_on": spec.starts_on,
        "owner": spec.owner,
        "note": spec.note,
    }
