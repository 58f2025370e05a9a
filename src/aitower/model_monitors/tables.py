"""Storage of references (profiled once), monitors (settings, schedule, lease) and results.

A result keeps its headline numbers as columns, so a history chart or an alert rule reads a
few floats per run, the per-feature drift scores in a small JSON column for trend charts, and
the full report (distributions, confusion matrices, groups) in ``detail``, read only when one
result is opened. ``system_id`` is copied from the model so alert rules (which watch a
system) find results without reaching into the prediction store's tables.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, HasId, HasTimestamps, JSONDocument, utcnow


class ModelReferenceRow(HasId, Base):
    __tablename__ = "model_references"
    __table_args__ = (Index("ix_model_references_model_created", "model_id", "created_at"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE")
    )
    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # window | upload
    window_start: Mapped[datetime | None] = mapped_column()
    window_end: Mapped[datetime | None] = mapped_column()
    rows: Mapped[int] = mapped_column(Integer)
    labelled_rows: Mapped[int] = mapped_column(Integer)
    # What a list shows (features, calibration, reference performance) without the profile.
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    profile: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class ModelMonitorRow(HasId, HasTimestamps, Base):
    __tablename__ = "model_monitors"
    __table_args__ = (Index("ix_model_monitors_due", "enabled", "next_run_at"),)

    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE"), index=True
    )
    system_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("ai_systems.id", ondelete="CASCADE"), index=True
    )
    reference_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_references.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    schedule: Mapped[str] = mapped_column(String(16))  # hourly | daily
    window_hours: Mapped[int] = mapped_column(Integer)
    drift_share: Mapped[float] = mapped_column(Float)
    # {feature: {"method": ..., "threshold": ...}}; absent features use the engine's defaults.
    drift_rules: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    performance_limits: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # {"attributes": [...]}: a document, so both dialects store a list the same way.
    sensitive: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    min_group_size: Mapped[int] = mapped_column(Integer)
    fairness_floor: Mapped[float] = mapped_column(Float)
    estimate: Mapped[bool] = mapped_column(Boolean)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run_at: Mapped[datetime] = mapped_column()
    last_run_at: Mapped[datetime | None] = mapped_column()
    last_status: Mapped[str | None] = mapped_column(String(16))
    # The replica running the monitor and until when; a crashed replica's lease just expires.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column()


class ModelMonitorResultRow(HasId, Base):
    __tablename__ = "model_monitor_results"
    __table_args__ = (
        Index("ix_model_monitor_results_monitor_run", "monitor_id", "run_at"),
        Index("ix_model_monitor_results_system_run", "system_id", "run_at"),
    )

    monitor_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("model_monitors.id", ondelete="CASCADE")
    )
    model_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("monitored_models.id", ondelete="CASCADE")
    )
    system_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    run_at: Mapped[datetime] = mapped_column()
    window_start: Mapped[datetime] = mapped_column()
    window_end: Mapped[datetime] = mapped_column()
    trigger: Mapped[str] = mapped_column(String(16))  # schedule | manual | backfill
    status: Mapped[str] = mapped_column(String(16))  # ok | alert | empty | error
    rows: Mapped[int] = mapped_column(Integer)
    labelled_rows: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    drift_share: Mapped[float | None] = mapped_column(Float)
    drifted_features: Mapped[int | None] = mapped_column(Integer)
    judged_features: Mapped[int | None] = mapped_column(Integer)
    accuracy: Mapped[float | None] = mapped_column(Float)
    precision: Mapped[float | None] = mapped_column(Float)
    recall: Mapped[float | None] = mapped_column(Float)
    f1: Mapped[float | None] = mapped_column(Float)
    roc_auc: Mapped[float | None] = mapped_column(Float)
    log_loss: Mapped[float | None] = mapped_column(Float)
    mae: Mapped[float | None] = mapped_column(Float)
    rmse: Mapped[float | None] = mapped_column(Float)
    mape: Mapped[float | None] = mapped_column(Float)
    r2: Mapped[float | None] = mapped_column(Float)
    estimated_rows: Mapped[int | None] = mapped_column(Integer)
    estimated_accuracy: Mapped[float | None] = mapped_column(Float)
    estimated_precision: Mapped[float | None] = mapped_column(Float)
    estimated_recall: Mapped[float | None] = mapped_column(Float)
    estimated_f1: Mapped[float | None] = mapped_column(Float)
    estimated_roc_auc: Mapped[float | None] = mapped_column(Float)
    fairness_rows: Mapped[int | None] = mapped_column(Integer)
    demographic_parity_ratio: Mapped[float | None] = mapped_column(Float)
    demographic_parity_difference: Mapped[float | None] = mapped_column(Float)
    equalized_odds_difference: Mapped[float | None] = mapped_column(Float)
    feature_scores: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # {"items": [{kind, metric, value, limit, estimated}]}: what crossed the monitor's limits.
    signals: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
