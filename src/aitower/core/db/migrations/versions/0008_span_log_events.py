"""GenAI events sent as OTLP log records, waiting for their span

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "telemetry_span_log_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("time_unix_nano", sa.BigInteger(), nullable=False),
        sa.Column("attributes", JSON_DOC, nullable=False),
        sa.Column("default_store_content", sa.Boolean(), nullable=False),
        sa.Column("default_max_chars", sa.Integer(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telemetry_span_log_events")),
    )
    op.create_index(
        "ix_telemetry_span_log_events_span",
        "telemetry_span_log_events",
        ["trace_id", "span_id"],
        unique=False,
    )
    op.create_index(
        "ix_telemetry_span_log_events_received_at",
        "telemetry_span_log_events",
        ["received_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_telemetry_span_log_events_received_at", table_name="telemetry_span_log_events"
    )
    op.drop_index("ix_telemetry_span_log_events_span", table_name="telemetry_span_log_events")
    op.drop_table("telemetry_span_log_events")
