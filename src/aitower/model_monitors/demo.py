"""The demo's three classic models: 90 days of predictions, late labels, monitors and history.

``add_demo_models`` runs inside the demo's transaction (``core/demo/loader.py``) and only
decides: when none of the demo's ``ml_model`` systems has a monitored model yet, it asks for
the history, stored after that transaction commits (``DemoHistory``):

1. each model is registered and its predictions logged day by day, then its labels in the
   files they would have come in (one per arrival day), through the prediction store's own
   service (``predictions.service``), so they are checked and stored exactly like uploads;
2. a reference is made from days 0 to 30 and a daily monitor with a 7-day window watches
   each model (fairness by gender and age band for the credit model);
3. the monitors are *backfilled*: run as of each of the last 90 daily boundaries
   (``running.run_now(…, trigger="backfill")``), so every history chart has 90 points the
   first time someone opens it. Like any backfill run today, each run sees the labels stored
   by now, which is why older windows have measured performance and recent ones only the
   estimate;
4. the composition root's ``replay`` (``alerts.demo.replay_model_rules``) adds two alert rules
   (fraud drift share above 0.5, credit demographic parity ratio under 0.8) and replays them
   over the same boundaries, so the fraud drift episode left a resolved incident and the
   credit model's age gap an open one;
5. the credit model's fairness monitor is linked as its bias evaluation, so the pending move
   to deployment shows its gate judging the monitor (``link_credit_fairness``).

The history is that of the 90 whole UTC days before today's daily boundary (``demo_day``),
the boundaries the monitors run at, and its labels are those known at that boundary: loaded
at 01:00 or at 23:00 UTC, the demo stores the same predictions, and the oldest backfill run's
window holds the history's first day. (Ending at the loading moment instead, that window
held only the hours of that first day before midnight: none, late in the day, so the oldest
run found no prediction and the charts showed 89 points.)

Loading twice adds nothing: the second run finds the models and asks for nothing.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.orm import Session

from aitower.core.audit.service import ChangeContext
from aitower.core.db.base import utcnow
from aitower.core.db.engine import Database
from aitower.core.demo.organisation import (
    DemoContributor,
    DemoHistory,
    DemoOrganisation,
    Report,
)
from aitower.governance import evidence
from aitower.inventory.service import system_ids_by_name
from aitower.model_monitors import monitors, references
from aitower.model_monitors.evidence import OBJECT_TYPE
from aitower.model_monitors.running import run_now
from aitower.model_monitors.spec import MonitorSpec, Schedule, floor_time
from aitower.model_monitors.store import default_store
from aitower.model_monitors.tables import ModelMonitorRow
from aitower.predictions import service as predictions
from aitower.predictions.demo_data import (
    DAYS,
    NS,
    SECONDS_PER_DAY,
    demo_histories,
    window_of_days,
)
from aitower.predictions.demo_data import (
    DemoHistory as ModelHistory,
)
from aitower.predictions.inputs import Numbers, Raw, Texts
from aitower.predictions.intake import RawLabels, RawPredictions
from aitower.predictions.tables import MonitoredModelRow
from aitower.predictions.window import Task
from aitower.statistics.drift.columns import Categorical

REFERENCE_DAYS = (0, 30)
# Below this volume the stories cannot be told (the credit model's youngest applicants would be
# too few to judge) while the 270 backfill runs cost as much as at full volume: the models are
# logged and watched, but not backfilled (their monitors first run at the next boundary).
# Tests load the whole demo at a tiny scale; they check the stories at 0.2.
MIN_BACKFILL_SCALE = 0.05
WINDOW_HOURS = 7 * 24
DAYS_PER_COMMIT = 15


@dataclass(frozen=True, slots=True)
class ModelPlan:
    """How the demo watches one model: its monitor's name and limits, fairness attributes."""

    monitor: str
    performance_limits: dict[str, float]
    sensitive: tuple[str, ...] = ()


PLANS: dict[str, ModelPlan] = {
    "fraud-xgb": ModelPlan("fraud-xgb daily", {"roc_auc": 0.8}),
    "credit-score-lr": ModelPlan(
        "credit-score-lr daily", {"roc_auc": 0.55}, ("gender", "age_band")
    ),
    "sales-forecast-gbm": ModelPlan("sales-forecast-gbm daily", {"mape": 0.15}),
}
SYSTEMS = ("Fraud detection model", "Credit scoring model", "Sales forecasting model")


