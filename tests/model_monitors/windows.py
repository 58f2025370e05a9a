"""Hand-made windows of predictions (the shape the prediction store's ``load_window`` returns)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import numpy as np

from aitower.predictions.window import FeatureKind, MonitoredModel, Task, WindowData
from aitower.statistics.drift import Categorical

T0 = datetime(2026, 3, 1, tzinfo=UTC)
MODEL = MonitoredModel(
    id=uuid.UUID(int=1),
    system_id=uuid.UUID(int=2),
    name="fraud",
    version="1",
    task=Task.binary,
    classes=("fraud", "legit"),
    features={"amount": FeatureKind.numeric, "country": FeatureKind.categorical},
    sensitive=("gender", "age_band"),
)


def binary_window(
    n: int,
    *,
    seed: int = 0,
    shift: float = 0.0,
    labelled_share: float = 1.0,
    bias: float = 0.0,
    model: MonitoredModel = MODEL,
    start: datetime = T0,
) -> WindowData:
    """``n`` scored predictions; ``shift`` moves ``amount``, ``bias`` favours gender F."""
    rng = np.random.default_rng(seed)
    amount = rng.normal(100.0 + shift * 20.0, 20.0, n)
    country = Categorical(rng.integers(0, 4, n).astype(np.int64), ("DE", "FR", "IT", "NL"))
    gender = Categorical(rng.integers(0, 2, n).astype(np.int64), ("F", "M"))
    age = Categorical(rng.integers(0, 3, n).astype(np.int64), ("18-30", "31-50", "51+"))
    truth = rng.random(n) < 0.3
    noise = rng.normal(0.0, 0.25, n)
    score = np.clip(np.where(truth, 0.7, 0.3) + noise + bias * (gender.codes == 0), 0.0, 1.0)
    outputs = np.where(score >= 0.5, "fraud", "legit").astype(object)
    labels = np.where(truth, "fraud", "legit").astype(object)
    labelled = rng.random(n) < labelled_share
    labels[~labelled] = None
    seconds = np.sort(rng.integers(0, 3600, n))
    return WindowData(
        model=model,
        start=start,
        end=start + timedelta(hours=1),
        prediction_ids=np.array([f"p{i}" for i in range(n)], dtype=object),
        timestamps=(int(start.timestamp()) + seconds).astype(np.int64) * 1_000_000_000,
        features={"amount": amount, "country": country},
        sensitive={"gender": gender, "age_band": age},
        outputs=outputs,
        scores=score,
        labels=labels,
        labelled=labelled,
        label_delays_s=np.where(labelled, 60.0, np.nan),
    )


def empty_window(model: MonitoredModel = MODEL) -> WindowData:
    return binary_window(0, model=model)
