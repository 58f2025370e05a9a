"""Helpers for prediction-store tests: a system, and JSON rows of a small binary model."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from aitower.core.db.engine import Database
from aitower.predictions import service
from aitower.predictions.json_rows import raw_labels, raw_predictions
from aitower.predictions.service import ModelKey
from support import CTX, seed_units
from support_inventory import make_system

T0 = datetime(2026, 10, 1, tzinfo=UTC)


def new_system(db: Database, name: str = "fraud-detector") -> uuid.UUID:
    units = seed_units(db)
    return make_system(db, units.unit_id, name, kind="ml_model")


def rows(n: int, *, start: int = 0, seconds: int = 60, **extra: Any) -> list[dict[str, Any]]:
    return [
        {
            "prediction_id": f"p{i}",
            "timestamp": (T0 + timedelta(seconds=seconds * i)).isoformat(),
            "features": {"amount": float(i), "country": "FR" if i % 2 else "DE"},
            "output": "fraud" if i % 3 == 0 else "ok",
            "score": (i % 10) / 10,
            **extra,
        }
        for i in range(start, start + n)
    ]


def log(db: Database, key: ModelKey, batch: list[dict[str, Any]], **kw: Any) -> service.LogResult:
    with db.writing() as session:
        return service.log_predictions(session, CTX, key, raw_predictions(batch), **kw)


def label(db: Database, key: ModelKey, batch: list[dict[str, Any]]) -> Any:
    with db.writing() as session:
        return service.log_labels(session, CTX, key, raw_labels(batch))