def has_models(session: Session, system_ids: list[uuid.UUID]) -> bool:
    query = select(MonitoredModelRow.id).where(MonitoredModelRow.system_id.in_(system_ids))
    return session.execute(query.limit(1)).first() is not None


RuleReplay = Callable[[Database, ChangeContext, float, list[datetime]], object]
"""Adds the demo's alert rules on the models and replays them over the backfill's daily
boundaries (``alerts.demo.replay_model_rules``), so the history has its incidents too."""


def demo_models_contributor(replay: RuleReplay | None = None) -> DemoContributor:
    """The demo contributor of the classic models; ``replay`` (given by the composition root,
    as the alert rules live above this slice) replays the demo's rules over their history."""

    def contribute(session: Session, ctx: ChangeContext, demo: DemoOrganisation) -> None:
        add_demo_models(session, ctx, demo, replay=replay)

    # Named as the contributor it wraps (tests pick the demo's contributors by name).
    contribute.__name__ = add_demo_models.__name__
    return contribute


def add_demo_models(
    session: Session,
    ctx: ChangeContext,
    demo: DemoOrganisation,
    *,
    replay: RuleReplay | None = None,
) -> None:
    """Ask for the models' history unless one of the demo's ml_model systems has a model."""
    found = system_ids_by_name(session, SYSTEMS)
    if len(found) < len(SYSTEMS) or has_models(session, list(found.values())):
        return

    def store(db: Database, scale: float, report: Report) -> str:
        said = store_demo_models(
            db, ctx, scale, report, backfill=scale >= MIN_BACKFILL_SCALE, replay=replay
        )
        for name in PLANS:
            demo.note("model monitoring histories", name)
        with db.writing() as session:
            link_credit_fairness(session, ctx, found["Credit scoring model"])
        return said

    demo.history.append(DemoHistory("90 days of model predictions", store))


def link_credit_fairness(session: Session, ctx: ChangeContext, system_id: uuid.UUID) -> None:
    """The credit model's fairness monitor linked as its bias evaluation: the demo's pending
    deployment then shows a gate judging it (and failing on the age gap), as in the journey
    "Getting a high-risk system to production"."""
    monitor_id = session.execute(
        select(ModelMonitorRow.id).where(
            ModelMonitorRow.system_id == system_id,
            ModelMonitorRow.name == PLANS["credit-score-lr"].monitor,
        )
    ).scalar()
    if monitor_id is not None:
        evidence.attach(
            session,
            ctx,
            system_id,
            kind="bias_evaluation",
            object_type=OBJECT_TYPE,
            object_id=monitor_id,
            note="Daily fairness monitor by gender and age band",
        )


# --- from a generated history to the prediction store's raw columns ---------------------------


def _texts(values: NDArray[np.str_]) -> Texts:
    return Texts(Categorical.from_values(values))


def _outputs(values: NDArray[np.str_] | NDArray[np.float64]) -> Raw:
    if values.dtype.kind == "f":
        return Numbers(values.astype(np.float64))
    return _texts(values.astype(str))


def _raw_predictions(h: ModelHistory, rows: NDArray[np.intp]) -> RawPredictions:
    features: dict[str, Raw] = {k: Numbers(v[rows]) for k, v in h.numeric.items()}
    features.update({k: _texts(v[rows]) for k, v in h.categorical.items()})
    return RawPredictions(
        ids=[h.prediction_ids[i] for i in rows.tolist()],
        timestamps=h.timestamps_ns[rows],
        features=features,
        outputs=_outputs(h.outputs[rows]),
        scores=None if h.scores is None else Numbers(h.scores[rows]),
        sensitive={k: _texts(v[rows]) for k, v in h.sensitive.items()},
    )


def _raw_labels(h: ModelHistory, rows: NDArray[np.intp]) -> RawLabels:
    return RawLabels(
        ids=[h.prediction_ids[i] for i in rows.tolist()],
        labels=_outputs(h.labels[rows]),
        labelled_at=h.labelled_at_ns[rows],
    )


def _by_day(times: NDArray[np.int64], start_ns: int) -> Iterator[NDArray[np.intp]]:
    """Row numbers grouped by UTC day since ``start_ns``, day by day (empty days skipped)."""
    day = (times - start_ns) // (SECONDS_PER_DAY * NS)
    order = np.argsort(day, kind="stable")
    bounds = np.flatnonzero(np.diff(day[order])) + 1
    for rows in np.split(order, bounds):
        if rows.size:
            yield rows.astype(np.intp)


