"""Telemetry, cost and monitoring: spans, rollups, prices, alerts, incidents.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cost_price_overrides",
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("model_pattern", sa.String(length=200), nullable=False),
        sa.Column("input_price", sa.Float(), nullable=True),
        sa.Column("output_price", sa.Float(), nullable=True),
        sa.Column("cache_read_price", sa.Float(), nullable=True),
        sa.Column("cache_write_price", sa.Float(), nullable=True),
        sa.Column("reasoning_price", sa.Float(), nullable=True),
        sa.Column("discount_percent", sa.Float(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_price_overrides")),
    )
    op.create_index(
        "ix_cost_price_overrides_provider",
        "cost_price_overrides",
        ["provider", "model_pattern"],
        unique=False,
    )
    op.create_table(
        "notification_channels",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("config", JSON_DOC, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_channels")),
        sa.UniqueConstraint("name", name=op.f("uq_notification_channels_name")),
    )
    op.create_table(
        "telemetry_rollup_6h",
        sa.Column("bucket_start", UTC_TIME, nullable=False),
        sa.Column("system_key", sa.String(length=240), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("spans", sa.BigInteger(), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.Column("latency_sum_ms", sa.Float(), nullable=False),
        sa.Column("latency_hist", JSON_DOC, nullable=False),
        sa.Column("llm_calls", sa.BigInteger(), nullable=False),
        sa.Column("llm_errors", sa.BigInteger(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_read_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_write_tokens", sa.BigInteger(), nullable=False),
        sa.Column("reasoning_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("unpriced_calls", sa.BigInteger(), nullable=False),
        sa.Column("unpriced_tokens", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "bucket_start", "system_key", "model", name=op.f("pk_telemetry_rollup_6h")
        ),
    )
    op.create_table(
        "telemetry_rollup_hour",
        sa.Column("bucket_start", UTC_TIME, nullable=False),
        sa.Column("system_key", sa.String(length=240), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("spans", sa.BigInteger(), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.Column("latency_sum_ms", sa.Float(), nullable=False),
        sa.Column("latency_hist", JSON_DOC, nullable=False),
        sa.Column("llm_calls", sa.BigInteger(), nullable=False),
        sa.Column("llm_errors", sa.BigInteger(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_read_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_write_tokens", sa.BigInteger(), nullable=False),
        sa.Column("reasoning_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("unpriced_calls", sa.BigInteger(), nullable=False),
        sa.Column("unpriced_tokens", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "bucket_start", "system_key", "model", name=op.f("pk_telemetry_rollup_hour")
        ),
    )
    op.create_table(
        "telemetry_rollup_keys",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("system_key", sa.String(length=240), nullable=False),
        sa.Column("key_kind", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("llm_calls", sa.BigInteger(), nullable=False),
        sa.Column("tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "system_key", "key_kind", "key", name=op.f("pk_telemetry_rollup_keys")
        ),
    )
    op.create_index(
        "ix_telemetry_rollup_keys_key",
        "telemetry_rollup_keys",
        ["key_kind", "key", "day", "system_key", "requests", "llm_calls", "tokens", "cost"],
        unique=False,
    )
    op.create_index(
        "ix_telemetry_rollup_keys_rank",
        "telemetry_rollup_keys",
        ["key_kind", "day", "requests", "system_key", "key"],
        unique=False,
    )
    op.create_table(
        "telemetry_rollup_minute",
        sa.Column("bucket_start", UTC_TIME, nullable=False),
        sa.Column("system_key", sa.String(length=240), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("spans", sa.BigInteger(), nullable=False),
        sa.Column("requests", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.Column("latency_sum_ms", sa.Float(), nullable=False),
        sa.Column("latency_hist", JSON_DOC, nullable=False),
        sa.Column("llm_calls", sa.BigInteger(), nullable=False),
        sa.Column("llm_errors", sa.BigInteger(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_read_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cache_write_tokens", sa.BigInteger(), nullable=False),
        sa.Column("reasoning_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("unpriced_calls", sa.BigInteger(), nullable=False),
        sa.Column("unpriced_tokens", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "bucket_start", "system_key", "model", name=op.f("pk_telemetry_rollup_minute")
        ),
    )
    op.create_table(
        "telemetry_rollup_scores",
        sa.Column("bucket_start", UTC_TIME, nullable=False),
        sa.Column("system_key", sa.String(length=240), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("scored", sa.BigInteger(), nullable=False),
        sa.Column("score_sum", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "bucket_start",
            "system_key",
            "kind",
            "name",
            "label",
            name=op.f("pk_telemetry_rollup_scores"),
        ),
    )
    op.create_table(
        "telemetry_scores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=True),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("label", sa.String(length=100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telemetry_scores")),
    )
    op.create_index(
        "ix_telemetry_scores_system_time",
        "telemetry_scores",
        ["system_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_telemetry_scores_time_cover",
        "telemetry_scores",
        ["created_at", "system_id", "kind", "name", "label", "score"],
        unique=False,
    )
    op.create_index("ix_telemetry_scores_trace", "telemetry_scores", ["trace_id"], unique=False)
    op.create_table(
        "telemetry_sources",
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("first_seen", UTC_TIME, nullable=False),
        sa.Column("last_seen", UTC_TIME, nullable=False),
        sa.Column("spans", sa.BigInteger(), nullable=False),
        sa.Column("llm_calls", sa.BigInteger(), nullable=False),
        sa.Column("tokens", sa.BigInteger(), nullable=False),
        sa.Column("models", JSON_DOC, nullable=False),
        sa.PrimaryKeyConstraint("service_name", name=op.f("pk_telemetry_sources")),
    )
    op.create_table(
        "telemetry_spans",
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("parent_span_id", sa.String(length=16), nullable=True),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("span_type", sa.String(length=16), nullable=False),
        sa.Column("start_time", UTC_TIME, nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("status_message", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=True),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("input_tokens", sa.Integer(), nullable=True),
        sa.Column("output_tokens", sa.Integer(), nullable=True),
        sa.Column("cache_read_tokens", sa.Integer(), nullable=True),
        sa.Column("cache_write_tokens", sa.Integer(), nullable=True),
        sa.Column("reasoning_tokens", sa.Integer(), nullable=True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("cost_source", sa.String(length=16), nullable=True),
        sa.Column("user_id", sa.String(length=200), nullable=True),
        sa.Column("session_id", sa.String(length=200), nullable=True),
        sa.Column("content", JSON_DOC, nullable=True),
        sa.Column("attributes", JSON_DOC, nullable=False),
        sa.Column("events", JSON_DOC, nullable=True),
        sa.PrimaryKeyConstraint("trace_id", "span_id", name=op.f("pk_telemetry_spans")),
    )
    op.create_index(
        "ix_telemetry_spans_start_time", "telemetry_spans", ["start_time"], unique=False
    )
    op.create_index(
        "ix_telemetry_spans_system_start",
        "telemetry_spans",
        ["system_id", "start_time"],
        unique=False,
    )
    op.create_table(
        "telemetry_system_settings",
        sa.Column("system_id", sa.Uuid(), nullable=False),
        sa.Column("store_content", sa.Boolean(), nullable=False),
        sa.Column("max_content_chars", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("rollup_retention_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("system_id", name=op.f("pk_telemetry_system_settings")),
    )
    op.create_table(
        "telemetry_traces",
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("root_name", sa.String(length=500), nullable=True),
        sa.Column("start_time", UTC_TIME, nullable=False),
        sa.Column("end_time", UTC_TIME, nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("span_count", sa.Integer(), nullable=False),
        sa.Column("llm_calls", sa.Integer(), nullable=False),
        sa.Column("input_tokens", sa.BigInteger(), nullable=False),
        sa.Column("output_tokens", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("unpriced_calls", sa.Integer(), nullable=False),
        sa.Column("error", sa.Boolean(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("user_id", sa.String(length=200), nullable=True),
        sa.Column("session_id", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("trace_id", name=op.f("pk_telemetry_traces")),
    )
    op.create_index("ix_telemetry_traces_session", "telemetry_traces", ["session_id"], unique=False)
    op.create_index(
        "ix_telemetry_traces_start_time", "telemetry_traces", ["start_time"], unique=False
    )
    op.create_index(
        "ix_telemetry_traces_system_error_start",
        "telemetry_traces",
        ["system_id", "error", "start_time"],
        unique=False,
    )
    op.create_index(
        "ix_telemetry_traces_system_start",
        "telemetry_traces",
        ["system_id", "start_time"],
        unique=False,
    )
    op.create_index("ix_telemetry_traces_user", "telemetry_traces", ["user_id"], unique=False)
    op.create_table(
        "alert_rules",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("evaluation_name", sa.String(length=100), nullable=True),
        sa.Column("comparator", sa.String(length=2), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("window_minutes", sa.Integer(), nullable=False),
        sa.Column("min_samples", sa.Integer(), nullable=False),
        sa.Column("for_minutes", sa.Integer(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_alert_rules_system_id_ai_systems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
    )
    op.create_index(op.f("ix_alert_rules_system_id"), "alert_rules", ["system_id"], unique=False)
    op.create_table(
        "alert_rule_state",
        sa.Column("rule_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", UTC_TIME, nullable=True),
        sa.Column("last_value", sa.Float(), nullable=True),
        sa.Column("last_samples", sa.Integer(), nullable=False),
        sa.Column("last_evaluated_at", UTC_TIME, nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["alert_rules.id"],
            name=op.f("fk_alert_rule_state_rule_id_alert_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", name=op.f("pk_alert_rule_state")),
    )
    op.create_table(
        "incidents",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("rule_id", sa.Uuid(), nullable=True),
        sa.Column("opened_at", UTC_TIME, nullable=False),
        sa.Column("acknowledged_at", UTC_TIME, nullable=True),
        sa.Column("resolved_at", UTC_TIME, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_incidents_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["alert_rules.id"],
            name=op.f("fk_incidents_rule_id_alert_rules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["system_id"],
            ["ai_systems.id"],
            name=op.f("fk_incidents_system_id_ai_systems"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    op.create_index(op.f("ix_incidents_rule_id"), "incidents", ["rule_id"], unique=False)
    op.create_index(
        "ix_incidents_status_opened", "incidents", ["status", "opened_at"], unique=False
    )
    op.create_index(op.f("ix_incidents_system_id"), "incidents", ["system_id"], unique=False)
    op.create_table(
        "incident_events",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", JSON_DOC, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_events_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_events")),
    )
    op.create_index(
        "ix_incident_events_incident_at", "incident_events", ["incident_id", "at"], unique=False
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("channel_id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("payload", JSON_DOC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("response_code", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["notification_channels.id"],
            name=op.f("fk_notification_deliveries_channel_id_notification_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["incident_events.id"],
            name=op.f("fk_notification_deliveries_event_id_incident_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_notification_deliveries_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
    )
    op.create_index(
        op.f("ix_notification_deliveries_channel_id"),
        "notification_deliveries",
        ["channel_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notification_deliveries_incident_id"),
        "notification_deliveries",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        "ix_notification_deliveries_status_next",
        "notification_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_notification_deliveries_status_next", table_name="notification_deliveries")
    op.drop_index(
        op.f("ix_notification_deliveries_incident_id"), table_name="notification_deliveries"
    )
    op.drop_index(
        op.f("ix_notification_deliveries_channel_id"), table_name="notification_deliveries"
    )
    op.drop_table("notification_deliveries")
    op.drop_index("ix_incident_events_incident_at", table_name="incident_events")
    op.drop_table("incident_events")
    op.drop_index(op.f("ix_incidents_system_id"), table_name="incidents")
    op.drop_index("ix_incidents_status_opened", table_name="incidents")
    op.drop_index(op.f("ix_incidents_rule_id"), table_name="incidents")
    op.drop_table("incidents")
    op.drop_table("alert_rule_state")
    op.drop_index(op.f("ix_alert_rules_system_id"), table_name="alert_rules")
    op.drop_table("alert_rules")
    op.drop_index("ix_telemetry_traces_user", table_name="telemetry_traces")
    op.drop_index("ix_telemetry_traces_system_start", table_name="telemetry_traces")
    op.drop_index("ix_telemetry_traces_system_error_start", table_name="telemetry_traces")
    op.drop_index("ix_telemetry_traces_start_time", table_name="telemetry_traces")
    op.drop_index("ix_telemetry_traces_session", table_name="telemetry_traces")
    op.drop_table("telemetry_traces")
    op.drop_table("telemetry_system_settings")
    op.drop_index("ix_telemetry_spans_system_start", table_name="telemetry_spans")
    op.drop_index("ix_telemetry_spans_start_time", table_name="telemetry_spans")
    op.drop_table("telemetry_spans")
    op.drop_table("telemetry_sources")
    op.drop_index("ix_telemetry_scores_trace", table_name="telemetry_scores")
    op.drop_index("ix_telemetry_scores_time_cover", table_name="telemetry_scores")
    op.drop_index("ix_telemetry_scores_system_time", table_name="telemetry_scores")
    op.drop_table("telemetry_scores")
    op.drop_table("telemetry_rollup_scores")
    op.drop_table("telemetry_rollup_minute")
    op.drop_index("ix_telemetry_rollup_keys_rank", table_name="telemetry_rollup_keys")
    op.drop_index("ix_telemetry_rollup_keys_key", table_name="telemetry_rollup_keys")
    op.drop_table("telemetry_rollup_keys")
    op.drop_table("telemetry_rollup_hour")
    op.drop_table("telemetry_rollup_6h")
    op.drop_table("notification_channels")
    op.drop_index("ix_cost_price_overrides_provider", table_name="cost_price_overrides")
    op.drop_table("cost_price_overrides")
