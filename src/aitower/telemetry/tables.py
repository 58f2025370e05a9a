"""Storage of spans, traces, rollups and telemetry sources.

Spans are keyed by their OpenTelemetry ids, so a re-sent span is stored once. A trace row sums
its spans at ingest and rollups sum them per time bucket, so the dashboards and the trace
explorer never scan raw spans. Spans carry no foreign key to their system: telemetry arrives
before, and is purged independently of, the inventory it points at.

``system_key`` in rollups is the system's id, or ``service:<service.name>`` for telemetry that
no system claims yet (an unregistered source).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from aitower.core.db.base import Base, JSONDocument


class SpanRow(Base):
    __tablename__ = "telemetry_spans"
    __table_args__ = (
        Index("ix_telemetry_spans_start_time", "start_time"),
        Index("ix_telemetry_spans_system_start", "system_id", "start_time"),
    )

    trace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    span_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    parent_span_id: Mapped[str | None] = mapped_column(String(16))
    system_id: Mapped[uuid.UUID | None] = mapped_column()
    service_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[int] = mapped_column(SmallInteger)
    span_type: Mapped[str] = mapped_column(String(16))
    start_time: Mapped[datetime] = mapped_column()
    duration_ms: Mapped[float] = mapped_column(Float)
    status_code: Mapped[int] = mapped_column(SmallInteger)
    status_message: Mapped[str] = mapped_column(Text, default="")
    provider: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(200))
    input_tokens: Mapped[int | None] = mapped_column(Integer)
    output_tokens: Mapped[int | None] = mapped_column(Integer)
    cache_read_tokens: Mapped[int | None] = mapped_column(Integer)
    cache_write_tokens: Mapped[int | None] = mapped_column(Integer)
    reasoning_tokens: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[float | None] = mapped_column(Float)
    # "span" (carried by the span), "override", "catalog" or "unpriced"; None: not an LLM call.
    cost_source: Mapped[str | None] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(String(200))
    session_id: Mapped[str | None] = mapped_column(String(200))
    # {"input": [...], "output": [...]} when the system stores content, else None.
    content: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    events: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)


class TraceRow(Base):
    __tablename__ = "telemetry_traces"
    __table_args__ = (
        Index("ix_telemetry_traces_start_time", "start_time"),
        Index("ix_telemetry_traces_system_start", "system_id", "start_time"),
        # The explorer's most common question, "this system's failures", counted from the index.
        Index("ix_telemetry_traces_system_error_start", "system_id", "error", "start_time"),
        Index("ix_telemetry_traces_session", "session_id"),
        Index("ix_telemetry_traces_user", "user_id"),
        # "Name contains": the matching names come from ``telemetry_trace_names``, then their
        # traces from this index, newest first, instead of a scan of every trace's name.
        Index("ix_telemetry_traces_root_name_start", "root_name", "start_time"),
    )

    trace_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    system_id: Mapped[uuid.UUID | None] = mapped_column()
    service_name: Mapped[str] = mapped_column(String(200))
    root_name: Mapped[str | None] = mapped_column(String(500))
    start_time: Mapped[datetime] = mapped_column()
    end_time: Mapped[datetime] = mapped_column()
    duration_ms: Mapped[float] = mapped_column(Float)
    span_count: Mapped[int] = mapped_column(Integer)
    llm_calls: Mapped[int] = mapped_column(Integer)
    input_tokens: Mapped[int] = mapped_column(BigInteger)
    output_tokens: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[float] = mapped_column(Float)
    unpriced_calls: Mapped[int] = mapped_column(Integer)
    error: Mapped[bool] = mapped_column()
    model: Mapped[str | None] = mapped_column(String(200))
    user_id: Mapped[str | None] = mapped_column(String(200))
    session_id: Mapped[str | None] = mapped_column(String(200))


class TraceNameRow(Base):
    """Each distinct root-span name of the stored traces: an application has a few (its
    endpoints and workflows), so a "name contains" search reads these, not every trace."""

    __tablename__ = "telemetry_trace_names"

    name: Mapped[str] = mapped_column(String(500), primary_key=True)


class _RollupColumns:
    """Sums over one time bucket, one system (or unclaimed service) and one model.

    Every span adds to exactly one row: that of its start's bucket, its system and its model
    ("" for spans that are not LLM calls). Requests, errors and latency count root spans (one
    per trace); the LLM columns count LLM calls. ``latency_hist`` is a log-bucket histogram of
    root-span durations (``telemetry.histogram.stored``: a packed list when dense, else its
    filled buckets), mergeable by addition, for percentiles.
    """

    bucket_start: Mapped[datetime] = mapped_column(primary_key=True)
    system_key: Mapped[str] = mapped_column(String(240), primary_key=True)
    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    spans: Mapped[int] = mapped_column(BigInteger, default=0)
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[int] = mapped_column(BigInteger, default=0)
    latency_sum_ms: Mapped[float] = mapped_column(Float, default=0.0)
    latency_hist: Mapped[Any] = mapped_column(JSONDocument)
    llm_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    llm_errors: Mapped[int] = mapped_column(BigInteger, default=0)
    input_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    output_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cache_read_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cache_write_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    reasoning_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    unpriced_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    unpriced_tokens: Mapped[int] = mapped_column(BigInteger, default=0)


class MinuteRollupRow(_RollupColumns, Base):
    """One-minute buckets: alert windows and short ranges; purged after a few days."""

    __tablename__ = "telemetry_rollup_minute"


class HourRollupRow(_RollupColumns, Base):
    """One-hour buckets: dashboards over days and months; kept longer than raw spans."""

    __tablename__ = "telemetry_rollup_hour"


class SixHourRollupRow(_RollupColumns, Base):
    """Six-hour buckets (00, 06, 12, 18 UTC): ranges of weeks and months, whose charts are
    drawn in 6-hour steps anyway, read a sixth of the hour table's rows."""

    __tablename__ = "telemetry_rollup_6h"


