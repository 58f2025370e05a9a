"""the cost report's index on the six-hour rollups (cells with a cost only)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

Self-contained: the index is spelled out, models not imported.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_telemetry_rollup_6h_cost"
TABLE = "telemetry_rollup_6h"


def upgrade() -> None:
    op.create_index(
        INDEX,
        TABLE,
        ["bucket_start", "system_key", "model", "cost"],
        unique=False,
        sqlite_where=sa.text("cost > 0"),
        postgresql_where=sa.text("cost > 0"),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
