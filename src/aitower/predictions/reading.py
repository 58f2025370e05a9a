"""Reading a window of predictions, with their labels, back as columns; label coverage.

A window selects the prediction batches overlapping ``[start, end)`` from an index, decodes
their payloads (``predictions.codec``) and keeps the rows whose timestamp is inside. Labels
come from the columnar label log the same way, the latest entry per prediction winning, and
are placed by position (batch number and row), so the join is integer arithmetic in numpy, not
a string look-up or a database row per label.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from aitower.predictions import codec, driver
from aitower.predictions.batch import merge_categoricals
from aitower.predictions.store import ROW_BITS, get_model, positions_to_rows, to_ns
from aitower.predictions.tables import LabelBatchRow, PredictionBatchRow
from aitower.predictions.window import FeatureKind, MonitoredModel, Task, WindowData
from aitower.statistics.drift.columns import Categorical

PREDICTION_BATCHES = PredictionBatchRow.__tablename__
LABEL_BATCHES = LabelBatchRow.__tablename__


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


def _read(session: Session, table: str, model_id: uuid.UUID, start: int, end: int) -> _Pieces:
    # Straight from the driver: SQLAlchemy's binary result processing copied every payload.
    sql = f"SELECT seq, payload FROM {table} WHERE model_id = ? AND min_ts < ? AND max_ts >= ?"  # noqa: S608 (our table name)
    found = driver.select_rows(
        session, sql, (driver.model_key(session, model_id), end, start), binary=True
    )
    # Sorted here, not by ORDER BY: SQLite sorted the rows with their payloads in a temporary
    # B-tree, copying every megabyte once more (100 ms of a 100,000-row window).
    found.sort(key=lambda row: int(row[0]))
    pieces = _Pieces()
    for seq, payload in found:
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
    if not parts:
        return np.empty(0)
    filled = [np.full(n, np.nan) if p is None else p for p, n in zip(parts, lengths, strict=True)]
    return np.concatenate(filled).astype(np.float64, copy=False)


def _categorical(parts: list[Any], lengths: list[int]) -> Categorical:
    filled = [
        Categorical(np.full(n, -1, dtype=np.int32), ()) if p is None else p
        for p, n in zip(parts, lengths, strict=True)
    ]
    return merge_categoricals(filled)


@dataclass(frozen=True)
class _Labels:
    positions: NDArray[np.int64]
    ts: NDArray[np.int64]
    values: NDArray[np.float64]
    labelled_at: NDArray[np.int64]


def _integers(parts: list[Any]) -> NDArray[np.int64]:
    """Int64 columns joined as integers (nanosecond times do not survive a float64)."""
    return np.concatenate([np.empty(0, np.int64), *parts]).astype(np.int64, copy=False)


def _label_log(session: Session, model_id: uuid.UUID, start: int, end: int) -> _Labels:
    """Every joined label of predictions in the window, oldest entry first (a position can
    appear more than once when its label was replaced: the last entry is the latest)."""
    pieces = _read(session, LABEL_BATCHES, model_id, start, end)
    return _Labels(
        _integers(pieces.parts("position")),
        _integers(pieces.parts("ts")),
        _numeric(pieces.parts("value"), pieces.lengths),
        _integers(pieces.parts("labelled_at")),
    )


def _latest(rows: NDArray[np.intp], total: int) -> NDArray[np.intp]:
    """Indices into ``rows`` keeping the last entry of each row (the latest label)."""
    if not rows.size or np.bincount(rows, minlength=total).max() <= 1:
        return np.arange(rows.size, dtype=np.intp)
    _, first = np.unique(rows[::-1], return_index=True)
    return (rows.size - 1 - first).astype(np.intp)


def load_window(
    session: Session, model_id: uuid.UUID, start: datetime, end: datetime
) -> WindowData:
    """The model's predictions with ``start <= timestamp < end`` and the labels known now."""
    model = get_model(session, model_id)
    start_ns, end_ns = to_ns(start), to_ns(end)
    pieces = _read(session, PREDICTION_BATCHES, model_id, start_ns, end_ns)
    total, lengths = pieces.total, pieces.lengths
    ids = np.array([i for part in pieces.parts("id") for i in part], dtype=object)
    timestamps = _integers(pieces.parts("ts"))
    features: dict[str, Any] = {}
    for name, kind in model.features.items():
        parts = pieces.parts(f"f:{name}")
        numeric = kind is FeatureKind.numeric
        features[name] = _numeric(parts, lengths) if numeric else _categorical(parts, lengths)
    sensitive = {name: _categorical(pieces.parts(f"s:{name}"), lengths) for name in model.sensitive}
    positions = np.concatenate([np.empty(0, np.int64), *pieces.positions])
    log = _label_log(session, model_id, start_ns, end_ns)
    index, hit = positions_to_rows(positions, log.positions)
    entries = np.flatnonzero(hit)
    entries = entries[_latest(index[entries], total)]
    rows, values = index[entries], log.values[entries]
    labelled = np.zeros(total, dtype=np.bool_)
    labelled[rows] = True
    delays = np.full(total, np.nan)
    delays[rows] = (log.labelled_at[entries] - timestamps[rows]) / 1e9
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
        class_scores=_class_scores(model, pieces),
    )


