"""How fast the prediction store gives monitors their windows, on SQLite and PostgreSQL.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/prediction_store.py [--stores sqlite,postgres]

1. One model, 1,000,000 predictions × 20 features (15 numeric, 5 categorical with 10 levels),
   a binary output, a score and one sensitive attribute, logged in batches of 100,000 through
   the store (``append_predictions``), then every prediction labelled (``append_labels``).
   Then ``load_window`` over the whole month (median of ``--runs``), with the labels joined.
2. 100 models × 100,000 predictions (same shape, all labelled): the time to load every
   model's window one after another, what a scheduled run of 100 monitors reads.
3. The payload codec: zlib level 1 against no compression on one 100,000-row batch.

Data is generated with numpy (no Python object per value), so the figures are the store's.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aitower.core.access import service as access
from aitower.core.access.principal import cli_principal
from aitower.core.audit.service import ChangeContext
from aitower.core.db.engine import Database
from aitower.core.db.migrate import upgrade
from aitower.inventory import service as inventory
from aitower.predictions import codec, reading, store
from aitower.predictions.batch import LabelColumns, PredictionColumns
from aitower.predictions.tables import MonitoredModelRow
from aitower.statistics.drift.columns import Categorical

CTX = ChangeContext(cli_principal("bench"))
T0 = datetime(2026, 10, 1, tzinfo=UTC)
SPAN_NS = 30 * 86_400 * 10**9  # predictions spread over 30 days
LEVELS = tuple(f"level-{i}" for i in range(10))
PG_ADMIN = os.environ.get(
    "AITOWER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _batch(
    rng: np.random.Generator, prefix: str, start: int, n: int, total: int
) -> PredictionColumns:
    features: dict[str, np.ndarray | Categorical] = {
        f"num_{i}": rng.normal(size=n) for i in range(15)
    }
    for i in range(5):
        features[f"cat_{i}"] = Categorical(rng.integers(0, 10, n).astype(np.int32), LEVELS)
    order = np.arange(start, start + n, dtype=np.int64)
    return PredictionColumns(
        ids=[f"{prefix}{i}" for i in range(start, start + n)],
        timestamps=store.to_ns(T0) + order * (SPAN_NS // total),
        features=features,
        sensitive={"group": Categorical(rng.integers(0, 3, n).astype(np.int32), ("a", "b", "c"))},
        outputs=Categorical(rng.integers(0, 2, n).astype(np.int32), ("yes", "no")),
        scores=rng.random(n),
    )


def _model(db: Database, system_id: uuid.UUID, name: str) -> uuid.UUID:
    features = {f"num_{i}": "numeric" for i in range(15)} | {
        f"cat_{i}": "categorical" for i in range(5)
    }
    with db.writing() as session:
        row = MonitoredModelRow(
            system_id=system_id,
            name=name,
            version="1",
            task="binary_classification",
            classes=["yes", "no"],
            features=features,
            sensitive=["group"],
        )
        session.add(row)
        session.flush()
        return row.id


def _fill(
    db: Database, model_id: uuid.UUID, rows: int, batch: int, prefix: str
) -> tuple[float, float]:
    """Log ``rows`` predictions then label them all; seconds for each."""
    rng = np.random.default_rng(7)
    with db.reading() as session:
        model = store.get_model(session, model_id)
    started = time.perf_counter()
    for start in range(0, rows, batch):
        columns = _batch(rng, prefix, start, min(batch, rows - start), rows)
        with db.writing() as session:
            store.append_predictions(session, model, columns)
    logged = time.perf_counter() - started
    started = time.perf_counter()
    for start in range(0, rows, batch):
        n = min(batch, rows - start)
        labels = LabelColumns(
            ids=[f"{prefix}{i}" for i in range(start, start + n)],
            values=rng.integers(0, 2, n).astype(np.float64),
            names=["yes"] * n,
            labelled_at=np.full(n, store.to_ns(T0 + timedelta(days=40)), dtype=np.int64),
        )
        with db.writing() as session:
            store.append_labels(session, model, labels)
    return logged, time.perf_counter() - started


def _load(db: Database, model_id: uuid.UUID) -> tuple[float, int, int]:
    started = time.perf_counter()
    with db.reading() as session:
        window = reading.load_window(session, model_id, T0, T0 + timedelta(days=31))
    return time.perf_counter() - started, len(window), window.labelled_count


def _system(db: Database) -> uuid.UUID:
    with db.writing() as session:
        unit = access.create_unit(session, CTX, "Bench")
        made = inventory.create_system(
            session, CTX, {"name": "bench-models", "kind": "ml_model", "unit": str(unit.id)}
        )
    return made.id


def run_store(db: Database, args: argparse.Namespace) -> None:
    system_id = _system(db)
    big = _model(db, system_id, "one-million")
    logged, labelled = _fill(db, big, args.rows, args.batch, "p")
    print(
        f"  logged {args.rows:,} rows in {logged:.1f} s ({args.rows / logged:,.0f} rows/s); "
        f"labelled them all in {labelled:.1f} s"
    )
    loads = []
    for _ in range(args.runs):
        seconds, count, with_labels = _load(db, big)
        loads.append(seconds)
    print(
        f"  load_window {count:,} x 20 with {with_labels:,} labels: "
        f"median {statistics.median(loads):.3f} s "
        f"(min {min(loads):.3f}, max {max(loads):.3f}, {args.runs} runs, {count:,} rows)"
    )
    models = [_model(db, system_id, f"model-{m}") for m in range(args.models)]
    started = time.perf_counter()
    for m, model_id in enumerate(models):
        _fill(db, model_id, args.model_rows, args.batch, f"m{m}-")
    print(
        f"  logged and labelled {args.models} x {args.model_rows:,} rows in "
        f"{time.perf_counter() - started:.0f} s"
    )
    totals = []
    for _ in range(max(1, args.runs // 2)):
        started = time.perf_counter()
        rows = sum(_load(db, model_id)[1] for model_id in models)
        totals.append(time.perf_counter() - started)
    print(
        f"  load {args.models} windows of {args.model_rows:,} ({rows:,} rows): "
        f"median {statistics.median(totals):.2f} s total"
    )


def codec_figures() -> None:
    rng = np.random.default_rng(1)
    columns = _batch(rng, "z", 0, 100_000, 100_000)
    payload = codec.encode(100_000, store._payload_columns(columns))
    started = time.perf_counter()
    packed = zlib.compress(payload, 1)
    pack = time.perf_counter() - started
    started = time.perf_counter()
    zlib.decompress(packed)
    unpack = time.perf_counter() - started
    started = time.perf_counter()
    codec.decode(payload)
    decode = time.perf_counter() - started
    print(
        f"codec: 100,000-row payload {len(payload) / 1e6:.1f} MB, "
        f"zlib-1 {len(packed) / 1e6:.1f} MB "
        f"({len(packed) / len(payload):.0%}); compress {pack * 1000:.0f} ms, inflate "
        f"{unpack * 1000:.0f} ms, decode {decode * 1000:.1f} ms"
    )


def _postgres() -> tuple[str, str]:
    name = f"aitower_bench_{os.getpid()}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False), name


def _drop(name: str) -> None:
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--model-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stores", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d}")
    codec_figures()
    for kind in args.stores.split(","):
        print(kind)
        if kind == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
                upgrade(db.engine)
                run_store(db, args)
                db.dispose()
            continue
        url, name = _postgres()
        try:
            db = Database(url)
            upgrade(db.engine)
            run_store(db, args)
            db.dispose()
        finally:
            _drop(name)


if __name__ == "__main__":
    main()
