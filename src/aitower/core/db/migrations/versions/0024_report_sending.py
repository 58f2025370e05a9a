"""report subscriptions: the e-mail channel, attempts, retry time and the last period sent

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07

Issue #17, item 8 (scheduled reports). Columns only, on a table of 0021; self-contained.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
TABLE = "portfolio_report_subscriptions"


def upgrade() -> None:
    op.add_column(TABLE, sa.Column("channel_id", sa.Uuid(), nullable=True))
    op.add_column(TABLE, sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    op.add_column(TABLE, sa.Column("retry_at", UTC_TIME, nullable=True))
    op.add_column(TABLE, sa.Column("last_period_start", sa.Date(), nullable=True))
    op.add_column(TABLE, sa.Column("last_period_end", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        for column in (
            "last_period_end",
            "last_period_start",
            "retry_at",
            "attempts",
            "channel_id",
        ):
            batch.drop_column(column)