class DayRollupRow(_RollupColumns, Base):
    """UTC-day buckets: what cost, value and advice read over months and a year (a day is
    their finest step), a quarter of the six-hour table's rows.

    Its partial index holds just what the cost readers sum (``spend.costs``): the cells with a
    cost, so a year of a large portfolio is read from the index, not the table's wide rows.
    """

    __tablename__ = "telemetry_rollup_day"
    __table_args__ = (
        Index(
            "ix_telemetry_rollup_day_cost",
            "bucket_start",
            "system_key",
            "model",
            "cost",
            sqlite_where=text("cost > 0"),
            postgresql_where=text("cost > 0"),
        ),
    )


class KeyRollupRow(Base):
    """Per day, per system: requests, tokens and cost of each user and each session."""

    __tablename__ = "telemetry_rollup_keys"
    __table_args__ = (
        # Each day's busiest keys (an index walk), then those keys' rows over a range; both
        # covering, so the dashboards' top lists never read the table (``top_keys``).
        Index("ix_telemetry_rollup_keys_rank", "key_kind", "day", "requests", "system_key", "key"),
        Index(
            "ix_telemetry_rollup_keys_key",
            *("key_kind", "key", "day", "system_key", "requests", "llm_calls", "tokens", "cost"),
        ),
    )

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    system_key: Mapped[str] = mapped_column(String(240), primary_key=True)
    key_kind: Mapped[str] = mapped_column(String(8), primary_key=True)  # "user" | "session"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    requests: Mapped[int] = mapped_column(BigInteger, default=0)
    llm_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    cost: Mapped[float] = mapped_column(Float, default=0.0)


