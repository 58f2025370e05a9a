"""Writing checked batches and labels, and reading a window of them back as columns.

Writes run inside the caller's transaction (all or nothing per request or file) and under the
model row's lock, which numbers batches and keeps two writers of one model from storing the
same prediction id twice. Reads select the batches overlapping the window from an index,
decode their payloads (``predictions.codec``) and keep the rows whose timestamp is in
``[start, end)``; labels come from one index range read of the labels table and are placed by
their stored position, so the join costs integer arithmetic, not a string look-up per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from aitower.core.errors import NotFound
from aitower.monitoring.drift.columns import Categorical
from aitower.predictions import codec
from aitower.predictions.batch import LabelColumns, PredictionColumns, merge_categoricals
from aitower.predictions.tables import (
    LabelRow,
    MonitoredModelRow,
    PredictionBatchRow,
    PredictionKeyRow,
)
from aitower.predictions.window import FeatureKind, MonitoredModel, Task, WindowData

# Rows per stored payload: ~16 MB at 20 float64 columns, far below either database's limit on
# one value (1 GB), and small enough that a window's first and last batch are cheap to trim.
BATCH_ROWS = 100_000
IN_LIST = 500  # ids per IN list (SQLite's bound-parameter limit is 32,766; PostgreSQL's 65,535)
REPORTED_IDS = 10  # ids named in an answer; the rest are counted
ROW_BITS = 32


def to_ns(moment: datetime) -> int:
    """Unix nanoseconds of an aware datetime (naive is taken as UTC)."""
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


def _known(session: Session, column: Any, model_id: uuid.UUID, ids: Sequence[str]) -> set[str]:
    table = column.class_
    found: set[str] = set()
    for part in _chunks(ids):
        found.update(
            session.execute(
                select(column).where(table.model_id == model_id, column.in_(part))
            ).scalars()
        )
    return found


@dataclass(frozen=True, slots=True)
class StoredPredictions:
    stored: int
    duplicates: int
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
            min_ts=int(batch.timestamps.min()),
            max_ts=int(batch.timestamps.max()),
            rows=len(batch),
            payload=codec.encode(len(batch), _payload_columns(batch)),
        )
    )
    base = seq << ROW_BITS
    session.execute(
        insert(PredictionKeyRow),
        [
            {"model_id": model_id, "prediction_id": pid, "ts": ts, "position": base + row}
            for row, (pid, ts) in enumerate(zip(batch.ids, batch.timestamps.tolist(), strict=True))
        ],
    )


def append_predictions(
    session: Session, model: MonitoredModel, batch: PredictionColumns
) -> StoredPredictions:
    """Store the rows whose ids are new; ids stored before are skipped and reported."""
    session.execute(
        select(MonitoredModelRow.id).where(MonitoredModelRow.id == model.id).with_for_update()
    )
    known = _known(session, PredictionKeyRow.prediction_id, model.id, batch.ids)
    duplicate_ids = [pid for pid in batch.ids if pid in known]
    if known:
        keep = np.array([i for i, pid in enumerate(batch.ids) if pid not in known], dtype=np.intp)
        batch = batch.take(keep)
    if len(batch):
        last = session.execute(
            select(func.max(PredictionBatchRow.seq)).where(PredictionBatchRow.model_id == model.id)
        ).scalar()
        seq = (last or 0) + 1
        for start in range(0, len(batch), BATCH_ROWS):
            rows = np.arange(start, min(start + BATCH_ROWS, len(batch)), dtype=np.intp)
            part = batch if rows.size == len(batch) else batch.take(rows)
            _store_batch(session, model.id, seq, part)
            seq += 1
    joined = _resolve_waiting_labels(session, model.id, batch) if len(batch) else 0
    return StoredPredictions(len(batch), len(duplicate_ids), duplicate_ids[:REPORTED_IDS], joined)


def _resolve_waiting_labels(session: Session, model_id: uuid.UUID, batch: PredictionColumns) -> int:
    """Point labels that arrived before these predictions at them."""
    waiting = session.execute(
        select(LabelRow.prediction_id).where(
            LabelRow.model_id == model_id, LabelRow.prediction_ts.is_(None)
        )
    ).scalars()
    waiting_ids = set(waiting)
    if not waiting_ids:
        return 0
    matched = [pid for pid in batch.ids if pid in waiting_ids]
    return _resolve(session, model_id, matched)


def _resolve(session: Session, model_id: uuid.UUID, ids: Sequence[str]) -> int:
    """Copy each stored prediction's timestamp and position onto its label."""
    updates: list[dict[str, Any]] = []
    for part in _chunks(ids):
        query = select(
            PredictionKeyRow.prediction_id, PredictionKeyRow.ts, PredictionKeyRow.position
        ).where(PredictionKeyRow.model_id == model_id, PredictionKeyRow.prediction_id.in_(part))
        updates.extend(
            {"model_id": model_id, "prediction_id": pid, "prediction_ts": ts, "position": pos}
            for pid, ts, pos in session.execute(query)
        )
    if updates:
        session.execute(update(LabelRow), updates)
    return len(updates)


