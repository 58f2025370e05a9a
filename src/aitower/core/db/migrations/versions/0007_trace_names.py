"""Trace names: the distinct root-span names, and traces indexed by name, for "name contains"

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

Self-contained: types are spelled out, models not imported. Existing traces' names are copied in.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telemetry_trace_names",
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_telemetry_trace_names")),
    )
    op.create_index(
        "ix_telemetry_traces_root_name_start",
        "telemetry_traces",
        ["root_name", "start_time"],
        unique=False,
    )
    op.execute(
        "INSERT INTO telemetry_trace_names (name) SELECT DISTINCT root_name"
        " FROM telemetry_traces WHERE root_name IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_telemetry_traces_root_name_start", table_name="telemetry_traces")
    op.drop_table("telemetry_trace_names")