class SourceRow(Base):
    """Every ``service.name`` that sent telemetry: volume, models, first and last seen."""

    __tablename__ = "telemetry_sources"

    service_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    first_seen: Mapped[datetime] = mapped_column()
    last_seen: Mapped[datetime] = mapped_column()
    spans: Mapped[int] = mapped_column(BigInteger, default=0)
    llm_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    models: Mapped[list[str]] = mapped_column(JSONDocument)
    # The unit of the latest key limited to one unit that sent its spans: where the register
    # form puts the system (no foreign key: a hint, migration 0027).
    sender_unit_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class ScoreRow(Base):
    """User feedback and evaluation results, linked to a trace (and span) and its system."""

    __tablename__ = "telemetry_scores"
    __table_args__ = (
        Index("ix_telemetry_scores_system_time", "system_id", "created_at"),
        Index("ix_telemetry_scores_trace", "trace_id"),
        # Covers the dashboards' score summary of a time range (an index-only scan).
        Index(
            "ix_telemetry_scores_time_cover",
            *("created_at", "system_id", "kind", "name", "label", "score"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))  # "feedback" | "evaluation"
    trace_id: Mapped[str] = mapped_column(String(32))
    span_id: Mapped[str | None] = mapped_column(String(16))
    system_id: Mapped[uuid.UUID | None] = mapped_column()
    name: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column()


class ScoreRollupRow(Base):
    """Scores per six-hour bucket (00, 06, 12, 18 UTC), system, kind, name and label: the
    dashboards' score summaries read these for a range's whole buckets and the raw scores only
    for its partial ends (``score_rollups``). ``system_key`` is "" while a score waits for its
    trace, ``label`` "" for a score without one."""

    __tablename__ = "telemetry_rollup_scores"

    bucket_start: Mapped[datetime] = mapped_column(primary_key=True)
    system_key: Mapped[str] = mapped_column(String(240), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    label: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    scored: Mapped[int] = mapped_column(BigInteger, default=0)  # scores with a value
    score_sum: Mapped[float] = mapped_column(Float, default=0.0)


class SystemTelemetrySettingsRow(Base):
    """Per system: whether message content is stored, how much of it, and raw-span retention."""

    __tablename__ = "telemetry_system_settings"

    system_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    store_content: Mapped[bool] = mapped_column(default=True)
    max_content_chars: Mapped[int] = mapped_column(Integer, default=4000)
    retention_days: Mapped[int] = mapped_column(Integer, default=30)
    rollup_retention_days: Mapped[int] = mapped_column(Integer, default=400)
    # Scanning at ingest (``content_scan``): whether detectors run on the stored texts, which
    # (None: every type of ``detectors.catalog``), and what redaction does per type before the
    # content is stored (a type not named: ``keep``, the finding is recorded, the text as sent).
    scan_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    scan_types: Mapped[list[str] | None] = mapped_column(JSONDocument, default=None)
    redaction: Mapped[dict[str, str] | None] = mapped_column(JSONDocument, default=None)


class AttributionRow(Base):
    """Where one ``service.name``'s stored telemetry is attributed, and its move when a claim
    changes (``reattribution``): one row per service that a system claims or once claimed.

    ``system_id`` is where the service's history lies once no move is running (None: under
    ``service:<name>``). A running move takes spans from ``source_id`` to ``target_id`` in
    keyset order (``cursor_*``), then sweeps once more (``sweep`` 1) for spans a request
    prepared before the claim changed wrote after the cursor passed them; a registration then
    merges the service's rollup rows into the system's (``sweep`` 2).
    """

    __tablename__ = "telemetry_attributions"

    service_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    system_id: Mapped[uuid.UUID | None] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="done")  # "done" | "running"
    source_id: Mapped[uuid.UUID | None] = mapped_column()
    target_id: Mapped[uuid.UUID | None] = mapped_column()
    sweep: Mapped[int] = mapped_column(SmallInteger, default=0)
    cursor_time: Mapped[datetime | None] = mapped_column()
    cursor_trace: Mapped[str | None] = mapped_column(String(32))
    cursor_span: Mapped[str | None] = mapped_column(String(16))
    spans_total: Mapped[int] = mapped_column(BigInteger, default=0)
    spans_moved: Mapped[int] = mapped_column(BigInteger, default=0)
    traces_moved: Mapped[int] = mapped_column(BigInteger, default=0)
    rollup_rows: Mapped[int] = mapped_column(BigInteger, default=0)  # merged whole (registering)
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column()