@dataclass(frozen=True, slots=True)
class StoredLabels:
    stored: int
    replaced: int  # labels sent again for an id: the latest one is kept
    joined: int  # labels whose prediction is stored
    unknown: int  # labels whose prediction is not (yet) stored: kept, joined when it arrives
    unknown_ids: list[str] = field(default_factory=list)


def append_labels(session: Session, model: MonitoredModel, labels: LabelColumns) -> StoredLabels:
    """Store or replace labels by prediction id and join those whose prediction is known."""
    session.execute(
        select(MonitoredModelRow.id).where(MonitoredModelRow.id == model.id).with_for_update()
    )
    existing = _known(session, LabelRow.prediction_id, model.id, labels.ids)
    now = datetime.now(UTC)
    rows = [
        {
            "model_id": model.id,
            "prediction_id": pid,
            "label": name,
            "value": value,
            "labelled_at": at,
            "received_at": now,
            "prediction_ts": None,
            "position": None,
        }
        for pid, name, value, at in zip(
            labels.ids,
            labels.names,
            labels.values.tolist(),
            labels.labelled_at.tolist(),
            strict=True,
        )
    ]
    new = [row for row in rows if row["prediction_id"] not in existing]
    again = [row for row in rows if row["prediction_id"] in existing]
    if new:
        session.execute(insert(LabelRow), new)
    if again:
        session.execute(update(LabelRow), again)
    joined = _resolve(session, model.id, labels.ids)
    known = _known(session, PredictionKeyRow.prediction_id, model.id, labels.ids)
    unknown = [pid for pid in labels.ids if pid not in known]
    return StoredLabels(len(new), len(again), joined, len(unknown), unknown[:REPORTED_IDS])


# --- reading ---------------------------------------------------------------------------------


def _driver_rows(session: Session, sql: str, model_id: uuid.UUID, *params: int) -> list[Any]:
    """Rows straight from the DB-API cursor: a million label rows as tuples, without the
    per-row Row objects and type processing that would double the window's load time."""
    connection = session.connection()
    dialect = connection.dialect.name
    key: object = model_id.hex if dialect == "sqlite" else model_id
    if dialect != "sqlite":
        sql = sql.replace("?", "%s")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, (key, *params))
        return list(cursor.fetchall())
    finally:
        cursor.close()


@dataclass
class _Pieces:
    """The window's rows of each selected batch, column by column."""

    lengths: list[int] = field(default_factory=list)
    positions: list[NDArray[np.int64]] = field(default_factory=list)
    batches: list[dict[str, codec.StoredColumn]] = field(default_factory=list)

    def parts(self, name: str) -> list[Any]:
        """The column's part in each batch (None where a batch lacks the column)."""
        return [batch.get(name) for batch in self.batches]

    @property
    def total(self) -> int:
        return sum(self.lengths)


def _select(column: codec.StoredColumn, keep: NDArray[np.bool_]) -> codec.StoredColumn:
    if isinstance(column, Categorical):
        return Categorical(column.codes[keep], column.categories)
    if isinstance(column, list):
        return [value for value, kept in zip(column, keep.tolist(), strict=True) if kept]
    return column[keep]


def _read_batches(session: Session, model_id: uuid.UUID, start: int, end: int) -> _Pieces:
    query = (
        select(PredictionBatchRow.seq, PredictionBatchRow.payload)
        .where(
            PredictionBatchRow.model_id == model_id,
            PredictionBatchRow.min_ts < end,
            PredictionBatchRow.max_ts >= start,
        )
        .order_by(PredictionBatchRow.seq)
    )
    pieces = _Pieces()
    for seq, payload in session.execute(query):
        columns = codec.decode(payload).columns
        ts = columns["ts"]
        assert isinstance(ts, np.ndarray)
        keep = (ts >= start) & (ts < end)
        rows = np.flatnonzero(keep).astype(np.int64)
        if not rows.size:
            continue
        if rows.size < ts.size:
            columns = {name: _select(column, keep) for name, column in columns.items()}
        pieces.positions.append((int(seq) << ROW_BITS) + rows)
        pieces.batches.append(columns)
        pieces.lengths.append(int(rows.size))
    return pieces


