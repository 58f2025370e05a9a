"""Scheduled model monitors over predictions stored in aitower.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/model_monitors.py [--part fleet|large|both]
        [--models 100] [--rows 100000] [--large-rows 1000000] [--store sqlite|postgres]

* ``fleet`` (issue 5: "100 models checked in one scheduled run, 100,000 rows each, under a
  minute"): ``--models`` binary models on 10 systems, each with ``--rows`` logged predictions
  in the monitored day (10 numeric and 2 categorical features, a score, half of them labelled,
  one sensitive attribute) and a 20,000-row reference window the day before, profiled once.
  One daily monitor per model (drift, measured and CBPE-estimated performance, fairness).
  Timed: one ``run_due_monitors`` pass over all of them (load each window from the store,
  check it against the stored profile, store the result), with the rows it read per second.
* ``large``: one model with a stored 1,000,000-row × 20-column current window (15 numeric,
  5 categorical with 10 levels; 3 of them drifted: two numeric, one categorical) and a stored
  profile of a 1,000,000-row reference. Timed: one scheduled run end to end, and its parts
  (claim, load the window from the store, evaluate, store the result), median of ``--repeat``.

Data is stored through the prediction store (``predictions.store.append_predictions`` and
``append_labels``), as an upload would store it; setup time is reported but not the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_servers import fresh_postgres

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory import service as inventory
from aitower.model_monitors import monitors, references
from aitower.model_monitors.evaluate import evaluate
from aitower.model_monitors.references import load_baseline
from aitower.model_monitors.running import claim_monitor, run_claimed, run_due_monitors
from aitower.model_monitors.spec import MonitorSpec, Schedule
from aitower.model_monitors.store import StoredPredictions
from aitower.predictions import service as predictions
from aitower.predictions import store
from aitower.predictions.batch import LabelColumns, PredictionColumns
from aitower.predictions.window import FeatureKind, MonitoredModel, Task
from aitower.statistics.drift import Categorical
from telemetry_ingest import _machine

CTX = ChangeContext(cli_principal("bench"))
DAY0 = datetime(2026, 11, 1, tzinfo=UTC)
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
CLASSES = ("positive", "negative")
console = Console()


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


@dataclass(frozen=True)
class Shape:
    numeric: int
    categorical: int
    levels: int = 10
    drifted_numeric: int = 0
    drifted_categorical: int = 0


def _features(shape: Shape) -> dict[str, FeatureKind]:
    names = {f"n{i:02d}": FeatureKind.numeric for i in range(shape.numeric)}
    names.update({f"c{i:02d}": FeatureKind.categorical for i in range(shape.categorical)})
    return names


def _columns(
    rng: np.random.Generator, n: int, shape: Shape, drift: bool, start: datetime, prefix: str
) -> tuple[PredictionColumns, LabelColumns]:
    """``n`` predictions spread over one day from ``start``; half of them labelled."""
    features: dict[str, np.ndarray | Categorical] = {}
    for i in range(shape.numeric):
        shift = 0.5 if drift and i < shape.drifted_numeric else 0.0
        features[f"n{i:02d}"] = rng.normal(shift, 1.0, n)
    levels = tuple(f"level{j}" for j in range(shape.levels))
    for i in range(shape.categorical):
        p = np.full(shape.levels, 1.0 / shape.levels)
        if drift and i < shape.drifted_categorical:
            p = np.linspace(2.0, 0.2, shape.levels)
            p /= p.sum()
        features[f"c{i:02d}"] = Categorical(rng.choice(shape.levels, n, p=p), levels)
    truth = rng.random(n) < 0.3
    score = np.clip(np.where(truth, 0.7, 0.3) + rng.normal(0, 0.2, n), 0.0, 1.0)
    outputs = Categorical((score < 0.5).astype(np.int64), CLASSES)
    ts = (int(start.timestamp()) * 10**9 + np.sort(rng.integers(0, 86_400 * 10**9, n))).astype(
        np.int64
    )
    ids = [f"{prefix}{i}" for i in range(n)]
    sensitive = {"group": Categorical(rng.integers(0, 3, n).astype(np.int64), ("a", "b", "c"))}
    batch = PredictionColumns(ids, ts, features, sensitive, outputs, score)
    rows = np.flatnonzero(rng.random(n) < 0.5)
    labels = LabelColumns(
        ids=[ids[i] for i in rows.tolist()],
        values=(~truth[rows]).astype(np.float64),
        names=[CLASSES[0] if t else CLASSES[1] for t in truth[rows].tolist()],
        labelled_at=ts[rows] + 3600 * 10**9,
    )
    return batch, labels


def _register(db: Database, system: uuid.UUID, name: str, shape: Shape) -> MonitoredModel:
    with db.writing() as session:
        return predictions.register_model(
            session,
            CTX,
            predictions.ModelKey(str(system), name, "1"),
            Task.binary,
            CLASSES,
            _features(shape),
            ("group",),
        )


def _log(
    db: Database, model: MonitoredModel, batch: PredictionColumns, labels: LabelColumns
) -> None:
    with db.writing() as session:
        store.append_predictions(session, model, batch)
        store.append_labels(session, model, labels)


def _systems(db: Database, count: int) -> list[uuid.UUID]:
    with db.writing() as session:
        unit = access.create_unit(session, CTX, "Risk")
        return [
            inventory.create_system(
                session,
                CTX,
                {"name": f"scoring-{i}", "kind": "ml_model", "unit": str(unit.id)},
            ).id
            for i in range(count)
        ]


def _monitored(
    db: Database, model: MonitoredModel, reference_day: datetime, spec: MonitorSpec
) -> uuid.UUID:
    s = StoredPredictions()
    with db.writing() as session:
        ref = references.create_from_window(
            session, CTX, s, model.id, "reference", reference_day, reference_day + timedelta(days=1)
        )
        return monitors.create_monitor(
            session, CTX, s, model.id, ref.id, spec, now=reference_day
        ).id


def fleet(db: Database, models: int, rows: int) -> dict[str, float]:
    shape = Shape(numeric=10, categorical=2)
    spec = MonitorSpec("daily", Schedule.daily, 24, sensitive=("group",))
    systems = _systems(db, 10)
    rng = np.random.default_rng(7)
    began = time.perf_counter()
    with _bar() as bar:
        task = bar.add_task(f"storing {models} models × {rows:,} rows", total=models)
        for m in range(models):
            model = _register(db, systems[m % len(systems)], f"model-{m}", shape)
            _log(db, model, *_columns(rng, 20_000, shape, False, DAY0, "r"))
            _log(db, model, *_columns(rng, rows, shape, m % 3 == 0, DAY0 + timedelta(days=1), "c"))
            _monitored(db, model, DAY0, spec)
            bar.advance(task)
    setup = time.perf_counter() - began
    now = DAY0 + timedelta(days=2, minutes=1)
    with _bar() as bar:
        task = bar.add_task("one scheduled pass", total=models)
        began = time.perf_counter()
        cpu = time.process_time()
        done = run_due_monitors(db, now, "bench", progress=lambda _s: bar.advance(task))
        seconds, cpu_s = time.perf_counter() - began, time.process_time() - cpu
    read = sum(s.rows for s in done)
    assert len(done) == models and all(s.status in ("ok", "alert") for s in done), done[:3]
    return {
        "setup_s": setup,
        "pass_s": seconds,
        "pass_cpu_s": cpu_s,
        "rows": float(read),
        "rows_per_s": read / seconds,
        "per_model_ms": 1000 * seconds / models,
    }


def large(db: Database, rows: int, repeat: int) -> dict[str, float]:
    shape = Shape(numeric=15, categorical=5, drifted_numeric=2, drifted_categorical=1)
    spec = MonitorSpec("daily", Schedule.daily, 24, sensitive=("group",))
    (system,) = _systems(db, 1)
    rng = np.random.default_rng(11)
    began = time.perf_counter()
    model = _register(db, system, "large", shape)
    with _bar() as bar:
        task = bar.add_task(f"storing 2 × {rows:,} rows", total=2)
        _log(db, model, *_columns(rng, rows, shape, False, DAY0, "r"))
        bar.advance(task)
        _log(db, model, *_columns(rng, rows, shape, True, DAY0 + timedelta(days=1), "c"))
        bar.advance(task)
    store_s = time.perf_counter() - began
    began = time.perf_counter()
    monitor_id = _monitored(db, model, DAY0, spec)
    profile_s = time.perf_counter() - began
    totals, loads, evals, cpu_runs = [], [], [], []
    s = StoredPredictions()
    with _bar() as bar:
        task = bar.add_task("scheduled runs", total=repeat)
        for i in range(repeat):
            # The same scheduled run each time: day 1's window, made due again.
            now = DAY0 + timedelta(days=2, minutes=1 + i)
            _due_again(db, monitor_id, now)
            began, cpu = time.perf_counter(), time.process_time()
            assert claim_monitor(db, monitor_id, "bench", now)
            summary = run_claimed(db, monitor_id, "bench", now, s)
            totals.append(time.perf_counter() - began)
            cpu_runs.append(time.process_time() - cpu)
            assert summary.rows == rows and summary.status in ("ok", "alert"), summary
            # The same run's parts, timed apart (the window moves on each day: re-read day 1).
            with db.reading() as session:
                began = time.perf_counter()
                window = s.window(
                    session, model.id, DAY0 + timedelta(days=1), DAY0 + timedelta(days=2)
                )
                loads.append(time.perf_counter() - began)
                baseline = load_baseline(session, _reference_of(session, monitor_id))
            began = time.perf_counter()
            outcome = evaluate(baseline, window, spec)
            evals.append(time.perf_counter() - began)
            drifted = sorted(k for k, v in outcome.feature_scores.items() if v["drifted"])
            bar.advance(task)
    return {
        "store_s": store_s,
        "profile_s": profile_s,
        "run_s": statistics.median(totals),
        "run_cpu_s": statistics.median(cpu_runs),
        "load_s": statistics.median(loads),
        "evaluate_s": statistics.median(evals),
        "drifted": float(len(drifted)),
        "drifted_names": " ".join(drifted),  # type: ignore[dict-item]
    }


def _due_again(db: Database, monitor_id: uuid.UUID, now: datetime) -> None:
    from aitower.model_monitors.tables import ModelMonitorRow

    with db.writing() as session:
        row = session.get(ModelMonitorRow, monitor_id)
        assert row is not None
        row.next_run_at = now


def _reference_of(session: object, monitor_id: uuid.UUID) -> uuid.UUID:
    from aitower.model_monitors.tables import ModelMonitorRow

    row = session.get(ModelMonitorRow, monitor_id)  # type: ignore[attr-defined]
    return row.reference_id  # type: ignore[no-any-return]


def _database(kind: str, home: Path) -> tuple[Database, object]:
    if kind == "sqlite":
        db = Database(f"sqlite:///{home / 'bench.db'}")
        upgrade(db.engine)
        return db, lambda: None
    url, drop = fresh_postgres(POSTGRES, f"bench_monitors_{os.getpid()}")
    db = Database(url)
    upgrade(db.engine)
    return db, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("fleet", "large", "both"), default="both")
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--large-rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    console.print(f"{_machine()}; store: {args.store}; load average at start {load:.1f}")
    table = Table(title="Model monitors")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for part in ("fleet", "large"):
        if args.part not in (part, "both"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            db, drop = _database(args.store, Path(tmp))
            try:
                if part == "fleet":
                    figures = fleet(db, args.models, args.rows)
                    label = f"fleet ({args.models} models × {args.rows:,} rows)"
                else:
                    figures = large(db, args.large_rows, args.repeat)
                    label = f"large ({args.large_rows:,} rows × 20 columns)"
            finally:
                db.dispose()
                drop()  # type: ignore[operator]
        for name, value in figures.items():
            shown = value if isinstance(value, str) else f"{value:,.3f}"
            table.add_row(f"{label}: {name}", shown)
    console.print(table)
    console.print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
