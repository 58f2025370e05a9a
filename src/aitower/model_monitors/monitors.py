"""Use cases of monitors: create, change, read and list; every change audited.

A monitor watches one model against one of that model's references. It is first due at the
next boundary of its schedule (``spec.next_run``); "run now" (``running.run_now``) does not
move that. Changing the schedule re-plans the next run.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.db.base import utcnow
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory import system_scope as scope
from aitower.inventory.tables import SystemRow
from aitower.model_monitors import references
from aitower.model_monitors.spec import (
    MonitorSpec,
    Schedule,
    check_spec,
    next_run,
    rule_from_dict,
    rule_to_dict,
)
from aitower.model_monitors.store import PredictionStore
from aitower.model_monitors.tables import ModelMonitorRow

EDITABLE = frozenset(
    {
        "name",
        "schedule",
        "window_hours",
        "drift_share",
        "drift_rules",
        "performance_limits",
        "sensitive",
        "min_group_size",
        "fairness_floor",
        "estimate",
        "reference_id",
        "enabled",
    }
)


@dataclass(frozen=True, slots=True)
class MonitorView:
    id: uuid.UUID
    model_id: uuid.UUID
    system_id: uuid.UUID
    system_name: str
    reference_id: uuid.UUID
    spec: MonitorSpec
    enabled: bool
    next_run_at: datetime
    last_run_at: datetime | None
    last_status: str | None
    created_at: datetime
    updated_at: datetime


def spec_of(row: ModelMonitorRow) -> MonitorSpec:
    return MonitorSpec(
        name=row.name,
        schedule=Schedule(row.schedule),
        window_hours=row.window_hours,
        drift_share=row.drift_share,
        drift_rules={k: rule_from_dict(k, v) for k, v in (row.drift_rules or {}).items()},
        performance_limits=dict(row.performance_limits or {}),
        sensitive=tuple((row.sensitive or {}).get("attributes") or ()),
        min_group_size=row.min_group_size,
        fairness_floor=row.fairness_floor,
        estimate=row.estimate,
    )


def _apply(row: ModelMonitorRow, spec: MonitorSpec) -> None:
    row.name, row.schedule, row.window_hours = spec.name, spec.schedule.value, spec.window_hours
    row.drift_share = spec.drift_share
    row.drift_rules = {k: rule_to_dict(v) for k, v in spec.drift_rules.items()}
    row.performance_limits = dict(spec.performance_limits)
    row.sensitive = {"attributes": list(spec.sensitive)}
    row.min_group_size, row.fairness_floor = spec.min_group_size, spec.fairness_floor
    row.estimate = spec.estimate


def _query() -> Any:
    return select(ModelMonitorRow, SystemRow.name, SystemRow.unit_id).join(
        SystemRow, SystemRow.id == ModelMonitorRow.system_id
    )


def _view(row: ModelMonitorRow, system_name: str, _unit: uuid.UUID | None = None) -> MonitorView:
    return MonitorView(
        id=row.id,
        model_id=row.model_id,
        system_id=row.system_id,
        system_name=system_name,
        reference_id=row.reference_id,
        spec=spec_of(row),
        enabled=row.enabled,
        next_run_at=row.next_run_at,
        last_run_at=row.last_run_at,
        last_status=row.last_status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _audit(view: MonitorView) -> dict[str, Any]:
    spec = asdict(view.spec)
    spec["drift_rules"] = {k: rule_to_dict(v) for k, v in view.spec.drift_rules.items()}
    spec["sensitive"] = list(view.spec.sensitive)
    return {
        **spec,
        "model_id": str(view.model_id),
        "reference_id": str(view.reference_id),
        "enabled": view.enabled,
    }


def get_monitor(session: Session, principal: Principal, monitor_id: uuid.UUID) -> MonitorView:
    found = session.execute(_query().where(ModelMonitorRow.id == monitor_id)).first()
    if found is None or not principal.sees_unit(found[2]):
        raise NotFound(f"no monitor {monitor_id}")
    return _view(*found)


def list_monitors(
    session: Session,
    principal: Principal,
    *,
    model_id: uuid.UUID | None = None,
    system_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MonitorView], int]:
    """Monitors the principal sees, by system then name."""
    query = scope.scoped(_query(), principal, ModelMonitorRow.system_id)
    if model_id is not None:
        query = query.where(ModelMonitorRow.model_id == model_id)
    if system_id is not None:
        query = query.where(ModelMonitorRow.system_id == system_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = (SystemRow.name, ModelMonitorRow.name, ModelMonitorRow.id)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).all()
    return [_view(*r) for r in rows], int(total)


def _reference_for(
    session: Session, principal: Principal, reference_id: uuid.UUID, model_id: uuid.UUID
) -> references.ReferenceView:
    try:
        ref = references.get_reference(session, principal, reference_id)
    except NotFound:
        raise InvalidInput.on("reference_id", f"no reference {reference_id}") from None
    if ref.model_id != model_id:
        raise InvalidInput.on("reference_id", "is a reference of another model")
    return ref


def create_monitor(
    session: Session,
    ctx: ChangeContext,
    store: PredictionStore,
    model_id: uuid.UUID,
    reference_id: uuid.UUID,
    spec: MonitorSpec,
    *,
    enabled: bool = True,
    now: datetime | None = None,
) -> MonitorView:
    model = references.visible_model(session, ctx.principal, store, model_id)
    ref = _reference_for(session, ctx.principal, reference_id, model_id)
    checked = check_spec(spec, ref.features, model.sensitive)
    row = ModelMonitorRow(
        id=uuid.uuid4(),
        model_id=model_id,
        system_id=model.system_id,
        reference_id=reference_id,
        enabled=enabled,
        next_run_at=next_run(now or utcnow(), checked.schedule),
    )
    _apply(row, checked)
    session.add(row)
    session.flush()
    view = get_monitor(session, ctx.principal, row.id)
    record_change(
        session, ctx, "model_monitor.created", "model_monitor", row.id, after=_audit(view)
    )
    return view


def _spec_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    spec_changes = {k: v for k, v in changes.items() if k not in {"reference_id", "enabled"}}
    if "schedule" in spec_changes:
        try:
            spec_changes["schedule"] = Schedule(spec_changes["schedule"])
        except ValueError:
            raise InvalidInput.on("schedule", "one of: hourly, daily") from None
    if "drift_rules" in spec_changes:
        rules = spec_changes["drift_rules"] or {}
        spec_changes["drift_rules"] = {k: rule_from_dict(k, v) for k, v in rules.items()}
    if "sensitive" in spec_changes:
        spec_changes["sensitive"] = tuple(spec_changes["sensitive"] or ())
    return spec_changes


def update_monitor(
    session: Session,
    ctx: ChangeContext,
    store: PredictionStore,
    monitor_id: uuid.UUID,
    changes: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> MonitorView:
    """A partial change (PATCH) of the given fields."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput.on(sorted(unknown)[0], "cannot be changed")
    before = get_monitor(session, ctx.principal, monitor_id)
    model = references.visible_model(session, ctx.principal, store, before.model_id)
    reference_id = changes.get("reference_id") or before.reference_id
    ref = _reference_for(session, ctx.principal, uuid.UUID(str(reference_id)), before.model_id)
    checked = check_spec(
        replace(before.spec, **_spec_changes(changes)), ref.features, model.sensitive
    )
    row = session.get(ModelMonitorRow, monitor_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no monitor {monitor_id}")
    _apply(row, checked)
    row.reference_id = ref.id
    if "enabled" in changes:
        row.enabled = bool(changes["enabled"])
    if checked.schedule is not before.spec.schedule:
        row.next_run_at = next_run(now or utcnow(), checked.schedule)
    session.flush()
    after = get_monitor(session, ctx.principal, monitor_id)
    if _audit(after) != _audit(before):
        record_change(
            session,
            ctx,
            "model_monitor.updated",
            "model_monitor",
            monitor_id,
            before=_audit(before),
            after=_audit(after),
        )
    return after
