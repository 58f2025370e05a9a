"""Storage of monitored models, their logged predictions (columnar batches) and labels.

Predictions are stored twice, each copy shaped for one reader:

* ``prediction_batches``: one row per logged batch, its columns in one binary payload
  (``predictions.codec``). A monitor's window reads a few payloads and gets numpy arrays
  without a Python object per value: 1,000,000 rows × 20 columns load in a fraction of a
  second (``docs/benchmarks.md``), where a row per prediction would cost seconds.
* ``prediction_keys``: one narrow row per prediction id, for what only a key can answer:
  "was this id logged already?" (idempotent retries) and "where is the prediction this label
  belongs to?" (the label join).

Labels are likewise stored twice: ``prediction_labels``, a row per prediction id (the truth:
one label per id, the latest wins; unknown ids; coverage), and ``prediction_label_batches``, an
append-only log of *joined* labels as columns (the prediction's position and timestamp, the
value, when it was labelled), which a window reads with numpy instead of fetching a million
label rows (2.7 s at a million labels on SQLite, measured). A label arriving before its
prediction is kept in the table, unjoined, and enters the log when its prediction is logged.

Timestamps used for ranges are Unix nanoseconds (BigInteger): the payloads hold the same
integers, and comparing integers needs no timezone handling on either dialect.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, utcnow


class MonitoredModelRow(HasId, HasTimestamps, Base):
    __tablename__ = "monitored_models"
    __table_args__ = (UniqueConstraint("system_id", "name", "version"),)

    system_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    task: Mapped[str] = mapped_column(String(32))
    # Class names in a fixed order, the positive class first for binary classification.
    classes: Mapped[list[str]] = mapped_column(JSONDocument)
    # Feature name -> "numeric" | "categorical", fixed by the first log.
    features: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    sensitive: Mapped[list[str]] = mapped_column(JSONDocument)


class PredictionBatchRow(Base):
    __tablename__ = "prediction_batches"
    __table_args__ = (
        # A window selects the batches overlapping [start, end): min below end, max at or
        # after start.
        Index("ix_prediction_batches_model_min", "model_id", "min_ts"),
    )

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE"), primary_key=True
    )
    # 1, 2, 3... per model, under the model row's lock; a row's position is (seq << 32) | row.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    min_ts: Mapped[int] = mapped_column(BigInteger)  # Unix ns of the earliest prediction
    max_ts: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class LabelBatchRow(Base):
    __tablename__ = "prediction_label_batches"
    __table_args__ = (Index("ix_prediction_label_batches_model_min", "model_id", "min_ts"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The range of the labelled predictions' timestamps (Unix ns), as for prediction batches.
    min_ts: Mapped[int] = mapped_column(BigInteger)
    max_ts: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class PredictionKeyRow(Base):
    __tablename__ = "prediction_keys"
    __table_args__ = (Index("ix_prediction_keys_model_ts", "model_id", "ts"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE"), primary_key=True
    )
    prediction_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    ts: Mapped[int] = mapped_column(BigInteger)  # Unix ns
    position: Mapped[int] = mapped_column(BigInteger)  # (batch seq << 32) | row in the batch


class LabelRow(Base):
    __tablename__ = "prediction_labels"
    __table_args__ = (
        # The window's labels: resolved labels of a model by their prediction's timestamp.
        Index("ix_prediction_labels_model_ts", "model_id", "prediction_ts"),
    )

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE"), primary_key=True
    )
    prediction_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    # Classification: the class name, and its index in the model's classes in ``value``;
    # regression: None, and the true value in ``value``.
    label: Mapped[str | None] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    labelled_at: Mapped[int] = mapped_column(BigInteger)  # Unix ns, when the truth was known
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set once the prediction is known (the label may arrive first): where it is and when.
    prediction_ts: Mapped[int | None] = mapped_column(BigInteger)
    position: Mapped[int | None] = mapped_column(BigInteger)
