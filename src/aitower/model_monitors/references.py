"""Use cases of references: create one (profiled once, audited), list them, read one.

A reference is created from a window of a model's logged predictions or from uploaded records;
either way its rows are read once, here, into a ``Baseline`` stored as JSON. Checks read only
that document afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import InvalidInput, NotFound
from aitower.inventory import system_scope as scope
from aitower.inventory.service import get_system_ref
from aitower.inventory.tables import SystemRow
from aitower.model_monitors.baseline import Baseline, build_baseline
from aitower.model_monitors.dataset import window_from_records
from aitower.model_monitors.evaluate import json_safe
from aitower.model_monitors.store import PredictionStore
from aitower.model_monitors.tables import ModelReferenceRow
from aitower.predictions.window import MonitoredModel, WindowData


@dataclass(frozen=True, slots=True)
class ReferenceView:
    id: uuid.UUID
    model_id: uuid.UUID
    system_id: uuid.UUID
    name: str
    kind: str
    window_start: datetime | None
    window_end: datetime | None
    rows: int
    labelled_rows: int
    features: tuple[str, ...]
    has_calibration: bool
    performance: dict[str, float | None]
    created_at: datetime
    created_by: str


def _summary(baseline: Baseline) -> dict[str, Any]:
    return {
        "task": baseline.task.value,
        "features": list(baseline.features),
        "has_calibration": baseline.calibration is not None,
        "performance": baseline.performance,
    }


def _view(row: ModelReferenceRow) -> ReferenceView:
    profile = row.summary
    return ReferenceView(
        id=row.id,
        model_id=row.model_id,
        system_id=row.system_id,
        name=row.name,
        kind=row.kind,
        window_start=row.window_start,
        window_end=row.window_end,
        rows=row.rows,
        labelled_rows=row.labelled_rows,
        features=tuple(profile.get("features") or ()),
        has_calibration=bool(profile.get("has_calibration")),
        performance=dict(profile.get("performance") or {}),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def visible_model(
    session: Session, principal: Principal, store: PredictionStore, model_id: uuid.UUID
) -> MonitoredModel:
    """The model if the principal sees its system (else NotFound, never disclosed)."""
    model = store.model(session, model_id)
    get_system_ref(session, principal, model.system_id)
    return model


def _check_name(name: str) -> str:
    trimmed = name.strip()
    if not trimmed or len(trimmed) > 200:
        raise InvalidInput.on("name", "must be 1 to 200 characters")
    return trimmed


def _save(
    session: Session,
    ctx: ChangeContext,
    name: str,
    kind: str,
    window: WindowData,
    bounds: tuple[datetime | None, datetime | None],
) -> ReferenceView:
    baseline = build_baseline(window)
    row = ModelReferenceRow(
        id=uuid.uuid4(),
        model_id=window.model.id,
        system_id=window.model.system_id,
        name=name,
        kind=kind,
        window_start=bounds[0],
        window_end=bounds[1],
        rows=baseline.rows,
        labelled_rows=baseline.labelled,
        summary=json_safe(_summary(baseline)),
        profile=json_safe(baseline.to_dict()),
        created_by=ctx.principal.actor,
    )
    session.add(row)
    session.flush()
    view = _view(row)
    audit = {
        "model_id": str(view.model_id),
        "name": view.name,
        "kind": view.kind,
        "window_start": None if bounds[0] is None else bounds[0].isoformat(),
        "window_end": None if bounds[1] is None else bounds[1].isoformat(),
        "rows": view.rows,
        "labelled_rows": view.labelled_rows,
    }
    record_change(session, ctx, "model_reference.created", "model_reference", row.id, after=audit)
    return view


def create_from_window(
    session: Session,
    ctx: ChangeContext,
    store: PredictionStore,
    model_id: uuid.UUID,
    name: str,
    start: datetime,
    end: datetime,
) -> ReferenceView:
    """A reference of the model's predictions logged in ``[start, end)``."""
    checked = _check_name(name)
    if not start < end:
        raise InvalidInput.on("end", "must be after start")
    visible_model(session, ctx.principal, store, model_id)
    window = store.window(session, model_id, start, end)
    if len(window) == 0:
        raise InvalidInput.on("start", "no predictions were logged in this window")
    return _save(session, ctx, checked, "window", window, (start, end))


def create_from_records(
    session: Session,
    ctx: ChangeContext,
    store: PredictionStore,
    model_id: uuid.UUID,
    name: str,
    records: Sequence[Mapping[str, Any]],
) -> ReferenceView:
    """A reference of uploaded records (see ``dataset``)."""
    checked = _check_name(name)
    model = visible_model(session, ctx.principal, store, model_id)
    return _save(session, ctx, checked, "upload", window_from_records(model, records), (None, None))


def _row(session: Session, principal: Principal, reference_id: uuid.UUID) -> ModelReferenceRow:
    found = session.execute(
        select(ModelReferenceRow, SystemRow.unit_id)
        .options(defer(ModelReferenceRow.profile))
        .join(SystemRow, SystemRow.id == ModelReferenceRow.system_id)
        .where(ModelReferenceRow.id == reference_id)
    ).first()
    if found is None or not principal.sees_unit(found[1]):
        raise NotFound(f"no reference {reference_id}")
    return found[0]


def get_reference(session: Session, principal: Principal, reference_id: uuid.UUID) -> ReferenceView:
    return _view(_row(session, principal, reference_id))


def load_baseline(session: Session, reference_id: uuid.UUID) -> Baseline:
    """The stored baseline (no scope check: callers hold a monitor already scoped)."""
    row = session.get(ModelReferenceRow, reference_id)
    if row is None:
        raise NotFound(f"no reference {reference_id}")
    return Baseline.from_dict(row.profile)


def list_references(
    session: Session,
    principal: Principal,
    *,
    model_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ReferenceView], int]:
    """References the principal sees, newest first."""
    query = (
        select(ModelReferenceRow)
        .options(defer(ModelReferenceRow.profile))
        .join(SystemRow, SystemRow.id == ModelReferenceRow.system_id)
    )
    query = scope.scoped(query, principal, ModelReferenceRow.system_id)
    if model_id is not None:
        query = query.where(ModelReferenceRow.model_id == model_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = (ModelReferenceRow.created_at.desc(), ModelReferenceRow.id)
    rows = session.execute(query.order_by(*order).limit(limit).offset(offset)).scalars()
    return [_view(r) for r in rows], int(total)