def _in_transactions(
    db: Database,
    parts: list[NDArray[np.intp]],
    store: Callable[[Session, NDArray[np.intp]], object],
) -> None:
    """``store`` each part (a day's file), ``DAYS_PER_COMMIT`` of them per transaction: the
    demo's history goes in faster, each file still checked and stored as an upload."""
    for first in range(0, len(parts), DAYS_PER_COMMIT):
        with db.writing() as session:
            for rows in parts[first : first + DAYS_PER_COMMIT]:
                store(session, rows)


def _log(db: Database, ctx: ChangeContext, h: ModelHistory) -> uuid.UUID:
    """Register the model, log its predictions a day at a time, then its labels by arrival."""
    key = predictions.ModelKey(h.system_name, h.model_name, h.version)
    plan = PLANS[h.model_name]
    with db.writing() as session:
        model = predictions.register_model(
            session, ctx, key, Task(h.task), h.classes, sensitive=plan.sensitive
        )
    start = int(h.timestamps_ns.min())
    days = list(_by_day(h.timestamps_ns, start))
    _in_transactions(
        db,
        days,
        lambda s, rows: predictions.log_predictions(s, ctx, key, _raw_predictions(h, rows)),
    )
    known = np.flatnonzero(h.labelled_at_ns >= 0)
    arrivals = [known[part] for part in _by_day(h.labelled_at_ns[known], start)]
    _in_transactions(
        db, arrivals, lambda s, rows: predictions.log_labels(s, ctx, key, _raw_labels(h, rows))
    )
    return model.id


def _watch(
    db: Database, ctx: ChangeContext, model_id: uuid.UUID, name: str, day: datetime, now: datetime
) -> uuid.UUID:
    """A reference of the history's first 30 days (it ends at ``day``) and a daily monitor on
    it, first due at the boundary after ``now``; the monitor's id."""
    plan = PLANS[name]
    store = default_store()
    first, last = window_of_days(day, *REFERENCE_DAYS)
    with db.writing() as session:
        ref = references.create_from_window(
            session,
            ctx,
            store,
            model_id,
            f"Days {REFERENCE_DAYS[0]}-{REFERENCE_DAYS[1]}",
            first,
            last,
        )
        spec = MonitorSpec(
            name=plan.monitor,
            schedule=Schedule.daily,
            window_hours=WINDOW_HOURS,
            performance_limits=plan.performance_limits,
            sensitive=plan.sensitive,
        )
        view = monitors.create_monitor(session, ctx, store, model_id, ref.id, spec, now=now)
    return view.id


def demo_day(moment: datetime) -> datetime:
    """Where the demo's model history ends: the last daily boundary at or before ``moment``."""
    return floor_time(moment, Schedule.daily)


def backfill_boundaries(now: datetime, days: int = DAYS) -> list[datetime]:
    """The last ``days`` daily boundaries up to ``now``, oldest first."""
    last = floor_time(now, Schedule.daily)
    return [last - timedelta(days=k) for k in range(days - 1, -1, -1)]


def store_demo_models(
    db: Database,
    ctx: ChangeContext,
    scale: float,
    report: Report,
    *,
    backfill: bool = True,
    now: datetime | None = None,
    replay: RuleReplay | None = None,
) -> str:
    """Log, watch and (``backfill``) backfill the three models, then let ``replay`` add the
    demo's alert rules and replay them over the same boundaries; says what it did."""
    began = time.perf_counter()
    moment = now or utcnow()
    day = demo_day(moment)
    histories = demo_histories(day, scale=scale)
    boundaries = backfill_boundaries(day) if backfill else []
    total = len(histories) + len(boundaries)
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        report(done, total)

    report(0, total)
    monitor_ids = []
    for h in histories:
        model_id = _log(db, ctx, h)
        monitor_ids.append(_watch(db, ctx, model_id, h.model_name, day, moment))
        advance()
    store = default_store()
    for boundary in boundaries:
        for monitor_id in monitor_ids:
            run_now(db, monitor_id, boundary, store, trigger="backfill")
        advance()
    if replay is not None:
        replay(db, ctx, scale, boundaries)
    rows = sum(len(h) for h in histories)
    labels = sum(int((h.labelled_at_ns >= 0).sum()) for h in histories)
    seconds = time.perf_counter() - began
    return (
        f"Stored 90 days of model predictions: {rows:,} predictions and {labels:,} labels of "
        f"{len(histories)} models, {len(boundaries) * len(monitor_ids)} monitor results "
        f"({seconds:.1f} s)."
    )
