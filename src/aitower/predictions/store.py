"""Writing checked prediction batches and labels.

Writes run inside the caller's transaction (all or nothing per request or file) and under the
model row's lock, which numbers batches and keeps two writers of one model from storing the
same prediction id twice. Predictions go to a columnar payload plus a narrow key row each;
labels to their table plus, once joined to their prediction, the columnar label log that
windows read (``predictions.tables`` says why both).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from aitower.core.errors import NotFound
from aitower.predictions import codec, driver
from aitower.predictions.batch import LabelColumns, PredictionColumns
from aitower.predictions.tables import (
    LabelBatchRow,
    LabelRow,
    MonitoredModelRow,
    PredictionBatchRow,
)
from aitower.predictions.window import FeatureKind, MonitoredModel, Task

# Rows per stored payload: ~16 MB at 20 float64 columns, far below either database's limit on
# one value (1 GB), and small enough that a window's first and last batch are cheap to trim.
BATCH_ROWS = 100_000
IN_LIST = 500  # ids per IN list (SQLite's bound-parameter limit is 32,766; PostgreSQL's 65,535)
REPORTED_IDS = 10  # ids named in an answer; the rest are counted
ROW_BITS = 32  # a prediction's position: (batch seq << ROW_BITS) | row in the batch


def to_ns(moment: datetime) -> int:
    """Unix nanoseconds of a datetime (naive is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def to_model(row: MonitoredModelRow) -> MonitoredModel:
    return MonitoredModel(
        id=row.id,
        system_id=row.system_id,
        name=row.name,
        version=row.version,
        task=Task(row.task),
        classes=tuple(row.classes),
        features={name: FeatureKind(kind) for name, kind in row.features.items()},
        sensitive=tuple(row.sensitive),
    )


def get_model(session: Session, model_id: uuid.UUID) -> MonitoredModel:
    row = session.get(MonitoredModelRow, model_id)
    if row is None:
        raise NotFound(f"no monitored model {model_id}")
    return to_model(row)


def _chunks(items: Sequence[str], size: int = IN_LIST) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lock(session: Session, model_id: uuid.UUID) -> None:
    session.execute(
        select(MonitoredModelRow.id).where(MonitoredModelRow.id == model_id).with_for_update()
    )


def _keys(session: Session, model_id: uuid.UUID, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
    """``{prediction id: (timestamp ns, position)}`` of the stored ones among ``ids``."""
    sql = (
        "SELECT prediction_id, ts, position FROM prediction_keys "
        "WHERE model_id = ? AND prediction_id IN {ids}"
    )
    return {pid: (ts, pos) for pid, ts, pos in driver.rows_for_ids(session, sql, model_id, ids)}


def _next_seq(session: Session, column: Any, model_id: uuid.UUID) -> int:
    last = session.execute(select(func.max(column)).where(column.table.c.model_id == model_id))
    return int(last.scalar() or 0) + 1


@dataclass(frozen=True, slots=True)
class StoredPredictions:
    stored: int
    duplicates: int  # ids stored before (a retried request): skipped
    duplicate_ids: list[str]
    labels_joined: int  # labels that had arrived before their prediction


def _payload_columns(batch: PredictionColumns) -> dict[str, codec.StoredColumn]:
    columns: dict[str, codec.StoredColumn] = {"id": batch.ids, "ts": batch.timestamps}
    columns["output"] = batch.outputs
    if batch.scores is not None:
        columns["score"] = batch.scores
    columns.update({f"score:{name}": v for name, v in batch.class_scores.items()})
    columns.update({f"f:{name}": v for name, v in batch.features.items()})
    columns.update({f"s:{name}": v for name, v in batch.sensitive.items()})
    return columns


def _store_batch(session: Session, model_id: uuid.UUID, seq: int, batch: PredictionColumns) -> None:
    session.execute(
        insert(PredictionBatchRow).values(
            model_id=model_id,
            seq=seq,
            received_at=datetime.now(UTC),
            min_ts=int(batch.timestamps.min()),
            max_ts=int(batch.timestamps.max()),
            rows=len(batch),
            payload=codec.encode(len(batch), _payload_columns(batch)),
        )
    )
    key = driver.model_key(session, model_id)
    positions = ((seq << ROW_BITS) + np.arange(len(batch), dtype=np.int64)).tolist()
    driver.insert_rows(
        session,
        "prediction_keys",
        ("model_id", "prediction_id", "ts", "position"),
        list(zip([key] * len(batch), batch.ids, batch.timestamps.tolist(), positions, strict=True)),
    )


Progress = Callable[[int, int], None]  # (rows stored, rows to store)


def append_predictions(
    session: Session,
    model: MonitoredModel,
    batch: PredictionColumns,
    on_progress: Progress | None = None,
) -> StoredPredictions:
    """Store the rows whose ids are new; ids stored before are skipped and reported."""
    _lock(session, model.id)
    known = _keys(session, model.id, batch.ids)
    duplicate_ids = [pid for pid in batch.ids if pid in known]
    if known:
        keep = np.array([i for i, pid in enumerate(batch.ids) if pid not in known], dtype=np.intp)
        batch = batch.take(keep)
    if len(batch):
        seq = _next_seq(session, PredictionBatchRow.seq, model.id)
        for start in range(0, len(batch), BATCH_ROWS):
            rows = np.arange(start, min(start + BATCH_ROWS, len(batch)), dtype=np.intp)
            part = batch if rows.size == len(batch) else batch.take(rows)
            _store_batch(session, model.id, seq, part)
            seq += 1
            if on_progress is not None:
                on_progress(int(rows[-1]) + 1, len(batch))
    joined = _join_waiting_labels(session, model.id, batch) if len(batch) else 0
    return StoredPredictions(len(batch), len(duplicate_ids), duplicate_ids[:REPORTED_IDS], joined)


def _join_waiting_labels(session: Session, model_id: uuid.UUID, batch: PredictionColumns) -> int:
    """Join labels that arrived before these predictions, and add them to the label log."""
    waiting = driver.select_rows(
        session,
        "SELECT prediction_id, value, labelled_at FROM prediction_labels "
        "WHERE model_id = ? AND prediction_ts IS NULL",
        (driver.model_key(session, model_id),),
    )
    if not waiting:
        return 0
    new = {pid: row for row, pid in enumerate(batch.ids)}
    matched = [(pid, value, at) for pid, value, at in waiting if pid in new]
    if not matched:
        return 0
    keys = _keys(session, model_id, [pid for pid, _, _ in matched])
    updates = [
        {"model_id": model_id, "prediction_id": pid, "prediction_ts": ts, "position": pos}
        for pid, (ts, pos) in keys.items()
    ]
    session.execute(update(LabelRow), updates)
    _log_labels(
        session,
        model_id,
        [keys[pid] for pid, _, _ in matched],
        [value for _, value, _ in matched],
        [at for _, _, at in matched],
    )
    return len(matched)


def _log_labels(
    session: Session,
    model_id: uuid.UUID,
    keys: list[tuple[int, int]],
    values: list[float],
    labelled_at: list[int],
) -> None:
    """Append joined labels to the columnar label log (the latest entry per position wins)."""
    if not keys:
        return
    ts = np.array([k[0] for k in keys], dtype=np.int64)
    columns: dict[str, codec.StoredColumn] = {
        "position": np.array([k[1] for k in keys], dtype=np.int64),
        "ts": ts,
        "value": np.array(values, dtype=np.float64),
        "labelled_at": np.array(labelled_at, dtype=np.int64),
    }
    session.execute(
        insert(LabelBatchRow).values(
            model_id=model_id,
            seq=_next_seq(session, LabelBatchRow.seq, model_id),
            received_at=datetime.now(UTC),
            min_ts=int(ts.min()),
            max_ts=int(ts.max()),
            rows=len(keys),
            payload=codec.encode(len(keys), columns),
        )
    )


@dataclass(frozen=True, slots=True)
class StoredLabels:
    stored: int
    replaced: int  # labels sent again for an id: the latest one is kept
    joined: int  # labels whose prediction is stored
    unknown: int  # labels whose prediction is not (yet) stored: kept, joined when it arrives
    unknown_ids: list[str] = field(default_factory=list)


def _existing_labels(session: Session, model_id: uuid.UUID, ids: Sequence[str]) -> set[str]:
    sql = (
        "SELECT prediction_id FROM prediction_labels WHERE model_id = ? AND prediction_id IN {ids}"
    )
    return {pid for (pid,) in driver.rows_for_ids(session, sql, model_id, ids)}


def append_labels(session: Session, model: MonitoredModel, labels: LabelColumns) -> StoredLabels:
    """Store or replace labels by prediction id and join those whose prediction is known."""
    _lock(session, model.id)
    existing = _existing_labels(session, model.id, labels.ids)
    keys = _keys(session, model.id, labels.ids)
    now = datetime.now(UTC)
    key = driver.model_key(session, model.id)
    new: list[tuple[Any, ...]] = []
    again: list[dict[str, Any]] = []
    values, at = labels.values.tolist(), labels.labelled_at.tolist()
    for i, pid in enumerate(labels.ids):
        ts, pos = keys.get(pid, (None, None))
        if pid in existing:
            again.append(
                {"model_id": model.id, "prediction_id": pid, "label": labels.names[i]}
                | {"value": values[i], "labelled_at": at[i], "received_at": now}
                | {"prediction_ts": ts, "position": pos}
            )
        else:
            new.append((key, pid, labels.names[i], values[i], at[i], now, ts, pos))
    columns = ("model_id", "prediction_id", "label", "value", "labelled_at", "received_at")
    driver.insert_rows(session, "prediction_labels", (*columns, "prediction_ts", "position"), new)
    if again:
        session.execute(update(LabelRow), again)
    joined = [i for i, pid in enumerate(labels.ids) if pid in keys]
    _log_labels(
        session,
        model.id,
        [keys[labels.ids[i]] for i in joined],
        [values[i] for i in joined],
        [at[i] for i in joined],
    )
    unknown = [pid for pid in labels.ids if pid not in keys]
    return StoredLabels(len(new), len(again), len(joined), len(unknown), unknown[:REPORTED_IDS])


def positions_to_rows(
    positions: NDArray[np.int64], wanted: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Index of each ``wanted`` position in ``positions``, and whether it is there at all."""
    if not positions.size:
        return np.zeros(wanted.size, np.intp), np.zeros(wanted.size, np.bool_)
    if bool(np.all(positions[1:] > positions[:-1])):  # a window's are: batch order, then row
        index = np.clip(np.searchsorted(positions, wanted), 0, positions.size - 1)
    else:
        order = np.argsort(positions, kind="stable")
        index = order[np.clip(np.searchsorted(positions, wanted, sorter=order), 0, order.size - 1)]
    return index.astype(np.intp), positions[index] == wanted
