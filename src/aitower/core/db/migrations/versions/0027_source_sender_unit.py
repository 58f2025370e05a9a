"""The business unit of the key that sent an unregistered source's spans

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-08

Registering an unregistered telemetry source prefills the unit: when a key limited to one unit
sent its spans, that unit is where the system belongs. No foreign key: the column is a hint for
a form, and a unit removed later leaves the form to ask. Self-contained.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("telemetry_sources", sa.Column("sender_unit_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("telemetry_sources") as batch:
        batch.drop_column("sender_unit_id")
