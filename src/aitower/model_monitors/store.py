"""Where monitors read predictions: the prediction store, behind a two-method protocol.

Monitors only need a model's description and a window of its predictions; naming that here
keeps this slice independent of how predictions are stored, and lets tests hand in windows.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from aitower.predictions import reading, store
from aitower.predictions.window import MonitoredModel, WindowData


class PredictionStore(Protocol):
    def model(self, session: Session, model_id: uuid.UUID) -> MonitoredModel:
        """The model, or ``NotFound``."""
        ...

    def window(
        self, session: Session, model_id: uuid.UUID, start: datetime, end: datetime
    ) -> WindowData:
        """Its predictions with timestamps in ``[start, end)`` and the labels known so far."""
        ...


class StoredPredictions:
    """The prediction store of ``aitower.predictions``."""

    def model(self, session: Session, model_id: uuid.UUID) -> MonitoredModel:
        return store.get_model(session, model_id)

    def window(
        self, session: Session, model_id: uuid.UUID, start: datetime, end: datetime
    ) -> WindowData:
        return reading.load_window(session, model_id, start, end)


def default_store() -> PredictionStore:
    return StoredPredictions()