def _numeric(parts: list[Any], lengths: list[int]) -> NDArray[np.float64]:
    filled = [
        np.full(n, np.nan) if p is None else np.asarray(p, dtype=np.float64)
        for p, n in zip(parts, lengths, strict=True)
    ]
    return np.concatenate(filled) if filled else np.empty(0)


def _categorical(parts: list[Any], lengths: list[int]) -> Categorical:
    filled = [
        Categorical(np.full(n, -1, dtype=np.int32), ()) if p is None else p
        for p, n in zip(parts, lengths, strict=True)
    ]
    return merge_categoricals(filled)


def _labels(
    session: Session, model: MonitoredModel, start: int, end: int, positions: NDArray[np.int64]
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.int64]]:
    """Window rows that have a label, the label values and when each was labelled."""
    rows = _driver_rows(
        session,
        "SELECT position, value, labelled_at FROM prediction_labels "
        "WHERE model_id = ? AND prediction_ts >= ? AND prediction_ts < ?",
        model.id,
        start,
        end,
    )
    if not rows:
        return np.empty(0, np.intp), np.empty(0), np.empty(0, np.int64)
    label_positions, values, labelled_at = (np.array(c) for c in zip(*rows, strict=True))
    order = np.argsort(positions, kind="stable")
    found = np.searchsorted(positions, label_positions, sorter=order)
    found = np.clip(found, 0, max(positions.size - 1, 0))
    index = order[found]
    hit = positions[index] == label_positions
    return (
        index[hit].astype(np.intp),
        values[hit].astype(np.float64),
        labelled_at[hit].astype(np.int64),
    )


def load_window(
    session: Session, model_id: uuid.UUID, start: datetime, end: datetime
) -> WindowData:
    """The model's predictions with ``start <= timestamp < end`` and the labels known now."""
    model = get_model(session, model_id)
    start_ns, end_ns = to_ns(start), to_ns(end)
    pieces = _read_batches(session, model_id, start_ns, end_ns)
    total, lengths = pieces.total, pieces.lengths
    ids = np.array([i for part in pieces.parts("id") for i in part], dtype=object)
    timestamps = np.concatenate([np.empty(0, np.int64), *pieces.parts("ts")]).astype(np.int64)
    features: dict[str, Any] = {}
    for name, kind in model.features.items():
        parts = pieces.parts(f"f:{name}")
        numeric = kind is FeatureKind.numeric
        features[name] = _numeric(parts, lengths) if numeric else _categorical(parts, lengths)
    sensitive = {name: _categorical(pieces.parts(f"s:{name}"), lengths) for name in model.sensitive}
    positions = np.concatenate(pieces.positions) if pieces.positions else np.empty(0, np.int64)
    rows, values, labelled_at = _labels(session, model, start_ns, end_ns, positions)
    labelled = np.zeros(total, dtype=np.bool_)
    labelled[rows] = True
    delays = np.full(total, np.nan)
    delays[rows] = (labelled_at - timestamps[rows]) / 1e9
    outputs, labels, scores = _outcomes(model, pieces, rows, values)
    return WindowData(
        model=model,
        start=start,
        end=end,
        prediction_ids=ids,
        timestamps=timestamps,
        features=features,
        sensitive=sensitive,
        outputs=outputs,
        scores=scores,
        labels=labels,
        labelled=labelled,
        label_delays_s=delays,
    )


def _outcomes(
    model: MonitoredModel,
    pieces: _Pieces,
    rows: NDArray[np.intp],
    values: NDArray[np.float64],
) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.float64] | None]:
    total, lengths = pieces.total, pieces.lengths
    output_parts = pieces.parts("output")
    if model.task is Task.regression:
        labels = np.full(total, np.nan)
        labels[rows] = values
        return _numeric(output_parts, lengths), labels, None
    names = np.array([*model.classes, None], dtype=object)
    codes = _categorical(output_parts, lengths)
    remap = np.array([model.classes.index(c) for c in codes.categories] + [-1], dtype=np.intp)
    outputs = names[remap[codes.codes]]
    labels = np.full(total, None, dtype=object)
    labels[rows] = names[values.astype(np.intp)]
    scores = None
    if model.task is Task.binary:
        scores = _numeric(pieces.parts("score"), lengths)
    return outputs, labels, scores
