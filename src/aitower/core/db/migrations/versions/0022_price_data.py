"""loaded LLM price data (genai-prices format)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07

Self-contained: types are spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "cost_price_data",
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("bundled", sa.Boolean(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("provider_count", sa.Integer(), nullable=False),
        sa.Column("model_count", sa.Integer(), nullable=False),
        sa.Column("package_version", sa.String(length=40), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", UTC_TIME, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_price_data")),
    )
    op.create_index("ix_cost_price_data_loaded_at", "cost_price_data", ["loaded_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cost_price_data_loaded_at", table_name="cost_price_data")
    op.drop_table("cost_price_data")
