"""Use cases of alert rules: create, change, delete, read and list, each with its state.

A rule and its state row are created together; changing what a rule watches puts it back to
ok (its old state judged another question). Every change is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.alerts.alert_domain import AlertState, Comparator, RuleSpec, Severity, check_rule
from aitower.alerts.tables import AlertRuleRow, AlertRuleStateRow
from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory import system_scope as scope
from aitower.inventory.tables import SystemRow

SPEC_FIELDS = frozenset(f.name for f in fields(RuleSpec))
EDITABLE = SPEC_FIELDS | {"description", "enabled"}
# Changing these changes the question the rule asks, so its state starts over.
QUESTION_FIELDS = SPEC_FIELDS - {"name", "severity"}


@dataclass(frozen=True, slots=True)
class RuleView:
    id: uuid.UUID
    spec: RuleSpec
    description: str
    enabled: bool
    system_name: str | None
    unit_id: uuid.UUID | None
    state: AlertState
    since: datetime | None
    last_value: float | None
    last_samples: int
    last_evaluated_at: datetime | None
    created_at: datetime
    updated_at: datetime


def spec_of(row: AlertRuleRow) -> RuleSpec:
    return RuleSpec(
        name=row.name,
        metric=row.metric,
        comparator=Comparator(row.comparator),
        threshold=row.threshold,
        window_minutes=row.window_minutes,
        min_samples=row.min_samples,
        for_minutes=row.for_minutes,
        severity=Severity(row.severity),
        system_id=None if row.system_id is None else str(row.system_id),
        evaluation_name=row.evaluation_name,
    )


def _query() -> Any:
    return (
        select(AlertRuleRow, AlertRuleStateRow, SystemRow.name, SystemRow.unit_id)
        .join(AlertRuleStateRow, AlertRuleStateRow.rule_id == AlertRuleRow.id)
        .outerjoin(SystemRow, SystemRow.id == AlertRuleRow.system_id)
    )


def _view(
    row: AlertRuleRow, st: AlertRuleStateRow, system_name: str | None, unit_id: uuid.UUID | None
) -> RuleView:
    return RuleView(
        id=row.id,
        spec=spec_of(row),
        description=row.description,
        enabled=row.enabled,
        system_name=system_name,
        unit_id=unit_id,
        state=AlertState(st.state),
        since=st.since,
        last_value=st.last_value,
        last_samples=st.last_samples,
        last_evaluated_at=st.last_evaluated_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _audit(view: RuleView) -> dict[str, Any]:
    return {**asdict(view.spec), "description": view.description, "enabled": view.enabled}


def get_rule(session: Session, principal: Principal, rule_id: uuid.UUID) -> RuleView:
    found = session.execute(_query().where(AlertRuleRow.id == rule_id)).first()
    if found is None or not scope.sees(principal, found[3], found[0].system_id is not None):
        raise NotFound(f"no alert rule {rule_id}")
    return _view(*found)


def list_rules(
    session: Session,
    principal: Principal,
    *,
    system_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RuleView], int]:
    """Rules the principal sees, firing first, then by name."""
    query = scope.scoped(_query(), principal, AlertRuleRow.system_id)
    if system_id is not None:
        query = query.where(AlertRuleRow.system_id == system_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = (AlertRuleStateRow.state != AlertState.firing.value, AlertRuleRow.name, AlertRuleRow.id)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return [_view(*r) for r in rows], int(total)


def _system_uuid(spec: RuleSpec) -> uuid.UUID | None:
    if spec.system_id is None:
        return None
    try:
        return uuid.UUID(str(spec.system_id))
    except ValueError:
        raise InvalidInput.on("system_id", "must be an AI system id") from None


def _apply(row: AlertRuleRow, spec: RuleSpec, system_id: uuid.UUID | None) -> None:
    row.name, row.metric, row.system_id = spec.name, spec.metric, system_id
    row.comparator, row.threshold = spec.comparator.value, spec.threshold
    row.window_minutes, row.min_samples = spec.window_minutes, spec.min_samples
    row.for_minutes, row.severity = spec.for_minutes, spec.severity.value
    row.evaluation_name = spec.evaluation_name


def create_rule(
    session: Session,
    ctx: ChangeContext,
    spec: RuleSpec,
    *,
    description: str = "",
    enabled: bool = True,
) -> RuleView:
    checked = check_rule(spec)
    system_id = _system_uuid(checked)
    scope.system_for(session, ctx.principal, system_id, "system_id")
    row = AlertRuleRow(id=uuid.uuid4(), description=description.strip(), enabled=enabled)
    _apply(row, checked, system_id)
    session.add(row)
    session.flush()
    session.add(AlertRuleStateRow(rule_id=row.id, state=AlertState.ok.value))
    session.flush()
    view = get_rule(session, ctx.principal, row.id)
    record_change(session, ctx, "alert_rule.created", "alert_rule", row.id, after=_audit(view))
    return view


def update_rule(
    session: Session, ctx: ChangeContext, rule_id: uuid.UUID, changes: Mapping[str, Any]
) -> RuleView:
    """A partial change (PATCH) of the given fields."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], "cannot be changed")
    before = get_rule(session, ctx.principal, rule_id)
    spec_changes = {k: v for k, v in changes.items() if k in SPEC_FIELDS}
    checked = check_rule(replace(before.spec, **spec_changes))
    system_id = _system_uuid(checked)
    scope.system_for(session, ctx.principal, system_id, "system_id")
    row = session.get(AlertRuleRow, rule_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no alert rule {rule_id}")
    _apply(row, checked, system_id)
    if "description" in changes:
        row.description = str(changes["description"] or "").strip()
    if "enabled" in changes:
        row.enabled = bool(changes["enabled"])
    if any(getattr(before.spec, k) != getattr(checked, k) for k in QUESTION_FIELDS):
        state = session.get(AlertRuleStateRow, rule_id, with_for_update=True)
        if state is not None and state.state != AlertState.firing.value:
            state.state, state.since = AlertState.ok.value, None
    session.flush()
    after = get_rule(session, ctx.principal, rule_id)
    if _audit(after) != _audit(before):
        record_change(
            session,
            ctx,
            "alert_rule.updated",
            "alert_rule",
            rule_id,
            before=_audit(before),
            after=_audit(after),
        )
    return after


def delete_rule(session: Session, ctx: ChangeContext, rule_id: uuid.UUID) -> None:
    before = get_rule(session, ctx.principal, rule_id)
    row = session.get(AlertRuleRow, rule_id)
    if row is not None:
        session.delete(row)
        session.flush()
    record_change(session, ctx, "alert_rule.deleted", "alert_rule", rule_id, before=_audit(before))