def _class_scores(model: MonitoredModel, pieces: _Pieces) -> NDArray[np.float64] | None:
    """Per-class scores as one (rows, classes) matrix in ``model.classes`` order, NaN where a
    batch lacks a class's column; None unless the model is multiclass and some batch has one."""
    if model.task is not Task.multiclass or not model.classes:
        return None
    names = [f"score:{c}" for c in model.classes]
    if not any(name in batch for batch in pieces.batches for name in names):
        return None
    columns = [_numeric(pieces.parts(name), pieces.lengths) for name in names]
    return np.column_stack(columns) if pieces.total else np.empty((0, len(names)))


def _outcomes(
    model: MonitoredModel, pieces: _Pieces, rows: NDArray[np.intp], values: NDArray[np.float64]
) -> tuple[NDArray[Any], NDArray[Any], NDArray[np.float64] | None]:
    total, lengths = pieces.total, pieces.lengths
    if model.task is Task.regression:
        labels = np.full(total, np.nan)
        labels[rows] = values
        return _numeric(pieces.parts("output"), lengths), labels, None
    names = np.array([*model.classes, None], dtype=object)
    codes = _categorical(pieces.parts("output"), lengths)
    remap = np.array([model.classes.index(c) for c in codes.categories] + [-1], dtype=np.intp)
    outputs = names[remap[codes.codes]]
    labels = np.full(total, None, dtype=object)
    labels[rows] = names[values.astype(np.intp)]
    scores = _numeric(pieces.parts("score"), lengths) if model.task is Task.binary else None
    return outputs, labels, scores


# --- label coverage --------------------------------------------------------------------------

Bucket = Literal["hour", "day"]
BUCKET_NS = {"hour": 3_600 * 10**9, "day": 86_400 * 10**9}


@dataclass(frozen=True, slots=True)
class CoveragePoint:
    """One time bucket: its predictions, how many are labelled, and how late labels came."""

    start: datetime
    predictions: int
    labelled: int
    labelled_share: float | None
    median_delay_s: float | None
    p90_delay_s: float | None


def _prediction_times(session: Session, model_id: uuid.UUID, start: int, end: int) -> Any:
    return _integers(_read(session, PREDICTION_BATCHES, model_id, start, end).parts("ts"))


def label_coverage(
    session: Session, model_id: uuid.UUID, start: datetime, end: datetime, bucket: Bucket = "day"
) -> list[CoveragePoint]:
    """Per UTC bucket in ``[start, end)``: predictions, labelled count and share, and the median
    and 90th percentile of label delay (labelled_at - prediction timestamp, numpy's linear
    quantile) over the labelled ones. Empty buckets are listed with zeros."""
    get_model(session, model_id)
    step = BUCKET_NS[bucket]
    start_ns, end_ns = to_ns(start), to_ns(end)
    first = start_ns - start_ns % step
    count = max(0, -(-(end_ns - first) // step))
    times = _prediction_times(session, model_id, start_ns, end_ns)
    predicted = np.bincount((times - first) // step, minlength=count)
    log = _label_log(session, model_id, start_ns, end_ns)
    keep = np.zeros(0, np.intp)
    if log.positions.size:
        _, last = np.unique(log.positions[::-1], return_index=True)
        keep = (log.positions.size - 1 - last).astype(np.intp)
    which = (log.ts[keep] - first) // step
    delays = (log.labelled_at[keep] - log.ts[keep]) / 1e9
    labelled = np.bincount(which, minlength=count)
    order = np.argsort(which, kind="stable")
    by_bucket = delays[order]
    bounds = np.searchsorted(which[order], np.arange(count + 1))
    origin = start - timedelta(microseconds=(start_ns - first) // 1000)
    points = []
    for b in range(count):
        mine = by_bucket[bounds[b] : bounds[b + 1]]
        n, m = int(predicted[b]), int(labelled[b])
        points.append(
            CoveragePoint(
                start=origin + timedelta(microseconds=b * step // 1000),
                predictions=n,
                labelled=m,
                labelled_share=m / n if n else None,
                median_delay_s=float(np.median(mine)) if m else None,
                p90_delay_s=float(np.quantile(mine, 0.9)) if m else None,
            )
        )
    return points
