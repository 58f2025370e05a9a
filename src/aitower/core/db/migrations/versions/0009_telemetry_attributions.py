"""Telemetry attributions: where each service's history lies and its move when a claim changes

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

Drafted by scripts/draft_migration.py; self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "telemetry_attributions",
        sa.Column("service_name", sa.String(length=200), nullable=False),
        sa.Column("system_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("target_id", sa.Uuid(), nullable=True),
        sa.Column("sweep", sa.SmallInteger(), nullable=False),
        sa.Column("cursor_time", UTC_TIME, nullable=True),
        sa.Column("cursor_trace", sa.String(length=32), nullable=True),
        sa.Column("cursor_span", sa.String(length=16), nullable=True),
        sa.Column("spans_total", sa.BigInteger(), nullable=False),
        sa.Column("spans_moved", sa.BigInteger(), nullable=False),
        sa.Column("traces_moved", sa.BigInteger(), nullable=False),
        sa.Column("rollup_rows", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=True),
        sa.Column("finished_at", UTC_TIME, nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("service_name", name=op.f("pk_telemetry_attributions")),
    )


def downgrade() -> None:
    op.drop_table("telemetry_attributions")
