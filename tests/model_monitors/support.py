"""A monitored model with logged predictions and labels in the real prediction store."""

from __future__ import annotations

import uuid
from dataclasses import replace

import numpy as np

from aitower.core.db.engine import Database
from aitower.monitoring.drift import Categorical
from aitower.predictions import store
from aitower.predictions.batch import LabelColumns, PredictionColumns
from aitower.predictions.tables import MonitoredModelRow
from aitower.predictions.window import MonitoredModel, WindowData
from model_monitors.windows import MODEL


def make_model(db: Database, system_id: uuid.UUID, name: str = "fraud") -> MonitoredModel:
    """The fraud model of ``windows.MODEL`` registered on ``system_id`` (its row written as the
    prediction store's registration would)."""
    model = replace(MODEL, id=uuid.uuid4(), system_id=system_id, name=name)
    with db.writing() as session:
        session.add(
            MonitoredModelRow(
                id=model.id,
                system_id=system_id,
                name=model.name,
                version=model.version,
                task=model.task.value,
                classes=list(model.classes),
                features={k: v.value for k, v in model.features.items()},
                sensitive=list(model.sensitive),
            )
        )
    return model


def log_window(db: Database, model: MonitoredModel, window: WindowData, prefix: str = "") -> None:
    """Store the window's predictions, then the labels it has, through the prediction store."""
    ids = [f"{prefix}{pid}" for pid in window.prediction_ids.tolist()]
    classes = model.classes
    codes = np.array([classes.index(o) for o in window.outputs.tolist()], dtype=np.int64)
    batch = PredictionColumns(
        ids=ids,
        timestamps=window.timestamps,
        features=dict(window.features),
        sensitive=dict(window.sensitive),
        outputs=Categorical(codes, classes),
        scores=window.scores,
    )
    rows = np.flatnonzero(window.labelled)
    names = [str(window.labels[i]) for i in rows.tolist()]
    labels = LabelColumns(
        ids=[ids[i] for i in rows.tolist()],
        values=np.array([classes.index(n) for n in names], dtype=np.float64),
        names=list(names),
        labelled_at=window.timestamps[rows] + 60 * 10**9,
    )
    with db.writing() as session:
        store.append_predictions(session, model, batch)
        if len(labels):
            store.append_labels(session, model, labels)
