"""A monitored model with logged predictions and labels in the real prediction store."""

from __future__ import annotations

import uuid

import numpy as np

from aitower.core.db.engine import Database
from aitower.predictions import service, store
from aitower.predictions.batch import LabelColumns, PredictionColumns
from aitower.predictions.window import MonitoredModel, WindowData
from aitower.statistics.drift import Categorical
from model_monitors.windows import MODEL
from support import CTX


def make_model(db: Database, system_id: uuid.UUID, name: str = "fraud") -> MonitoredModel:
    """The fraud model of ``windows.MODEL`` registered on ``system_id`` by the prediction store."""
    with db.writing() as session:
        return service.register_model(
            session,
            CTX,
            service.ModelKey(str(system_id), name, MODEL.version),
            MODEL.task,
            MODEL.classes,
            dict(MODEL.features),
            MODEL.sensitive,
        )


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
