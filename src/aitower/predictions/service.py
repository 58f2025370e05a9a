"""Use cases: register monitored models, log predictions and labels, list what is logged.

Registering a model (explicitly, or implicitly on its first log) is a change of the portfolio
and is audited. Predictions and labels are data, like spans: they are not audit events, but
each request or file is one transaction, stored whole or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aitower.core.access.principal import Principal
from aitower.core.audit.service import ChangeContext, record_change
from aitower.core.errors import Conflict, InvalidInput, NotFound
from aitower.inventory.service import (
    SystemRef,
    get_system_ref,
    systems_by_reference,
    visible_systems,
)
from aitower.predictions import store
from aitower.predictions.intake import (
    ModelShape,
    RawLabels,
    RawPredictions,
    build_labels,
    build_predictions,
    check_classes,
    shape_for,
)
from aitower.predictions.tables import LabelRow, MonitoredModelRow, PredictionBatchRow
from aitower.predictions.window import FeatureKind, MonitoredModel, Task


@dataclass(frozen=True, slots=True)
class ModelKey:
    """How a caller names a model: its system (id or exact name), name and version."""

    system: str
    name: str
    version: str


def resolve_system(session: Session, principal: Principal, ref: str) -> SystemRef:
    found = systems_by_reference(session, [ref]).get(ref)
    if found is None:
        raise NotFound(f"no AI system {ref!r} (give its id or exact name)")
    return get_system_ref(session, principal, found)


def _row(session: Session, system_id: uuid.UUID, key: ModelKey) -> MonitoredModelRow | None:
    return session.execute(
        select(MonitoredModelRow).where(
            MonitoredModelRow.system_id == system_id,
            MonitoredModelRow.name == key.name,
            MonitoredModelRow.version == key.version,
        )
    ).scalar_one_or_none()


def _document(model: MonitoredModel) -> dict[str, Any]:
    return {
        "system_id": model.system_id,
        "name": model.name,
        "version": model.version,
        "task": model.task,
        "classes": list(model.classes),
        "features": dict(model.features),
        "sensitive": list(model.sensitive),
    }


def _check_key(key: ModelKey) -> None:
    for name, value, limit in (("model", key.name, 200), ("version", key.version, 100)):
        if not value.strip() or len(value) > limit:
            raise InvalidInput.on(name, f"must be 1 to {limit} characters")


def _create(
    session: Session, ctx: ChangeContext, system_id: uuid.UUID, key: ModelKey, shape: ModelShape
) -> MonitoredModel:
    _check_key(key)
    row = MonitoredModelRow(
        system_id=system_id,
        name=key.name,
        version=key.version,
        task=shape.task.value,
        classes=list(shape.classes),
        features={name: kind.value for name, kind in shape.features.items()},
        sensitive=list(shape.sensitive),
    )
    try:
        with session.begin_nested():  # a concurrent first log of the same model may win
            session.add(row)
    except IntegrityError:
        raise Conflict.on(
            "version", f"{key.name} {key.version} was just registered by another request; retry"
        ) from None
    model = store.to_model(row)
    record_change(
        session, ctx, "prediction_model.register", "monitored_model", row.id, after=_document(model)
    )
    return model


def register_model(
    session: Session,
    ctx: ChangeContext,
    key: ModelKey,
    task: Task,
    classes: Sequence[str] = (),
    features: dict[str, FeatureKind] | None = None,
    sensitive: Sequence[str] = (),
) -> MonitoredModel:
    """Register a model version before (or instead of) its first log fixing its shape."""
    system = resolve_system(session, ctx.principal, key.system)
    if _row(session, system.id, key) is not None:
        raise Conflict.on("version", f"{key.name} {key.version} is registered for {system.name}")
    if task is not Task.regression:
        check_classes(task, classes)
    shape = ModelShape(
        task,
        tuple(classes) if task is not Task.regression else (),
        features or {},
        tuple(sensitive),
    )
    return _create(session, ctx, system.id, key, shape)


@dataclass(frozen=True, slots=True)
class LogResult:
    model: MonitoredModel
    registered: bool  # the model was registered by this log
    stored: store.StoredPredictions


def log_predictions(
    session: Session,
    ctx: ChangeContext,
    key: ModelKey,
    raw: RawPredictions,
    *,
    task: Task | None = None,
    classes: Sequence[str] | None = None,
    on_progress: store.Progress | None = None,
) -> LogResult:
    """Check every row, then store them all (or, on any problem, nothing)."""
    if not len(raw):
        raise InvalidInput.on("rows", "send at least one prediction")
    system = resolve_system(session, ctx.principal, key.system)
    row = _row(session, system.id, key)
    existing = None if row is None else store.to_model(row)
    shape = shape_for(existing, raw, task, classes)
    problems = raw.problems
    columns = build_predictions(shape, raw, problems)
    problems.raise_if_any("rows", len(raw))
    if row is None:
        model = _create(session, ctx, system.id, key, shape)
    elif existing is not None and not existing.features and shape.features:
        before = _document(existing)
        row.features = {name: kind.value for name, kind in shape.features.items()}
        row.sensitive = list(shape.sensitive)
        session.flush()
        model = store.to_model(row)
        record_change(
            session,
            ctx,
            "prediction_model.shape",
            "monitored_model",
            row.id,
            before=before,
            after=_document(model),
        )
    else:
        assert existing is not None
        model = existing
    stored = store.append_predictions(session, model, columns, on_progress)
    return LogResult(model, row is None, stored)


def log_labels(
    session: Session, ctx: ChangeContext, key: ModelKey, raw: RawLabels
) -> store.StoredLabels:
    """Store labels by prediction id; unknown ids are kept (and counted) for a later join."""
    if not len(raw):
        raise InvalidInput.on("rows", "send at least one label")
    system = resolve_system(session, ctx.principal, key.system)
    row = _row(session, system.id, key)
    if row is None:
        raise NotFound(
            f"no model {key.name} {key.version} for {system.name}; log predictions first"
        )
    model = store.to_model(row)
    problems = raw.problems
    labels = build_labels(model, raw, problems)
    problems.raise_if_any("labels", len(raw))
    return store.append_labels(session, model, labels)


@dataclass(frozen=True, slots=True)
class ModelSummary:
    model: MonitoredModel
    system_name: str
    created_at: datetime
    predictions: int
    labelled: int
    last_prediction_at: datetime | None

    @property
    def label_coverage(self) -> float | None:
        return self.labelled / self.predictions if self.predictions else None


def _from_ns(ns: int | None) -> datetime | None:
    return None if ns is None else datetime.fromtimestamp(ns / 1e9, UTC)


def _summaries(
    session: Session, rows: Sequence[MonitoredModelRow], names: dict[uuid.UUID, str]
) -> list[ModelSummary]:
    ids = [row.id for row in rows]
    totals = {
        model_id: (count, last)
        for model_id, count, last in session.execute(
            select(
                PredictionBatchRow.model_id,
                func.sum(PredictionBatchRow.rows),
                func.max(PredictionBatchRow.max_ts),
            )
            .where(PredictionBatchRow.model_id.in_(ids))
            .group_by(PredictionBatchRow.model_id)
        )
    }
    labelled = dict(
        session.execute(
            select(LabelRow.model_id, func.count())
            .where(LabelRow.model_id.in_(ids), LabelRow.prediction_ts.is_not(None))
            .group_by(LabelRow.model_id)
        ).all()
    )
    return [
        ModelSummary(
            store.to_model(row),
            names.get(row.system_id, ""),
            row.created_at,
            int(totals.get(row.id, (0, None))[0] or 0),
            int(labelled.get(row.id, 0)),
            _from_ns(totals.get(row.id, (0, None))[1]),
        )
        for row in rows
    ]


def list_models(
    session: Session, principal: Principal, system: str | None = None
) -> list[ModelSummary]:
    """Monitored models of the systems the principal sees, by system, name and version."""
    systems = {ref.id: ref.name for ref in visible_systems(session, principal)}
    if system is not None:
        wanted = resolve_system(session, principal, system)
        systems = {wanted.id: wanted.name}
    query = select(MonitoredModelRow).where(MonitoredModelRow.system_id.in_(list(systems)))
    rows = list(session.execute(query).scalars())
    rows.sort(key=lambda r: (systems.get(r.system_id, ""), r.name, r.version))
    return _summaries(session, rows, systems)


def get_model(session: Session, principal: Principal, model_id: uuid.UUID) -> ModelSummary:
    row = session.get(MonitoredModelRow, model_id)
    if row is None:
        raise NotFound(f"no monitored model {model_id}")
    try:
        system = get_system_ref(session, principal, row.system_id)
    except NotFound:
        raise NotFound(f"no monitored model {model_id}") from None
    return _summaries(session, [row], {system.id: system.name})[0]
